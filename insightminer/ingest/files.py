"""Ingest stage: read every input file into Transcript objects, accounting for every input.

Each input ends up as one InputRecord: ``processed`` (with the doc ids it gave) or ``skipped`` with a
human reason. Nothing here raises for a bad input file; only a bad ``metadata_file`` (which the user
named explicitly) raises IngestError.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from insightminer.config import IngestOptions
from insightminer.ingest.metadata import (
    find_sidecars,
    is_sidecar_name,
    load_metadata,
    lookup,
    metadata_from_path,
)
from insightminer.ingest.readers.common import (
    FieldMap,
    IngestError,
    ParsedDoc,
    clean_text,
    display_path,
    normalize_key,
)
from insightminer.ingest.readers.docx import parse_docx
from insightminer.ingest.readers.encoding import decode_bytes
from insightminer.ingest.readers.json_formats import parse_json, parse_jsonl
from insightminer.ingest.readers.subtitles import parse_srt, parse_vtt
from insightminer.ingest.readers.table import parse_csv
from insightminer.ingest.readers.text import parse_text
from insightminer.schema import InputRecord, Transcript
from insightminer.speech.audio import AUDIO_EXTENSIONS

__all__ = [
    "AUDIO_DISABLED_REASON",
    "AUDIO_EXTENSIONS",
    "TRANSCRIPT_EXTENSIONS",
    "IngestError",
    "ingest_paths",
    "load_metadata",
    "read_transcripts",
    "run_folder_marker",
]

TRANSCRIPT_EXTENSIONS: frozenset[str] = frozenset(
    {".txt", ".vtt", ".srt", ".json", ".jsonl", ".csv", ".tsv", ".docx", ".md"}
)
AUDIO_DISABLED_REASON = "audio input needs transcription (the transcribe stage is disabled)"

_FORMATS = {".txt": "txt", ".md": "txt", ".vtt": "vtt", ".srt": "srt", ".json": "json", ".csv": "csv",
            ".docx": "docx", ".tsv": "tsv", ".jsonl": "jsonl"}  # fmt: skip


def _size_error(size: int, max_file_bytes: int) -> IngestError:
    return IngestError(
        f"file is {size / 1e6:.1f} MB, over the {max_file_bytes / 1e6:g} MB limit "
        "(raise --max-file-mb to read it)"
    )


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot read file: permission denied"
    if isinstance(exc, IsADirectoryError):
        return "not a file (a folder)"
    return f"cannot read file: {(exc.strerror or str(exc)).lower()}"


def _check_file(path: Path, max_file_bytes: int) -> None:
    """Refuse what cannot or should not be read, before reading a byte of it."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise IngestError("cannot read file: broken symbolic link") from None
        raise IngestError("file not found") from None
    except OSError as exc:
        raise IngestError(_os_reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise IngestError("not a file (a folder)")
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block the run forever
        raise IngestError("not a regular file (a pipe, socket or device)")
    if st.st_size > max_file_bytes:
        raise _size_error(st.st_size, max_file_bytes)


def _read_bytes(path: Path, max_file_bytes: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_file_bytes + 1)
    except OSError as exc:
        raise IngestError(_os_reason(exc)) from None
    if len(data) > max_file_bytes:  # grew since stat()
        raise _size_error(len(data), max_file_bytes)
    return data


_CONVERT_HINTS = {
    ".doc": "save it as .docx",
    ".xlsx": "save it as .csv",
    ".xls": "save it as .csv",
    ".pdf": "export it as .txt or .docx",
    ".rtf": "save it as .docx or .txt",
    ".odt": "save it as .docx",
    ".pages": "export it as .docx",
}


def _unsupported(ext: str) -> str:
    if not ext:
        return "unsupported file type (no extension)"
    hint = _CONVERT_HINTS.get(ext)
    return f"unsupported file type {ext}" + (f" ({hint})" if hint else "")


_UNSAFE_ID = re.compile(r"[\\/\x00-\x1f\x7f]")
#: Doc ids name output files (``ingest`` writes DOC_ID.json); file systems allow 255 bytes per name.
MAX_DOC_ID_CHARS = 100
_MAX_DOC_ID_BYTES = 200


def _shorten(doc_id: str) -> str:
    """Cut a long id, keeping it unique: its first characters plus a hash of the whole id."""
    if len(doc_id) <= MAX_DOC_ID_CHARS and len(doc_id.encode("utf-8")) <= _MAX_DOC_ID_BYTES:
        return doc_id
    digest = hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:10]
    head = doc_id[: MAX_DOC_ID_CHARS - 11]
    while len(head.encode("utf-8")) > _MAX_DOC_ID_BYTES - 11:
        head = head[:-1]
    return f"{head}-{digest}"


def _safe_doc_id(raw: str | None, default: str, notes: list[str]) -> str:
    """A doc id from inside a file, made safe to use as a file name (outputs are written per doc id)."""
    default = _shorten(_UNSAFE_ID.sub("_", display_path(default)))
    doc_id = clean_text(raw or "")
    if not doc_id:
        return default
    safe = _UNSAFE_ID.sub("_", doc_id)
    if safe in (".", ".."):
        safe = default
    if safe != doc_id:
        notes.append(f"doc_id {doc_id!r} changed to {safe!r} (path separators and control characters)")
    short = _shorten(safe)
    if short != safe:
        notes.append(f"doc_id of {len(safe)} characters shortened to {short!r}")
    return short


def _looks_tabular(text: str) -> bool:
    """A tab-separated table with a header (CORAAL-style ``Line<TAB>Spkr<TAB>...``), not prose."""
    lines = [line for line in text.split("\n", 60)[:60] if line.strip()]
    if len(lines) < 2:
        return False
    header = lines[0].split("\t")
    if len(header) < 2 or any(len(cell.strip()) > 40 or not cell.strip() for cell in header):
        return False
    same = sum(1 for line in lines[1:] if line.count("\t") == len(header) - 1)
    return same >= 0.8 * (len(lines) - 1)


def read_transcripts(
    path: Path,
    *,
    max_file_bytes: int = 20_000_000,
    unlabelled_speaker: str | None = None,
    fmap: FieldMap | None = None,
) -> list[Transcript]:
    """Read one transcript file (a CSV or JSON list can hold several interviews).

    ``fmap`` is the user's field mapping (--fields / --records) for tables and JSON of another layout.
    Raises IngestError with the human reason when the file cannot be read. The metadata on the
    returned transcripts is only what the file itself carries; ingest_paths adds folder and sidecar
    metadata.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext in AUDIO_EXTENSIONS:
        raise IngestError("audio file: it needs the transcribe stage, not a transcript reader")
    if ext not in TRANSCRIPT_EXTENSIONS:
        raise IngestError(_unsupported(ext))
    _check_file(path, max_file_bytes)
    encoding: str | None = None
    notes: list[str] = []
    source_format = _FORMATS[ext]
    if ext == ".docx":
        docs = [parse_docx(path, unlabelled_speaker=unlabelled_speaker)]
    else:
        decoded = decode_bytes(_read_bytes(path, max_file_bytes))
        encoding, notes, text = decoded.encoding, decoded.notes, decoded.text
        docs: list[ParsedDoc]
        source_format = _FORMATS[ext]
        if ext == ".txt" and _looks_tabular(text):
            docs = parse_csv(text, unlabelled_speaker=unlabelled_speaker, fmap=fmap)
            source_format = "tsv"
        elif ext in (".txt", ".md"):
            docs = [parse_text(text, unlabelled_speaker=unlabelled_speaker, markdown=ext == ".md")]
        elif ext == ".vtt":
            docs = [parse_vtt(text, unlabelled_speaker=unlabelled_speaker)]
        elif ext == ".srt":
            docs = [parse_srt(text, unlabelled_speaker=unlabelled_speaker)]
        elif ext == ".json":
            docs = parse_json(text, unlabelled_speaker=unlabelled_speaker, fmap=fmap)
        elif ext == ".jsonl":
            docs = parse_jsonl(text, unlabelled_speaker=unlabelled_speaker, fmap=fmap)
        else:
            docs = parse_csv(text, unlabelled_speaker=unlabelled_speaker, fmap=fmap)
    transcripts: list[Transcript] = []
    dropped: list[str] = []
    for i, doc in enumerate(docs):
        default_id = path.stem if len(docs) == 1 else f"{path.stem}-{i + 1}"
        doc_id = _safe_doc_id(doc.doc_id, default_id, doc.notes)
        if not doc.utterances:
            dropped.append(doc_id)
            continue
        transcripts.append(
            Transcript(
                doc_id=doc_id,
                source=display_path(path),
                utterances=doc.utterances,
                metadata=dict(doc.metadata),
                source_format=source_format,
                encoding=encoding,
                notes=[*notes, *doc.notes],
            )
        )
    if not transcripts:
        raise IngestError("no utterances with text found")
    if dropped:
        transcripts[0].notes.append(f"documents without text left out: {', '.join(dropped)}")
    return transcripts


#: When one folder holds the same interview in several formats (acme.json + acme.vtt + acme.srt, as the
#: transcribe stage writes them, or a Zoom export's acme.m4a + acme.vtt), the first of these that reads wins.
_FORMAT_PREFERENCE = (".json", ".vtt", ".srt", ".docx", ".jsonl", ".csv", ".tsv", ".txt", ".md")


def _group_same_stem(names: list[str]) -> list[list[str]]:
    """Files in name order; files sharing a stem with a transcript form one group, best format first."""
    by_stem: dict[str, list[str]] = {}
    for name in names:
        ext = Path(name).suffix.lower()
        if ext in TRANSCRIPT_EXTENSIONS or ext in AUDIO_EXTENSIONS:
            by_stem.setdefault(Path(name).stem, []).append(name)
    groups: list[list[str]] = []
    placed: set[str] = set()
    for name in names:
        if name in placed:
            continue
        family = by_stem.get(Path(name).stem, [name])
        if len(family) > 1 and any(Path(n).suffix.lower() in TRANSCRIPT_EXTENSIONS for n in family):
            rank = {e: i for i, e in enumerate(_FORMAT_PREFERENCE)}
            group = sorted(family, key=lambda n: (rank.get(Path(n).suffix.lower(), len(rank)), n))
        else:
            group = [name]
        placed.update(group)
        groups.append(group)
    return groups


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder (following links); a link that loops or dangles is a file whose reading fails later."""
    try:
        return entry.is_dir()
    except OSError:
        return False


#: Files every run folder holds; one with run.json or findings.json written by insightminer is a run folder.
_RUN_MARKERS = ("run.json", "findings.json")


def _is_insightminer_output(path: Path) -> bool:
    try:
        if path.stat().st_size > 200_000_000:
            return False
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    if not isinstance(data, dict):
        return False
    generator = data.get("generator")
    return "insightminer_version" in data or (
        isinstance(generator, dict) and generator.get("name") == "insightminer"
    )


def run_folder_marker(folder: Path, names: Sequence[str] | None = None) -> str | None:
    """The file that shows ``folder`` is an insightminer run folder (its outputs are never inputs)."""
    if names is None:
        try:
            names = os.listdir(folder)
        except OSError:
            return None
    for marker in _RUN_MARKERS:
        if marker in names and _is_insightminer_output(folder / marker):
            return marker
    return None


def _walk(root: Path, skip: Path | None) -> Iterator[tuple[list[Path], list[Path], str | None]]:
    """(files, sidecars from the root down to their folder, error) in sorted order; hidden entries skipped.

    ``files`` is one file, or several copies of one interview in different formats (best first).
    An unreadable folder, a folder reached twice (a symlink loop) and an insightminer run folder yield
    ([folder], [], reason) so they too are accounted for.
    """
    seen_dirs: set[str] = set()

    def visit(folder: Path, sidecars: list[Path]) -> Iterator[tuple[list[Path], list[Path], str | None]]:
        real = os.path.realpath(folder)
        if real in seen_dirs:
            yield [folder], [], "folder already read (a symbolic link loop or a folder linked twice)"
            return
        seen_dirs.add(real)
        try:
            with os.scandir(folder) as it:
                entries = sorted((e.name, _is_dir(e)) for e in it)
        except OSError as exc:
            yield [folder], [], _os_reason(exc).replace("file", "folder")
            return
        marker = run_folder_marker(folder, [name for name, is_dir in entries if not is_dir])
        if marker is not None:
            yield [folder], [], f"an insightminer run folder ({marker}): its outputs are never read as inputs"
            return
        chain = sidecars + [folder / name for name in find_sidecars(n for n, is_dir in entries if not is_dir)]
        files = [
            name
            for name, is_dir in entries
            if not is_dir
            and not name.startswith(".")
            and not is_sidecar_name(name)
            and (skip is None or os.path.realpath(folder / name) != str(skip))
        ]
        group_at = {min(group): group for group in _group_same_stem(files)}
        # Files and subfolders interleave in name order; a group goes where its first name sorts.
        for name, is_dir in entries:
            if name.startswith("."):
                continue
            if is_dir:
                yield from visit(folder / name, chain)
            elif name in group_at:
                yield [folder / n for n in group_at[name]], chain, None

    yield from visit(root, [])


def _exception_reason(exc: Exception) -> str:
    """A skip reason for an exception: the message itself when it is one of the project's human-readable
    ValueErrors (AudioError from the transcribe stage, ...), else its class and message, never a traceback."""
    if isinstance(exc, ValueError) and type(exc).__module__.startswith("insightminer"):
        return str(exc) or type(exc).__name__
    return f"could not read file ({type(exc).__name__}: {exc})"


def _unique_doc_id(doc_id: str, path: Path, used: dict[str, str]) -> str:
    if doc_id not in used:
        return doc_id
    parent = normalize_key(path.parent.name).replace("_", "-")
    candidate = f"{doc_id}-{parent}" if parent else ""
    n = 2
    while not candidate or candidate in used:
        candidate = f"{doc_id}-{n}"
        n += 1
    return candidate


def ingest_paths(
    paths: Sequence[str | Path],
    options: IngestOptions | None = None,
    *,
    audio_reader: Callable[[Path], list[Transcript]] | None = None,
    on_record: Callable[[InputRecord], None] | None = None,
    reserved_ids: Sequence[str] = (),
) -> tuple[list[Transcript], list[InputRecord]]:
    """Read files and folders (recursively, sorted) into transcripts, with one InputRecord per input.

    Hidden files/folders and metadata sidecars are not inputs. Audio goes to ``audio_reader`` (skipped
    with a reason when it is None). A reader failure skips that file with its reason; it never raises.
    Duplicate doc ids get a deterministic suffix (the parent folder name, else -2, -3, ...), noted;
    ``reserved_ids`` (names the caller writes itself, e.g. the ``ingest`` manifest) count as used.
    """
    options = options or IngestOptions()
    metadata_file = Path(options.metadata_file) if options.metadata_file else None
    max_file_bytes = int(options.max_file_mb * 1_000_000)
    unlabelled_speaker = options.unlabelled_speaker
    fmap = FieldMap.from_options(options.fields, options.records) or None
    explicit = load_metadata(metadata_file) if metadata_file is not None else {}
    skip = Path(os.path.realpath(metadata_file)) if metadata_file is not None else None
    transcripts: list[Transcript] = []
    records: list[InputRecord] = []
    used_ids: dict[str, str] = {name: "the output folder's own files" for name in reserved_ids}
    seen_files: set[str] = set()
    sidecar_cache: dict[Path, dict[str, dict[str, str]]] = {}

    def emit(record: InputRecord) -> None:
        record.path = display_path(record.path)
        records.append(record)
        if on_record is not None:
            on_record(record)

    def sidecar(path: Path) -> dict[str, dict[str, str]]:
        if path not in sidecar_cache:
            try:
                sidecar_cache[path] = load_metadata(path)
            except Exception as exc:  # a broken sidecar costs its metadata, not the run
                sidecar_cache[path] = {}
                reason = str(exc) if isinstance(exc, IngestError) else _exception_reason(exc)
                emit(InputRecord(str(path), "skipped", f"metadata sidecar not used: {reason}"))
        return sidecar_cache[path]

    def process(path: Path, sidecars: list[Path]) -> bool:
        real = os.path.realpath(path)
        if real in seen_files:
            emit(InputRecord(str(path), "skipped", "listed more than once (already read)"))
            return False
        seen_files.add(real)
        tables = [sidecar(s) for s in sidecars]  # load (and report) sidecars before the file's record
        ext = path.suffix.lower()
        try:
            if ext in AUDIO_EXTENSIONS:
                if audio_reader is None:
                    emit(InputRecord(str(path), "skipped", AUDIO_DISABLED_REASON, source_format="audio"))
                    return False
                found = list(audio_reader(path))
                for t in found:
                    t.source = display_path(t.source or path)
                    t.source_format = t.source_format or "audio"
                    t.doc_id = _safe_doc_id(t.doc_id, path.stem, t.notes)
                if not found:
                    raise IngestError("no speech found in the audio")
            else:
                found = read_transcripts(
                    path, max_file_bytes=max_file_bytes, unlabelled_speaker=unlabelled_speaker, fmap=fmap
                )
        except IngestError as exc:
            emit(InputRecord(str(path), "skipped", str(exc), source_format=_FORMATS.get(ext, "")))
            return False
        except Exception as exc:  # a reader bug or an odd file must not end the run; say what happened
            reason = _exception_reason(exc)
            emit(InputRecord(str(path), "skipped", reason, source_format=_FORMATS.get(ext, "")))
            return False
        notes: list[str] = []
        from_path = metadata_from_path(path)
        for t in found:
            original = t.doc_id
            t.doc_id = _unique_doc_id(original, path, used_ids)
            if t.doc_id != original:
                t.notes.append(
                    f"doc_id {original!r} is also used by {used_ids[original]}; renamed to {t.doc_id!r}"
                )
            used_ids[t.doc_id] = str(path)
            keys = [path.name, path.stem, original, t.doc_id]
            merged = dict(from_path)
            merged.update(t.metadata)
            for table in tables:
                merged.update(lookup(table, keys))
            merged.update(lookup(explicit, keys))
            t.metadata = merged
            transcripts.append(t)
            notes.extend(n for n in t.notes if n not in notes)
        emit(
            InputRecord(
                str(path),
                "processed",
                doc_ids=[t.doc_id for t in found],
                source_format=found[0].source_format,
                encoding=found[0].encoding,
                notes=notes,
            )
        )
        return True

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for group, sidecars, error in _walk(path, skip):
                if error is not None:
                    emit(InputRecord(str(group[0]), "skipped", error))
                    continue
                winner: Path | None = None
                for file in group:
                    if winner is None:
                        winner = file if process(file, sidecars) else None
                    else:
                        reason = f"same interview as {winner.name} (same name, other format): not read twice"
                        emit(InputRecord(str(file), "skipped", reason))
        elif skip is not None and os.path.realpath(path) == str(skip):
            continue  # the metadata file itself was listed among the inputs
        elif is_sidecar_name(path.name):
            emit(InputRecord(str(path), "skipped", "metadata sidecar, not a transcript (read as metadata)"))
        elif not path.exists() and not path.is_symlink():
            emit(InputRecord(str(path), "skipped", "file not found"))
        else:
            try:
                names = find_sidecars(os.listdir(path.parent))
            except OSError:
                names = []
            process(path, [path.parent / name for name in names])
    return transcripts, records
