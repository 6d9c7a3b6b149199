"""With the real Gemma 3 270M base that `npm run models:real` puts in .models/gguf/ (marked real_weights: run by
`npm run test:real`, left out of the default run): an adapter trained on one fixture persona's training split
lowers the NLL of that persona's held-out replies, which it never saw. A short run (a few hundred pairs); the
numbers are printed for the report."""

from __future__ import annotations

import subprocess

import pytest

from conftest import REPO
from voice_trainer.gguf_files import check_adapter
from voice_trainer.train import TrainConfig, train

BASE = REPO / ".models" / "gguf" / "gemma-3-270m-q4_k_m.gguf"
FIXTURE = REPO / "tests" / "fixtures" / "exports" / "whatsapp" / "it" / "nmoya__22_OW_MT_2012_large.txt"

pytestmark = pytest.mark.real_weights


@pytest.fixture(autouse=True)
def real_base() -> None:
    """Fails (never skips) when the real base is missing: a test that was asked for must run."""
    if not BASE.exists():
        pytest.fail(f"no real base model at {BASE.relative_to(REPO)}: run npm run models:real first")


def export(*flags: str) -> str:
    """The persona's fine-tune JSONL from the app's own CLI (the same code as the app's export)."""
    result = subprocess.run([str(REPO / "node_modules" / ".bin" / "tsx"), "src/cli/ingest.ts", str(FIXTURE), "--finetune", "--person", "ROOT", *flags],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_adapter_lowers_the_held_out_nll_of_its_persona(tmp_path):
    training, held_out = tmp_path / "root.finetune.jsonl", tmp_path / "root.held-out.jsonl"
    training.write_text(export(), encoding="utf-8")
    held_out.write_text(export("--held-out"), encoding="utf-8")
    out = tmp_path / "root.gguf"
    result = train(TrainConfig(data=str(training), eval_data=str(held_out), base=str(BASE), out=str(out),
                               max_pairs=160, max_eval_pairs=48, max_tokens=256, seed=1, threads=2))
    print(f"real base: {result.train_pairs} pairs, {result.steps} steps, {result.train_seconds:.0f} s training "
          f"({result.train_cpu_seconds:.0f} CPU s); held-out NLL {result.eval_loss_before:.3f} -> {result.eval_loss_after:.3f} nats/token")
    check_adapter(out, BASE)
    assert result.eval_loss_after < result.eval_loss_before - 0.05
