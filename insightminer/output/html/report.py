"""One self-contained HTML report: inline CSS, a little vanilla JS, SVG charts drawn here in Python.

No CDN, fonts or images: the file works offline and can be mailed around. Every string that came from
a transcript (quotes, speakers, labels, doc ids, metadata) goes through `esc` (html.escape with quotes),
and the one inline JSON block goes through `json_for_script`, which also neutralises ``</`` and ``<!--``.
The output is deterministic: same inputs, same bytes.
"""

# ruff: noqa: E501 -- HTML/CSS templates read better unwrapped; the Python logic is kept short.

from __future__ import annotations

import base64
import hashlib
from importlib import resources

from insightminer.output.html.format import esc, json_for_script
from insightminer.output.html.sections import (
    AUDIO,
    assumptions_section,
    charts_section,
    findings_section,
    other_lists_section,
    overview_section,
    personas_section,
    trends_section,
)
from insightminer.schema import Statement


def _asset(name: str) -> str:
    """A file of the report's page shipped beside this module (report.css, report.js: package data)."""
    return resources.files("insightminer.output.html").joinpath(name).read_text(encoding="utf-8")


CSS = _asset("report.css")
JS = _asset("report.js")


def _script_hash() -> str:
    """CSP hash of the one script: even if markup slipped through escaping, no other script could run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")


def _map_positions(findings: dict) -> dict[int, tuple[float, float]] | None:
    """Theme-map positions saved with the findings (None when any shown finding lacks one)."""
    shown = findings.get("findings", [])[:20]
    positions = {}
    for finding in shown:
        xy = finding.get("map_position") if isinstance(finding, dict) else None
        if not (isinstance(xy, list | tuple) and len(xy) == 2):
            return None
        positions[int(finding["theme_id"])] = (float(xy[0]), float(xy[1]))
    return positions or None


def render_report_html(
    findings: dict,
    personas: dict,
    trends: dict | None,
    statements: list[Statement],
    *,
    title: str = "insightminer report",
    audio_sources: dict[str, str] | None = None,
    audio_clips: dict[str, str] | None = None,
) -> str:
    """The whole report as one HTML string (UTF-8, self-contained, deterministic).

    Quotes from audio inputs get a play button: `audio_sources` maps doc_id to the recording's URL
    relative to the report (played from the quote's start to its end), `audio_clips` maps
    `clips.quote_key(doc_id, start, end)` to an embedded data: URI clip (`--embed-clips`). The theme
    map places each finding at its saved `map_position`.
    """
    token = AUDIO.set((dict(audio_sources or {}), dict(audio_clips or {})))
    try:
        return _render(findings, personas, trends, statements, title, bool(audio_sources or audio_clips))
    finally:
        AUDIO.reset(token)


def _render(findings, personas, trends, statements, title, audio: bool) -> str:
    if not isinstance(findings, dict) or not isinstance(findings.get("findings", []), list):
        raise ValueError("findings must be the findings.json content: a dict with a 'findings' list")
    personas = personas or {}
    summary = findings.get("summary") or {}
    positions = _map_positions(findings)
    sections = [
        overview_section(findings, personas, statements),
        charts_section(findings, personas, statements, positions),
        findings_section(findings),
        other_lists_section(findings),
        personas_section(personas),
        assumptions_section(findings),
        trends_section(trends),
    ]
    nav_items = [
        ("overview", "Overview"),
        ("charts", "At a glance"),
        ("findings", "Pain points"),
        ("other-findings", "Requests & praise"),
        ("personas", "Personas"),
        ("assumptions", "Assumptions"),
        ("trends", "Trends"),
    ]
    body = "".join(sections)
    nav = "".join(f'<a href="#{i}">{t}</a>' for i, t in nav_items if f'<section id="{i}"' in body)
    data = {
        "schema_version": findings.get("schema_version"),
        "findings": len(findings.get("findings", [])),
        "documents": summary.get("documents"),
        "segments": summary.get("segments") or personas.get("segments") or [],
        "themes": [
            {"theme_id": f.get("theme_id"), "label": f.get("label")} for f in findings.get("findings", [])
        ],
    }
    docs = summary.get("documents", len({s.doc_id for s in statements}))
    subtitle = (
        f"{esc(docs)} interviews \u00b7 {esc(summary.get('customer_statements', len(statements)))} customer "
        f"statements \u00b7 {esc(len(findings.get('findings', [])))} pain-point findings"
    )
    gen = findings.get("generator") or {}
    # audio quotes only: recordings beside the run folder (same origin / file:) and embedded clips
    media = "; media-src 'self' file: data:" if audio else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '{_script_hash()}'; img-src data:{media}">
<title>{esc(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top"><h1>{esc(title)}</h1><p>{subtitle}</p></header>
<nav aria-label="Sections">{nav}</nav>
<main>
{body}
</main>
<footer class="page">Generated by {esc(gen.get("name", "insightminer"))} {esc(gen.get("version", ""))}. Quotes are verbatim customer statements; timestamps are mm:ss from the start of each recording. Counts are distinct interviews unless stated otherwise.</footer>
<script type="application/json" id="im-data">{json_for_script(data)}</script>
<script>{JS}</script>
</body>
</html>
"""
