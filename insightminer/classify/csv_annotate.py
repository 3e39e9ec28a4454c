"""Add prediction columns to every row of a user's CSV (the `emotions` and `motivators` commands).

Input rows and columns keep their order; existing columns named like the new ones are replaced;
rows with an empty text get empty cells. The output is written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from insightminer.ingest.csvio import CsvTable, read_csv_table, write_csv


def annotate_csv(
    input_csv: Path | CsvTable,
    text_column: str,
    out_csv: Path,
    predict_records: Callable[[list[str]], list[dict[str, Any]]],
    columns: Sequence[str],
) -> int:
    """Write input_csv plus `columns` (from predict_records over the non-empty texts) to out_csv.

    ``input_csv`` may be a table already read with csvio.read_csv_table (the CLI reads and checks the
    column before any model loads). The output keeps the input's delimiter; cells are formula-safe.
    """
    table = input_csv if isinstance(input_csv, CsvTable) else read_csv_table(input_csv, text_column)
    header = table.header
    texts = [t.strip() for t in table.column(text_column)]
    keep = [i for i, t in enumerate(texts) if t]
    records: dict[int, dict[str, Any]] = {}
    if keep:
        predicted = predict_records([texts[i] for i in keep])
        records = dict(zip(keep, predicted, strict=True))

    new_header = list(header) + [c for c in columns if c not in header]
    position = {c: new_header.index(c) for c in columns}
    out_rows = []
    for i, row in enumerate(table.rows):
        out = list(row) + [""] * (len(new_header) - len(row))
        record = records.get(i)
        for column in columns:
            value = "" if record is None else record[column]
            out[position[column]] = f"{value:.4f}" if isinstance(value, float) else value
        out_rows.append(out)
    write_csv(Path(out_csv), new_header, out_rows, delimiter=table.delimiter)
    return len(table.rows)
