"""The fine-tune JSONL reader: the app's export reads back whole; empty, malformed and old-format files are
refused with an error naming the file and the line."""

import json
from pathlib import Path

import pytest

from voice_trainer.dataset import DatasetError, read_finetune_jsonl


def test_reads_the_apps_export(app_export):
    path, app = app_export
    examples = read_finetune_jsonl(path)
    assert len(examples) == len(app) == 48
    first, second = examples[0], examples[1]
    assert (first.display_name, first.person_name, first.user_name) == ("Ana", "Ana", "Leo")
    assert [t.author for t in second.turns] == ["Leo", "Ana", "Leo"]  # the previous exchange, then the context
    assert second.reply == "tipo bellissimo!!\nil treno top"
    assert first.transcript_header.startswith("A text-message chat between Ana and Leo.")


def good_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize(
    "lines, expected",
    [
        (lambda good: [good, good, "{not json"], r"line 3: not valid JSON"),
        (lambda good: [good, "[1, 2]"], r"line 2: expected a JSON object"),
        (lambda good: [json.dumps({"messages": json.loads(good)["messages"]})], r"line 1: no \"persona\", \"turns\" and \"reply\".*export the fine-tune data again"),
        (lambda good: [json.dumps({**json.loads(good), "reply": "  "})], r"line 1: \"reply\" must be non-empty"),
        (lambda good: [json.dumps({**json.loads(good), "turns": [{"author": "Leo"}]})], r"line 1: \"turns\" must be a list of \{author, text\}"),
        (lambda good: [good, "", json.dumps({**json.loads(good), "turns": []})], r"line 3: \"turns\" is empty"),
    ],
)
def test_refuses_a_malformed_line_naming_file_and_line(tmp_path, app_export, lines, expected):
    path = tmp_path / "bad.finetune.jsonl"
    path.write_text("\n".join(lines(good_line(app_export[0]))) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=expected) as error:
        read_finetune_jsonl(path)
    assert str(path) in str(error.value)


def test_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"empty.jsonl: no training pairs"):
        read_finetune_jsonl(path)


def test_refuses_a_binary_file(tmp_path):
    path = tmp_path / "chat.zip"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(DatasetError, match=r"chat.zip: not UTF-8 text"):
        read_finetune_jsonl(path)
