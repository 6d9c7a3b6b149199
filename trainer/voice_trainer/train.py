"""Training a LoRA adapter on a persona's replies: the base model loaded straight from its GGUF (so the adapter
fits the weights it will run on), each pair rendered as the app prompts that base, the loss on the answer
tokens only, the vocabulary projection applied only where an answer token is predicted. Invariants: the same
seed, data and settings give the same adapter; a checkpoint is resumed only by a run with the same data and
settings; the adapter file appears only complete (written to a temporary name, then renamed)."""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from .dataset import Example, read_finetune_jsonl
from .gguf_files import GgufError, GgufInfo, gguf_module_name, llama_permute, read_info, require_supported, write_adapter
from .render import Rendered, render_chat, render_transcript

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class TrainConfig:
    data: str
    base: str
    out: str
    eval_data: str | None = None
    eval_share: float = 0.1
    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.05
    learning_rate: float = 3e-4
    # "linear": after the warmup the rate falls step by step to near zero at the last step (the last steps
    # settle instead of moving the adapter as much as the first); "constant": it stays at learning_rate.
    lr_schedule: str = "linear"
    batch_size: int = 8
    epochs: float = 1.0
    max_steps: int | None = None
    max_pairs: int | None = None
    max_eval_pairs: int | None = None
    max_tokens: int = 256
    seed: int = 1
    prompt_format: str = "auto"  # auto | transcript | chat
    checkpoint_dir: str | None = None
    checkpoint_every: int = 20
    resume: bool = True
    device: str = "auto"
    threads: int | None = None


@dataclass
class TrainResult:
    adapter: str
    prompt_format: str
    train_pairs: int
    eval_pairs: int
    steps: int
    seconds: float
    # Training steps only (no loading, no held-out passes): wall and this process's CPU seconds.
    train_seconds: float
    train_cpu_seconds: float
    eval_loss_before: float | None
    eval_loss_after: float | None
    truncated: int = 0
    log: list[dict] = field(default_factory=list)


class TrainError(ValueError):
    """A run that cannot go on (bad settings, a checkpoint of another run); the message says what to do."""


def _say(stream: TextIO, text: str) -> None:
    stream.write(text + "\n")
    stream.flush()


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def resolve_base(spec: str) -> Path:
    """A GGUF path, or (online) 'owner/repo:file.gguf' fetched from the Hugging Face hub."""
    path = Path(spec)
    if path.exists() or spec.endswith(".gguf") and ":" not in spec:
        return path
    if ":" not in spec or "/" not in spec.split(":", 1)[0]:
        raise TrainError(f"--base {spec}: give a .gguf file, or a hub id as owner/repo:file.gguf")
    repo, filename = spec.split(":", 1)
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(repo, filename))


@dataclass
class Encoded:
    ids: list[int]
    answer_from: int  # index of the first answer token in ids


def encode(tokenizer, example: Example, render: Callable[[Example, int], Rendered], max_tokens: int) -> tuple[Encoded, bool]:
    """Prompt tokens (with BOS, as the runtime tokenizes a prompt) then the answer's own tokens. Oldest turns
    are dropped until it fits; if the last turn alone is too long, the prompt is cut from its start (after
    BOS) and the example reported as truncated."""
    for start in range(len(example.turns)):
        rendered = render(example, start)
        # A chat template may write BOS itself; then a second one must not be added.
        own_bos = tokenizer.bos_token is not None and rendered.prompt.startswith(tokenizer.bos_token)
        prompt = tokenizer(rendered.prompt, add_special_tokens=not own_bos)["input_ids"]
        answer = tokenizer(rendered.answer, add_special_tokens=False)["input_ids"]
        if len(prompt) + len(answer) <= max_tokens:
            return Encoded(prompt + answer, len(prompt)), False
    answer = answer[: max(1, max_tokens // 2)]
    keep = max_tokens - len(answer)
    head = prompt[:1] if prompt and prompt[0] == tokenizer.bos_token_id else []
    prompt = head + prompt[len(prompt) - (keep - len(head)) :]
    return Encoded(prompt + answer, len(prompt)), True


def _fingerprint(config: TrainConfig, base: GgufInfo, data: bytes) -> str:
    settings = {k: v for k, v in asdict(config).items() if k not in ("out", "checkpoint_dir", "checkpoint_every", "resume", "device", "threads", "base", "data", "eval_data")}
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    digest.update(data)
    digest.update(f"{base.architecture}:{base.path.stat().st_size}:{sorted(base.shapes.items())}".encode())
    return digest.hexdigest()[:16]


def lr_factor(step: int, total_steps: int, warmup: int, schedule: str) -> float:
    """The learning rate's share at `step` (0-based): a linear warmup to 1, then 1 (constant) or a linear fall
    that reaches 1/(steps after the warmup) at the last step, never 0 while training."""
    if step + 1 < warmup:
        return (step + 1) / warmup
    if schedule == "constant":
        return 1.0
    return (total_steps - step) / max(1, total_steps - warmup + 1)


def train(config: TrainConfig, log: TextIO = sys.stderr) -> TrainResult:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if config.lr_schedule not in ("linear", "constant"):
        raise TrainError(f"lr_schedule {config.lr_schedule!r}: give linear or constant")
    started = time.monotonic()
    base_path = resolve_base(config.base)
    info = read_info(base_path)
    require_supported(info)
    examples = read_finetune_jsonl(config.data)
    eval_examples = read_finetune_jsonl(config.eval_data) if config.eval_data else []
    if config.max_pairs is not None:
        examples = examples[-config.max_pairs :] if config.eval_data else examples[: config.max_pairs]
    if not eval_examples and config.eval_share > 0 and len(examples) >= 10:
        # The export is oldest first: the latest replies are the held-out ones, as in the app.
        cut = len(examples) - max(1, round(len(examples) * config.eval_share))
        examples, eval_examples = examples[:cut], examples[cut:]
    if config.max_eval_pairs is not None:
        eval_examples = eval_examples[: config.max_eval_pairs]

    prompt_format = config.prompt_format
    if prompt_format == "auto":
        prompt_format = "chat" if info.chat_template is not None else "transcript"
    if prompt_format == "chat" and info.chat_template is None:
        raise TrainError(f"{base_path}: --format chat, but the GGUF has no chat template")

    if config.threads:
        torch.set_num_threads(config.threads)
    device = torch.device("cuda" if config.device == "auto" and torch.cuda.is_available() else ("cpu" if config.device == "auto" else config.device))
    torch.manual_seed(config.seed)
    random.seed(config.seed)

    _say(log, f"train: loading {base_path.name} ({info.architecture}, {info.blocks} layers) on {device.type}")
    tokenizer = AutoTokenizer.from_pretrained(str(base_path.parent), gguf_file=base_path.name)
    model = AutoModelForCausalLM.from_pretrained(str(base_path.parent), gguf_file=base_path.name, dtype=torch.float32)
    model.to(device)

    if prompt_format == "chat":
        def apply_template(messages: list[dict[str, str]], open_turn: bool) -> str:
            return tokenizer.apply_chat_template(messages, chat_template=info.chat_template, tokenize=False, add_generation_prompt=open_turn)

        render: Callable[[Example, int], Rendered] = lambda e, start: render_chat(e, apply_template, start)
    else:
        render = render_transcript

    truncated = 0
    encoded_train: list[Encoded] = []
    for e in examples:
        enc, cut = encode(tokenizer, e, render, config.max_tokens)
        encoded_train.append(enc)
        truncated += cut
    encoded_eval = [encode(tokenizer, e, render, config.max_tokens)[0] for e in eval_examples]
    _say(log, f"train: {len(encoded_train)} training pairs, {len(encoded_eval)} held out, prompt format {prompt_format}"
         + (f", {truncated} cut to {config.max_tokens} tokens" if truncated else ""))

    lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=config.dropout, target_modules=list(TARGET_MODULES), bias="none", task_type="CAUSAL_LM")
    peft_model = get_peft_model(model, lora)
    causal = peft_model.base_model.model
    decoder = causal.get_decoder()
    lm_head = causal.get_output_embeddings()
    softcap = getattr(causal.config, "final_logit_softcapping", None)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def batch_loss(batch: list[Encoded]) -> tuple["torch.Tensor", int]:
        """Summed NLL of the answer tokens, and their count; lm_head only at the positions predicting them."""
        width = max(len(b.ids) for b in batch)
        ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        rows, cols, targets = [], [], []
        for i, b in enumerate(batch):
            ids[i, : len(b.ids)] = torch.tensor(b.ids)
            mask[i, : len(b.ids)] = 1
            for pos in range(b.answer_from, len(b.ids)):
                rows.append(i)
                cols.append(pos - 1)
                targets.append(b.ids[pos])
        hidden = decoder(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state
        picked = hidden[torch.tensor(rows, device=device), torch.tensor(cols, device=device)]
        logits = lm_head(picked).float()
        if softcap:
            logits = torch.tanh(logits / softcap) * softcap
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor(targets, device=device), reduction="sum")
        return loss, len(targets)

    def eval_loss() -> float | None:
        if not encoded_eval:
            return None
        peft_model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for k in range(0, len(encoded_eval), config.batch_size):
                loss, n = batch_loss(encoded_eval[k : k + config.batch_size])
                total += float(loss)
                count += n
        peft_model.train()
        return total / max(1, count)

    steps_per_epoch = math.ceil(len(encoded_train) / config.batch_size)
    total_steps = config.max_steps if config.max_steps is not None else max(1, math.ceil(steps_per_epoch * config.epochs))
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=0.0)
    warmup = max(1, min(10, total_steps // 10))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, total_steps, warmup, config.lr_schedule))

    # The order of the training pairs: a fresh seeded shuffle per epoch, fixed before any step.
    order_rng = random.Random(config.seed)
    order: list[int] = []
    while len(order) < total_steps * config.batch_size:
        epoch = list(range(len(encoded_train)))
        order_rng.shuffle(epoch)
        order += epoch

    data_bytes = Path(config.data).read_bytes() + (Path(config.eval_data).read_bytes() if config.eval_data else b"")
    fingerprint = _fingerprint(config, info, data_bytes)
    checkpoint_dir = Path(config.checkpoint_dir or f"{config.out}.checkpoint")
    checkpoint_file = checkpoint_dir / "state.pt"
    step = 0
    before = None
    if checkpoint_file.exists():
        state = torch.load(checkpoint_file, map_location=device, weights_only=False)
        if state.get("fingerprint") != fingerprint:
            raise TrainError(
                f"{checkpoint_dir}: a checkpoint of a run with other data or settings; delete that folder, "
                "or give the same data and settings to resume it"
            )
        if config.resume:
            peft_model.load_state_dict(state["lora"], strict=False)
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            torch.set_rng_state(state["torch_rng"])
            step, before = state["step"], state["eval_before"]
            _say(log, f"train: resuming from the checkpoint at step {step}/{total_steps}")

    if step == 0:
        before = eval_loss()
    if before is not None:
        _say(log, f"train: held-out loss before: {before:.4f} nats/token (perplexity {math.exp(before):.1f}) on {len(encoded_eval)} pairs")

    def save_checkpoint() -> None:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
        lora_state = {k: v for k, v in peft_model.state_dict().items() if "lora_" in k}
        tmp = checkpoint_dir / "state.pt.tmp"
        torch.save({"fingerprint": fingerprint, "step": step, "lora": lora_state, "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "torch_rng": torch.get_rng_state(), "eval_before": before}, tmp)
        tmp.replace(checkpoint_file)

    peft_model.train()
    loop_started = time.monotonic()
    loop_cpu = time.process_time()
    first_step = step
    history: list[dict] = []
    while step < total_steps:
        batch = [encoded_train[i] for i in order[step * config.batch_size : (step + 1) * config.batch_size]]
        loss_sum, count = batch_loss(batch)
        loss = loss_sum / max(1, count)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        elapsed = time.monotonic() - loop_started
        per_step = elapsed / (step - first_step)
        history.append({"step": step, "loss": loss.item()})
        _say(log, f"train: step {step}/{total_steps}  loss {history[-1]['loss']:.4f}  {per_step:.1f} s/step  ETA {_duration(per_step * (total_steps - step))}")
        if step % config.checkpoint_every == 0 and step < total_steps:
            save_checkpoint()

    train_seconds, train_cpu = time.monotonic() - loop_started, time.process_time() - loop_cpu
    if step > first_step:
        _say(log, f"train: {step - first_step} steps in {_duration(train_seconds)} ({train_seconds / (step - first_step):.1f} s/step, "
             f"CPU {train_cpu / (step - first_step):.1f} s/step)")
    after = eval_loss()
    if after is not None and before is not None:
        _say(log, f"train: held-out loss after: {after:.4f} nats/token (perplexity {math.exp(after):.1f}); before {before:.4f}")

    tensors = adapter_tensors(peft_model, info)
    write_adapter(config.out, info.architecture, config.alpha, tensors)
    if checkpoint_dir.exists():
        shutil.rmtree(checkpoint_dir)
    seconds = time.monotonic() - started
    _say(log, f"train: wrote {config.out} ({len(tensors)} adapted matrices) in {_duration(seconds)}")
    return TrainResult(adapter=str(config.out), prompt_format=prompt_format, train_pairs=len(encoded_train), eval_pairs=len(encoded_eval),
                       steps=step, seconds=seconds, train_seconds=train_seconds, train_cpu_seconds=train_cpu, eval_loss_before=before, eval_loss_after=after, truncated=truncated, log=history)


def adapter_tensors(peft_model, info: GgufInfo) -> dict[str, tuple]:
    """The trained A and B of every adapted module, under the base GGUF's tensor names, in its row order."""
    config = peft_model.base_model.model.config
    tensors = {}
    for name, module in peft_model.base_model.model.named_modules():
        if not hasattr(module, "lora_A") or "default" not in module.lora_A:
            continue
        a = module.lora_A["default"].weight.detach().cpu().float().numpy()
        b = module.lora_B["default"].weight.detach().cpu().float().numpy()
        gguf_name = gguf_module_name(info.architecture, info.blocks, name)
        if info.architecture == "llama" and name.endswith(("q_proj", "k_proj")):
            heads = config.num_attention_heads if name.endswith("q_proj") else config.num_key_value_heads
            b = llama_permute(b, heads)
        if gguf_name not in info.shapes:
            raise GgufError(f"{info.path}: has no tensor {gguf_name} for the adapted module {name}")
        tensors[gguf_name] = (a, b)
    return tensors
