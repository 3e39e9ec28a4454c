"""`insightminer themes`: any CSV column into themes -> assignments.csv (row, theme_id), themes.json."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.storage import atomic_write_json, atomic_write_text
from insightminer.themes.clustering import ThemeModel


def read_text_column(input_csv: Path | Any, text_column: str) -> list[str]:
    """The text column of a CSV (a path or a csvio.CsvTable), in row order; clear ValueErrors.

    One reader for every CSV command: run's encoding rules, delimiter sniffing, one set of rules for
    ragged rows, duplicate headers and blank lines (insightminer/csvio.py).
    """
    from insightminer.ingest.csvio import CsvTable, read_csv_table

    table = input_csv if isinstance(input_csv, CsvTable) else read_csv_table(input_csv, text_column)
    return table.column(text_column)


def cluster_csv(
    input_csv: Path,
    text_column: str,
    out_dir: Path,
    *,
    embedder: Any,
    statement_filter: Callable[[list[str], np.ndarray], np.ndarray] | None = None,
    model: ThemeModel | None = None,
) -> dict[str, Any]:
    """Theme one CSV column; writes out_dir/assignments.csv (row,theme_id) and out_dir/themes.json.

    Blank rows and rows the filter rejects get theme_id -1. Returns the themes.json content.
    """
    texts = read_text_column(input_csv, text_column)
    nonblank = np.array([i for i, t in enumerate(texts) if t.strip()], dtype=np.int64)
    kept_texts = [texts[i].strip() for i in nonblank]
    emb = embedder.encode(kept_texts) if kept_texts else None  # the embedder decides the width
    if statement_filter is not None and kept_texts:
        mask = np.asarray(statement_filter(kept_texts, emb), dtype=bool)
        if mask.shape != (len(kept_texts),):
            raise ValueError(f"statement_filter returned shape {mask.shape}, expected ({len(kept_texts)},)")
        rows, emb = nonblank[mask], emb[mask]
        kept_texts = [t for t, keep in zip(kept_texts, mask) if keep]
    else:
        rows = nonblank
    model = model if model is not None else ThemeModel()
    assignments = np.full(len(texts), -1, dtype=np.int64)
    if len(kept_texts):
        model.fit(emb, kept_texts)
        assignments[rows] = model.labels_
        result = model.to_dict(kept_texts, row_ids=rows.tolist())
    else:
        result = {"n_statements": 0, "n_themes": 0, "n_unassigned": 0, "outlier_share": 0.0, "themes": []}
    source = getattr(input_csv, "path", input_csv)  # a path or a csvio.CsvTable
    result["input"] = {"file": Path(source).name, "text_column": text_column, "rows": len(texts)}
    lines = ["row,theme_id"] + [f"{i},{int(t)}" for i, t in enumerate(assignments)]
    out_dir = Path(out_dir)
    atomic_write_text(out_dir / "assignments.csv", "\n".join(lines) + "\n")
    atomic_write_json(out_dir / "themes.json", result)
    return result
