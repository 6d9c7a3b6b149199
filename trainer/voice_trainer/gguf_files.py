"""What the trainer reads from and writes to GGUF files: a base model's architecture, layer count and tensor
shapes; the LoRA adapter in the layout llama.cpp loads (general.type=adapter, adapter.type=lora,
adapter.lora.alpha; tensors "<base tensor>.lora_a" (r x in) and ".lora_b" (out x r)); and the check that an
adapter fits a base. Invariant: shapes are given in torch order (rows, columns), not GGUF's reversed order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import gguf
import numpy as np

# The base families of the app's GGUF catalog that transformers can load from a GGUF file.
SUPPORTED_ARCHITECTURES = ("gemma3", "llama", "qwen2", "qwen3")


class GgufError(ValueError):
    """A GGUF file the trainer cannot use, or an adapter that does not fit its base; says which and why."""


@dataclass(frozen=True)
class GgufInfo:
    path: Path
    architecture: str
    file_type: str
    blocks: int
    chat_template: str | None
    shapes: dict[str, tuple[int, ...]]
    alpha: float | None


def _field(reader: gguf.GGUFReader, key: str) -> object | None:
    field = reader.get_field(key)
    return None if field is None else field.contents()


def read_info(path: str | Path) -> GgufInfo:
    """The header of a GGUF file (model or adapter); a GgufError naming the file when it is not one."""
    path = Path(path)
    if not path.is_file():
        raise GgufError(f"{path}: no such file")
    with open(path, "rb") as handle:
        if handle.read(4) != b"GGUF":
            raise GgufError(f"{path}: not a GGUF file (it does not start with the GGUF magic)")
    try:
        reader = gguf.GGUFReader(path)
    except Exception as error:  # the reader raises several kinds on a damaged file
        raise GgufError(f"{path}: not a readable GGUF file ({error})") from None
    architecture = _field(reader, "general.architecture")
    if not isinstance(architecture, str):
        raise GgufError(f"{path}: no general.architecture in its metadata")
    blocks = _field(reader, f"{architecture}.block_count")
    template = _field(reader, "tokenizer.chat_template")
    alpha = _field(reader, "adapter.lora.alpha")
    shapes = {t.name: tuple(int(d) for d in reversed(t.shape.tolist())) for t in reader.tensors}
    return GgufInfo(
        path=path,
        architecture=architecture,
        file_type=str(_field(reader, "general.type") or "model"),
        blocks=int(blocks) if isinstance(blocks, (int, np.integer)) else 0,
        chat_template=template if isinstance(template, str) and template.strip() != "" else None,
        shapes={name: shape[-2:] if len(shape) > 2 else shape for name, shape in shapes.items()},
        alpha=float(alpha) if isinstance(alpha, (int, float, np.floating)) else None,
    )


def require_supported(info: GgufInfo) -> None:
    if info.file_type == "adapter":
        raise GgufError(f"{info.path}: is a LoRA adapter, not a base model")
    if info.architecture not in SUPPORTED_ARCHITECTURES:
        raise GgufError(
            f"{info.path}: architecture \"{info.architecture}\" is not supported by the trainer "
            f"(supported: {', '.join(SUPPORTED_ARCHITECTURES)})"
        )


def gguf_module_name(architecture: str, blocks: int, hf_module: str) -> str:
    """'model.layers.3.self_attn.q_proj' -> 'blk.3.attn_q.weight', by gguf-py's own name map for the architecture."""
    arch = next(a for a, name in gguf.MODEL_ARCH_NAMES.items() if name == architecture)
    name = gguf.get_tensor_name_map(arch, blocks).get_name(hf_module)
    if name is None:
        raise GgufError(f"no GGUF tensor for the {architecture} module {hf_module}")
    return f"{name}.weight"


def llama_permute(rows: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's converter reorders the rows of Llama's q/k projections for its rotary layout
    (convert_hf_to_gguf LlamaModel.permute); a LoRA B matrix writing into those rows needs the same order."""
    return rows.reshape(heads, 2, rows.shape[0] // heads // 2, *rows.shape[1:]).swapaxes(1, 2).reshape(rows.shape)


def write_adapter(path: str | Path, architecture: str, alpha: float, tensors: dict[str, tuple[np.ndarray, np.ndarray]]) -> Path:
    """Writes `{gguf base tensor name: (A (r x in), B (out x r))}` as a llama.cpp LoRA GGUF, atomically.
    The names are the base's full tensor names ("blk.0.attn_q.weight"), as llama.cpp looks them up."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    writer = gguf.GGUFWriter(str(tmp), architecture)
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    for name in sorted(tensors):
        a, b = tensors[name]
        writer.add_tensor(f"{name}.lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(f"{name}.lora_b", np.ascontiguousarray(b, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(tmp, path)
    return path


def check_adapter(adapter: str | Path, base: str | Path) -> None:
    """Raises a GgufError saying what does not match when `adapter` cannot be applied to `base`:
    not an adapter, another architecture, or a tensor the base lacks or has in another shape."""
    a, b = read_info(adapter), read_info(base)
    if a.file_type != "adapter":
        raise GgufError(f"{a.path}: not a LoRA adapter (general.type is \"{a.file_type}\")")
    if a.architecture != b.architecture:
        raise GgufError(f"{a.path}: an adapter for {a.architecture}, but {b.path} is a {b.architecture} model")
    for name, shape in a.shapes.items():
        base_name = name.removesuffix(".lora_a").removesuffix(".lora_b")
        if base_name not in b.shapes:
            raise GgufError(f"{a.path}: adapts {base_name}, which {b.path} does not have (another model size?)")
        rows, cols = b.shapes[base_name]
        if name.endswith(".lora_a") and shape[-1] != cols:
            raise GgufError(f"{a.path}: {name} takes {shape[-1]} inputs, {base_name} of {b.path} has {cols}")
        if name.endswith(".lora_b") and shape[0] != rows:
            raise GgufError(f"{a.path}: {name} gives {shape[0]} outputs, {base_name} of {b.path} has {rows}")
