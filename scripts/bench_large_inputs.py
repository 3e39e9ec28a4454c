"""Time and peak memory for large inputs: a 20 MB transcript and a 200k-row CSV of unique texts.

Each case runs in its own child process (so its peak resident memory is its own), through the same
Pipeline as `insightminer run`:

    flock /tmp/im-heavy.lock python scripts/bench_large_inputs.py                   # ingest + segment
    flock /tmp/im-heavy.lock python scripts/bench_large_inputs.py --stages all      # the whole run
    flock /tmp/im-heavy.lock python scripts/bench_large_inputs.py --only csv --command kinds

With --command (themes, emotions or kinds) the CSV goes through that `insightminer` CSV command
instead, as a user runs it (its own process, a fresh cache): wall time, rows/s and peak memory.

The transcript is synthetic (seeded): alternating Interviewer / Customer turns of generated sentences,
plus one 1 MB line without sentence punctuation (the statement length cap must cut it). The CSV holds
200 interviews of 1,000 rows each, every text unique, so no cache can help.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_WORDS = """export report sync field crm dashboard invoice approval workflow pricing seat licence onboarding
support ticket team manager weekly monday customer data spreadsheet integration salesforce hubspot
duplicate contact deal pipeline forecast quota renewal contract budget security audit login password
mobile app slow broken manual hours days rebuild copy paste error missing late delayed expensive
confusing training admin permission role region account partner vendor shipment warehouse order""".split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + rng.choice([".", ".", "?", "!"])


def make_transcript(path: Path, megabytes: float, seed: int = 0) -> None:
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as handle:
        turn = 0
        while size < target:
            who = "Interviewer" if turn % 2 == 0 else "Customer"
            if turn == 11:  # one huge line without sentence punctuation
                line = f"Customer: {' '.join(rng.choice(_WORDS) for _ in range(120_000))}\n"
            else:
                line = f"{who}: {' '.join(_sentence(rng) for _ in range(rng.randint(1, 6)))}\n"
            handle.write(line)
            size += len(line.encode())
            turn += 1


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("doc_id,speaker,text\n")
        for i in range(rows):
            doc = f"call{i // 1000:04d}"
            who = "Interviewer" if i % 2 == 0 else "Customer"
            handle.write(f'{doc},{who},"{_sentence(rng)} (row {i})"\n')


_CHILD = """
import json, os, sys, threading, time
from contextlib import contextmanager
from insightminer.config import Config
from insightminer.pipeline import Pipeline
path, stages, cache, out = sys.argv[1:5]
# Peak resident memory per stage: a thread samples /proc/self/statm every 20 ms and books each
# sample to the stage running then (the headline figure stays the kernel's own ru_maxrss).
stage_now, stage_peak, page = ["(outside stages)"], {}, os.sysconf("SC_PAGE_SIZE")
def _sample():
    while True:
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * page
        stage_peak[stage_now[-1]] = max(stage_peak.get(stage_now[-1], 0), rss)
        time.sleep(0.02)
threading.Thread(target=_sample, daemon=True).start()
_plain_stage = Pipeline._stage
@contextmanager
def _booked_stage(self, name):
    stage_now.append(name)
    try:
        with _plain_stage(self, name):
            yield
    finally:
        stage_now.pop()
Pipeline._stage = _booked_stage
pipeline = Pipeline(Config.from_flat(cache_dir=cache))
started = time.perf_counter()
if stages == "ingest":
    transcripts, records = pipeline.ingest([path])
    statements = pipeline.segment(transcripts)
    counts = {"statements": len(statements), "cut": sum(pipeline.cut_statements.values()),
              "skipped": [r.reason for r in records if r.status == "skipped"]}
else:
    result = pipeline.run([path], out)
    counts = {"statements": len(result.statements), "findings": len(result.top_findings),
              "cut": sum(pipeline.cut_statements.values())}
counts["seconds"] = round(time.perf_counter() - started, 1)
import resource
counts["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # this child's own peak
counts["stages_s"] = pipeline.timings
time.sleep(0.05)
counts["stage_peak_gb"] = {k: round(v / 1e9, 3) for k, v in stage_peak.items()}
print(json.dumps(counts))
"""


def measure(path: Path, stages: str, work: Path, max_mb: float) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD.replace(
                "Config.from_flat(cache_dir=cache)",
                f"Config.from_flat(cache_dir=cache, max_file_mb={max_mb})",
            ),
            str(path),
            stages,
            str(work / "cache"),
            str(work / f"out-{path.stem}"),
        ],
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": str(REPO),
            "HF_HUB_OFFLINE": "1",
            "PATH": "/usr/bin:/bin",
            "TOKENIZERS_PARALLELISM": "false",
        },
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{path.name} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(wall_s=round(wall, 1), peak_rss_gb=round(result["peak_rss_kb"] / 1e6, 3))
    return result


_TIMED = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print(json.dumps({"rc": proc.returncode, "seconds": round(time.perf_counter() - started, 1),
                  "stderr": proc.stderr[-3000:],
                  # the command's own peak: it is this wrapper's only child
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure_command(command: str, table: Path, rows: int, work: Path) -> dict:
    """One CSV command (`insightminer themes|emotions|kinds`) on the table, in its own process."""
    args = {
        "themes": ["themes", str(table), "--text-column", "text", "--out", str(work / "themes-out")],
        "emotions": ["emotions", str(table), "--text-column", "text", "--out", str(work / "emotions.csv")],
        "kinds": ["kinds", str(table), "--text-column", "text", "--out", str(work / "kinds.csv")],
    }[command]
    if command == "themes":  # a cold embedding cache of its own: every text goes through the model
        args += ["--cache-dir", str(work / f"cache-{command}")]
    env = {
        "PYTHONPATH": str(REPO),
        "HF_HUB_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
        "TOKENIZERS_PARALLELISM": "false",
        "INSIGHTMINER_CACHE_DIR": str(work / f"cache-{command}"),
        "COLUMNS": "100",
    }
    proc = subprocess.run(
        [sys.executable, "-c", _TIMED, sys.executable, "-m", "insightminer", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"{command} failed:\n{result['stderr']}")
    result.update(
        rows_per_s=round(rows / result["seconds"], 1), peak_rss_gb=round(result["peak_rss_kb"] / 1e6, 3)
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stages", choices=["ingest", "all"], default="ingest")
    parser.add_argument("--mb", type=float, default=20.0, help="transcript size")
    parser.add_argument("--rows", type=int, default=200_000, help="CSV rows")
    parser.add_argument("--only", choices=["transcript", "csv"], default=None)
    parser.add_argument(
        "--command",
        choices=["themes", "emotions", "kinds"],
        action="append",
        help="run the CSV through this insightminer command instead of the Pipeline (repeatable)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="im-bench-large-") as tmp:
        work = Path(tmp)
        cases = []
        if args.only in (None, "transcript"):
            transcript = work / "large.txt"
            make_transcript(transcript, args.mb)
            cases.append(("transcript", transcript, f"{transcript.stat().st_size / 1e6:.1f} MB"))
        if args.only in (None, "csv"):
            table = work / "large.csv"
            make_csv(table, args.rows)
            cases.append(("csv", table, f"{args.rows} rows, {table.stat().st_size / 1e6:.1f} MB"))
        for name, path, size in cases:
            if name == "csv" and args.command:
                for command in args.command:
                    got = measure_command(command, path, args.rows, work)
                    print(
                        f"csv ({size}) through `insightminer {command}`: {got['seconds']} s wall, "
                        f"{got['rows_per_s']} rows/s, peak RSS {got['peak_rss_gb']} GB",
                        flush=True,
                    )
                continue
            got = measure(path, args.stages, work, max_mb=max(args.mb * 2, 50))
            print(
                f"{name} ({size}), stages={args.stages}: {got['wall_s']} s wall, peak RSS "
                f"{got['peak_rss_gb']} GB; {got['statements']} statements, {got['cut']} cut; "
                f"stage seconds {json.dumps(got['stages_s'])}; stage peak RSS GB "
                f"{json.dumps(got['stage_peak_gb'])}",
                flush=True,
            )


if __name__ == "__main__":
    main()
