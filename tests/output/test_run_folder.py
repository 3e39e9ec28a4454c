"""The run folder is all-or-nothing (issue 12, items 7 and 13): kills, concurrent runs, leftovers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from insightminer.output.run_folder import RunFolder, RunFolderBusyError, output_hashes

REPO = Path(__file__).resolve().parents[2]
INTERVIEWS = REPO / "data" / "fixtures" / "interviews"

# Runs the real CLI in a subprocess that SIGKILLs itself just before the Nth call of os.replace (each
# atomic file write lands with one) or os.rename (the run folder's swap): a kill -9 at a known point.
_KILLER = """
import os, signal, sys
kind, n = os.environ["KILL_KIND"], int(os.environ["KILL_AT"])
real = getattr(os, kind)
calls = [0]
def hooked(*args, **kwargs):
    calls[0] += 1
    if calls[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(os, kind, hooked)
from insightminer.cli import main
sys.argv = ["insightminer", *sys.argv[1:]]
main()
"""


def _run(args: list[str], kill: tuple[str, int] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    if kill is None:
        command = [sys.executable, "-m", "insightminer", *args]
    else:
        env.update(KILL_KIND=kill[0], KILL_AT=str(kill[1]))
        command = [sys.executable, "-c", _KILLER, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def _complete_and_consistent_or_absent(out: Path) -> bool:
    """True when ``out`` holds one whole run; False when it is absent. Anything else fails the test."""
    if not out.exists():
        return False
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["status"] == "complete"
    assert output_hashes(out) == manifest["outputs_sha256"]  # every file is this run's, none missing
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["outputs_sha256"], "run.json"])
    return True


def test_a_killed_run_leaves_a_whole_run_folder_or_none(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted(INTERVIEWS.glob("int0[1-2]*")):
        shutil.copy(path, inputs / path.name)
    common = ["--cache-dir", str(tmp_path / "cache"), "--no-emotions", "--no-motivators", "-q"]
    clean = _run(["run", str(inputs), "--out", str(tmp_path / "clean"), *common])
    assert clean.returncode == 0, clean.stderr
    reference = (tmp_path / "clean" / "findings.json").read_bytes()

    out = tmp_path / "out"
    args = ["run", str(inputs), "--out", str(out), *common]
    for kill in (("replace", 1), ("replace", 8)):  # first output file; run.json, the last
        proc = _run(args, kill)
        assert proc.returncode == -9, proc.stderr
        assert not _complete_and_consistent_or_absent(out)  # nothing was published
    assert _run(args).returncode == 0
    before = (out / "findings.json").read_bytes()
    for kill in (("replace", 4), ("rename", 1), ("rename", 2)):  # mid-write; before and inside the swap
        proc = _run(args, kill)
        assert proc.returncode == -9, proc.stderr
        if _complete_and_consistent_or_absent(out):
            assert (out / "findings.json").read_bytes() == before
    final = _run(args)
    assert final.returncode == 0, final.stderr
    assert _complete_and_consistent_or_absent(out)
    assert (out / "findings.json").read_bytes() == reference
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.") and p.name != ".out.lock"]
    assert leftovers == []  # the rerun removed the killed runs' temp and old folders


def test_a_second_writer_is_refused_before_any_work(tmp_path):
    from insightminer.config import Config
    from insightminer.pipeline import Pipeline

    out = tmp_path / "out"
    holder = RunFolder(out).acquire()
    try:
        pipeline = Pipeline(Config.from_flat(cache_dir=""))
        with pytest.raises(RunFolderBusyError, match="another insightminer run is writing"):
            pipeline.run([INTERVIEWS], out)
        assert pipeline.timings == {}
    finally:
        holder.release()
    RunFolder(out).acquire().release()  # released: the next writer gets it


def test_out_holding_other_files_is_refused(tmp_path):
    from insightminer.config import Config
    from insightminer.pipeline import Pipeline

    (tmp_path / "notes.docx").write_text("mine")
    with pytest.raises(FileExistsError, match="not an insightminer run"):
        Pipeline(Config.from_flat(cache_dir="")).run([INTERVIEWS], tmp_path)
    assert (tmp_path / "notes.docx").read_text() == "mine"


def test_a_failed_publish_leaves_the_old_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text('{"insightminer_version": "x", "status": "complete"}')
    folder = RunFolder(out).acquire()
    try:
        with pytest.raises(RuntimeError), folder as staging:
            (staging / "findings.json").write_text("{}")
            raise RuntimeError("the report stage failed")
    finally:
        folder.release()
    assert sorted(p.name for p in out.iterdir()) == ["run.json"]
    assert not list(tmp_path.glob(".out.tmp-*"))


# -- item 13 ------------------------------------------------------------------------------------------------
def test_embedding_done_before_a_crash_is_kept(tmp_path, embedder):
    from insightminer.text.embed import Embedder

    texts = [f"Statement number {i} about the export." for i in range(7)]
    calls = []

    def crashing(batch: list[str]) -> np.ndarray:
        calls.append(len(batch))
        if len(calls) == 3:
            raise KeyboardInterrupt  # the user's Ctrl-C in the middle of embedding
        return embedder.encode(batch)

    first = Embedder(cache_dir=tmp_path, encoder=crashing)
    first.cache_chunk = 3
    with pytest.raises(KeyboardInterrupt):
        first.encode(texts)
    assert calls == [3, 3, 1]
    again = Embedder(cache_dir=tmp_path, encoder=lambda batch: embedder.encode(batch))
    vectors = again.encode(texts)
    assert again.encoded_count == 1  # only the chunk that never finished
    assert np.allclose(vectors, embedder.encode(texts), atol=1e-5)


def test_orphan_temp_files_and_keyless_shards_are_cleaned_up(tmp_path, embedder):
    from insightminer.text.embed import Embedder

    cache = Embedder(cache_dir=tmp_path, encoder=lambda batch: embedder.encode(batch))
    cache.encode(["one statement", "another statement"])
    folder = cache.cache.folder
    old, young = folder / ".shard-000009-1.vecs.npy.abc.tmp", folder / ".shard-000010-1.vecs.npy.def.tmp"
    keyless = folder / "shard-000011-1.vecs.npy"
    for path in (old, young, keyless):
        path.write_bytes(b"partial")
    stale = time.time() - 2 * 3600
    os.utime(old, (stale, stale))
    os.utime(keyless, (stale, stale))
    reloaded = Embedder(cache_dir=tmp_path, encoder=lambda batch: embedder.encode(batch))
    reloaded.encode(["one statement"])
    assert sorted(reloaded.cache.removed) == sorted([old.name, keyless.name])
    assert young.exists() and not old.exists() and not keyless.exists()
    assert reloaded.encoded_count == 0


RENDERED = ("findings.json", "findings.md", "findings.csv", "personas.md", "report.html", "segments.parquet")


def test_report_re_renders_a_run_folder_byte_for_byte(demo_run, tmp_path):
    """`insightminer report RUN` and `run` share one writer: the same files, theme map included."""
    from typer.testing import CliRunner

    from insightminer.cli import app

    _, out, _ = demo_run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    before = {name: (copy / name).read_bytes() for name in RENDERED}
    assert b"component 1 of the theme centroids" in before["report.html"]  # the PCA theme map
    result = CliRunner().invoke(app, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    changed = [name for name in RENDERED if (copy / name).read_bytes() != before[name]]
    assert changed == []


def test_a_warm_cache_run_writes_the_same_files(demo_run, tmp_path):
    """Through the resume cache (JSON, sorted keys) every ordered mix keeps its order."""
    from insightminer import Pipeline

    _, out, config = demo_run
    again = tmp_path / "again"
    result = Pipeline(config).run([INTERVIEWS], again)
    assert "resume" in result.timings and "embed" not in result.timings  # the cache answered
    changed = [name for name in RENDERED if (again / name).read_bytes() != (out / name).read_bytes()]
    assert changed == []
