"""Word (.docx) transcripts: paragraphs and table rows in document order, then the plain-text label rules."""

from __future__ import annotations

import zipfile
from pathlib import Path

from insightminer.ingest.readers.common import IngestError, ParsedDoc, clean_text, parse_timestamp
from insightminer.ingest.readers.text import parse_text_lines

_HEADER_WORDS = frozenset({"speaker", "name", "who", "participant", "text", "transcript", "utterance",
                           "time", "timestamp", "start", "content", "message"})  # fmt: skip


def _is_time(value: str) -> bool:
    try:
        return ":" in value and parse_timestamp(value) is not None
    except ValueError:
        return False


def _row_line(cells: list[str]) -> str:
    """A transcript table row as a label line: [Speaker, Text] or [Time, Speaker, Text]."""
    cells = [c for c in cells if c]
    if len(cells) >= 3 and _is_time(cells[0]):
        return f"[{cells[0]}] {cells[1]}: {' '.join(cells[2:])}"
    if len(cells) >= 3 and _is_time(cells[1]):
        return f"{cells[0]} ({cells[1]}): {' '.join(cells[2:])}"
    if len(cells) == 2 and len(cells[0]) <= 40:
        return f"{cells[0]}: {cells[1]}"
    return " ".join(cells)


def docx_lines(path: Path) -> list[str]:
    """The text lines of a Word document, tables included, in reading order."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as handle:
            head = handle.read(8)
        if head.startswith(b"PK"):
            raise IngestError("corrupt .docx file (damaged or truncated zip archive)")
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise IngestError("not a valid .docx file (an old Word 97-2003 .doc file: save it as .docx)")
        raise IngestError("not a valid .docx file (not a zip archive)")
    import docx  # python-docx; imported here so that reading other formats does not pay for it

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, PackageNotFoundError, lxml errors, ...
        raise IngestError(f"corrupt .docx file ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for r, row in enumerate(block.rows):
                cells: list[str] = []
                seen: list[object] = []  # merged cells repeat in row.cells; keep their text once
                for cell in row.cells:
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    cells.append(clean_text(cell.text))
                if r == 0 and cells and all(c.lower() in _HEADER_WORDS for c in cells if c):
                    continue
                lines.extend(["", _row_line(cells), ""])
        else:
            # Soft line breaks inside a paragraph come back as \n; a paragraph ends a block.
            lines.extend(block.text.split("\n"))
            lines.append("")
    return lines


def parse_docx(path: Path, *, unlabelled_speaker: str | None = None) -> ParsedDoc:
    return parse_text_lines(docx_lines(path), unlabelled_speaker=unlabelled_speaker)
