"""Interview metadata (segment, company, deal stage, ...) from sidecar files and folder names.

Merge order, later wins: folder names (``segment=Enterprise/``) < metadata inside the file (JSON
``"metadata"``, CSV metadata columns, text front matter) < ``metadata.csv``/``metadata.yaml`` sidecars
(outer folders first, the file's own folder last) < the metadata file named on the command line.
Keys are lower_snake_case, values are strings.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from insightminer.ingest.readers.common import IngestError, metadata_dict, metadata_value, normalize_key
from insightminer.ingest.readers.encoding import decode_bytes
from insightminer.ingest.readers.table import DOC_ID_ALIASES

#: Sidecar file names discovered in every input folder (matched case-insensitively); never inputs.
SIDECAR_NAMES: tuple[str, ...] = ("metadata.csv", "metadata.yaml", "metadata.yml")
_MAX_METADATA_BYTES = 50_000_000


def is_sidecar_name(name: str) -> bool:
    return name.lower() in SIDECAR_NAMES


def _from_csv(text: str, name: str) -> dict[str, dict[str, str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=lambda d: (first_line.count(d), d == ","))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [normalize_key(h) for h in next(reader)]
    except StopIteration:
        raise IngestError(f"{name}: empty metadata file") from None
    id_col = next((header.index(a) for a in DOC_ID_ALIASES if a in header), None)
    if id_col is None:
        raise IngestError(
            f"{name}: no doc_id column (columns: {', '.join(h for h in header if h) or 'none'})"
        )
    out: dict[str, dict[str, str]] = {}
    try:
        for row in reader:
            if id_col >= len(row) or not row[id_col].strip():
                continue
            fields = out.setdefault(row[id_col].strip(), {})
            for i, key in enumerate(header):
                value = metadata_value(row[i]) if i < len(row) else None
                if i != id_col and key and value is not None:
                    fields[key] = value
    except csv.Error as exc:
        raise IngestError(f"{name}: malformed CSV at line {reader.line_num}: {exc}") from None
    return out


def _from_mapping_data(data: Any, name: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    if isinstance(data, dict):
        for doc_id, fields in data.items():
            if not isinstance(fields, dict):
                raise IngestError(f"{name}: the entry for {doc_id!r} should be a mapping of fields")
            out[str(doc_id).strip()] = metadata_dict(fields)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                raise IngestError(f"{name}: item {i + 1} should be a mapping with a doc_id")
            fields = metadata_dict(item)
            doc_id = next((fields.pop(a) for a in DOC_ID_ALIASES if a in fields), None)
            if doc_id is None:
                raise IngestError(f"{name}: item {i + 1} has no doc_id")
            out.setdefault(doc_id, {}).update(fields)
    elif data is None:
        return out
    else:
        raise IngestError(
            f"{name}: expected a mapping of doc_id -> fields, or a list of mappings with doc_id"
        )
    return out


def load_metadata(path: Path) -> dict[str, dict[str, str]]:
    """Read a metadata file (CSV with a doc_id column, or YAML/JSON) into doc_id -> {field: value}."""
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > _MAX_METADATA_BYTES:
            raise IngestError(f"{name}: metadata file over {_MAX_METADATA_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"metadata file not found: {path}") from None
    except PermissionError:
        raise IngestError(f"cannot read metadata file {path}: permission denied") from None
    except IsADirectoryError:
        raise IngestError(f"metadata file {path} is a folder") from None
    except OSError as exc:
        raise IngestError(f"cannot read metadata file {path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml", ".json"):
        raise IngestError(f"{name}: metadata file must be .csv, .yaml, .yml or .json")
    try:
        text = decode_bytes(data).text
    except IngestError as exc:
        raise IngestError(f"{name}: {exc}") from None
    if suffix == ".csv":
        return _from_csv(text, name)
    if suffix == ".json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
    else:
        try:
            parsed = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "syntax error"
            raise IngestError(f"{name}: invalid YAML{where}: {problem}") from None
    return _from_mapping_data(parsed, name)


def find_sidecars(names: Iterable[str]) -> list[str]:
    """The sidecars among a folder's entry names, in merge order (metadata.csv, .yaml, .yml: later wins)."""
    by_lower = {n.lower(): n for n in sorted(names)}
    return [by_lower[s] for s in SIDECAR_NAMES if s in by_lower]


def metadata_from_path(path: Path) -> dict[str, str]:
    """``key=value`` folder names above a file: ``interviews/segment=SMB/acme.txt`` -> {segment: SMB}."""
    out: dict[str, str] = {}
    for part in Path(path).parent.parts:
        if "=" in part:
            key, _, value = part.partition("=")
            key, text = normalize_key(key), metadata_value(value)
            if key and text is not None:
                out[key] = text
    return out


def lookup(table: dict[str, dict[str, str]], keys: Iterable[str]) -> dict[str, str]:
    """Merge the entries of ``table`` found under ``keys`` (later keys win)."""
    out: dict[str, str] = {}
    for key in keys:
        if key in table:
            out.update(table[key])
    return out
