"""`python -m voice_trainer <finetune.jsonl> --base <model.gguf> --out <adapter.gguf>` (what `npm run train`
runs): trains a LoRA adapter on a persona's fine-tune export. Exit codes: 0 done, 1 the data, the base or a
checkpoint cannot be used (one sentence on stderr naming the file), 2 bad usage."""

from __future__ import annotations

import argparse
import sys

from .dataset import DatasetError
from .gguf_files import GgufError
from .render import RenderError
from .train import TrainConfig, TrainError, train


def parse(argv: list[str]) -> TrainConfig:
    p = argparse.ArgumentParser(
        prog="npm run train --",
        description="Train a LoRA adapter (llama.cpp GGUF) on a persona's fine-tune JSONL, for a base model given as a GGUF file.",
    )
    p.add_argument("data", help="the fine-tune .jsonl the app exports (training pairs only)")
    p.add_argument("--base", required=True, help="the base model: a .gguf file, or owner/repo:file.gguf from the hub (online)")
    p.add_argument("--out", required=True, help="where to write the adapter .gguf")
    p.add_argument("--eval", dest="eval_data", help="held-out pairs to measure on (default: the latest 10%% of the data, not trained on)")
    p.add_argument("--eval-share", type=float, default=0.1, help="share of the data held out when --eval is not given (default 0.1)")
    p.add_argument("--rank", type=int, default=16, help="LoRA rank r (default 16)")
    p.add_argument("--alpha", type=float, default=32.0, help="LoRA alpha (default 32)")
    p.add_argument("--dropout", type=float, default=0.05)
    p.add_argument("--lr", dest="learning_rate", type=float, default=3e-4, help="learning rate (default 3e-4)")
    p.add_argument("--lr-schedule", choices=("linear", "constant"), default="linear",
                   help="after the warmup: linear (falls to near zero by the last step, default) or constant")
    p.add_argument("--batch", dest="batch_size", type=int, default=8, help="pairs per step (default 8)")
    p.add_argument("--epochs", type=float, default=1.0, help="passes over the training pairs (default 1)")
    p.add_argument("--steps", dest="max_steps", type=int, help="stop after this many steps instead")
    p.add_argument("--max-pairs", type=int, help="train on at most this many pairs (the oldest)")
    p.add_argument("--max-eval-pairs", type=int, help="measure on at most this many held-out pairs (the oldest)")
    p.add_argument("--max-tokens", type=int, default=256, help="longest prompt+reply in tokens; older turns are dropped to fit (default 256)")
    p.add_argument("--seed", type=int, default=1, help="seed of the data order, dropout and initialisation (default 1)")
    p.add_argument("--format", dest="prompt_format", choices=("auto", "transcript", "chat"), default="auto",
                   help="how pairs are rendered: the app's transcript (base models) or the GGUF's chat template; auto picks by whether the GGUF has a template")
    p.add_argument("--checkpoint-dir", help="where to keep checkpoints (default <out>.checkpoint)")
    p.add_argument("--checkpoint-every", type=int, default=20, help="steps between checkpoints (default 20)")
    p.add_argument("--no-resume", dest="resume", action="store_false", help="ignore a checkpoint left by an interrupted run")
    p.add_argument("--device", default="auto", help="auto (GPU when there is one), cpu, cuda")
    p.add_argument("--threads", type=int, help="CPU threads (default: torch's choice)")
    a = p.parse_args(argv)
    if a.rank < 1 or a.batch_size < 1 or a.max_tokens < 8 or not 0 <= a.eval_share < 1:
        p.error("--rank and --batch must be >= 1, --max-tokens >= 8, --eval-share in [0, 1)")
    return TrainConfig(**vars(a))


def main(argv: list[str] | None = None) -> int:
    config = parse(sys.argv[1:] if argv is None else argv)
    try:
        train(config)
    except (DatasetError, GgufError, RenderError, TrainError) as error:
        sys.stderr.write(f"train: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("train: interrupted; run the same command again to resume from the last checkpoint\n")
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
