"""A tiny random base model as a GGUF file, for tests: deterministic (seeded), small enough to train on
a CPU in seconds, and loadable by both transformers (from the GGUF) and llama.cpp. Its vocabulary is
sentencepiece-style single characters plus byte fallback, so any text tokenizes the same way in both.

Usage: python -m voice_trainer.tiny_base <out.gguf> [--seed N] [--hidden N] [--blocks N]
"""

from __future__ import annotations

import argparse
import string
from pathlib import Path

import gguf
import numpy as np

ARCH = "gemma3"
# Gemma 3 scales queries by 1/sqrt(head_dim) in llama.cpp and by 1/sqrt(query_pre_attn_scalar = 256) in
# transformers; a head size of 256 keeps the two runtimes computing the same thing.
HEAD_DIM = 256


def tiny_vocab() -> tuple[list[str], list[float], list[int]]:
    """Special tokens, the 256 byte-fallback tokens, then single characters (space written as U+2581)."""
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>"]
    types = [gguf.TokenType.CONTROL, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL, gguf.TokenType.UNKNOWN]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    chars = ["\u2581", "\n"] + [c for c in string.ascii_letters + string.digits + string.punctuation] + list("àèéìòùÀÈÉÌÒÙ")
    tokens += chars
    types += [gguf.TokenType.NORMAL] * len(chars)
    scores = [0.0] * len(tokens)
    return tokens, scores, [int(t) for t in types]


def write_tiny_base(path: str | Path, *, seed: int = 0, hidden: int = 64, blocks: int = 2, heads: int = 2,
                    kv_heads: int = 1, ffn: int = 128, context: int = 512, chat_template: str | None = None) -> Path:
    """Writes the model and returns its path. The same arguments always give the same bytes."""
    path = Path(path)
    rng = np.random.default_rng(seed)
    tokens, scores, types = tiny_vocab()
    vocab = len(tokens)

    def weight(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * (1.0 / np.sqrt(cols))).astype(np.float32)

    def norm(size: int) -> np.ndarray:
        # llama.cpp stores Gemma's RMSNorm weight as 1 + w; small noise keeps layers distinct.
        return (1.0 + 0.1 * rng.standard_normal(size)).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), ARCH)
    writer.add_name("tiny random gemma3 (test model)")
    writer.add_context_length(context)
    writer.add_embedding_length(hidden)
    writer.add_block_count(blocks)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_key_length(HEAD_DIM)
    writer.add_value_length(HEAD_DIM)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_rope_freq_base(10000.0)
    writer.add_sliding_window(context)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(2)
    writer.add_eos_token_id(1)
    writer.add_unk_token_id(3)
    writer.add_pad_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)
    if chat_template is not None:
        writer.add_chat_template(chat_template)

    # Tied input/output embedding: small enough that the untrained logits are near uniform (a loss near
    # ln(vocab)), so a few training steps visibly move the greedy output.
    writer.add_tensor("token_embd.weight", (rng.standard_normal((vocab, hidden)) * 0.1).astype(np.float32))
    for b in range(blocks):
        p = f"blk.{b}"
        writer.add_tensor(f"{p}.attn_norm.weight", norm(hidden))
        writer.add_tensor(f"{p}.attn_q.weight", weight(heads * HEAD_DIM, hidden))
        writer.add_tensor(f"{p}.attn_k.weight", weight(kv_heads * HEAD_DIM, hidden))
        writer.add_tensor(f"{p}.attn_v.weight", weight(kv_heads * HEAD_DIM, hidden))
        writer.add_tensor(f"{p}.attn_output.weight", weight(hidden, heads * HEAD_DIM))
        writer.add_tensor(f"{p}.attn_q_norm.weight", norm(HEAD_DIM))
        writer.add_tensor(f"{p}.attn_k_norm.weight", norm(HEAD_DIM))
        writer.add_tensor(f"{p}.post_attention_norm.weight", norm(hidden))
        writer.add_tensor(f"{p}.ffn_norm.weight", norm(hidden))
        writer.add_tensor(f"{p}.ffn_gate.weight", weight(ffn, hidden))
        writer.add_tensor(f"{p}.ffn_up.weight", weight(ffn, hidden))
        writer.add_tensor(f"{p}.ffn_down.weight", weight(hidden, ffn))
        writer.add_tensor(f"{p}.post_ffw_norm.weight", norm(hidden))
    writer.add_tensor("output_norm.weight", norm(hidden))

    path.parent.mkdir(parents=True, exist_ok=True)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voice_trainer.tiny_base", description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=2)
    args = parser.parse_args(argv)
    print(write_tiny_base(args.out, seed=args.seed, hidden=args.hidden, blocks=args.blocks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
