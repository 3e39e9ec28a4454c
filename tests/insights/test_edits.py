"""Analyst edits on a real run: rename, merge, split off statements, hide; re-rank without re-embedding."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from insightminer.cli import app
from insightminer.insights.edits import EditsError, apply_edits, normalise_edits
from insightminer.output.report import statements_from_table

runner = CliRunner()


def _load(out):
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    statements = statements_from_table(pq.read_table(out / "segments.parquet"))
    return findings, statements


def test_merge_rename_split_hide_recount_interviews(demo_run):
    _, out, _ = demo_run
    findings, statements = _load(out)
    first, second = findings["findings"][0], findings["findings"][1]
    union = set(first["doc_ids"]) | set(second["doc_ids"])
    moved = [q["statement_id"] for q in second["evidence"][:2]]
    hidden = findings["findings"][-1]["theme_id"]
    edits = {
        "merge": [[first["theme_id"], second["theme_id"]]],
        "rename": {first["theme_id"]: "Sync breaks the forecast"},
        "split": [{"statements": moved, "label": "Split-off quotes"}],
        "hide": [hidden],
    }
    edited = apply_edits(findings, statements, edits)
    by_id = {f["theme_id"]: f for f in edited["findings"]}
    merged = by_id[first["theme_id"]]
    assert merged["label"] == "Sync breaks the forecast"
    assert second["theme_id"] not in by_id
    moved_docs = {s.doc_id for s in statements if s.statement_id in moved}
    assert set(merged["doc_ids"]) <= union and len(merged["doc_ids"]) >= len(union) - len(moved_docs)
    assert hidden not in by_id and [f["theme_id"] for f in edited["hidden"]] == [hidden]
    split = [f for name in ("findings", "requests", "praise", "questions") for f in edited[name]]
    split = [f for f in split if f["label"] == "Split-off quotes"]
    if len(moved_docs) >= edited["summary"]["min_theme_documents"]:
        assert split and {q["statement_id"] for q in split[0]["evidence"]} == set(moved)
    # Ranks follow the recounted interviews, 1..n in each list.
    docs = [f["prevalence"]["documents"] for f in edited["findings"]]
    assert docs == sorted(docs, reverse=True)
    assert [f["rank"] for f in edited["findings"]] == list(range(1, len(edited["findings"]) + 1))
    # The same edits again change nothing.
    assert apply_edits(edited, statements, edits)["findings"] == edited["findings"]


def test_report_with_edits_rewrites_the_run_folder(demo_run, tmp_path):
    _, out, _ = demo_run
    run = tmp_path / "run"
    shutil.copytree(out, run)
    findings, _ = _load(run)
    target = findings["findings"][0]["theme_id"]
    edits = tmp_path / "edits.yaml"
    edits.write_text(f"rename:\n  {target}: Reps stopped trusting the forecast\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(run), "--edits", str(edits)])
    assert result.exit_code == 0, result.output
    assert json.loads((run / "findings.json").read_text())["findings"][0]["label"] == (
        "Reps stopped trusting the forecast"
    )
    assert "Reps stopped trusting the forecast" in (run / "findings.md").read_text(encoding="utf-8")
    assert "Reps stopped trusting the forecast" in (run / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "bad",
    [
        ["not", "a", "mapping"],
        {"rename": {"x": "label"}},
        {"merge": [[1]]},
        {"split": [{}]},
        {"recolour": {}},
    ],
)
def test_malformed_edits_are_clear_errors(bad):
    with pytest.raises(EditsError):
        normalise_edits(bad)


def test_unknown_theme_in_an_edits_file_fails_cleanly(demo_run, tmp_path):
    _, out, _ = demo_run
    run = tmp_path / "run"
    shutil.copytree(out, run)
    edits = tmp_path / "edits.yaml"
    edits.write_text("rename:\n  9999: Nothing\n", encoding="utf-8")
    before = (run / "findings.json").read_bytes()
    result = runner.invoke(app, ["report", str(run), "--edits", str(edits)])
    assert result.exit_code != 0 and "no theme 9999" in result.output.replace("\n", " ")
    assert (run / "findings.json").read_bytes() == before
