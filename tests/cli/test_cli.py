"""The CLI is a thin layer: exit codes, skip reporting, and the single-stage commands."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insightminer.cli import app

INTERVIEWS = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "interviews"
runner = CliRunner()


def plain(text: str) -> str:
    """Output as a user reads it: no ANSI codes, whitespace (terminal wrapping included) collapsed."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).split())


@pytest.fixture()
def small_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in sorted(p.name for p in INTERVIEWS.glob("int0[1-4]*")):
        shutil.copy(INTERVIEWS / name, folder / name)
    shutil.copy(INTERVIEWS / "metadata.csv", folder / "metadata.csv")
    (folder / "empty.txt").write_text("")
    return folder


def test_help_on_every_command():
    for command in (
        [],
        ["run"],
        ["transcribe"],
        ["themes"],
        ["emotions"],
        ["motivators"],
        ["train-classifier"],
        ["report"],
        ["models"],
        ["ingest"],
        ["clips"],
    ):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage" in plain(result.output)


def test_run_succeeds_with_a_skipped_input_and_says_so(small_folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            str(small_folder),
            "--out",
            str(out),
            "--cache-dir",
            str(tmp_path / "c"),
            "--min-theme-documents",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    output = plain(result.output)
    assert "skipped" in output and "empty.txt: empty file" in output
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["counts"]["processed"] == 4 and manifest["counts"]["skipped"] == 1
    # `report` re-renders from the run folder without changing the findings.
    before = (out / "findings.json").read_bytes()
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    assert (out / "findings.json").read_bytes() == before and (out / "report.html").stat().st_size > 1000


def test_run_fails_clearly_when_nothing_is_usable(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.txt").write_text("")
    (folder / "b.json").write_text("{not json")
    # A real process: the exit code and the absence of a traceback are what a user sees.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "insightminer",
            "run",
            str(folder),
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "c"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "error" in plain(proc.stderr) and "Traceback" not in proc.stderr + proc.stdout
    manifest = json.loads((tmp_path / "out" / "run.json").read_text())
    assert manifest["status"] == "failed" and all(i["status"] == "skipped" for i in manifest["inputs"])


def test_themes_command_writes_one_assignment_per_row(tmp_path):
    rows = ["The Salesforce sync keeps creating duplicate contacts."] * 1 + [
        "Duplicate records appear after every CRM sync.",
        "Our CRM sync duplicates opportunities weekly.",
        "Sync with HubSpot makes duplicates of every deal.",
        "The per-seat price is far too expensive.",
        "Licences cost too much as we add reps.",
        "Pricing per user blew our budget this year.",
        "",
        "Seat pricing is way too high for a small team.",
    ]
    source = tmp_path / "s.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "answer"])
        writer.writerows([[i, text] for i, text in enumerate(rows)])
    out = tmp_path / "themes"
    result = runner.invoke(
        app,
        [
            "themes",
            str(source),
            "--text-column",
            "answer",
            "--out",
            str(out),
            "--all-statements",
            "--cache-dir",
            str(tmp_path / "c"),
        ],
    )
    assert result.exit_code == 0, result.output
    with (out / "assignments.csv").open() as handle:
        assigned = list(csv.DictReader(handle))
    assert [int(r["row"]) for r in assigned] == list(range(len(rows)))
    ids = [int(r["theme_id"]) for r in assigned]
    assert ids[7] == -1  # the blank row
    assert len(set(ids[:4])) == 1 and len(set(ids[4:7] + [ids[8]])) == 1 and ids[0] != ids[4]
    assert json.loads((out / "themes.json").read_text())

    missing = runner.invoke(app, ["themes", str(source), "--text-column", "nope", "--out", str(out)])
    assert missing.exit_code != 0
