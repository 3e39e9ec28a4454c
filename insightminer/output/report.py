"""Write a run directory: findings.json / .md / .csv, segments.parquet, run.json (all atomic).

findings.json carries a versioned schema (docs/output-formats.md); its content depends only on the
inputs and the findings-relevant config, so the same run gives byte-identical files.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from insightminer.classify.signals import describe, label_name
from insightminer.ingest.csvio import csv_text
from insightminer.insights.persona_cues import JOURNEY_STAGES
from insightminer.schema import Statement
from insightminer.storage import atomic_write_bytes, atomic_write_json, atomic_write_text
from insightminer.timefmt import format_timestamp


def cite(item: dict[str, Any]) -> str:
    """'doc_id, Speaker @ 01:23' for a quote."""
    where = f"{item['doc_id']}, {item['speaker']}"
    stamp = format_timestamp(item.get("start"))
    return f"{where} @ {stamp}" if stamp else where


_HTML_START = re.compile(r"(?<!\\)<")


def markdown_safe(markdown: str) -> str:
    """No raw HTML reaches a Markdown viewer: every unescaped ``<`` becomes ``&lt;`` (shown as ``<``).

    The documents this project writes use no HTML of their own, so quoted customer text such as
    ``<img src=x onerror=...>`` or ``<script>`` stays text in viewers that render inline HTML.
    """
    return _HTML_START.sub("&lt;", markdown)


#: findings.json's ranked lists and their section titles in findings.md.
FINDING_SECTIONS: tuple[tuple[str, str], ...] = (
    ("findings", "Pain points"),
    ("requests", "Requests"),
    ("praise", "Praise"),
    ("questions", "Questions customers ask"),
)


def _finding_markdown(f: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    prev = f["prevalence"]
    lines = [
        f"## {f['rank']}. {f['label']}",
        "",
        f"- **Prevalence:** {prev['documents']} of {summary['documents']} interviews "
        f"({prev['share_of_documents']:.0%}), {prev['mentions']} statements",
        f"- **Intensity:** {f['intensity']:.2f} · **Score:** {f['score']:.3f}",
    ]
    mentioned = f.get("mentioned_without_problem", {}).get("documents", 0)
    if mentioned:
        lines.append(f"- **Also discussed without this problem:** {mentioned} interviews")
    if f["segments"]:
        segs = ", ".join(
            f"{name} {v['documents']} ({v['share_of_documents']:.0%})" for name, v in f["segments"].items()
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
    return lines


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
    for list_name, title in FINDING_SECTIONS:
        items = findings.get(list_name, [])
        if not items:
            continue
        lines += [f"# {title}", ""]
        for f in items:
            lines += _finding_markdown(f, summary)
    checks = findings.get("assumptions")
    if checks:
        lines += assumptions_markdown(checks)
    return markdown_safe("\n".join(lines).rstrip() + "\n")


VERDICT_TEXT = {
    "supported": "supported",
    "contradicted": "contradicted",
    "not_voiced": "not voiced by customers",
}


def md_escape(text: str) -> str:
    """User text inside Markdown: one line, markup characters escaped (user text is data)."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", " ".join(str(text).split()))


def assumptions_markdown(checks: dict[str, Any]) -> list[str]:
    """The assumption check: a verdict with counts and quotes per assumption, then the empathy gap."""
    n = checks.get("documents", 0)
    lines = ["## Assumption check", ""]
    for a in checks.get("assumptions") or []:
        code = a.get("verdict") or ("supported" if a.get("voiced") else "not_voiced")
        verdict = VERDICT_TEXT.get(code, code)
        if code == "supported":
            where = f" (finding #{a['finding']['rank']})" if a.get("finding") else ""
            of = f" of {n}" if n else ""
            verdict += f": voiced in {a.get('documents', 0)}{of} interviews{where}"
        elif code == "contradicted":
            verdict += (
                f": customers said the opposite in {a.get('contradicting_documents', 0)} of {n} interviews"
            )
        extra = []
        if a.get("mentioned_documents"):
            extra.append(f"mentioned, not as a problem, in {a['mentioned_documents']}")
        if a.get("confidence") == "low":
            extra.append("low confidence")
        tail = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"- **{md_escape(a['assumption'])}**: {verdict}{tail}")
        for note in a.get("notes", []):
            lines.append(f"  - _{md_escape(note)}_")
        quotes = a.get("quotes", []) if code == "supported" else a.get("contradicting_quotes", [])
        for q in quotes[:2]:
            lines.append(f'  - "{md_escape(q["text"])}" ({md_escape(q["doc_id"])})')
    gap = checks.get("empathy_gap")
    if gap is None:  # a findings.json from before the empathy gap: list the unassumed themes only
        unassumed = checks.get("unassumed_themes") or []
        if unassumed:
            lines += ["", "Strong themes nobody assumed:", ""]
            lines += [f"- {md_escape(t['label'])} ({t['documents']} interviews)" for t in unassumed]
        return lines + [""]
    lines += ["", "### Empathy gap", ""]
    if gap.get("spearman") is not None:
        lines.append(
            f"How well the team's ranking of these assumptions predicted what customers voiced: "
            f"Spearman {gap['spearman']:+.2f} ({gap['note']})."
        )
    else:
        lines.append(f"Rank correlation not computed: {gap.get('note', '')}.")
    if gap.get("barely_voiced"):
        lines += ["", "Assumed, but customers barely voiced it:", ""]
        for b in gap["barely_voiced"]:
            rank = f"team rank {b['expected_rank']:g}"
            lines.append(f"- {md_escape(b['assumption'])} ({rank}, {b['documents']} interviews)")
    if gap.get("unassumed_strong_pains"):
        lines += ["", "Strong pains nobody assumed:", ""]
        for u in gap["unassumed_strong_pains"]:
            lines.append(f"- #{u['rank']} {md_escape(u['label'])} ({u['documents']} interviews)")
    lines.append("")
    return lines


FINDINGS_CSV_COLUMNS = [
    "type",
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
    """findings.csv; quoted text that looks like a spreadsheet formula is neutralised (csvio.safe_cell)."""
    rows = []
    for f in (f for name, _ in FINDING_SECTIONS for f in findings.get(name, [])):
        top = f["evidence"][0] if f["evidence"] else None
        rows.append(
            [
                f.get("type", "pain_point"),
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
    return csv_text(FINDINGS_CSV_COLUMNS, rows)


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
        "turn_index": pa.array([s.turn_index for s in statements], pa.int32()),
        "passage_id": pa.array([s.passage_id for s in statements], pa.string()),
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
            turn_index=r.get("turn_index") or 0,
            passage_id=r.get("passage_id") or "",
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


class RunFolderError(ValueError):
    """A run folder that cannot be re-rendered; the message says which file and why."""


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RunFolderError(
            f"{path} is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); {what}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"cannot read {path}: {exc}; {what}") from None


_RERUN = "re-run `insightminer run` to write the run folder again"


def read_findings(run_dir: Path) -> dict[str, Any]:
    """findings.json of a run folder, checked for the shape every writer relies on."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunFolderError(
            f"{run_dir} is not a folder: expected a run folder written by `insightminer run`"
        )
    path = run_dir / "findings.json"
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} has no findings.json: not an insightminer run directory")
    data = _read_json(path, _RERUN)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("summary"), dict)
        or not isinstance(data.get("findings"), list)
        or not all(isinstance(f, dict) for f in data["findings"])
    ):
        shape = (
            f"an object with keys {sorted(data)[:8]}"
            if isinstance(data, dict)
            else f"a {type(data).__name__}"
        )
        raise RunFolderError(
            f"{path} is not an insightminer findings file (expected an object with 'summary' and a "
            f"'findings' list of objects; found {shape}); {_RERUN}"
        )
    return data


def read_run_folder(run_dir: Path) -> tuple[dict[str, Any], dict[str, Any], list[Statement]]:
    """(findings, personas, statements) of a run folder, for `insightminer report`; RunFolderError
    (or FileNotFoundError) with the file and the reason when a piece is missing or damaged."""
    run_dir = Path(run_dir)
    findings = read_findings(run_dir)
    personas_path = run_dir / "personas.json"
    personas: Any = _read_json(personas_path, _RERUN) if personas_path.is_file() else {}
    if not isinstance(personas, dict):
        raise RunFolderError(
            f"{personas_path} is not an insightminer personas file (expected an object, found a "
            f"{type(personas).__name__}); {_RERUN}"
        )
    parquet = run_dir / "segments.parquet"
    if not parquet.is_file():
        raise RunFolderError(f"{run_dir} has no segments.parquet (the analysed statements); {_RERUN}")
    try:
        statements = statements_from_table(pq.read_table(parquet))
    except (OSError, pa.ArrowException, KeyError, TypeError, ValueError) as exc:
        raise RunFolderError(
            f"{parquet} cannot be read as insightminer statements ({exc}); {_RERUN}"
        ) from None
    return findings, personas, statements


# -- personas.md --------------------------------------------------------------------------------


def _md_item(item: dict) -> str:
    where = item["doc_id"] + (
        f" @ {format_timestamp(item.get('start'))}" if item.get("start") is not None else ""
    )
    n = item.get("supporting_interviews", 1)
    also = f"; similar in {n} interviews" if n > 1 else ""
    quote = f"\u201c{md_escape(item['text'])}\u201d"
    return f"- {quote} \u2014 {md_escape(item['speaker'])} ({md_escape(where)}{also})"


def personas_markdown(personas: dict) -> str:
    """personas.md: a readable draft per segment with quotes, doc ids and mm:ss timestamps."""
    lines = ["# Personas (evidence-based drafts)", ""]
    lines.append(
        "Built only from customer statements; every bullet is a verbatim quote with its interview and time. "
        "Counts say how many distinct interviews in the segment said something similar."
    )
    lines.append("")
    for p in personas.get("personas", []):
        lines += [f"## {md_escape(p['segment'])}", ""]
        lines.append(f"- Interviews: {p['interviews']} ({', '.join(md_escape(d) for d in p['doc_ids'])})")
        if p["confidence"] != "ok":
            lines.append(f"- **Confidence: {p['confidence']}**")
        lines.append("")
        if p.get("representative_quote"):
            lines += ["> " + _md_item(p["representative_quote"])[2:], ""]
        if p["top_pain_points"]:
            lines += ["### Top pain points", ""]
            for pain in p["top_pain_points"]:
                lines.append(
                    f"- {md_escape(pain['label'])}: {pain['documents']} interviews "
                    f"({pain['share_of_documents']:.0%})"
                )
            lines.append("")
        if p["motivators"]:
            lines += ["### Motivators", "", "; ".join(describe(p["motivators"], p["statements"])), ""]
        for title, items in (
            ("Goals / jobs to be done", p["goals"]),
            ("Buying triggers", p["buying_triggers"]),
            ("Objections", p["objections"]),
        ):
            if items:
                lines += [f"### {title}", ""] + [_md_item(i) for i in items] + [""]
        em = p["empathy_map"]
        lines += ["### Empathy map", ""]
        for title, items in (("Says", em["says"]), ("Thinks", em["thinks"]), ("Does", em["does"])):
            lines += [f"**{title}**", ""] + ([_md_item(i) for i in items] or ["- (no evidence)"]) + [""]
        feels = em["feels"]
        emo = "; ".join(describe(feels["emotions"], p["statements"]))
        lines += ["**Feels**", "", f"Emotions: {emo}", ""] + [_md_item(i) for i in feels["items"]] + [""]
        # journey order, not the dict's (a JSON round trip sorts keys)
        journey = p["journey_stages"]
        stages = ", ".join(f"{s} {journey[s]['statements']}" for s in JOURNEY_STAGES if s in journey)
        lines += ["### Journey stage signals (statements)", "", stages, ""]
    comparison = [c for c in personas.get("segment_comparison", []) if c["specific_to"]]
    if comparison:
        lines += ["## Segment-specific themes", ""]
        for c in comparison:
            shares = ", ".join(f"{md_escape(s)} {v:.0%}" for s, v in c["by_segment"].items())
            lines.append(
                f"- {md_escape(c['label'])}: specific to **{md_escape(c['specific_to'])}** ({shares})"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
