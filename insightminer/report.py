"""Write a run directory: findings.json / .md / .csv, segments.parquet, run.json (all atomic).

findings.json carries a versioned schema (docs/output-formats.md); its content depends only on the
inputs and the findings-relevant config, so the same run gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from insightminer.schema import Statement
from insightminer.signals import describe, label_name
from insightminer.storage import atomic_write_bytes, atomic_write_json, atomic_write_text

# 2.0: a finding's emotions / motivators are counts of confident labels with quotes (was share mixes).
FINDINGS_SCHEMA_VERSION = "2.0"


def format_timestamp(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def cite(item: dict[str, Any]) -> str:
    """'doc_id, Speaker @ 01:23' for a quote."""
    where = f"{item['doc_id']}, {item['speaker']}"
    stamp = format_timestamp(item.get("start"))
    return f"{where} @ {stamp}" if stamp else where


def findings_markdown(findings: dict[str, Any]) -> str:
    summary = findings["summary"]
    lines = [
        "# Customer findings",
        "",
        f"{summary['documents']} interviews/calls, {summary['customer_statements']} customer statements, "
        f"{summary['pain_point_statements']} pain-point statements, {len(findings['findings'])} findings "
        f"(themes voiced in at least {summary['min_theme_documents']} interviews).",
        "",
    ]
    if summary.get("segments"):
        lines += [f"Segments ({summary['segment_field']}): " + ", ".join(summary["segments"]), ""]
    for f in findings["findings"]:
        prev = f["prevalence"]
        lines += [
            f"## {f['rank']}. {f['label']}",
            "",
            f"- **Prevalence:** {prev['documents']} of {summary['documents']} interviews "
            f"({prev['share_of_documents']:.0%}), {prev['mentions']} statements",
            f"- **Intensity:** {f['intensity']:.2f} · **Score:** {f['score']:.3f}",
        ]
        if f["segments"]:
            segs = ", ".join(
                f"{name} {v['documents']} ({v['share_of_documents']:.0%})"
                for name, v in f["segments"].items()
            )
            lines.append(f"- **By segment:** {segs}")
        total = prev["mentions"]
        for name, key in (("Emotions", "emotions"), ("Motivators", "motivators")):
            block = f.get(key)
            if block:
                lines.append(f"- **{name}:** " + "; ".join(describe(block, total)))
                for label in block["labels"][:3]:
                    for q in label["quotes"][:1]:
                        lines.append(f'  - {label_name(label["label"])}: "{q["text"]}" — {cite(q)}')
        lines.append("- **Key phrases:** " + ", ".join(f["keywords"]))
        lines += ["", "Evidence:", ""]
        for item in f["evidence"]:
            lines.append(f'> "{item["text"]}" — {cite(item)}')
            lines.append("")
    checks = findings.get("assumptions")
    if checks:
        lines += ["## Assumption check", ""]
        for a in checks["assumptions"]:
            verdict = f"voiced in {a['documents']} interviews" if a["voiced"] else "not voiced by customers"
            lines.append(f"- **{a['assumption']}**: {verdict}")
            for q in a.get("quotes", [])[:2]:
                lines.append(f'  - "{q["text"]}" ({q["doc_id"]})')
        if checks.get("unassumed_themes"):
            lines += ["", "Strong themes nobody assumed:", ""]
            for t in checks["unassumed_themes"]:
                lines.append(f"- {t['label']} ({t['documents']} interviews)")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


FINDINGS_CSV_COLUMNS = [
    "rank",
    "theme_id",
    "label",
    "score",
    "documents",
    "share_of_documents",
    "mentions",
    "intensity",
    "segments",
    "emotions",
    "motivators",
    "keywords",
    "top_quote",
    "top_quote_source",
]


def _signal_cell(block: dict[str, Any] | None) -> str:
    """'label=statements/interviews; ...' for the CSV, or the block's note."""
    if not block:
        return ""
    if block.get("note"):
        return str(block["note"])
    return "; ".join(f"{r['label']}={r['statements']}/{r['interviews']}" for r in block["labels"])


def findings_csv(findings: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FINDINGS_CSV_COLUMNS)
    for f in findings["findings"]:
        top = f["evidence"][0] if f["evidence"] else None
        writer.writerow(
            [
                f["rank"],
                f["theme_id"],
                f["label"],
                f["score"],
                f["prevalence"]["documents"],
                f["prevalence"]["share_of_documents"],
                f["prevalence"]["mentions"],
                f["intensity"],
                "; ".join(f"{k}={v['documents']}" for k, v in f["segments"].items()),
                _signal_cell(f.get("emotions")),
                _signal_cell(f.get("motivators")),
                "; ".join(f["keywords"]),
                top["text"] if top else "",
                cite(top) if top else "",
            ]
        )
    return buf.getvalue()


def _score_map(values: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((k, float(v)) for k, v in values.items()), key=lambda kv: (-kv[1], kv[0]))


def statements_table(statements: list[Statement], segment_field: str = "segment") -> pa.Table:
    """segments.parquet: one row per analysed statement."""
    meta_keys = sorted({k for s in statements for k in s.metadata})
    score_map = pa.map_(pa.string(), pa.float32())
    columns: dict[str, pa.Array] = {
        "statement_id": pa.array([s.statement_id for s in statements], pa.string()),
        "doc_id": pa.array([s.doc_id for s in statements], pa.string()),
        "speaker": pa.array([s.speaker for s in statements], pa.string()),
        "role": pa.array([s.role for s in statements], pa.string()),
        "start": pa.array([s.start for s in statements], pa.float64()),
        "end": pa.array([s.end for s in statements], pa.float64()),
        "text": pa.array([s.text for s in statements], pa.string()),
        "kind": pa.array([s.kind for s in statements], pa.string()),
        "kind_score": pa.array([s.kind_score for s in statements], pa.float32()),
        "theme_id": pa.array([s.theme_id for s in statements], pa.int32()),
        "emotions": pa.array([_score_map(s.emotions) for s in statements], score_map),
        "motivators": pa.array([_score_map(s.motivators) for s in statements], score_map),
        "segment": pa.array([s.metadata.get(segment_field) for s in statements], pa.string()),
    }
    for key in meta_keys:
        name = f"meta_{key}"
        columns[name] = pa.array([s.metadata.get(key) for s in statements], pa.string())
    return pa.table(columns)


def statements_from_table(table: pa.Table) -> list[Statement]:
    """Statements back from a segments.parquet table (the inverse of statements_table)."""
    return [
        Statement(
            statement_id=r["statement_id"],
            doc_id=r["doc_id"],
            speaker=r["speaker"],
            role=r["role"],
            text=r["text"],
            start=r["start"],
            end=r["end"],
            kind=r["kind"],
            kind_score=round(float(r["kind_score"]), 4),
            theme_id=r["theme_id"],
            emotions={k: round(float(v), 4) for k, v in r["emotions"]},
            motivators={k: round(float(v), 4) for k, v in r["motivators"]},
            metadata={k[5:]: v for k, v in r.items() if k.startswith("meta_") and v is not None},
        )
        for r in table.to_pylist()
    ]


def write_parquet(path: Path, table: pa.Table) -> None:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(path, sink.getvalue())


def write_findings(out_dir: Path, findings: dict[str, Any]) -> list[Path]:
    out_dir = Path(out_dir)
    paths = [out_dir / "findings.json", out_dir / "findings.md", out_dir / "findings.csv"]
    atomic_write_json(paths[0], findings)
    atomic_write_text(paths[1], findings_markdown(findings))
    atomic_write_text(paths[2], findings_csv(findings))
    return paths


def read_findings(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / "findings.json"
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} has no findings.json: not an insightminer run directory")
    return json.loads(path.read_text(encoding="utf-8"))
