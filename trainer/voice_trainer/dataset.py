"""The app's fine-tune JSONL read into training examples. Invariants: every line is checked, and the first
bad one stops the run with an error naming the file and line; an empty file is refused; the lines keep
their order (the export writes them oldest first, so a held-out tail is the latest replies)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class DatasetError(ValueError):
    """A fine-tune file the trainer cannot use; the message names the file (and line) and what is wrong."""


@dataclass(frozen=True)
class Turn:
    author: str
    text: str


@dataclass(frozen=True)
class Example:
    """One training pair: the turns before the reply (oldest first), the reply, and who wrote it."""

    display_name: str
    person_name: str
    system: str
    turns: tuple[Turn, ...]
    reply: str
    line: int
    # The app's own prompt parts for this persona (absent in exports made before they were added).
    transcript_header: str | None = None
    chat_system: str | None = None
    user_name: str | None = None


def _string(value: object) -> bool:
    return isinstance(value, str)


def _parse_line(record: object, where: str, line: int) -> Example:
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(record).__name__}")
    messages = record.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) and _string(m.get("role")) and _string(m.get("content")) for m in messages):
        raise DatasetError(f"{where}: \"messages\" must be a list of {{role, content}} objects")
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    if "turns" not in record or "persona" not in record or "reply" not in record:
        raise DatasetError(
            f"{where}: no \"persona\", \"turns\" and \"reply\" (a fine-tune export from an older version of the "
            "app, which lacks the speakers' names): export the fine-tune data again"
        )
    persona = record["persona"]
    if not isinstance(persona, dict) or not _string(persona.get("displayName")) or not _string(persona.get("personName")):
        raise DatasetError(f"{where}: \"persona\" must be {{\"displayName\": string, \"personName\": string}}")
    turns = record["turns"]
    if not isinstance(turns, list) or not all(isinstance(t, dict) and _string(t.get("author")) and _string(t.get("text")) for t in turns):
        raise DatasetError(f"{where}: \"turns\" must be a list of {{author, text}} objects")
    if not turns:
        raise DatasetError(f"{where}: \"turns\" is empty: a training pair needs the message it replies to")
    reply = record["reply"]
    if not _string(reply) or reply.strip() == "":
        raise DatasetError(f"{where}: \"reply\" must be non-empty text")
    if persona["displayName"].strip() == "":
        raise DatasetError(f"{where}: the persona's displayName is empty")
    prompt = record.get("prompt")
    if prompt is not None and (
        not isinstance(prompt, dict)
        or not _string(prompt.get("transcriptHeader"))
        or not _string(prompt.get("chatSystem"))
        or not (prompt.get("userName") is None or _string(prompt.get("userName")))
    ):
        raise DatasetError(f"{where}: \"prompt\" must be {{transcriptHeader, chatSystem, userName}}")
    return Example(
        display_name=persona["displayName"],
        person_name=persona["personName"],
        system=system,
        turns=tuple(Turn(t["author"], t["text"]) for t in turns),
        reply=reply,
        line=line,
        transcript_header=None if prompt is None else prompt["transcriptHeader"],
        chat_system=None if prompt is None else prompt["chatSystem"],
        user_name=None if prompt is None else prompt["userName"],
    )


def read_finetune_jsonl(path: str | Path) -> list[Example]:
    """All examples of the file, or a DatasetError naming the file and the first bad line."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(f"{name}: is a folder, not a fine-tune .jsonl file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{name}: not UTF-8 text (byte {error.start}); is this the fine-tune .jsonl export?") from None
    examples: list[Example] = []
    # Lines end at "\n" only: str.splitlines() would also split inside JSON strings at U+2028, U+0085...
    # which JSON.stringify writes unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip() == "":
            continue
        where = f"{name}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
        examples.append(_parse_line(record, where, number))
    if not examples:
        raise DatasetError(f"{name}: no training pairs (the file is empty); export the fine-tune data of a persona with replies")
    return examples
