"""The one writer of a run folder's outputs, used by `insightminer run` and `insightminer report`.

Both commands hand it the same pieces (findings, annotated statements, personas, the recordings of
audio inputs), so re-rendering a run folder gives byte-identical findings.md, findings.csv,
personas.md and report.html — theme map included, since each finding carries its map position.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from insightminer.config import ReportOptions
from insightminer.output.report import (
    markdown_safe,
    personas_markdown,
    statements_table,
    write_findings,
    write_parquet,
)
from insightminer.schema import Statement
from insightminer.storage import atomic_write_json, atomic_write_text


def write_run_outputs(
    staging: Path,
    findings: dict[str, Any],
    statements: list[Statement],
    personas: dict[str, Any] | None,
    *,
    run_dir: Path,
    audio_sources: Mapping[str, str | Path],
    options: ReportOptions,
    segment_field: str,
    trends: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write findings.{json,md,csv}, segments.parquet, personas.{json,md} and report.html into
    `staging` (the folder that becomes `run_dir`: audio links are relative to `run_dir`). Returns
    the theme trends the report shows."""
    from insightminer.insights.trends import theme_trends
    from insightminer.output.html.report import render_report_html
    from insightminer.speech.clips import embedded_clips, relative_audio_urls

    if trends is None:  # `report`, or a run without personas: the run passes the trends it made
        trends = theme_trends(statements, findings, period="auto")
    clips = None
    if audio_sources and options.embed_clips:
        clips = embedded_clips([findings, personas or {}], dict(audio_sources))
    html = render_report_html(
        findings,
        personas or {},
        trends,
        statements,
        audio_sources=None if clips is not None else relative_audio_urls(dict(audio_sources), run_dir),
        audio_clips=clips,
    )
    write_findings(staging, findings)
    write_parquet(staging / "segments.parquet", statements_table(statements, segment_field))
    if personas is not None:
        atomic_write_json(staging / "personas.json", personas)
        atomic_write_text(staging / "personas.md", markdown_safe(personas_markdown(personas)))
    atomic_write_text(staging / "report.html", html)
    return trends
