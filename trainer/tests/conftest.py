"""Shared fixtures of the trainer's tests: the repository's node tools, a tiny random base GGUF from the
project's own generator, a synthetic persona exported by the app's own export code, and one adapter
trained on it (a few steps, CPU), built once per session."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from voice_trainer.tiny_base import write_tiny_base
from voice_trainer.train import TrainConfig, train

REPO = Path(__file__).resolve().parents[2]
TSX = REPO / "node_modules" / ".bin" / "tsx"
NODE_HELPERS = Path(__file__).resolve().parent / "node"


def run_node(script: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs a helper of tests/node with tsx from the repository root; stdout is its JSON."""
    return subprocess.run([str(TSX), str(NODE_HELPERS / script), *args], cwd=REPO, input=stdin, capture_output=True, text=True, timeout=300)


def synthetic_persona() -> dict:
    """A two-person chat whose persona (Ana) answers in a voice of her own: lowercase, doubled '!!',
    'tipo' and a second short bubble; Leo asks about everyday things. Pairs are minutes apart, so each
    carries the previous exchange as context."""
    topics = ["la cena", "il treno", "il film", "la partita", "il lavoro", "la spesa", "il mare", "la festa"]
    pairs = []
    for i in range(48):
        topic = topics[i % len(topics)]
        ts = f"2024-03-01T{10 + i // 30}:{i % 30 * 2:02d}:00"
        pairs.append({
            "id": f"p{i}",
            "context": [{"author": "Leo", "text": f"Com'era {topic}?", "ts": ts}],
            "reply": f"tipo bellissimo!!\n{topic} top",
            "replyBubbles": 2,
            "contextTs": ts,
            "replyTs": ts,
            "contextMessageIds": [f"c{i}"],
            "replyMessageIds": [f"r{i}"],
            "heldOut": False,
        })
    return {"displayName": "Ana", "personName": "Ana", "userName": "Leo", "profile": None, "pairs": pairs}


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trainer")


@pytest.fixture(scope="session")
def tiny_base(work: Path) -> Path:
    return write_tiny_base(work / "tiny-gemma3.gguf", seed=0)


@pytest.fixture(scope="session")
def app_export(work: Path) -> tuple[Path, list[dict]]:
    """The synthetic persona's fine-tune JSONL as the app writes it, and the app's prompts for each pair."""
    result = run_node("render-pair.ts", stdin=json.dumps(synthetic_persona()))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    path = work / "ana.finetune.jsonl"
    path.write_text(out["jsonl"], encoding="utf-8")
    return path, out["app"]


def tiny_config(data: Path, base: Path, out: Path, **over) -> TrainConfig:
    """A few quick steps with a high learning rate: enough to move a random model's greedy output."""
    settings = dict(data=str(data), base=str(base), out=str(out), max_steps=6, batch_size=4, learning_rate=1e-2, seed=7, max_tokens=128, threads=1)
    settings.update(over)
    return TrainConfig(**settings)


@pytest.fixture(scope="session")
def trained(work: Path, tiny_base: Path, app_export: tuple[Path, list[dict]]):
    data, _ = app_export
    out = work / "ana-adapter.gguf"
    result = train(tiny_config(data, tiny_base, out))
    return out, result
