"""Bad inputs in one folder beside good ones: the good ones are read, each bad one is skipped with a
specific human reason, and nothing raises."""

from __future__ import annotations

import os
import random
import time
import zipfile
from pathlib import Path

import pytest

from insightminer.config import IngestOptions
from insightminer.ingest.files import ingest_paths, read_transcripts

GOOD_TXT = (
    "Interviewer: What slows you down?\nCustomer: The weekly report.\nInterviewer: Why?\nCustomer: Manual.\n"
)


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    # good files
    _write(folder, "good_plain.txt", GOOD_TXT)
    _write(
        folder, "good_subs.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Rep>Hi</v>\n<v Jane>Hello</v>\n"
    )
    _write(
        folder,
        "good_doc.json",
        '{"utterances": [{"speaker": "Q", "text": "a"}, {"speaker": "A", "text": "b"}]}',
    )
    _write(folder, "utf16.txt", GOOD_TXT.encode("utf-16"))  # with BOM
    _write(folder, "utf16_nobom.txt", GOOD_TXT.encode("utf-16-le"))
    _write(
        folder,
        "cp1252.txt",
        "Interviewer: Caf\u00e9 \u2014 okay?\nRen\u00e9e: It\u2019s \u20ac50.\n".encode("cp1252"),
    )
    damaged = "Interviewer: Zo\u00eb, how is it?\nZo\u00eb: Tr\u00e8s bien.\n".encode() + b"\xff\xfe junk\n"
    _write(folder, "damaged_utf8.txt", damaged)  # UTF-8 with a few bad bytes: kept as UTF-8, not mojibake
    # bad files
    _write(folder, "empty.txt", b"")
    _write(folder, "blank.txt", "  \n\t\n  ")
    _write(folder, "garbage.txt", random.Random(0).randbytes(4096))
    _write(folder, "truncated.json", '{"doc_id": "x", "utterances": [{"speaker": "A", "text": "hel')
    _write(folder, "noheader.vtt", "00:00:01.000 --> 00:00:02.000\nRep: hi\n")
    _write(
        folder,
        "badtiming_vtt.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nRep: hi\n\n2\n00:00:03.000 --> soon\nJo: x\n",
    )
    _write(folder, "badtiming_srt.srt", "1\n00:00:01,000 -> 00:00:02,000\nRep: hi\n")
    _write(folder, "prose.srt", "Just some notes that are not subtitles.\n")
    _write(folder, "nolabels.txt", "We mostly use spreadsheets.\n\nThe problem is: it is slow.\n")
    _write(folder, "notext.csv", "doc_id,speaker,words\na,b,c\n")
    _write(folder, "fake.docx", "Rep: this is not a Word file")
    with zipfile.ZipFile(folder / "corrupt.docx", "w") as archive:
        archive.writestr("hello.txt", "not a document")
    _write(folder, "slides.pptx", b"PK\x03\x04")
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50_000_000)
    os.symlink(folder / "deleted.txt", folder / "dangling.txt")
    os.mkfifo(folder / "pipe.txt")  # reading it would block the run forever
    # not inputs at all
    _write(folder, ".DS_Store", b"\x00\x01")
    return folder


EXPECTED_SKIPS = {
    "empty.txt": "empty file",
    "blank.txt": "empty file (only whitespace)",
    "garbage.txt": "not a text file (binary content)",
    "truncated.json": "invalid JSON at line 1 column 57: Unterminated string starting at",
    "noheader.vtt": "malformed WebVTT: line 1 should start with 'WEBVTT'",
    "badtiming_vtt.vtt": "malformed cue timing at line 8: '00:00:03.000 --> soon'",
    "badtiming_srt.srt": "malformed cue timing at line 2: '00:00:01,000 -> 00:00:02,000'",
    "prose.srt": "malformed SRT at line 1: expected a cue number or a timing line",
    "nolabels.txt": "no speaker labels found: expected lines like 'Customer: ...'",
    "notext.csv": "no text column in CSV",
    "fake.docx": "not a valid .docx file (not a zip archive",
    "corrupt.docx": "corrupt .docx file",
    "slides.pptx": "unsupported file type .pptx",
    "huge.txt": "file is 50.0 MB, over the 20 MB limit (raise --max-file-mb to read it)",
    "dangling.txt": "cannot read file: broken symbolic link",
    "pipe.txt": "not a regular file",
}
EXPECTED_PROCESSED = {
    "good_plain.txt",
    "good_subs.vtt",
    "good_doc.json",
    "utf16.txt",
    "utf16_nobom.txt",
    "cp1252.txt",
    "damaged_utf8.txt",
}


def test_bad_inputs_are_skipped_with_reasons(mixed_folder: Path):
    started = time.perf_counter()
    transcripts, records = ingest_paths([mixed_folder])
    elapsed = time.perf_counter() - started
    by_name = {Path(r.path).name: r for r in records}
    assert set(by_name) == set(EXPECTED_SKIPS) | EXPECTED_PROCESSED  # every input accounted for, once
    assert len(records) == len(by_name)
    for name, reason in EXPECTED_SKIPS.items():
        record = by_name[name]
        assert record.status == "skipped", name
        assert record.reason is not None and record.reason.startswith(reason), (name, record.reason)
        assert "Traceback" not in record.reason
    for name in EXPECTED_PROCESSED:
        assert by_name[name].status == "processed", (name, by_name[name].reason)
    assert len(transcripts) == len(EXPECTED_PROCESSED)
    assert elapsed < 5.0  # the 50 MB file was refused from its size, not read


def test_encodings_are_reported(mixed_folder: Path):
    transcripts, records = ingest_paths([mixed_folder])
    by_name = {Path(r.path).name: r for r in records}
    assert by_name["utf16.txt"].encoding == "utf-16-le"
    assert by_name["utf16_nobom.txt"].encoding == "utf-16-le"
    assert "decoded as utf-16-le (no byte-order mark)" in by_name["utf16_nobom.txt"].notes
    assert by_name["cp1252.txt"].encoding == "cp1252"
    assert "decoded as cp1252 (not valid UTF-8)" in by_name["cp1252.txt"].notes
    cp = next(t for t in transcripts if t.doc_id == "cp1252")
    assert cp.encoding == "cp1252" and "decoded as cp1252 (not valid UTF-8)" in cp.notes
    assert [(u.speaker, u.text) for u in cp.utterances] == [
        ("Interviewer", "Caf\u00e9 \u2014 okay?"),
        ("Ren\u00e9e", "It\u2019s \u20ac50."),
    ]
    damaged = next(t for t in transcripts if t.doc_id == "damaged_utf8")
    assert damaged.encoding == "utf-8" and "2 invalid UTF-8 byte sequence(s) replaced" in damaged.notes
    assert damaged.utterances[1].speaker == "Zo\u00eb" and damaged.utterances[1].text.startswith(
        "Tr\u00e8s bien."
    )
    utf16 = next(t for t in transcripts if t.doc_id == "utf16")
    assert [u.speaker for u in utf16.utterances] == ["Interviewer", "Customer"] * 2


def test_unlabelled_speaker_reads_the_unlabelled_file(mixed_folder: Path):
    transcripts, records = ingest_paths([mixed_folder], IngestOptions(unlabelled_speaker="Customer"))
    record = next(r for r in records if r.path.endswith("nolabels.txt"))
    assert record.status == "processed"
    t = next(t for t in transcripts if t.doc_id == "nolabels")
    assert [(u.speaker, u.text) for u in t.utterances] == [
        ("Customer", "We mostly use spreadsheets."),
        ("Customer", "The problem is: it is slow."),
    ]


def test_max_file_size_is_configurable(tmp_path: Path):
    path = _write(tmp_path, "t.txt", GOOD_TXT * 100)
    _, records = ingest_paths([path], IngestOptions(max_file_mb=0.001))
    assert records[0].status == "skipped"
    assert records[0].reason == "file is 0.0 MB, over the 0.001 MB limit (raise --max-file-mb to read it)"
    assert read_transcripts(path, max_file_bytes=1_000_000)[0].utterances


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_permission_denied(tmp_path: Path):
    path = _write(tmp_path, "locked.txt", GOOD_TXT)
    path.chmod(0)
    try:
        _, records = ingest_paths([tmp_path])
    finally:
        path.chmod(0o644)
    assert records[0].status == "skipped" and records[0].reason == "cannot read file: permission denied"
