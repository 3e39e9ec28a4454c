"""CSV in and out for the CSV commands (themes, emotions, motivators, kinds) and every CSV a run writes.

Reading follows `run`'s rules: the encoding rules of readers/encoding.py (BOMs, UTF-16, cp1252), the
delimiter of the header line (``,`` ``;`` tab ``|``), and one set of rules for odd tables:

- blank lines are not rows (they are counted in the notes);
- a row shorter than the header is padded with empty cells; a longer one is an error naming its line,
  unless the extra cells are empty, or the text column is the last one (an unquoted delimiter inside
  the text: the extra fields are joined back, as `run` does);
- the column asked for must appear once in the header (exact name, else one case-insensitive match).

Writing neutralises spreadsheet formulas (OWASP "CSV injection"): a text cell starting with
``= + - @``, tab or carriage return gets a leading ``'``, so Excel / LibreOffice show it as text.
Plain numbers (``-3.5``) are left alone: they cannot be formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insightminer.ingest.readers.common import IngestError
from insightminer.ingest.readers.encoding import decode_bytes
from insightminer.ingest.readers.table import sniff_delimiter
from insightminer.storage import atomic_write_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A cell that a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]], delimiter: str = ",") -> str:
    """CSV text with every cell passed through safe_cell."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def write_csv(
    path: str | Path, header: Sequence[Any], rows: Iterable[Sequence[Any]], delimiter: str = ","
) -> None:
    atomic_write_text(path, csv_text(header, rows, delimiter))


@dataclass
class CsvTable:
    """A user's CSV, read once: header, rows (each as long as the header), and what was done to it."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    delimiter: str
    encoding: str
    line_numbers: list[int] = field(default_factory=list)  # the file line each row started on
    notes: list[str] = field(default_factory=list)

    def column_index(self, column: str) -> int:
        """Where ``column`` is; a clear ValueError when it is missing or ambiguous."""
        names = [h.strip() for h in self.header]
        hits = [i for i, h in enumerate(names) if h == column.strip()]
        if not hits:
            hits = [i for i, h in enumerate(names) if h.casefold() == column.strip().casefold()]
        found = ", ".join(repr(h) for h in self.header) or "none"
        if not hits:
            raise ValueError(f"column {column!r} not found in {self.path.name}; columns found: {found}")
        if len(hits) > 1:
            where = ", ".join(str(i + 1) for i in hits)
            raise ValueError(
                f"column {column!r} appears {len(hits)} times in the header of {self.path.name} "
                f"(columns {where}): rename all but one"
            )
        return hits[0]

    def column(self, column: str) -> list[str]:
        """The cells of one column, in row order."""
        at = self.column_index(column)
        return [row[at] for row in self.rows]


def read_csv_table(path: str | Path, text_column: str | None = None) -> CsvTable:
    """Read a user's CSV by the rules in the module docstring; ValueError with a human reason if it cannot.

    With ``text_column``, that column is checked first (before any row is read), and extra fields of
    a ragged row are joined back into it when it is the last column.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"input CSV not found: {path}")
    try:
        decoded = decode_bytes(path.read_bytes())
    except IngestError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    text = decoded.text
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    notes = list(decoded.notes)
    try:
        header = next(reader, None)
        while header is not None and not header:  # blank lines before the header
            header = next(reader, None)
        if header is None:
            raise ValueError(f"{path.name} is empty: expected a header row")
        header = [h.lstrip("\ufeff") for h in header]
        table = CsvTable(path, header, [], delimiter, decoded.encoding, notes=notes)
        text_at = table.column_index(text_column) if text_column is not None else None
        blank = joined = 0
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if not row:
                blank += 1
                continue
            if len(row) > len(header):
                extra = row[len(header) :]
                if not any(cell.strip() for cell in extra):
                    row = row[: len(header)]
                elif text_at is not None and text_at == len(header) - 1:
                    row = row[:text_at] + [delimiter.join(row[text_at:])]
                    joined += 1
                else:
                    raise ValueError(
                        f"{path.name} line {start} has {len(row)} fields but the header has {len(header)} "
                        "(quote cells that contain the delimiter)"
                    )
            table.rows.append(row + [""] * (len(header) - len(row)))
            table.line_numbers.append(start)
    except csv.Error as exc:
        raise ValueError(f"{path.name} is not a readable CSV (line {reader.line_num}): {exc}") from None
    if blank:
        notes.append(f"{blank} blank line(s) skipped")
    if joined:
        notes.append(
            f"{joined} row(s) had more fields than the header; the extra fields were joined to the text"
        )
    if delimiter != ",":
        notes.append(f"delimiter {delimiter!r}")
    return table
