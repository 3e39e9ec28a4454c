"""Add prediction columns to every row of a user's CSV (the `emotions` and `motivators` commands).

Input rows and columns keep their order; existing columns named like the new ones are replaced;
rows with an empty text get empty cells. The output is written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from insightminer.storage import atomic_write_text


def annotate_csv(
    input_csv: Path,
    text_column: str,
    out_csv: Path,
    predict_records: Callable[[list[str]], list[dict[str, Any]]],
    columns: Sequence[str],
) -> int:
    """Write input_csv plus `columns` (from predict_records over the non-empty texts) to out_csv."""
    input_csv, out_csv = Path(input_csv), Path(out_csv)
    if not input_csv.is_file():
        raise FileNotFoundError(f"input CSV not found: {input_csv}")
    try:
        raw = input_csv.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{input_csv} is not UTF-8 text: {exc}") from exc
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    if not rows:
        raise ValueError(f"{input_csv} is empty: expected a header row with a '{text_column}' column")
    header, body = rows[0], rows[1:]
    if text_column not in header:
        found = ", ".join(repr(c) for c in header) or "(none)"
        raise ValueError(f"column {text_column!r} not found in {input_csv}; columns found: {found}")
    text_at = header.index(text_column)
    texts = [row[text_at].strip() if text_at < len(row) else "" for row in body]
    keep = [i for i, t in enumerate(texts) if t]
    records: dict[int, dict[str, Any]] = {}
    if keep:
        predicted = predict_records([texts[i] for i in keep])
        records = dict(zip(keep, predicted, strict=True))

    new_header = list(header) + [c for c in columns if c not in header]
    position = {c: new_header.index(c) for c in columns}
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(new_header)
    for i, row in enumerate(body):
        if len(row) > len(header):
            raise ValueError(
                f"{input_csv} line {i + 2} has {len(row)} fields but the header has {len(header)}"
            )
        out = list(row) + [""] * (len(new_header) - len(row))
        record = records.get(i)
        for column in columns:
            value = "" if record is None else record[column]
            out[position[column]] = f"{value:.4f}" if isinstance(value, float) else value
        writer.writerow(out)
    atomic_write_text(out_csv, buffer.getvalue())
    return len(body)
