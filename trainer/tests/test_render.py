"""The trainer trains on the text the app sends: each pair of the app's export, rendered by the trainer,
equals the transcript prompt the app's own builder (src/lib/persona/transcript-prompt.ts) makes for the
same conversation, and the answer equals the app's transcriptContinuation plus the newline ending the turn."""

import json

from conftest import run_node
from voice_trainer.dataset import read_finetune_jsonl
from voice_trainer.render import render_transcript


def test_every_pair_renders_as_the_app_prompts_it(app_export):
    path, app = app_export
    examples = read_finetune_jsonl(path)
    for example, expected in zip(examples, app):
        rendered = render_transcript(example)
        assert rendered.prompt == expected["prompt"]
        assert rendered.answer == expected["continuation"] + "\n"
    # Multi-turn, with names and the burst as one line per bubble:
    assert app[1]["prompt"].endswith("…\nLeo: Com'era la cena?\nAna: tipo bellissimo!!\nAna: la cena top\nLeo: Com'era il treno?\nAna:")


def test_a_group_chat_with_odd_whitespace_renders_as_the_app_prompts_it(tmp_path):
    """Three speakers, a user message of several lines, spaces the app trims (including ones Python's
    str.strip would keep or drop differently), a persona whose chat name differs from its display name."""
    ts = "2024-05-01T09:00:00"
    case = {
        "displayName": "Bea (work)", "personName": "Beatrice", "userName": "Carla", "profile": None,
        "pairs": [
            {"id": "a", "context": [{"author": "Carla", "text": "  ciao\n\n tutto ok?\u00a0", "ts": ts}, {"author": "Dario", "text": "io ci sono\u2028davvero", "ts": ts}],
             "reply": "sì \n  arrivo\n\n", "replyBubbles": 2, "contextTs": ts, "replyTs": ts, "contextMessageIds": [], "replyMessageIds": [], "heldOut": False},
            {"id": "b", "context": [{"author": "Dario", "text": "\ufeffdove?", "ts": "2024-05-01T09:02:00"}],
             "reply": "qui", "replyBubbles": 1, "contextTs": "2024-05-01T09:02:00", "replyTs": "2024-05-01T09:03:00", "contextMessageIds": [], "replyMessageIds": [], "heldOut": False},
        ],
    }
    result = run_node("render-pair.ts", stdin=json.dumps(case))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    path = tmp_path / "group.jsonl"
    path.write_text(out["jsonl"], encoding="utf-8")
    examples = read_finetune_jsonl(path)
    assert len(examples) == 2
    for example, expected in zip(examples, out["app"]):
        rendered = render_transcript(example)
        assert rendered.prompt == expected["prompt"]
        assert rendered.answer == expected["continuation"] + "\n"
    assert "\nBea (work): sì\nBea (work): arrivo\nDario: dove?\nBea (work):" in out["app"][1]["prompt"]
