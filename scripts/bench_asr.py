"""ASR benchmark: insightminer's Transcriber (VAD + batched) vs raw sequential faster-whisper.

Both read the same files end to end (decode included) with the same model in the same run:
- the LibriSpeech-mini set: 4 LibriSpeech test-clean utterances + the JFK clip (../shared/eval), and
- a longer input: those clips concatenated with pauses into ~2.5 min (written to a temp FLAC), where
  batching and VAD pay off.
Peers: `WhisperModel.transcribe(path)` with its defaults (beam 5, temperature fallback, no VAD) and
with the same beam size as insightminer. WER: jiwer, after lower-casing and stripping punctuation.

    python scripts/bench_asr.py                       # tiny.en and base on CPU
    python scripts/bench_asr.py --device cuda --model large-v3-turbo --compute-type float16   # GPU box
      (large-v3-turbo is fetched by faster-whisper from the Hugging Face hub: needs network or a local
       folder passed as --model /path/to/ct2-folder)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from insightminer.speech.audio import decode_audio, write_audio  # noqa: E402
from insightminer.speech.transcribe import TranscribeOptions, Transcriber  # noqa: E402
from insightminer.speech.whisper_models import resolve_ct2_model  # noqa: E402

# a git worktree elsewhere can point at the data with INSIGHTMINER_SHARED_EVAL
EVAL = (
    Path(os.environ.get("INSIGHTMINER_SHARED_EVAL") or REPO.parent / "shared" / "eval") / "librispeech-mini"
)


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.replace("'", "").split())


def load_set() -> list[tuple[Path, str]]:
    items: list[tuple[Path, str]] = []
    for trans in sorted((EVAL / "LibriSpeech").rglob("*.trans.txt")):
        for line in trans.read_text().splitlines():
            if line.strip():
                utt, ref = line.split(" ", 1)
                items.append((trans.parent / f"{utt}.flac", ref))
    jfk = (EVAL / "jfk" / "jfk.trans.txt").read_text().strip()
    items.append((EVAL / "jfk" / "jfk.flac", jfk.split(" ", 1)[1] if jfk.startswith("jfk ") else jfk))
    if not items:
        raise SystemExit(f"no evaluation clips under {EVAL}")
    return items


def build_long(items: list[tuple[Path, str]], out: Path, target_s: float, gap_s: float) -> tuple[str, float]:
    parts, refs, total = [], [], 0.0
    gap = np.zeros(int(gap_s * 16000), dtype=np.float32)
    while total < target_s:
        for path, ref in items:
            audio = decode_audio(path)
            parts += [audio, gap]
            refs.append(ref)
            total += (len(audio) + len(gap)) / 16000
    write_audio(out, np.concatenate(parts))
    return " ".join(refs), total


def wer(refs: list[str], hyps: list[str]) -> float:
    import jiwer

    return 100.0 * jiwer.wer([normalise(r) for r in refs], [normalise(h) for h in hyps])


def audio_seconds(paths: list[Path]) -> float:
    return sum(len(decode_audio(p)) / 16000 for p in paths)


def run_raw(model, paths: list[Path], **kwargs) -> tuple[list[str], float]:
    hyps = []
    t0 = time.perf_counter()
    for path in paths:
        segments, _ = model.transcribe(str(path), **kwargs)
        hyps.append(" ".join(s.text.strip() for s in segments))
    return hyps, time.perf_counter() - t0


LAST_STATS: dict = {}


def run_ours(options: TranscribeOptions, paths: list[Path]) -> tuple[list[str], float]:
    transcriber = Transcriber(options)
    transcriber._backend()  # load outside the timed part, as for the raw model
    if transcriber.embedding_diarizer is not None:
        transcriber.embedding_diarizer.encoder()  # the voice encoder too
    t0 = time.perf_counter()
    hyps = []
    for _, result in transcriber.transcribe_many(paths):
        hyps.append("" if isinstance(result, Exception) else " ".join(u.text for u in result.utterances))
        if not isinstance(result, Exception):
            LAST_STATS["speakers"] = len({u.speaker for u in result.utterances})
    LAST_STATS.update(transcriber.stats)
    return hyps, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", action="append", help="tiny.en, base, a size name or a CT2 folder (repeatable)"
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--compute-type", default="default")
    parser.add_argument("--beam-size", type=int, default=TranscribeOptions.beam_size)
    parser.add_argument("--batch-size", type=int, default=TranscribeOptions.batch_size)
    parser.add_argument("--long-seconds", type=float, default=150.0)
    parser.add_argument("--gap-seconds", type=float, default=1.5)
    parser.add_argument("--skip-raw-default", action="store_true", help="skip the raw beam-5 peer")
    parser.add_argument("--skip-raw", action="store_true", help="skip both raw faster-whisper peers")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    models = args.model or ["tiny.en", "base"]

    from faster_whisper import WhisperModel

    items = load_set()
    short_paths, short_refs = [p for p, _ in items], [r for _, r in items]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        long_path = Path(tmp) / "long.flac"
        long_ref, long_s = build_long(items, long_path, args.long_seconds, args.gap_seconds)
        short_s = audio_seconds(short_paths)
        compute = args.compute_type
        if compute == "default":
            compute = "float16" if args.device == "cuda" else "int8"
        for name in models:
            raw = WhisperModel(resolve_ct2_model(name), device=args.device, compute_type=compute)
            opts = TranscribeOptions(
                model=name,
                device=args.device,
                compute_type=compute,
                beam_size=args.beam_size,
                batch_size=args.batch_size,
                use_cache=False,
                language="en",
                word_timestamps=False,
                diarize=False,
            )
            # the default since issue 13: word timestamps + offline diarization of mono audio
            full = replace(opts, word_timestamps=True, diarize=True)
            peers = [
                ("insightminer (VAD + batched)", lambda paths, o=opts: run_ours(o, paths)),
                ("insightminer + word times + diarization", lambda paths, o=full: run_ours(o, paths)),
            ]
            if not args.skip_raw_default and not args.skip_raw:
                peers.append(
                    (
                        "raw faster-whisper, defaults (beam 5)",
                        lambda paths, m=raw: run_raw(m, paths, language="en"),
                    )
                )
            peers += (
                []
                if args.skip_raw
                else [
                    (
                        f"raw faster-whisper, beam {args.beam_size}, no conditioning",
                        lambda paths, m=raw: run_raw(
                            m,
                            paths,
                            language="en",
                            beam_size=args.beam_size,
                            condition_on_previous_text=False,
                        ),
                    )
                ]
            )
            for label, fn in peers:
                for set_name, paths, refs, seconds in (
                    ("librispeech-mini + jfk (5 clips)", short_paths, short_refs, short_s),
                    (f"long input ({long_s:.0f} s)", [long_path], [long_ref], long_s),
                ):
                    LAST_STATS.clear()
                    hyps, wall = fn(paths)
                    row = {
                        "model": name,
                        "system": label,
                        "input": set_name,
                        "audio_s": round(seconds, 1),
                        "wall_s": round(wall, 2),
                        "rtf": round(wall / seconds, 4),
                        "speed_x": round(seconds / wall, 1),
                        "wer": round(wer(refs, hyps), 2),
                    }
                    if "diarization" in label:
                        row["diarize_rtf"] = round(LAST_STATS.get("diarize_seconds", 0.0) / seconds, 4)
                        row["speakers_found"] = LAST_STATS.get("speakers")
                    rows.append(row)
                    print(
                        f"{name:8s} | {label:42s} | {set_name:34s} | WER {row['wer']:6.2f} % | "
                        f"RTF {row['rtf']:.4f} ({row['speed_x']:.1f}x real time)"
                        + (
                            f" | diarization alone RTF {row['diarize_rtf']:.4f}, "
                            f"{row['speakers_found']} speakers in the last file"
                            if "diarize_rtf" in row
                            else ""
                        ),
                        flush=True,
                    )
    print("\nSpeed-up of insightminer over each raw peer (RTF ratio):")
    for row in rows:
        if row["system"].startswith("insightminer"):
            continue
        ours = next(
            r
            for r in rows
            if r["model"] == row["model"]
            and r["input"] == row["input"]
            and r["system"].startswith("insightminer")
        )
        print(
            f"  {row['model']:8s} {row['input']:34s} vs {row['system']:42s}: "
            f"{row['rtf'] / ours['rtf']:.2f}x faster, "
            f"WER {ours['wer']:.2f} vs {row['wer']:.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
