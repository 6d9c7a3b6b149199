"""Each training pair as the text the app sends a model, and the text the model should answer with.
Base models (no chat template) get the app's transcript (src/lib/persona/transcript-prompt.ts): the
header the export carries, an excerpt break, one "Name: text" line per message, and "<Persona>:"; the
answer is the reply as that file's transcriptContinuation writes it, then the newline that ends the turn.
Instruct models get the GGUF's chat template over the app's chat system message and the turns.
Invariant: the base-model rendering is the app's, character for character (a test compares the two)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .dataset import Example

EXCERPT_BREAK = "\u2026"
DEFAULT_USER = "Friend"
# JavaScript's \s and String.prototype.trim() whitespace, which differs from Python's str.isspace().
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACE_RUN_AROUND_NEWLINE = re.compile(f"[{_JS_SPACE}]*\n[{_JS_SPACE}]*")
_JS_TRIM = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+$")


class RenderError(ValueError):
    """A pair that cannot be rendered for this base (e.g. an export without the app's prompt parts)."""


def _trim(text: str) -> str:
    return _JS_TRIM.sub("", text)


def _line(speaker: str, text: str) -> str:
    return f"{speaker}: {_trim(_JS_SPACE_RUN_AROUND_NEWLINE.sub(' ', text))}"


def _reply_lines(reply: str, persona: str) -> list[str]:
    return [_line(persona, b) for b in (_trim(b) for b in reply.split("\n")) if b != ""]


def _message_lines(author: str, text: str) -> list[str]:
    return [_line(author, t) for t in text.split("\n") if _trim(t) != ""]


def transcript_continuation(reply: str, persona: str) -> str:
    lines = _reply_lines(reply, persona)
    return "".join(l[len(persona) + 1 :] if i == 0 else f"\n{l}" for i, l in enumerate(lines))


@dataclass(frozen=True)
class Rendered:
    """`prompt` is what the app sends; `answer` what the model should write after it (the trained tokens)."""

    prompt: str
    answer: str


def render_transcript(example: Example, turns_from: int = 0) -> Rendered:
    """The app's transcript prompt for this pair, from `turns[turns_from:]` (dropping oldest turns to fit)."""
    if example.transcript_header is None:
        raise RenderError(
            f"line {example.line}: no \"prompt\" parts (the export predates them): export the fine-tune data again"
        )
    name = example.display_name
    lines: list[str] = []
    for turn in example.turns[turns_from:]:
        if turn.author == example.person_name:
            lines += _reply_lines(turn.text, name)
        else:
            lines += _message_lines(turn.author, turn.text)
    conversation = "\n".join([EXCERPT_BREAK, *lines, f"{name}:"])
    return Rendered(prompt=example.transcript_header + conversation, answer=transcript_continuation(example.reply, name) + "\n")


def chat_messages(example: Example, turns_from: int = 0) -> list[dict[str, str]]:
    """The chat the app sends an instruct model: its system message, then the turns as user/assistant."""
    if example.chat_system is None:
        raise RenderError(
            f"line {example.line}: no \"prompt\" parts (the export predates them): export the fine-tune data again"
        )
    messages = [{"role": "system", "content": example.chat_system}]
    for turn in example.turns[turns_from:]:
        role = "assistant" if turn.author == example.person_name else "user"
        if messages[-1]["role"] == role and role == "user":
            messages[-1]["content"] += "\n" + turn.text
        else:
            messages.append({"role": role, "content": turn.text})
    return messages


def render_chat(example: Example, apply_template: Callable[[list[dict[str, str]], bool], str], turns_from: int = 0) -> Rendered:
    """Through the GGUF's chat template: the prompt ends with the assistant's opening; the answer is the
    reply and the template's end of turn (the difference between the rendering with and without it)."""
    messages = chat_messages(example, turns_from)
    prompt = apply_template(messages, True)
    full = apply_template([*messages, {"role": "assistant", "content": example.reply}], False)
    if not full.startswith(prompt):
        # Templates that render the last assistant turn differently (e.g. thinking blocks): keep the
        # template's full text and train on everything after the last user turn's rendering.
        raise RenderError(f"line {example.line}: the chat template does not extend the prompt with the reply")
    return Rendered(prompt=prompt, answer=full[len(prompt) :])
