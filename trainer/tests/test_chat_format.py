"""Instruct bases (a GGUF with a chat template) are trained on the chat the app sends them: its chat system
message, the turns as user/assistant messages, rendered by the GGUF's own template; the answer is the
reply and the template's end of turn."""

from voice_trainer.dataset import read_finetune_jsonl
from voice_trainer.render import chat_messages, render_chat
from voice_trainer.tiny_base import write_tiny_base
from voice_trainer.train import train

from conftest import tiny_config

# A Gemma-style template: BOS written by the template, the system message folded into the first user turn.
GEMMA_STYLE = (
    "{{ bos_token }}{% set ns = namespace(sys='') %}{% for m in messages %}{% if m['role'] == 'system' %}{% set ns.sys = m['content'] %}"
    "{% else %}{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else 'user') + '\n' }}"
    "{% if m['role'] == 'user' and ns.sys and loop.index == 2 %}{{ ns.sys + '\n\n' }}{% endif %}"
    "{{ m['content'] | trim }}<end_of_turn>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)


def test_turns_become_the_chat_the_app_sends(app_export):
    second = read_finetune_jsonl(app_export[0])[1]
    assert chat_messages(second) == [
        {"role": "system", "content": second.chat_system},
        {"role": "user", "content": "Com'era la cena?"},
        {"role": "assistant", "content": "tipo bellissimo!!\nla cena top"},
        {"role": "user", "content": "Com'era il treno?"},
    ]
    assert second.chat_system.startswith("You are a simulation of Ana")


def test_a_base_with_a_chat_template_is_trained_through_it(work, app_export):
    from jinja2 import Template

    base = write_tiny_base(work / "tiny-chat.gguf", seed=3, chat_template=GEMMA_STYLE)
    example = read_finetune_jsonl(app_export[0])[0]
    rendered = render_chat(example, lambda messages, open_turn: Template(GEMMA_STYLE).render(messages=messages, bos_token="<bos>", add_generation_prompt=open_turn))
    assert rendered.prompt == f"<bos><start_of_turn>user\n{example.chat_system}\n\nCom'era la cena?<end_of_turn>\n<start_of_turn>model\n"
    assert rendered.answer == "tipo bellissimo!!\nla cena top<end_of_turn>\n"
    result = train(tiny_config(app_export[0], base, work / "tiny-chat-adapter.gguf", max_steps=1, max_tokens=512))
    assert result.prompt_format == "chat"
