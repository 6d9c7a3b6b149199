"""A few training steps on the tiny random base (CPU): the adapter is a llama.cpp LoRA GGUF that native
llama.cpp (node-llama-cpp) loads; it changes greedy output, the same way on every run and the same way
as the trained weights do in torch; training repeats exactly with the same seed and resumes from a
checkpoint; adapters for another model and bad inputs are refused with a clear error."""

from __future__ import annotations

import json
import subprocess
import sys

import gguf
import numpy as np
import pytest

from conftest import REPO, run_node, tiny_config
from voice_trainer.dataset import DatasetError, read_finetune_jsonl
from voice_trainer.gguf_files import GgufError, check_adapter, gguf_module_name, read_info, write_adapter
from voice_trainer.render import render_transcript
from voice_trainer.tiny_base import write_tiny_base
from voice_trainer.train import train


def held_out_prompt(app_export) -> str:
    """A prompt of the persona's chat that the app would send (the last pair of the export)."""
    path, _ = app_export
    return render_transcript(read_finetune_jsonl(path)[-1]).prompt


def greedy(base, prompt: str, adapter=None, tokens: int = 12) -> dict:
    args = ["--base", str(base), "--prompt", prompt, "--tokens", str(tokens)]
    if adapter is not None:
        args += ["--adapter", str(adapter)]
    result = run_node("llama.ts", *args)
    return json.loads(result.stdout) if result.stdout else {"error": result.stderr}


def test_the_adapter_is_a_llama_cpp_lora_gguf_for_its_base(trained, tiny_base):
    adapter, result = trained
    reader = gguf.GGUFReader(adapter)
    assert reader.get_field("general.type").contents() == "adapter"
    assert reader.get_field("adapter.type").contents() == "lora"
    assert reader.get_field("adapter.lora.alpha").contents() == pytest.approx(32.0)
    assert reader.get_field("general.architecture").contents() == "gemma3"
    shapes = {t.name: tuple(reversed(t.shape.tolist())) for t in reader.tensors}
    # 2 blocks x 7 projections, each an A (r x in) and a B (out x r) with r = 16.
    assert len(shapes) == 28
    assert shapes["blk.0.attn_q.weight.lora_a"] == (16, 64)
    assert shapes["blk.0.attn_q.weight.lora_b"] == (512, 16)
    assert shapes["blk.1.ffn_down.weight.lora_a"] == (16, 128)
    assert shapes["blk.1.ffn_down.weight.lora_b"] == (64, 16)
    check_adapter(adapter, tiny_base)  # fits its base
    assert result.eval_loss_after < result.eval_loss_before


def test_llama_cpp_loads_it_and_greedy_output_changes_the_same_way_every_run(trained, tiny_base, app_export):
    adapter, _ = trained
    prompt = held_out_prompt(app_export)
    without = greedy(tiny_base, prompt)
    first = greedy(tiny_base, prompt, adapter)
    second = greedy(tiny_base, prompt, adapter)
    assert "error" not in without and "error" not in first, (without, first)
    assert first["text"] != without["text"]
    assert first == second


def test_llama_cpp_with_the_adapter_writes_what_the_trained_torch_model_writes(trained, tiny_base, app_export):
    """The adapter file carries the trained weights under the right names, in the right layout and scale:
    the base in torch with A and B read back from the file merged in (W += alpha/r * B A) decodes the
    same greedy tokens as llama.cpp with the adapter."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter, _ = trained
    prompt = held_out_prompt(app_export)
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_base.parent), gguf_file=tiny_base.name)
    model = AutoModelForCausalLM.from_pretrained(str(tiny_base.parent), gguf_file=tiny_base.name, dtype=torch.float32)
    info = read_info(tiny_base)
    lora = {t.name: np.array(t.data) for t in gguf.GGUFReader(adapter).tensors}
    merged = 0
    with torch.no_grad():
        for name, module in model.named_modules():
            if not name.endswith(("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")):
                continue
            key = gguf_module_name(info.architecture, info.blocks, name)
            a, b = lora[f"{key}.lora_a"], lora[f"{key}.lora_b"]
            module.weight += torch.from_numpy((b @ a) * (32.0 / 16))
            merged += 1
    assert merged == 14
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    out = model.generate(ids, max_new_tokens=8, do_sample=False)
    torch_text = tokenizer.decode(out[0][ids.shape[1] :], skip_special_tokens=True)
    llama_text = greedy(tiny_base, prompt, adapter, tokens=8)["text"]
    assert llama_text == torch_text


def test_the_same_seed_and_data_give_the_same_adapter(trained, work, tiny_base, app_export):
    adapter, _ = trained
    again = work / "again.gguf"
    train(tiny_config(app_export[0], tiny_base, again))
    assert again.read_bytes() == adapter.read_bytes()
    other = work / "other-seed.gguf"
    train(tiny_config(app_export[0], tiny_base, other, seed=8))
    assert other.read_bytes() != adapter.read_bytes()


def test_an_interrupted_run_resumes_from_its_checkpoint_to_the_same_adapter(trained, work, tiny_base, app_export):
    """Killed after its first checkpoint, the same command picks up there and ends with the adapter an
    uninterrupted run writes."""
    adapter, _ = trained
    out = work / "resumed.gguf"
    command = [sys.executable, "-m", "voice_trainer", str(app_export[0]), "--base", str(tiny_base), "--out", str(out),
               "--steps", "6", "--batch", "4", "--lr", "1e-2", "--seed", "7", "--max-tokens", "128", "--threads", "1", "--checkpoint-every", "2"]
    env = {"PYTHONPATH": str(REPO / "trainer"), "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    for line in process.stderr:
        if "step 3/6" in line:  # the checkpoint of step 2 is on disk
            process.kill()
            break
    process.wait()
    assert not out.exists()
    assert (work / "resumed.gguf.checkpoint" / "state.pt").exists()
    resumed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming from the checkpoint at step 2/6" in resumed.stderr
    assert out.read_bytes() == adapter.read_bytes()
    assert not (work / "resumed.gguf.checkpoint").exists()


def test_progress_and_held_out_loss_are_printed(trained):
    _, result = trained
    assert result.steps == 6 and len(result.log) == 6
    assert result.eval_pairs == 5 and result.train_pairs == 43


def test_an_adapter_for_another_model_is_refused(trained, work, tiny_base, app_export):
    adapter, _ = trained
    wider = write_tiny_base(work / "tiny-wider.gguf", seed=1, hidden=96)
    with pytest.raises(GgufError, match=r"takes 64 inputs, blk\.0\.\w+\.weight of .*tiny-wider.gguf has 96"):
        check_adapter(adapter, wider)
    deeper = write_tiny_base(work / "tiny-deeper.gguf", seed=1, blocks=1)
    with pytest.raises(GgufError, match=r"adapts blk\.1\.\w+\.weight, which .*tiny-deeper.gguf does not have"):
        check_adapter(adapter, deeper)
    # Another architecture: the same tensors declared for llama.
    reader = gguf.GGUFReader(adapter)
    tensors = {}
    for t in reader.tensors:
        base = t.name.removesuffix(".lora_a").removesuffix(".lora_b")
        a, b = tensors.get(base, (None, None))
        tensors[base] = (np.array(t.data), b) if t.name.endswith(".lora_a") else (a, np.array(t.data))
    llama_adapter = write_adapter(work / "for-llama.gguf", "llama", 32.0, tensors)
    with pytest.raises(GgufError, match=r"an adapter for llama, but .* is a gemma3 model"):
        check_adapter(llama_adapter, tiny_base)
    with pytest.raises(GgufError, match=r"not a LoRA adapter"):
        check_adapter(tiny_base, tiny_base)
    # llama.cpp refuses them too, with an error rather than a crash or silent garbage.
    prompt = held_out_prompt(app_export)
    assert "error" in greedy(wider, prompt, adapter)
    assert "error" in greedy(tiny_base, prompt, llama_adapter)


def test_refuses_an_unsupported_architecture_and_bad_input(work, tiny_base, app_export, tmp_path):
    odd = tmp_path / "gpt2.gguf"
    writer = gguf.GGUFWriter(str(odd), "gpt2")
    writer.add_block_count(1)
    writer.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(GgufError, match=r"gpt2.gguf: architecture \"gpt2\" is not supported by the trainer \(supported: gemma3, llama, qwen2, qwen3\)"):
        train(tiny_config(app_export[0], odd, tmp_path / "x.gguf"))
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    with pytest.raises(GgufError, match=r"notes.gguf: not a GGUF file"):
        train(tiny_config(app_export[0], text, tmp_path / "x.gguf"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(app_export[0].read_text(encoding="utf-8").splitlines()[0] + "\n{oops\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad.jsonl, line 2: not valid JSON"):
        train(tiny_config(bad, tiny_base, tmp_path / "x.gguf"))
    assert not (tmp_path / "x.gguf").exists()


def test_the_command_line_says_what_is_wrong(tmp_path, tiny_base):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = subprocess.run([sys.executable, "-m", "voice_trainer", str(empty), "--base", str(tiny_base), "--out", str(tmp_path / "a.gguf")],
                            capture_output=True, text=True, env={"PYTHONPATH": str(REPO / "trainer"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert result.stderr.strip() == f"train: {empty}: no training pairs (the file is empty); export the fine-tune data of a persona with replies"
