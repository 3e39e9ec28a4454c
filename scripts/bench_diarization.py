"""Diarization benchmark: frame-level DER and speaker-count accuracy, offline GE2E diarizer vs one speaker.

DER = (missed + false alarm + speaker confusion) / reference speech, on 10 ms frames, no collar,
overlapping speech scored (a frame where two people talk needs two hypothesis speakers to be right),
speakers mapped one-to-one by the Hungarian method on overlap. The baseline is what the tool did before
diarization: every VAD speech region attributed to one speaker.

Data (read from ../shared/eval, never copied):
- AMI dev clips (ami-diarization-dev: 10 x 30 s real meeting audio, RTTM truth, 1-4 speakers). Split:
  TUNE = trn00 trn01 trn04 trn05 (the only clips thresholds were chosen on), HELD-OUT = the other six.
- Test calls built here from real recorded speech with known turn times: LibriSpeech speaker 1089
  and the JFK clip (librispeech-mini) in alternating turns, with pauses or with overlap; a single
  speaker's four clips back to back; two-speaker calls of AMI meeting voices (stretches where one
  speaker talks alone, cut from all ten clips, alternating turns: same room, same microphone); and,
  when espeak-ng is installed, synthetic calls of 2-3 espeak-ng voices for variety.

    python scripts/bench_diarization.py                  # everything, default options
    python scripts/bench_diarization.py --set tune --step 0.4 --penalty 0.1    # tuning runs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from insightminer.speech.audio import decode_audio  # noqa: E402
from insightminer.speech.diarize import (  # noqa: E402
    DiarizeOptions,
    EmbeddingDiarizer,
    Turn,
    diarization_regions,
)

EVAL = Path(os.environ.get("INSIGHTMINER_SHARED_EVAL") or REPO.parent / "shared" / "eval")
SR = 16000
FRAME = 0.01
TUNE = ("trn00", "trn01", "trn04", "trn05")
HELD_OUT = ("trn02", "trn03", "trn06", "trn07", "trn08", "trn09")


def frames(turns: list[Turn], duration: float) -> tuple[np.ndarray, list[str]]:
    """(speakers, frames) boolean activity matrix."""
    names = sorted({t[2] for t in turns})
    n = int(round(duration / FRAME))
    act = np.zeros((len(names), n), dtype=bool)
    for start, end, spk in turns:
        a, b = int(round(start / FRAME)), int(round(min(end, duration) / FRAME))
        act[names.index(spk), max(0, a) : max(0, b)] = True
    return act, names


def der(ref: list[Turn], hyp: list[Turn], duration: float) -> dict[str, float]:
    from scipy.optimize import linear_sum_assignment

    r, _ = frames(ref, duration)
    h, _ = frames(hyp, duration)
    n_ref, n_hyp = r.sum(axis=0), h.sum(axis=0)
    correct = 0
    if len(r) and len(h):
        overlap = r.astype(np.int64) @ h.T.astype(np.int64)
        rows, cols = linear_sum_assignment(-overlap)
        correct = int(overlap[rows, cols].sum())
    total = int(n_ref.sum())
    missed = int(np.maximum(0, n_ref - n_hyp).sum())
    false_alarm = int(np.maximum(0, n_hyp - n_ref).sum())
    confusion = int(np.minimum(n_ref, n_hyp).sum()) - correct
    return {
        "der": (missed + false_alarm + confusion) / max(total, 1),
        "missed": missed / max(total, 1),
        "false_alarm": false_alarm / max(total, 1),
        "confusion": confusion / max(total, 1),
    }


def load_ami(names: tuple[str, ...]) -> list[dict]:
    folder = EVAL / "ami-diarization-dev"
    turns: dict[str, list[Turn]] = {}
    for line in (folder / "train.rttm").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start, dur = float(parts[3]), float(parts[4])
            turns.setdefault(parts[1], []).append((start, start + dur, parts[7]))
    items = []
    for name in names:
        audio = decode_audio(folder / f"{name}.wav")
        items.append({"name": f"ami/{name}", "audio": audio, "ref": turns.get(name, [])})
    return items


def _clip(path: Path) -> np.ndarray:
    return decode_audio(path)


def build_librispeech_calls() -> list[dict]:
    """Two-speaker calls from LibriSpeech 1089 and JFK (real recordings), plus a one-speaker call."""
    base = EVAL / "librispeech-mini"
    ls = sorted((base / "LibriSpeech").rglob("*.flac"))
    if not ls:
        return []
    a = [_clip(p) for p in ls]
    jfk = _clip(base / "jfk" / "jfk.flac")
    b = [jfk[: int(5.5 * SR)], jfk[int(5.5 * SR) :]]  # JFK's two sentences
    calls = []
    for label, gap in (("pauses", 0.6), ("overlap", -0.5), ("tight", 0.15)):
        pieces = [("A", a[0]), ("B", b[0]), ("A", a[3]), ("B", b[1]), ("A", a[1])]
        calls.append({"name": f"librispeech/2spk-{label}", **_mix(pieces, gap)})
    calls.append({"name": "librispeech/1spk", **_mix([("A", x) for x in a], 0.6)})
    return calls


def _mix(pieces: list[tuple[str, np.ndarray]], gap_s: float) -> dict:
    """Lay clips end to end with gap_s between them (negative: overlap); truth from the clips' bounds."""
    starts, pos = [], 0
    for _, clip in pieces:
        starts.append(pos)
        pos = pos + len(clip) + int(gap_s * SR)
    n = max(s + len(c) for s, (_, c) in zip(starts, pieces, strict=True))
    audio = np.zeros(n, dtype=np.float32)
    ref: list[Turn] = []
    for s, (spk, clip) in zip(starts, pieces, strict=True):
        audio[s : s + len(clip)] += clip
        # truth = the clip's speech, its own leading/trailing silence excluded
        active = np.nonzero(np.abs(clip) > 0.02 * np.abs(clip).max())[0]
        ref.append(((s + active[0]) / SR, (s + active[-1]) / SR, spk))
    return {"audio": audio, "ref": ref}


def build_ami_calls(max_turn_s: float = 5.0, min_turn_s: float = 2.0) -> list[dict]:
    """Two-speaker calls of real meeting voices: stretches where exactly one AMI speaker talks (by the
    RTTM), cut from the clips and laid in alternating turns with 0.4 s pauses. The speakers of one
    meeting share its room and microphone, so only the voice tells them apart."""
    clips = load_ami(TUNE + HELD_OUT)
    stretches: dict[str, list[np.ndarray]] = {}
    for item in clips:
        act, names = frames(item["ref"], len(item["audio"]) / SR)
        alone = (act.sum(axis=0) == 1) & act.any(axis=0)
        who = np.where(alone, act.argmax(axis=0), -1)
        i = 0
        while i < len(who):
            j = i
            while j < len(who) and who[j] == who[i]:
                j += 1
            if who[i] >= 0 and (j - i) * FRAME >= min_turn_s:
                a, b = int(i * FRAME * SR), int(min(j, i + max_turn_s / FRAME) * FRAME * SR)
                stretches.setdefault(names[who[i]], []).append(item["audio"][a:b])
            i = j
    ranked = sorted((s for s in stretches if len(stretches[s]) >= 2), key=lambda s: (-len(stretches[s]), s))
    calls = []
    for x, y in [(ranked[i], ranked[j]) for i in range(len(ranked)) for j in range(i + 1, len(ranked))][:6]:
        pieces = [(x, stretches[x][0]), (y, stretches[y][0]), (x, stretches[x][1]), (y, stretches[y][1])]
        starts, pos = [], 0
        for _, clip in pieces:
            starts.append(pos)
            pos += len(clip) + int(0.4 * SR)
        audio = np.zeros(pos, dtype=np.float32)
        ref: list[Turn] = []
        for st, (spk, clip) in zip(starts, pieces, strict=True):
            audio[st : st + len(clip)] = clip
            ref.append((st / SR, (st + len(clip)) / SR, spk))
        calls.append(
            {"name": f"ami-built/{x}+{y}".encode("ascii", "replace").decode(), "audio": audio, "ref": ref}
        )
    return calls


def build_espeak_calls(tmp: Path) -> list[dict]:
    exe = shutil.which("espeak-ng")
    if not exe:
        return []
    lines = [
        "Thanks for making time today. What is the hardest part of closing the books each month?",
        "Honestly the reconciliation. Our bank feeds drop transactions and we fix them by hand.",
        "How long does that take your team?",
        "About two days every month, and it is the part everyone dreads.",
        "Have you tried any tools for it?",
        "We tried one last year, but the setup was so painful that we gave up after a week.",
    ]

    def say(voice: str, text: str, i: int) -> np.ndarray:
        out = tmp / f"{voice.replace('+', '_')}_{i}.wav"
        subprocess.run([exe, "-v", voice, "-s", "165", "-w", str(out), text], check=True)
        return decode_audio(out)

    calls = []
    for name, voices in (("2spk", ["en-us", "en-gb+f3"]), ("3spk", ["en-us", "en-gb+f3", "en+m3"])):
        pieces = [(voices[i % len(voices)], say(voices[i % len(voices)], t, i)) for i, t in enumerate(lines)]
        calls.append({"name": f"espeak/{name}", **_mix(pieces, 0.4)})
    return calls


def single_speaker(audio: np.ndarray, opts: DiarizeOptions) -> list[Turn]:
    """The old behaviour: all speech (the same VAD as the diarizer) is one speaker."""
    regions = diarization_regions(audio, SR, opts.vad_threshold, opts.vad_pad_ms)
    return [(a / SR, b / SR, "Speaker 1") for a, b in regions]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=["all", "tune", "held-out", "built"], default="all")
    parser.add_argument("--window", type=float, default=DiarizeOptions.window_s)
    parser.add_argument("--step", type=float, default=DiarizeOptions.step_s)
    parser.add_argument("--penalty", type=float, default=DiarizeOptions.switch_penalty)
    parser.add_argument("--threshold", type=float, default=DiarizeOptions.single_speaker_similarity)
    parser.add_argument("--oracle-count", action="store_true", help="give the true speaker count")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()

    import scipy.linalg  # noqa: F401 - imported before any timing
    import sklearn.cluster  # noqa: F401
    import torch

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    items: list[tuple[str, dict]] = []
    if args.set in ("all", "tune"):
        items += [("tune", it) for it in load_ami(TUNE)]
    if args.set in ("all", "held-out"):
        items += [("held-out", it) for it in load_ami(HELD_OUT)]
    with tempfile.TemporaryDirectory() as tmp:
        if args.set in ("all", "built"):
            built = build_librispeech_calls() + build_ami_calls() + build_espeak_calls(Path(tmp))
            items += [("built", it) for it in built]

    rows = []
    encoder = None
    for split, item in items:
        audio, ref = item["audio"], item["ref"]
        duration = len(audio) / SR
        n_true = len({t[2] for t in ref})
        opts = DiarizeOptions(
            window_s=args.window,
            step_s=args.step,
            switch_penalty=args.penalty,
            single_speaker_similarity=args.threshold,
            num_speakers=n_true if args.oracle_count else None,
        )
        diarizer = EmbeddingDiarizer(opts, encoder=encoder)
        diarizer.encoder()  # load outside the timing
        encoder = diarizer.encoder_
        t0 = time.perf_counter()
        hyp = diarizer(audio, SR)
        wall = time.perf_counter() - t0
        base = der(ref, single_speaker(audio, opts), duration)
        ours = der(ref, hyp, duration)
        n_hyp = len({t[2] for t in hyp})
        row = {
            "split": split,
            "clip": item["name"],
            "speakers": n_true,
            "found": n_hyp,
            "der": round(ours["der"], 4),
            "missed": round(ours["missed"], 4),
            "false_alarm": round(ours["false_alarm"], 4),
            "confusion": round(ours["confusion"], 4),
            "baseline_der": round(base["der"], 4),
            "rtf": round(wall / duration, 4),
        }
        rows.append(row)
        print(
            f"{split:8s} {item['name']:26s} spk {n_true} found {n_hyp} | DER {row['der']:.3f} "
            f"(miss {row['missed']:.3f} fa {row['false_alarm']:.3f} conf {row['confusion']:.3f}) | "
            f"one-speaker DER {row['baseline_der']:.3f} | RTF {row['rtf']:.4f}",
            flush=True,
        )
    print()
    for split in ("tune", "held-out", "built"):
        sel = [r for r in rows if r["split"] == split]
        if not sel:
            continue
        for label, group in (("all", sel), ("2 speakers", [r for r in sel if r["speakers"] == 2])):
            if not group:
                continue
            mean_der = np.mean([r["der"] for r in group])
            print(
                f"{split:8s} {label:10s} clips {len(group):2d} | mean DER {mean_der:.3f}"
                f" vs one-speaker {np.mean([r['baseline_der'] for r in group]):.3f} | count right "
                f"{sum(r['found'] == r['speakers'] for r in group)}/{len(group)} | mean RTF "
                f"{np.mean([r['rtf'] for r in group]):.4f}"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
