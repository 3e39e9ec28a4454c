"""Hostile and careless inputs (issue 12): nothing crashes a batch, nothing is lost, user text stays data.

Each test reproduces one numbered item of the issue. CLI output is compared after stripping colour codes
and collapsing whitespace, so no test depends on the terminal's width or colour.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from insightminer.cli import app
from insightminer.config import IngestOptions
from insightminer.ingest.files import ingest_paths, read_transcripts
from insightminer.ingest.readers.common import FieldMap, IngestError

REPO = Path(__file__).resolve().parent.parent
INTERVIEWS = REPO / "data" / "fixtures" / "interviews"
runner = CliRunner()

GOOD = (
    "Interviewer: What slows you down?\nCustomer: The weekly report takes hours to build by hand.\n"
    "Interviewer: Why?\nCustomer: The export from the CRM breaks every time we add a field.\n"
)


def plain(text: str) -> str:
    """Output as a user reads it: no ANSI codes, whitespace (including wrapping) collapsed."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).split())


def _records(records) -> dict[str, object]:
    return {Path(r.path).name: r for r in records}


def _copy_interviews(folder: Path, pattern: str = "int0[1-3]*") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(INTERVIEWS.glob(pattern)):
        shutil.copy(path, folder / path.name)


# -- one real run over a folder of hostile files (items 1, 2, 3, 6, 8) ----------------------------------
@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "in"
    _copy_interviews(folder)
    (folder / "markup.txt").write_text(
        "Interviewer: Anything else?\nCustomer: [/bold] the [red]sync[/red] drops rows\n"
        'Interviewer: ok\nCustomer: =HYPERLINK("http://x") <img src=x onerror=alert(1)>\n'
    )
    (folder / "header.csv").write_text("speaker,[/i]\nA,b\n")
    (folder / "docid.json").write_text(
        json.dumps(
            {
                "doc_id": "[/b]",
                "utterances": [
                    {"speaker": "Interviewer", "text": "How is the export?"},
                    {"speaker": "Customer", "text": "The export breaks when we add a field."},
                ],
            }
        )
    )
    (folder / "interview [draft].txt").write_text(GOOD)
    words = "the export breaks every week and we rebuild the report by hand".split()
    (folder / "long_line.txt").write_text(  # a raw ASR dump: one line, no sentence punctuation
        "Interviewer: Tell me about it\nCustomer: "
        + " ".join(words[i % len(words)] for i in range(4000))
        + "\n"
    )
    shutil.copy(INTERVIEWS / "int01_brightpath_logistics.txt", os.fsdecode(bytes(folder) + b"/bad_\xff.txt"))
    os.symlink("self.txt", folder / "self.txt")
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")
    out = folder / "out"  # the run folder inside the input folder (item 6)
    args = ["run", str(folder), "--out", str(out), "--cache-dir", str(root / "cache"), "--no-motivators"]
    first = runner.invoke(app, args)
    first_manifest = json.loads((out / "run.json").read_text()) if (out / "run.json").is_file() else None
    second = runner.invoke(app, args)
    return folder, out, first, first_manifest, second


def test_markup_in_content_headers_doc_ids_and_file_names_is_printed_as_text(hostile_run):
    _, _, first, _, second = hostile_run
    assert first.exit_code == 0, first.output
    text = plain(first.output)
    assert "'[/i]'" in text  # the CSV header, quoted in its skip reason
    assert "interview [draft].txt" in text
    assert second.exit_code == 0, second.output


def test_a_symlink_loop_skips_only_itself(hostile_run):
    _, _, _, manifest, _ = hostile_run
    by_name = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert by_name["self.txt"]["status"] == "skipped"
    assert "symbolic links" in by_name["self.txt"]["reason"]
    assert "symbolic link loop" in by_name["up"]["reason"]  # the folder loop is accounted for
    assert by_name["int01_brightpath_logistics.txt"]["status"] == "processed"


def test_a_non_utf8_file_name_is_read_and_written_everywhere(hostile_run):
    _, out, _, manifest, _ = hostile_run
    entry = next(i for i in manifest["inputs"] if "bad_" in i["path"])
    assert entry["status"] == "processed" and entry["path"].endswith("bad_\\xff.txt")
    assert entry["doc_ids"] == ["bad__xff"]
    doc_ids = set(pq.read_table(out / "segments.parquet").column("doc_id").to_pylist())
    assert "bad__xff" in doc_ids


def test_a_run_folder_inside_the_inputs_is_never_read_as_interviews(hostile_run):
    folder, out, _, first, second = hostile_run
    rerun = json.loads((out / "run.json").read_text())
    assert rerun["counts"]["processed"] == first["counts"]["processed"]
    assert rerun["counts"]["documents"] == first["counts"]["documents"]
    entry = next(i for i in rerun["inputs"] if Path(i["path"]) == out)
    assert entry["status"] == "skipped" and "run folder" in entry["reason"]
    assert "run folder" in plain(second.output)
    assert not any("findings" in d for i in rerun["inputs"] for d in i["doc_ids"])


def test_run_outputs_carry_no_formula_and_no_raw_html(hostile_run):
    _, out, _, _, _ = hostile_run
    with (out / "findings.csv").open(newline="") as handle:
        for row in csv.reader(handle):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    for name in ("findings.md", "personas.md"):
        assert "<img" not in (out / name).read_text() and "<script" not in (out / name).read_text()


# -- item 8 in detail ------------------------------------------------------------------------------------
def _findings_with(text: str) -> dict:
    evidence = {"text": text, "doc_id": "<b>d</b>", "speaker": "=cmd|' /C calc'!A0", "start": 3.0}
    finding = {
        "rank": 1,
        "theme_id": 0,
        "label": "@SUM(1+1)*cmd|' /C calc'!A0",
        "score": 0.5,
        "prevalence": {"documents": 2, "share_of_documents": 1.0, "mentions": 2},
        "intensity": 0.4,
        "segments": {},
        "emotions": {},
        "motivators": {},
        "keywords": ["+x", "-3.5"],
        "evidence": [evidence],
    }
    summary = {"documents": 2, "customer_statements": 2, "pain_point_statements": 2, "min_theme_documents": 2}
    return {"summary": summary, "findings": [finding]}


def test_findings_csv_neutralises_spreadsheet_formulas():
    from insightminer.output.report import findings_csv

    rows = list(csv.reader(io.StringIO(findings_csv(_findings_with('=HYPERLINK("http://evil","x")')))))
    header, row = rows
    cells = dict(zip(header, row))
    assert cells["top_quote"] == '\'=HYPERLINK("http://evil","x")'
    assert cells["label"].startswith("'@SUM")
    assert cells["top_quote_source"].startswith("<b>d</b>")  # not a formula start: unchanged
    assert cells["score"] == "0.5"  # numbers are not touched


def test_csv_cells_follow_owasp_and_leave_numbers_alone():
    from insightminer.ingest.csvio import safe_cell

    for formula in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-"):
        assert safe_cell(formula) == "'" + formula
    for value in ("-3.5", "+2", "1e-3", "plain", "", 7, -2.5):
        assert safe_cell(value) == value


def test_findings_markdown_escapes_raw_html():
    from insightminer.output.report import findings_markdown, markdown_safe

    md = findings_markdown(_findings_with("<img src=x onerror=alert(1)> and <script>alert(1)</script>"))
    assert "<img" not in md and "<script" not in md and "<b>" not in md
    assert "&lt;img src=x" in md
    assert "\n> " in md  # the blockquote markup itself is kept
    assert markdown_safe("a \\<b> c <i>") == "a \\<b> c &lt;i>"  # already-escaped stays as it was


# -- item 2 at the ingest level ------------------------------------------------------------------------------
def test_symlink_loops_in_a_folder_do_not_hide_the_other_files(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    os.symlink("self.txt", tmp_path / "self.txt")
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    (tmp_path / "deep").mkdir()
    os.symlink(tmp_path, tmp_path / "deep" / "root")
    transcripts, records = ingest_paths([tmp_path])
    by_name = _records(records)
    assert [t.doc_id for t in transcripts] == ["good"]
    assert set(by_name) == {"good.txt", "self.txt", "a.txt", "b.txt", "root"}
    assert all(by_name[n].status == "skipped" for n in ("self.txt", "a.txt", "b.txt", "root"))


# -- item 3 -------------------------------------------------------------------------------------------------
def test_lone_surrogates_in_content_never_reach_a_writer(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(
        '{"doc_id": "x\\ud800y", "utterances": [{"speaker": "A\\udcff", "text": "hi \\ud83d"},'
        ' {"speaker": "B", "text": "ok"}]}'
    )
    (doc,) = read_transcripts(path)
    for value in (doc.doc_id, doc.utterances[0].speaker, doc.utterances[0].text):
        value.encode("utf-8")  # raises on a surrogate


# -- item 4 -------------------------------------------------------------------------------------------------
def test_ingest_keeps_long_doc_ids_and_a_transcript_named_ingest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    long_id = "interview-" + "x" * 300
    (folder / "a.json").write_text(
        json.dumps(
            {
                "doc_id": long_id,
                "utterances": [{"speaker": "A", "text": "one"}, {"speaker": "B", "text": "two"}],
            }
        )
    )
    (folder / "ingest.txt").write_text(GOOD)
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "ingest.json").read_text())
    assert {i["status"] for i in manifest["inputs"]} == {"processed"}
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 3 and "ingest.json" in written
    ids = [d for i in manifest["inputs"] for d in i["doc_ids"]]
    assert "ingest" not in ids and all(len(d) <= 100 for d in ids)
    for doc_id in ids:
        assert json.loads((out / f"{doc_id}.json").read_text())["utterances"]


# -- item 5 -------------------------------------------------------------------------------------------------
@pytest.fixture()
def small_corpus(tmp_path):
    folder = tmp_path / "in"
    _copy_interviews(folder, "int0[1-2]*")
    return folder


def _pipeline(cache: Path | str):
    from insightminer.config import Config
    from insightminer.pipeline import Pipeline

    return Pipeline(Config.from_flat(cache_dir=str(cache), emotions=False, motivators=False, personas=False))


def test_a_damaged_analysis_cache_is_recomputed(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    clean = _pipeline(cache).run([small_corpus], tmp_path / "a")
    entries = list((cache / "analysis").iterdir())
    assert len(entries) == 1
    for damage in ("{}", "[]", '{"findings": [], "personas": null}'):
        (entries[0] / "analysis.json").write_text(damage)
        again = _pipeline(cache).run([small_corpus], tmp_path / "b")
        assert again.findings == clean.findings
    assert (tmp_path / "a" / "findings.json").read_bytes() == (tmp_path / "b" / "findings.json").read_bytes()


def test_damaged_embedding_shards_are_never_trusted(tmp_path, embedder):
    from insightminer.text.embed import Embedder

    texts = ["The export breaks every week.", "Pricing per seat is too high.", "Support never answers."]
    expected = embedder.encode(texts)
    first = Embedder(cache_dir=tmp_path)
    first.encode(texts)
    folder = first.cache.folder
    vecs = sorted(folder.glob("*.vecs.npy"))
    assert len(vecs) == 1
    np.save(vecs[0], np.zeros((3, 384), np.float32))  # zeroed shard
    zeroed = Embedder(cache_dir=tmp_path)
    assert np.allclose(zeroed.encode(texts), expected, atol=1e-5) and zeroed.encoded_count == 3
    for path in folder.glob("shard-*"):
        path.unlink()
    # A shard of another width beside a good one: ignored, never mixed in.
    Embedder(cache_dir=tmp_path).encode(texts)
    np.save(folder / "shard-999999-1.vecs.npy", np.ones((2, 17), np.float32))
    np.save(folder / "shard-999999-1.keys.npy", np.zeros((2, 16), np.uint8))
    wide = Embedder(cache_dir=tmp_path)
    assert np.allclose(wide.encode(texts), expected, atol=1e-5) and wide.encoded_count == 0
    # Only shards of the wrong width: everything is encoded again, nothing crashes.
    for path in folder.glob("shard-0*"):
        path.unlink()
    only_wrong = Embedder(cache_dir=tmp_path)
    assert np.allclose(only_wrong.encode(texts), expected, atol=1e-5) and only_wrong.encoded_count == 3


def test_an_unusable_cache_folder_is_a_warning_not_a_failure(small_corpus, tmp_path):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    pipeline = _pipeline(blocker)
    result = pipeline.run([small_corpus], tmp_path / "out")
    assert result.findings["findings"] is not None and len(result.statements) > 10
    manifest = json.loads((tmp_path / "out" / "run.json").read_text())
    assert manifest["status"] == "complete" and "not used" in manifest["warnings"][0]


def test_out_pointing_at_a_file_fails_before_any_work(small_corpus, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep me")
    pipeline = _pipeline(tmp_path / "cache")
    with pytest.raises(NotADirectoryError, match="is a file"):
        pipeline.run([small_corpus], target)
    assert pipeline.timings == {} and target.read_text() == "keep me"  # no stage ran


# -- item 10 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("id;answer\n1;Caf\u00e9 is slow\n2;It\u2019s \u20ac50\n".encode("cp1252"), "cp1252"),
        ("id\tanswer\n1\tCaf\u00e9 is slow\n2\tIt\u2019s \u20ac50\n".encode("utf-16"), "utf-16-le"),
        ("\ufeffid,answer\n1,Caf\u00e9 is slow\n\n2,It\u2019s \u20ac50\n".encode(), "utf-8-sig"),
    ],
)
def test_one_csv_reader_with_runs_encoding_and_delimiter_rules(tmp_path, data, encoding):
    from insightminer.ingest.csvio import read_csv_table

    path = tmp_path / "in.csv"
    path.write_bytes(data)
    table = read_csv_table(path, "answer")
    assert table.encoding == encoding
    assert table.column("answer") == ["Caf\u00e9 is slow", "It\u2019s \u20ac50"]
    assert table.header == ["id", "answer"]


def test_csv_rules_for_ragged_rows_duplicate_headers_and_blank_lines(tmp_path):
    from insightminer.ingest.csvio import read_csv_table

    path = tmp_path / "in.csv"
    path.write_text("id,answer\n1,short\n\n2\n3,a, b, c\n")
    table = read_csv_table(path, "answer")
    assert table.column("answer") == ["short", "", "a, b, c"]  # padded; text column last: joined back
    assert any("blank line" in n for n in table.notes) and any("joined" in n for n in table.notes)
    path.write_text("answer,id\nshort,1\na,2,extra\n")
    with pytest.raises(ValueError, match="line 3 has 3 fields"):
        read_csv_table(path, "answer")
    path.write_text("answer,id,answer\nx,1,y\n")
    with pytest.raises(ValueError, match="appears 2 times"):
        read_csv_table(path, "answer")
    with pytest.raises(ValueError, match="columns found: 'answer', 'id', 'answer'"):
        read_csv_table(path, "text")


def test_csv_commands_check_the_column_before_loading_a_model(tmp_path, monkeypatch):
    import insightminer.classify.detect
    import insightminer.classify.emotions
    import insightminer.classify.motivators

    def no_model(*_args, **_kwargs):
        raise AssertionError("a model was loaded before the column was checked")

    monkeypatch.setattr(insightminer.classify.emotions.EmotionClassifier, "__init__", no_model)
    monkeypatch.setattr(insightminer.classify.motivators.MotivatorClassifier, "__init__", no_model)
    monkeypatch.setattr(insightminer.classify.detect.StatementKindDetector, "__init__", no_model)
    source = tmp_path / "s.csv"
    source.write_bytes("id;answer\n1;Caf\u00e9\n".encode("cp1252"))
    out = tmp_path / "o.csv"
    for command in (["emotions"], ["motivators"], ["themes"]):
        result = runner.invoke(app, [*command, str(source), "--text-column", "nope", "--out", str(out)])
        assert result.exit_code != 0
        assert isinstance(result.exception, ValueError), result.exception
        assert "columns found: 'id', 'answer'" in str(result.exception)


def test_emotions_command_reads_a_semicolon_cp1252_csv_and_writes_safe_cells(tmp_path):
    source = tmp_path / "s.csv"
    source.write_bytes(
        "id;answer\n1;=cmd|' /C calc'!A0 I hate the export\n2;\n3;Caf\u00e9 support is great\n".encode(
            "cp1252"
        )
    )
    out = tmp_path / "o.csv"
    result = runner.invoke(app, ["emotions", str(source), "--text-column", "answer", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter=";"))
    assert rows[0][:2] == ["id", "answer"] and len(rows) == 4
    assert rows[1][1].startswith("'=cmd") and rows[3][1] == "Caf\u00e9 support is great"
    assert rows[1][2] and not rows[2][2]  # an emotion for the text row, none for the blank one


# -- item 11 ------------------------------------------------------------------------------------------------
def test_report_on_broken_run_folders_gives_one_clear_line(hostile_run, tmp_path):
    _, out, _, _, _ = hostile_run
    cases = {
        "findings.json": "[]",
        "personas.json": "[1]",
        "segments.parquet": None,
    }
    for name, content in cases.items():
        broken = tmp_path / name
        shutil.copytree(out, broken)
        if content is None:
            (broken / name).unlink()
        else:
            (broken / name).write_text(content)
        proc = subprocess.run(
            [sys.executable, "-m", "insightminer", "report", str(broken)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        assert name in plain(proc.stderr) and "re-run" in proc.stderr


# -- item 12 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "option",
    [
        ["--max-file-mb", "-1"],
        ["--max-file-mb", "0"],
        ["--min-theme-documents", "-5"],
        ["--executor", "bogus"],
        ["--asr-backend", "bogus"],
        ["--motivator-backend", "bogus"],
        ["--fields", "speeker=Spkr"],
        ["--fields", "speaker"],
    ],
)
def test_bad_options_are_refused_before_anything_runs(tmp_path, option):
    result = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "out"), *option])
    assert result.exit_code == 2, result.output
    assert "Invalid value" in plain(result.output)
    assert not (tmp_path / "out").exists()


def test_vtt_seconds_past_59_are_not_times(tmp_path):
    for bad in ("00:00:61.000", "00:01:99.000", "01:75:00.000"):
        path = tmp_path / "x.vtt"
        path.write_text(f"WEBVTT\n\n00:00:01.000 --> {bad}\n<v Rep>Hi</v>\n<v Jane>Hello</v>\n")
        with pytest.raises(IngestError, match="malformed cue timing"):
            read_transcripts(path)
    path.write_text("WEBVTT\n\n75:30.000 --> 75:59.500\n<v Rep>Hi</v>\n<v Jane>Hello</v>\n")
    assert read_transcripts(path)[0].utterances[0].start == 4530.0  # MM:SS past an hour is fine


def test_isolated_nul_bytes_are_stripped_and_reported_binaries_still_refused(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(GOOD.encode().replace(b"weekly", b"week\x00ly"))
    (doc,) = read_transcripts(path)
    assert "weekly" in doc.utterances[1].text and "1 NUL byte(s) removed" in doc.notes
    zipped = tmp_path / "zip.txt"
    shutil.copy(INTERVIEWS / "sales03_orchard_foods.docx", zipped)
    with pytest.raises(IngestError, match="binary"):
        read_transcripts(zipped)


def test_json_lists_and_objects_never_become_python_reprs(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(
        json.dumps(
            {
                "doc_id": {"a": 1},
                "utterances": [
                    {"speaker": ["Jane", "Doe"], "text": "The export breaks."},
                    {"speaker": {"name": "Rep"}, "text": ["Tell", "me", "more"]},
                    {"speaker": "Rep", "text": {"nested": "x"}},
                    {"speaker": "Rep", "text": "Why?"},
                ],
            }
        )
    )
    (doc,) = read_transcripts(path)
    assert doc.doc_id == "odd"
    speakers = [u.speaker for u in doc.utterances]
    texts = [u.text for u in doc.utterances]
    assert speakers == ["Jane, Doe", "Unknown", "Rep"] and texts == [
        "The export breaks.",
        "Tell me more",
        "Why?",
    ]
    assert not any("{" in s or "[" in s for s in speakers + texts + [doc.doc_id])
    assert any("object" in n for n in doc.notes)


# -- item 14 ------------------------------------------------------------------------------------------------
def test_tsv_jsonl_and_other_json_layouts_are_read(tmp_path):
    (tmp_path / "a.tsv").write_text("speaker\ttext\tstart\nRep\tHi there\t0\nJane\tThe export breaks\t2.5\n")
    (tmp_path / "b.txt").write_text("Line\tWho\tSaid\n1\tRep\tHello\n2\tJane\tSync is slow\n3\tRep\tok\n")
    (tmp_path / "c.jsonl").write_text(
        '{"speaker_name": "Rep", "text": "Hello"}\n\nnot json\n{"speaker_name": "Jane", "text": "Too slow"}\n'
    )
    (tmp_path / "d.json").write_text(
        json.dumps(
            {
                "topic_list": [],
                "meeting_transcripts": [{"speaker": "A", "content": "Hi"}, {"speaker": "B", "content": "Yo"}],
            }
        )
    )
    (tmp_path / "e.json").write_text(
        json.dumps(
            {
                "metadata": {"duration": 3},
                "results": {
                    "channels": [{"alternatives": [{"transcript": "hi yo"}]}],
                    "utterances": [
                        {"speaker": 0, "transcript": "hi", "start": 0.1, "end": 0.5},
                        {"speaker": 1, "transcript": "yo", "start": 0.6, "end": 0.9},
                    ],
                },
            }
        )
    )
    transcripts, records = ingest_paths([tmp_path])
    by_name = _records(records)
    assert by_name["a.tsv"].status == "processed" and by_name["a.tsv"].source_format == "tsv"
    assert by_name["b.txt"].status == "skipped"
    assert "'Line', 'Who', 'Said'" in by_name["b.txt"].reason  # the reason names the columns it found
    assert by_name["c.jsonl"].status == "processed" and any("not JSON" in n for n in by_name["c.jsonl"].notes)
    assert by_name["d.json"].status == "processed"
    assert by_name["e.json"].status == "processed"
    by_doc = {t.doc_id: t for t in transcripts}
    assert [u.start for u in by_doc["a"].utterances] == [0.0, 2.5]
    assert [u.speaker for u in by_doc["e"].utterances] == ["0", "1"]
    assert [u.end for u in by_doc["e"].utterances] == [0.5, 0.9]
    # The user's way out: a field mapping names the columns, for tables and JSON alike.
    mapped, records = ingest_paths(
        [tmp_path / "b.txt"], IngestOptions(fields={"speaker": "Who", "text": "Said"})
    )
    assert [u.speaker for u in mapped[0].utterances] == ["Rep", "Jane", "Rep"]
    (tmp_path / "f.json").write_text(
        json.dumps({"calls": {"lines": [{"who": "A", "said": "x"}, {"who": "B", "said": "y"}]}})
    )
    with pytest.raises(IngestError, match="keys found: calls"):
        read_transcripts(tmp_path / "f.json")
    got = read_transcripts(
        tmp_path / "f.json", fmap=FieldMap.from_options({"speaker": "who", "text": "said"}, "calls.lines")
    )
    assert [u.text for u in got[0].utterances] == ["x", "y"]


def _head_lines(source: Path, target: Path, n: int) -> None:
    with source.open(encoding="utf-8") as handle:
        target.write_text("".join(line for _, line in zip(range(n), handle)), encoding="utf-8")


def test_shared_eval_layouts_are_read_through_run(tmp_path, shared_eval):
    """CORAAL (tab-separated .txt, --fields), Earnings-21 (.jsonl) and QMSum (meeting_transcripts)."""
    coraal = sorted((shared_eval / "coraal-interviews" / "original").glob("*.txt"))[:2]
    turns = sorted((shared_eval / "earnings21" / "turns").glob("*.jsonl"))[:1]
    meetings = sorted((shared_eval / "qmsum" / "test").glob("*.json"))[:2]
    if not (coraal and turns and meetings):
        pytest.skip("shared eval layouts not present")
    plain_dir, coraal_dir = tmp_path / "plain", tmp_path / "coraal"
    plain_dir.mkdir()
    coraal_dir.mkdir()
    for path in coraal:  # the first lines of each keep the test fast
        _head_lines(path, coraal_dir / path.name, 120)
    _head_lines(turns[0], plain_dir / turns[0].name, 12)
    for path in meetings:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["meeting_transcripts"] = data["meeting_transcripts"][:60]
        (plain_dir / path.name).write_text(json.dumps(data), encoding="utf-8")
    common = ["--cache-dir", str(tmp_path / "cache"), "--no-emotions", "--no-motivators", "-q"]
    result = runner.invoke(app, ["run", str(plain_dir), "--out", str(tmp_path / "o1"), *common])
    assert result.exit_code == 0, result.output
    inputs = json.loads((tmp_path / "o1" / "run.json").read_text())["inputs"]
    assert [i["status"] for i in inputs] == ["processed"] * 3, inputs
    fields = "speaker=Spkr,text=Content,start=StTime,end=EnTime"
    result = runner.invoke(
        app, ["run", str(coraal_dir), "--out", str(tmp_path / "o2"), "--fields", fields, *common]
    )
    assert result.exit_code == 0, result.output
    inputs = json.loads((tmp_path / "o2" / "run.json").read_text())["inputs"]
    assert [i["status"] for i in inputs] == ["processed"] * 2, inputs
    table = pq.read_table(tmp_path / "o2" / "segments.parquet")
    assert all(s is not None for s in table.column("start").to_pylist())


# -- item 9 -------------------------------------------------------------------------------------------------
def test_a_line_without_punctuation_is_split_and_bounded(hostile_run):
    """A raw ASR dump (4,000 words, no punctuation) becomes many bounded statements, none lost."""
    from insightminer.text.segment import MAX_STATEMENT_CHARS

    _, out, _, manifest, _ = hostile_run
    entry = next(i for i in manifest["inputs"] if i["path"].endswith("long_line.txt"))
    assert entry["status"] == "processed"
    rows = pq.read_table(out / "segments.parquet").to_pylist()
    (doc,) = entry["doc_ids"]
    texts = [r["text"] for r in rows if r["doc_id"] == doc]
    assert len(texts) > 20 and max(len(t) for t in texts) <= MAX_STATEMENT_CHARS
    assert sum(len(t.split()) for t in texts) >= 3900  # split, not cut: the words are all there
    assert len((out / "findings.json").read_bytes()) < 2_000_000


def test_an_unbreakable_run_is_cut_at_the_cap_and_the_cut_counted():
    """No sentence or word boundary to split at: the statement is cut at the cap, and the cut counted
    (the pipeline reports it in the input's notes)."""
    from insightminer.schema import Statement
    from insightminer.text.segment import MAX_STATEMENT_CHARS, cap_statements

    long = Statement("d:1:0", "d", "Ann", "customer", "x" * (3 * MAX_STATEMENT_CHARS))
    short = Statement("d:2:0", "d", "Ann", "customer", "The export breaks every week.")
    assert cap_statements([long, short]) == {"d": 1}
    assert len(long.text) <= MAX_STATEMENT_CHARS + 1 and long.text.endswith("\u2026")
    assert short.text == "The export breaks every week."


def test_cap_statements_cuts_at_a_word_boundary():
    from insightminer.schema import Statement
    from insightminer.text.segment import cap_statements

    long = Statement(statement_id="d:0:0", doc_id="d", speaker="C", role="customer", text="word " * 1000)
    short = Statement(statement_id="d:0:1", doc_id="d", speaker="C", role="customer", text="fine.")
    assert cap_statements([long, short], limit=100) == {"d": 1}
    assert long.text.endswith("word\u2026") and len(long.text) <= 101 and short.text == "fine."
