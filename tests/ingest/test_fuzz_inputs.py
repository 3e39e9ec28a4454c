"""Fuzzed inputs for every reader (issue 12): a seeded generator mutates good files of each format.

Whatever the bytes, ingest never raises, every input is accounted for (processed, or skipped with a
reason), the good files beside the mutants are processed, and what is read is valid Unicode. One real
`insightminer run` over a fuzzed folder exits 0 and lists every input in run.json. Bounded: the
generator is seeded and the folder small, so the suite takes seconds.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insightminer.cli import app
from insightminer.ingest.files import ingest_paths

INTERVIEWS = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "interviews"

_TURNS = [
    ("Interviewer", "What slows your team down each week?"),
    ("Customer", "The export from the CRM breaks whenever we add a custom field."),
    ("Interviewer", "What do you do then?"),
    ("Customer", "We rebuild the weekly report by hand, which takes most of Monday."),
]


def _samples() -> dict[str, bytes]:
    """One small good file per reader."""
    txt = "".join(f"{who}: {text}\n" for who, text in _TURNS)
    vtt = "WEBVTT\n\n" + "".join(
        f"00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.000\n<v {who}>{text}</v>\n\n"
        for i, (who, text) in enumerate(_TURNS)
    )
    srt = "".join(
        f"{i + 1}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},000\n{who}: {text}\n\n"
        for i, (who, text) in enumerate(_TURNS)
    )
    utterances = [{"speaker": who, "text": text, "start": i * 5.0} for i, (who, text) in enumerate(_TURNS)]
    segments = [
        {"start": i * 5.0, "end": i * 5 + 4.0, "text": t, "speaker": w} for i, (w, t) in enumerate(_TURNS)
    ]
    csv_text = "speaker,text,start\n" + "".join(f'{w},"{t}",{i * 5}\n' for i, (w, t) in enumerate(_TURNS))
    tsv_text = "speaker\ttext\tstart\n" + "".join(f"{w}\t{t}\t{i * 5}\n" for i, (w, t) in enumerate(_TURNS))
    return {
        ".txt": txt.encode(),
        ".md": ("# Notes\n\n" + "".join(f"**{who}:** {text}\n\n" for who, text in _TURNS)).encode(),
        ".vtt": vtt.encode(),
        ".srt": srt.encode(),
        ".json": json.dumps({"doc_id": "d", "utterances": utterances}).encode(),
        ".jsonl": "".join(json.dumps(u) + "\n" for u in utterances).encode(),
        ".csv": csv_text.encode(),
        ".tsv": tsv_text.encode(),
        ".docx": (INTERVIEWS / "sales03_orchard_foods.docx").read_bytes(),
        "whisper.json": json.dumps({"segments": segments, "language": "en"}).encode(),
    }


_SNIPPETS = [
    b"[/bold]",
    b"[red]x[/red]",
    b"\x00",
    b"\\ud800",
    b'"\\udcff"',
    b'=HYPERLINK("http://x")',
    b"<script>alert(1)</script>",
    b"\r",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    b"{" * 64,
    b"\t\t\t",
    b",,,,;;;;",
    b"99:99:99.999 --> 00:00:61.000",
    b"-->",
    b"Speaker: ",
    b"\xe2\x80\xae",  # right-to-left override
    b"x" * 5000,
    b'{"speaker": ["a", {"b": 1}], "text": {"x": 1}}',
]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        at = rng.randrange(len(out) + 1) if out else 0
        if op == 0 and out:  # truncate
            del out[at:]
        elif op == 1 and out:  # flip bytes
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(len(out))] = rng.randrange(256)
        elif op == 2:  # random bytes
            out[at:at] = rng.randbytes(rng.randint(1, 64))
        elif op == 3:  # a hostile snippet
            out[at:at] = rng.choice(_SNIPPETS)
        elif op == 4 and out:  # duplicate a chunk
            end = min(len(out), at + rng.randint(1, 200))
            out[at:at] = out[at:end] * rng.randint(1, 3)
        elif op == 5 and out:  # delete a chunk
            del out[at : at + rng.randint(1, 100)]
        elif op == 6:  # re-encode as UTF-16 (when it is text)
            try:
                out = bytearray(bytes(out).decode("utf-8").encode(rng.choice(["utf-16", "utf-16-le"])))
            except UnicodeDecodeError:
                pass
    return bytes(out)


def _fuzz_folder(folder: Path, seed: int, per_format: int) -> tuple[list[str], list[str]]:
    """Good files (good_*) and mutants (m*) of every format; every name has its own stem."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    good, mutants = [], []
    for key, data in _samples().items():
        ext = ".json" if key == "whisper.json" else key
        stem = "whisper" if key == "whisper.json" else ext[1:]
        name = f"good_{stem}{ext}"
        (folder / name).write_bytes(data)
        good.append(name)
        for i in range(per_format):
            name = f"m{seed}_{stem}_{i:03d}{ext}"
            (folder / name).write_bytes(_mutate(data, rng))
            mutants.append(name)
    return good, mutants


def _assert_all_text_is_unicode(transcripts) -> None:
    for t in transcripts:
        json.dumps(t.to_dict(), ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_files_never_break_ingest(tmp_path, seed):
    folder = tmp_path / "in"
    good, mutants = _fuzz_folder(folder, seed, per_format=12)
    transcripts, records = ingest_paths([folder])
    by_name = {Path(r.path).name: r for r in records}
    assert sorted(by_name) == sorted(good + mutants)  # every input accounted for, once
    assert len(records) == len(good) + len(mutants)
    for name in good:
        assert by_name[name].status == "processed", (name, by_name[name].reason)
    for record in records:
        assert record.status in ("processed", "skipped")
        if record.status == "skipped":
            assert record.reason and "Traceback" not in record.reason
            # The catch-all for a reader's own bug ("could not read file (KeyError: ...)") never fires.
            assert not record.reason.startswith("could not read file ("), (record.path, record.reason)
    _assert_all_text_is_unicode(transcripts)
    # Both outcomes occur: the mutations are neither all harmless nor all fatal.
    statuses = {by_name[m].status for m in mutants}
    assert statuses == {"processed", "skipped"}


def test_a_run_over_fuzzed_files_exits_0_and_lists_every_input(tmp_path):
    folder = tmp_path / "in"
    good, mutants = _fuzz_folder(folder, seed=7, per_format=3)
    for path in sorted(INTERVIEWS.glob("int0[1-2]*")):  # enough customer speech for findings
        shutil.copy(path, folder / path.name)
        good.append(path.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["run", str(folder), "--out", str(out), "--cache-dir", str(tmp_path / "c"), "--no-motivators", "-q"],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "run.json").read_text())
    listed = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert sorted(listed) == sorted(good + mutants)
    assert all(listed[name]["status"] == "processed" for name in good)
    assert manifest["status"] == "complete" and manifest["counts"]["processed"] >= len(good)
