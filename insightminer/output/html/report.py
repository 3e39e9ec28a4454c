"""One self-contained HTML report: inline CSS, a little vanilla JS, SVG charts drawn here in Python.

No CDN, fonts or images: the file works offline and can be mailed around. Every string that came from
a transcript (quotes, speakers, labels, doc ids, metadata) goes through `esc` (html.escape with quotes),
and the one inline JSON block goes through `json_for_script`, which also neutralises ``</`` and ``<!--``.
The output is deterministic: same inputs, same bytes.
"""

# ruff: noqa: E501 -- HTML/CSS templates read better unwrapped; the Python logic is kept short.

from __future__ import annotations

import contextvars
import html
import json
import math
from typing import Any

from insightminer.classify.signals import describe, summarise_signals
from insightminer.insights.personas import JOURNEY_STAGES
from insightminer.schema import Statement
from insightminer.timefmt import format_timestamp

#: Colour-blind-safe palette (Okabe & Ito), darkened where needed for contrast on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F", "#332288")
ACCENT = "#1F4E79"
SEP = " \u00b7 "
ELLIPSIS = " \u2026"


def esc(value: Any) -> str:
    """Escape anything for HTML text and attribute values (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def json_for_script(data: Any) -> str:
    """JSON safe inside <script>: no '</script>', '<!--' or line separators can end or confuse the block."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for raw, safe in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, safe)
    return text


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" if str(n) == "1" else f"{n} {word}s"


def _pct(x: Any) -> str:
    try:
        return f"{float(x) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""


def _num(x: Any, digits: int = 2) -> str:
    try:
        return f"{float(x):.{digits}f}"
    except (TypeError, ValueError):
        return ""


def _human(label: str) -> str:
    return str(label).replace("_", " ")


def _trim(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


# --------------------------------------------------------------------------------------------------
# SVG charts (all text escaped; sizes fixed so the layout is stable)


def _svg_open(width: int, height: int, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{esc(label)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{esc(label)}</title>"
    )


def svg_grouped_bars(rows: list[tuple[str, dict[str, float]]], series: list[str], label: str) -> str:
    """Horizontal grouped bars: one group per row (theme), one bar per series (segment), values 0..1."""
    if not rows or not series:
        return ""
    label_w, bar_h, gap, width = 300, 12, 14, 860
    plot_w = width - label_w - 60
    group_h = bar_h * len(series) + gap
    legend_h = 28
    height = legend_h + group_h * len(rows) + 30
    out = [_svg_open(width, height, label)]
    # legend
    x = label_w
    for k, name in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        out.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="16" class="lg">{esc(_trim(name, 28))}</text>')
        x += 30 + 8 * min(len(name), 28)
    top = legend_h
    # grid lines at 0, 25, 50, 75, 100 %
    for t in range(5):
        gx = label_w + plot_w * t / 4
        out.append(f'<line x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" y2="{height - 24}" class="grid"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 8}" class="ax" text-anchor="middle">{t * 25}%</text>')
    for r, (name, values) in enumerate(rows):
        gy = top + r * group_h
        mid = gy + bar_h * len(series) / 2
        out.append(
            f'<text x="{label_w - 10}" y="{mid + 4:.1f}" class="lb" text-anchor="end">{esc(_trim(name, 42))}</text>'
        )
        for k, s in enumerate(series):
            v = max(0.0, min(1.0, float(values.get(s, 0.0))))
            w = plot_w * v
            y = gy + k * bar_h
            colour = PALETTE[k % len(PALETTE)]
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" rx="2" fill="{colour}">'
                f"<title>{esc(name)} \u2014 {esc(s)}: {_pct(v)}</title></rect>"
            )
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" class="vl">{_pct(v)}</text>')
    out.append("</svg>")
    return "".join(out)


def svg_bars(values: list[tuple[str, float]], label: str, colour: str = ACCENT, fmt=None) -> str:
    """Horizontal bars for shares (0..1), or for counts with fmt=str, largest first as given."""
    fmt = fmt or _pct
    if not values:
        return ""
    label_w, bar_h, width = 170, 22, 420
    plot_w = width - label_w - 50
    height = bar_h * len(values) + 8
    vmax = max(max(v for _, v in values), 1e-9)
    out = [_svg_open(width, height, label)]
    for r, (name, v) in enumerate(values):
        y = 4 + r * bar_h
        w = plot_w * float(v) / vmax
        out.append(
            f'<text x="{label_w - 8}" y="{y + 14}" class="lb" text-anchor="end">{esc(_trim(name, 24))}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 8}" rx="3" fill="{colour}">'
            f"<title>{esc(name)}: {esc(fmt(v))}</title></rect>"
        )
        out.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 14}" class="vl">{esc(fmt(v))}</text>')
    out.append("</svg>")
    return "".join(out)


def _nice_range(values: list[float], clamp01: bool) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    span = hi - lo if hi - lo > 1e-9 else max(abs(hi), 1.0) * 0.2
    lo, hi = lo - 0.15 * span, hi + 0.15 * span
    if clamp01:
        lo, hi = max(0.0, lo), min(1.0, hi)
    return lo, hi


def svg_theme_map(findings: list[dict], positions: dict[int, tuple[float, float]] | None) -> str:
    """Bubble map of themes: given 2-D positions (e.g. PCA of centroids), else prevalence x intensity.

    Bubbles carry the theme's rank; a legend on the right names them (no label collisions in the plot).
    """
    if not findings:
        return ""
    width = 860
    legend_x = 600
    height = max(400, 24 + 22 * len(findings))
    left, top, bottom = 64, 16, 48
    if positions:
        pts = {int(f["theme_id"]): positions.get(int(f["theme_id"])) for f in findings}
        pts = {k: v for k, v in pts.items() if v is not None}
        x_title, y_title = "component 1 of the theme centroids", "component 2"
    else:
        pts = {
            int(f["theme_id"]): (
                float((f.get("prevalence") or {}).get("share_of_documents", 0.0)),
                float(f.get("intensity", 0.0) or 0.0),
            )
            for f in findings
        }
        x_title, y_title = "share of interviews raising the theme", "intensity"
    if not pts:
        return ""
    x_lo, x_hi = _nice_range([p[0] for p in pts.values()], clamp01=not positions)
    y_lo, y_hi = _nice_range([p[1] for p in pts.values()], clamp01=not positions)
    x0, x1, y0, y1 = left, legend_x - 30, height - bottom, top

    def sx(v: float) -> float:
        return x0 + (v - x_lo) / (x_hi - x_lo) * (x1 - x0)

    def sy(v: float) -> float:
        return y0 + (v - y_lo) / (y_hi - y_lo) * (y1 - y0)

    max_mentions = max(int((f.get("prevalence") or {}).get("mentions", 1) or 1) for f in findings)
    out = [_svg_open(width, height, "Theme map")]
    out.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" class="frame"/>')
    for t in range(5):  # ticks: 5 per axis, values (percent for shares), none for abstract components
        fx = x_lo + (x_hi - x_lo) * t / 4
        fy = y_lo + (y_hi - y_lo) * t / 4
        out.append(f'<line x1="{sx(fx):.1f}" y1="{y1}" x2="{sx(fx):.1f}" y2="{y0}" class="grid"/>')
        out.append(f'<line x1="{x0}" y1="{sy(fy):.1f}" x2="{x1}" y2="{sy(fy):.1f}" class="grid"/>')
        if not positions:
            out.append(
                f'<text x="{sx(fx):.1f}" y="{y0 + 16}" class="ax" text-anchor="middle">{_pct(fx)}</text>'
            )
            out.append(
                f'<text x="{x0 - 6}" y="{sy(fy) + 4:.1f}" class="ax" text-anchor="end">{fy:.2f}</text>'
            )
    out.append(
        f'<text x="{(x0 + x1) / 2}" y="{height - 8}" class="ax" text-anchor="middle">{esc(x_title)}</text>'
    )
    out.append(
        f'<text x="14" y="{(y0 + y1) / 2}" class="ax" text-anchor="middle" '
        f'transform="rotate(-90 14 {(y0 + y1) / 2})">{esc(y_title)}</text>'
    )
    # Place bubbles, then push apart any that overlap (a few deterministic relaxation passes).
    nodes = []
    for k, f in enumerate(findings):
        tid = int(f["theme_id"])
        if tid not in pts:
            continue
        mentions = int((f.get("prevalence") or {}).get("mentions", 1) or 1)
        nodes.append(
            [sx(pts[tid][0]), sy(pts[tid][1]), 8 + 14 * math.sqrt(mentions / max_mentions), k, f, mentions]
        )
    for _ in range(40):
        moved = False
        for i in range(len(nodes)):
            for j in range(i + 1, len(nodes)):
                a, b = nodes[i], nodes[j]
                dx, dy = b[0] - a[0], b[1] - a[1]
                dist = math.hypot(dx, dy)
                need = 0.85 * (a[2] + b[2])
                if dist >= need:
                    continue
                if dist < 1e-6:  # same spot: split along a fixed, index-dependent direction
                    dx, dy, dist = math.cos(j * 2.39996), math.sin(j * 2.39996), 1.0
                push = (need - dist) / 2
                a[0] -= dx / dist * push
                a[1] -= dy / dist * push
                b[0] += dx / dist * push
                b[1] += dy / dist * push
                moved = True
        for n in nodes:  # stay inside the plot
            n[0] = min(max(n[0], x0 + n[2]), x1 - n[2])
            n[1] = min(max(n[1], y1 + n[2]), y0 - n[2])
        if not moved:
            break
    bubbles, numbers, legend = [], [], []
    for px, py, r, k, f, mentions in nodes:
        colour = PALETTE[k % len(PALETTE)]
        rank = f.get("rank", k + 1)
        bubbles.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.35" '
            f'stroke="{colour}" stroke-width="1.5"><title>#{esc(rank)} {esc(f.get("label", ""))}: '
            f"{mentions} mentions</title></circle>"
        )
        numbers.append(
            f'<text x="{px:.1f}" y="{py + 4:.1f}" text-anchor="middle" class="bn">{esc(rank)}</text>'
        )
        ly = top + 12 + 22 * len(legend)
        legend.append(
            f'<circle cx="{legend_x + 9}" cy="{ly - 4}" r="9" fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
            f'<text x="{legend_x + 9}" y="{ly}" text-anchor="middle" class="bn">{esc(rank)}</text>'
            f'<text x="{legend_x + 26}" y="{ly}" class="lb">{esc(_trim(f.get("label", ""), 36))}</text>'
        )
    out.extend(bubbles)
    out.extend(numbers)  # numbers above every bubble, so none is hidden
    out.extend(legend)
    out.append("</svg>")
    return "".join(out)


def svg_sparkline(periods: list[str], values: list[float], label: str, notes: list[str] | None = None) -> str:
    """A small line chart of shares (0..1) over periods, with first/last period labels."""
    width, height, pad_x, pad_top, pad_bottom = 260, 110, 40, 10, 24
    out = [_svg_open(width, height, label)]
    plot_w, plot_h = width - 2 * pad_x, height - pad_top - pad_bottom
    out.append(
        f'<line x1="{pad_x}" y1="{pad_top + plot_h}" x2="{width - pad_x}" y2="{pad_top + plot_h}" class="grid"/>'
    )
    out.append(f'<line x1="{pad_x}" y1="{pad_top}" x2="{width - pad_x}" y2="{pad_top}" class="grid"/>')
    out.append(f'<text x="{pad_x - 4}" y="{pad_top + 4}" class="ax" text-anchor="end">100%</text>')
    out.append(f'<text x="{pad_x - 4}" y="{pad_top + plot_h + 3}" class="ax" text-anchor="end">0</text>')
    n = len(periods)
    pts = []
    for i, v in enumerate(values):
        x = pad_x + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        y = pad_top + plot_h * (1 - max(0.0, min(1.0, float(v))))
        pts.append((x, y, v, periods[i]))
    if len(pts) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for i, (x, y, v, p) in enumerate(pts):
        note = f" ({notes[i]})" if notes and i < len(notes) else ""
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}"><title>{esc(p)}: {_pct(v)}{esc(note)}</title></circle>'
        )
    if periods:
        out.append(f'<text x="{pad_x}" y="{height - 6}" class="ax">{esc(periods[0])}</text>')
        if n > 1:
            out.append(
                f'<text x="{width - pad_x}" y="{height - 6}" class="ax" text-anchor="end">{esc(periods[-1])}</text>'
            )
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# HTML pieces


#: While a report renders: doc_id -> audio URL (relative to the run folder) and embedded clips by quote.
_AUDIO: contextvars.ContextVar[tuple[dict[str, str], dict[str, str]]] = contextvars.ContextVar(
    "_AUDIO", default=({}, {})
)


def _play(item: dict) -> str:
    """A play button for a quote from an audio input: plays exactly start..end of the recording."""
    sources, clips = _AUDIO.get()
    doc, start, end = str(item.get("doc_id", "")), item.get("start"), item.get("end")
    if start is None or end is None or (doc not in sources and not clips):
        return ""
    from insightminer.speech.clips import quote_key

    clip = clips.get(quote_key(doc, start, end))
    if clip:
        src, a, b = clip, 0.0, None  # the clip is the quote (plus a little padding)
    elif doc in sources:
        src, a, b = f"{sources[doc]}#t={float(start):.2f},{float(end):.2f}", float(start), float(end)
    else:
        return ""
    stop = f' data-end="{b:.2f}"' if b is not None else ""
    return (
        f'<button type="button" class="play" data-src="{esc(src)}" data-start="{a:.2f}"{stop} '
        f'aria-label="Play this quote ({esc(format_timestamp(start))})">\u25b6 play</button>'
    )


def _quote(item: dict, segment: str | None = None, extra: str = "") -> str:
    """One quote with its provenance: speaker, doc id, mm:ss-mm:ss, segment, support count."""
    when = format_timestamp(item.get("start"))
    if when and item.get("end") is not None:
        when += "\u2013" + format_timestamp(item.get("end"))
    meta = [
        f'<span class="who">{esc(item.get("speaker", ""))}</span>',
        f'<span class="doc">{esc(item.get("doc_id", ""))}</span>',
    ]
    if when:
        meta.append(f'<span class="ts">{esc(when)}</span>')
    seg = segment if segment is not None else item.get("segment")
    if seg:
        meta.append(f'<span class="seg">{esc(seg)}</span>')
    n = item.get("supporting_interviews")
    if isinstance(n, int) and n > 1:
        meta.append(
            f'<span class="sup" title="distinct interviews with a similar statement">similar in {n} interviews</span>'
        )
    play = _play(item)
    if play:
        meta.append(play)
    return (
        f'<blockquote class="q" data-statement="{esc(item.get("statement_id", ""))}">'
        f"<p>{esc(item.get('text', ''))}</p><footer>{SEP.join(meta)}{extra}</footer></blockquote>"
    )


def _chips(items: list[str], cls: str = "chip") -> str:
    return "".join(f'<span class="{cls}">{esc(i)}</span>' for i in items)


def _overview(findings: dict, personas: dict, statements: list[Statement]) -> str:
    summary = findings.get("summary") or {}
    docs = summary.get("documents", len({s.doc_id for s in statements}))
    cards = [
        ("Interviews", docs),
        ("Customer statements", summary.get("customer_statements", len(statements))),
        (
            "Pain-point statements",
            summary.get("pain_point_statements", sum(s.kind == "pain_point" for s in statements)),
        ),
        ("Pain-point findings", len(findings.get("findings", []))),
    ]
    segs = summary.get("segments") or personas.get("segments") or []
    cards.append(("Segments", len(segs) if segs else "\u2014"))
    html_cards = "".join(
        f'<div class="card stat"><div class="n">{esc(v)}</div><div class="l">{esc(k)}</div></div>'
        for k, v in cards
    )
    top = findings.get("findings", [])[:3]
    top_html = "".join(
        f'<li><a href="#finding-{esc(f.get("theme_id"))}">{esc(f.get("label", ""))}</a> \u2014 '
        f"{esc((f.get('prevalence') or {}).get('documents', 0))} of {esc(docs)} interviews</li>"
        for f in top
    )
    seg_html = ""
    if personas.get("personas"):
        seg_html = "<p class='muted'>Segments analysed by <code>{}</code>: {}</p>".format(
            esc(personas.get("segment_field", summary.get("segment_field", "segment"))),
            ", ".join(
                f"{esc(p['segment'])} ({esc(p['interviews'])} interviews)" for p in personas["personas"]
            ),
        )
    gen = findings.get("generator") or {}
    run = (
        f"<p class='muted'>Generated by {esc(gen.get('name', 'insightminer'))} {esc(gen.get('version', ''))}, "
        f"findings schema {esc(findings.get('schema_version', ''))}. Every finding is counted in distinct interviews "
        "and backed by verbatim quotes you can trace to the interview and timestamp.</p>"
    )
    top_block = f"<h3>Top findings</h3><ol class='top'>{top_html}</ol>" if top_html else ""
    return f'<section id="overview"><h2>Overview</h2><div class="stats">{html_cards}</div>{seg_html}{top_block}{run}</section>'


def _charts(findings: dict, personas: dict, statements: list[Statement], positions) -> str:
    items = findings.get("findings", [])[:12]
    segs = list((findings.get("summary") or {}).get("segments") or personas.get("segments") or [])
    parts = []
    if items:
        if len(segs) >= 2:
            rows = [
                (
                    f"#{f.get('rank', '')} {f.get('label', '')}",
                    {
                        s: float(((f.get("segments") or {}).get(s) or {}).get("share_of_documents", 0.0))
                        for s in segs
                    },
                )
                for f in items
            ]
            chart = svg_grouped_bars(rows, segs, "Share of each segment's interviews raising each theme")
            title = "Theme prevalence by segment"
        else:
            rows = [
                (
                    f"#{f.get('rank', '')} {f.get('label', '')}",
                    {"All interviews": float((f.get("prevalence") or {}).get("share_of_documents", 0.0))},
                )
                for f in items
            ]
            chart = svg_grouped_bars(rows, ["All interviews"], "Share of interviews raising each theme")
            title = "Theme prevalence"
        parts.append(
            f'<div class="card wide"><h3>{title}</h3><p class="muted">Share of interviews in which at least '
            f"one customer statement belongs to the theme.</p>{chart}</div>"
        )
    if statements:
        # Counts of confident labels only (insightminer.classify.signals): statements below the classifiers'
        # calibrated thresholds are neutral / no motivator and are not drawn.
        signals = summarise_signals(statements)
        n = len(statements)
        for key, title, colour in (
            ("emotions", "Emotions", PALETTE[1]),
            ("motivators", "Motivators", PALETTE[2]),
        ):
            block = signals[key]
            rows = [(_human(r["label"]), r["statements"]) for r in block["labels"][:10]]
            what = "an emotion (Ekman group)" if key == "emotions" else "an emotional motivator"
            body = svg_bars(rows, title, colour, fmt=str) if rows else f"<p>{esc(block['note'])}.</p>"
            parts.append(
                f'<div class="card"><h3>{title}</h3><p class="muted">Customer statements the model assigns '
                f"{what} with confidence: {esc(block['with_signal'])} of {esc(n)}; the rest carry none.</p>"
                f"{body}</div>"
            )
    if items:
        how = (
            "positions from the theme centroids' principal components: nearby themes are related"
            if positions
            else "x: share of interviews raising it, y: intensity; bubble size: mentions"
        )
        parts.append(
            f'<div class="card wide"><h3>Theme map</h3><p class="muted">{esc(how)}.</p>'
            f"{svg_theme_map(findings.get('findings', [])[:20], positions)}</div>"
        )
    if not parts:
        return ""
    return f'<section id="charts"><h2>At a glance</h2><div class="grid2">{"".join(parts)}</div></section>'


def _finding(f: dict, segs: list[str], total_docs: int) -> str:
    prev = f.get("prevalence") or {}
    keywords = _chips([str(k) for k in (f.get("keywords") or [])[:8]])
    kinds = ", ".join(
        f"{esc(_human(k))} {esc(v)}"
        for k, v in sorted((f.get("kinds") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    )
    mentions = int(prev.get("mentions", 0) or 0)
    emotions = (
        "; ".join(esc(line) for line in describe(f.get("emotions") or {}, mentions))
        if f.get("emotions")
        else ""
    )
    motivators = (
        "; ".join(esc(line) for line in describe(f.get("motivators") or {}, mentions))
        if f.get("motivators")
        else ""
    )
    carriers = "".join(
        f"<li><b>{esc(_human(r['label']))}</b>: {esc(q.get('text', ''))} "
        f'<span class="muted">({esc(q.get("doc_id", ""))})</span></li>'
        for key in ("emotions", "motivators")
        for r in ((f.get(key) or {}).get("labels") or [])[:3]
        for q in (r.get("quotes") or [])[:1]
    )
    seg_rows = ""
    for s in segs:
        info = (f.get("segments") or {}).get(s)
        if info is None:
            continue
        share = float(info.get("share_of_documents", 0.0))
        seg_rows += (
            f'<div class="segbar"><span class="sl">{esc(s)}</span><span class="track"><span class="fill" '
            f'style="width:{max(0.0, min(share, 1.0)) * 100:.1f}%"></span></span><span class="sv">{_pct(share)} '
            f"({esc(info.get('documents', 0))})</span></div>"
        )
    subthemes = "".join(
        f"<li>{esc(st.get('label', ''))} <span class='muted'>({esc(st.get('size', ''))})</span></li>"
        for st in (f.get("subthemes") or [])
    )
    evidence = f.get("evidence") or []
    quotes = "".join(_quote(e) for e in evidence)
    first = _quote(evidence[0]) if evidence else ""
    rest = "".join(_quote(e) for e in evidence[1:])
    details = (
        f"<details><summary>{len(evidence) - 1} more quote{'s' if len(evidence) != 2 else ''}</summary>{rest}</details>"
        if len(evidence) > 1
        else ""
    )
    del quotes
    meta = [
        f"<b>{esc(prev.get('documents', 0))}</b> of {esc(total_docs)} interviews ({_pct(prev.get('share_of_documents', 0))})",
        f"<b>{esc(prev.get('mentions', 0))}</b> mentions",
        f"intensity <b>{_num(f.get('intensity'))}</b>",
        f"score <b>{_num(f.get('score'))}</b>",
    ]
    search = " ".join([str(f.get("label", ""))] + [str(k) for k in f.get("keywords") or []]).lower()
    return f"""<article class="finding card" id="finding-{esc(f.get("theme_id"))}" data-search="{esc(search)}">
<header><span class="rank">#{esc(f.get("rank", ""))}</span><h3>{esc(f.get("label", ""))}</h3></header>
<p class="meta">{SEP.join(meta)}</p>
<div class="chips">{keywords}</div>
<div class="cols"><div>{seg_rows}</div><div class="facts">
{f'<p><span class="k">Kinds</span> {kinds}</p>' if kinds else ""}
{f'<p><span class="k">Emotions</span> {emotions}</p>' if emotions else ""}
{f'<p><span class="k">Motivators</span> {motivators}</p>' if motivators else ""}
{f"<details><summary>Quotes behind the emotions and motivators</summary><ul>{carriers}</ul></details>" if carriers else ""}
{f"<details><summary>Sub-themes</summary><ul>{subthemes}</ul></details>" if subthemes else ""}
</div></div>
{first}{details}
</article>"""


def _findings(findings: dict) -> str:
    items = findings.get("findings", [])
    summary = findings.get("summary") or {}
    segs = list(summary.get("segments") or [])
    total = summary.get("documents", "")
    if not items:
        return '<section id="findings"><h2>Findings</h2><p class="muted">No recurring themes were found.</p></section>'
    body = "".join(_finding(f, segs, total) for f in items)
    tools = (
        '<div class="tools"><label for="filter">Filter findings</label> <input id="filter" type="search" '
        'placeholder="keyword\u2026" autocomplete="off"> <button type="button" id="expand">Expand all quotes</button> '
        '<button type="button" id="collapse">Collapse all</button> <span id="count" class="muted"></span></div>'
    )
    return f'<section id="findings"><h2>Pain points</h2><p class="muted">Ranked by the interviews where a customer voiced each problem; intensity and spread across segments break ties.</p>{tools}{body}</section>'


#: The other ranked lists of findings.json, shown after the pain points.
OTHER_LISTS = (("requests", "Requests"), ("praise", "Praise"), ("questions", "Questions customers ask"))


def _other_lists(findings: dict) -> str:
    summary = findings.get("summary") or {}
    segs = list(summary.get("segments") or [])
    total = summary.get("documents", "")
    parts = []
    for name, title in OTHER_LISTS:
        items = findings.get(name) or []
        if items:
            parts.append(f"<h3>{esc(title)}</h3>" + "".join(_finding(f, segs, total) for f in items))
    if not parts:
        return ""
    return (
        '<section id="other-findings"><h2>Requests, praise and questions</h2><p class="muted">Themes where '
        "customers asked for something, praised, or asked, ranked by interviews.</p>"
        + "".join(parts)
        + "</section>"
    )


def _item_list(items: list[dict], empty: str = "No evidence in this segment.") -> str:
    if not items:
        return f'<p class="muted empty">{esc(empty)}</p>'
    return "".join(_quote(i, segment="") for i in items)


def _persona(p: dict) -> str:
    seg = p.get("segment", "")
    thin = p.get("confidence", "ok") != "ok"
    badge = (
        f'<span class="badge warn">{esc(p.get("confidence"))}</span>'
        if thin
        else '<span class="badge ok">evidence ok</span>'
    )
    rep = p.get("representative_quote")
    rep_html = f'<div class="rep">{_quote(rep, segment="")}</div>' if rep else ""
    pains = "".join(
        f'<li>{esc(x.get("label", ""))} <span class="muted">{esc(_plural(x.get("documents", 0), "interview"))} \u00b7 {_pct(x.get("share_of_documents"))}</span></li>'
        for x in p.get("top_pain_points", [])
    )
    n_statements = int(p.get("statements", 0) or 0)
    mots = _chips(describe(p["motivators"], n_statements), "chip mot") if p.get("motivators") else ""
    em = p.get("empathy_map") or {}
    feels = em.get("feels") or {}
    emo_chips = _chips(describe(feels["emotions"], n_statements), "chip emo") if feels.get("emotions") else ""
    quadrants = f"""<div class="empathy">
<div class="quad says"><h4>Says</h4>{_item_list(em.get("says", []))}</div>
<div class="quad thinks"><h4>Thinks</h4>{_item_list(em.get("thinks", []))}</div>
<div class="quad does"><h4>Does</h4>{_item_list(em.get("does", []))}</div>
<div class="quad feels"><h4>Feels</h4><div class="chips">{emo_chips}</div>{_item_list(feels.get("items", []), "No emotions detected in this segment's statements.")}</div>
</div>"""
    stages = p.get("journey_stages") or {}
    total = sum(int((stages.get(s) or {}).get("statements", 0)) for s in JOURNEY_STAGES) or 1
    journey_cells = "".join(
        f'<div class="stage"><div class="sn">{esc(_human(s))}</div><div class="sc">{esc((stages.get(s) or {}).get("statements", 0))}</div>'
        f'<div class="strack"><span style="width:{100 * int((stages.get(s) or {}).get("statements", 0)) / total:.1f}%"></span></div>'
        f'<div class="muted small">{esc(_plural((stages.get(s) or {}).get("interviews", 0), "interview"))}</div></div>'
        for s in JOURNEY_STAGES
    )
    journey_quotes = "".join(
        f"<h5>{esc(_human(s))}</h5>{_item_list((stages.get(s) or {}).get('evidence', []))}"
        for s in JOURNEY_STAGES
        if (stages.get(s) or {}).get("evidence")
    )

    def block(title: str, key: str) -> str:
        items = p.get(key) or []
        return f"<details class='facet'><summary>{title} <span class='muted'>({len(items)})</span></summary>{_item_list(items)}</details>"

    return f"""<article class="persona card" id="persona-{esc(seg)}">
<header><h3>{esc(seg)}</h3>{badge}</header>
<p class="meta">{esc(p.get("interviews", 0))} interviews \u00b7 {esc(p.get("statements", ""))} statements \u00b7 <span class="muted">{esc(", ".join(p.get("doc_ids", [])[:12]))}{ELLIPSIS if len(p.get("doc_ids", [])) > 12 else ""}</span></p>
{rep_html}
<div class="cols"><div><h4>Top pain points</h4><ol class="pains">{pains or '<li class="muted">none recorded</li>'}</ol></div>
<div><h4>Motivators</h4><div class="chips">{mots or '<span class="muted">none detected</span>'}</div>
<h4>Journey stage signals</h4><div class="journey">{journey_cells}</div></div></div>
<h4>Empathy map</h4>{quadrants}
{block("Goals / jobs to be done", "goals")}{block("Buying triggers", "buying_triggers")}{block("Objections", "objections")}
{f"<details class='facet'><summary>Journey stage evidence</summary>{journey_quotes}</details>" if journey_quotes else ""}
</article>"""


def _segment_table(personas: dict) -> str:
    rows = personas.get("segment_comparison") or []
    segs = [
        p["segment"] for p in personas.get("personas", []) if p["segment"] in (personas.get("segments") or [])
    ]
    if not rows or not segs:
        return ""
    head = "".join(f"<th>{esc(s)}</th>" for s in segs)
    body = ""
    for r in rows:
        cells = ""
        for s in segs:
            v = float((r.get("by_segment") or {}).get(s, 0.0))
            # Light-to-mid blue with dark text: stays above 7:1 contrast at every value.
            cells += (
                f'<td class="heat" style="background:rgba(31,78,121,{0.04 + 0.42 * v:.2f})">{_pct(v)}</td>'
            )
        spec = f'<span class="badge spec">{esc(r["specific_to"])}</span>' if r.get("specific_to") else ""
        body += f"<tr><th scope='row'>{esc(r.get('label', ''))}</th>{cells}<td>{spec}</td></tr>"
    return (
        f'<div class="card wide"><h3>Segment comparison</h3><p class="muted">Share of each segment\'s interviews '
        f"raising the theme; a theme is flagged when one segment raises it at least twice as often as any other.</p>"
        f'<div class="tablewrap"><table class="cmp"><thead><tr><th>Theme</th>{head}<th>Specific to</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div></div>"
    )


def _personas(personas: dict) -> str:
    ps = personas.get("personas") or []
    if not ps:
        return ""
    intro = (
        "<p class='muted'>Drafts built only from what customers said. Each quote links to its interview and time; "
        "\u201csimilar in N interviews\u201d counts distinct interviews in the segment with a similar statement.</p>"
    )
    return f'<section id="personas"><h2>Personas &amp; empathy maps</h2>{intro}{"".join(_persona(p) for p in ps)}{_segment_table(personas)}</section>'


_VERDICT_BADGE = {
    "supported": ("ok", "supported"),
    "contradicted": ("warn", "contradicted"),
    "not_voiced": ("warn", "not voiced"),
}


def _quote_list(quotes: list[dict]) -> str:
    return "".join(
        _quote(
            {
                "text": q.get("text", ""),
                "doc_id": q.get("doc_id", ""),
                "speaker": q.get("speaker", ""),
                "start": q.get("start"),
                "end": q.get("end"),
            }
        )
        for q in quotes
    )


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value or "")


def _assumptions(findings: dict) -> str:
    """Supported / contradicted / not voiced per assumption, with counts and quotes; the empathy gap."""
    block = findings.get("assumptions")
    if not block:
        return ""
    n = block.get("documents", 0)
    rows = ""
    for a in block.get("assumptions") or []:
        verdict = a.get("verdict") or ("supported" if a.get("voiced") else "not_voiced")
        tone, text = _VERDICT_BADGE.get(verdict, ("warn", verdict))
        badge = f'<span class="badge {tone}">{esc(text)}</span>'
        if a.get("confidence") == "low":
            badge += ' <span class="badge warn">low confidence</span>'
        finding = a.get("finding")
        where = (
            f" <a href='#finding-{esc(finding.get('theme_id'))}'>finding #{esc(finding.get('rank'))}</a>"
            if finding
            else ""
        )
        details = ""
        for title, key in (
            ("quotes that voice it", "quotes"),
            ("customers who said the opposite", "contradicting_quotes"),
            ("mentioned, not as a problem", "mentioned_quotes"),
        ):
            if a.get(key):
                details += f"<details><summary>{esc(title)}</summary>{_quote_list(a[key])}</details>"
        notes = "".join(f"<div class='muted'>{esc(note)}</div>" for note in a.get("notes") or [])
        rows += (
            f"<tr><td>{esc(a.get('assumption', ''))}{notes}{details}</td><td>{badge}{where}</td>"
            f"<td class='num'>{esc(a.get('documents', 0))}</td>"
            f"<td class='num'>{esc(a.get('contradicting_documents', 0))}</td>"
            f"<td class='num'>{esc(a.get('mentioned_documents', 0))}</td></tr>"
        )
    table = (
        (
            f'<div class="tablewrap"><table class="assume"><thead><tr><th>Team assumption</th><th>Verdict</th>'
            f"<th>Voiced in (of {esc(n)})</th><th>Said the opposite</th><th>Mentioned, not a problem</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )
        if rows
        else ""
    )
    gap = block.get("empathy_gap") or {}
    rho = gap.get("spearman")
    gap_html = (
        "<h3>Empathy gap</h3><p>"
        + (
            f"The team's ranking of its assumptions against what customers voiced: Spearman "
            f"<strong>{rho:+.2f}</strong> ({esc(gap.get('note', ''))})."
            if rho is not None
            else f"Rank correlation not computed: {esc(gap.get('note', ''))}."
        )
        + "</p>"
    )
    barely = "".join(
        f"<li>{esc(b.get('assumption', ''))} <span class='muted'>team rank {esc(_num(b.get('expected_rank')))}, "
        f"{esc(_plural(b.get('documents', 0), 'interview'))}</span></li>"
        for b in gap.get("barely_voiced") or []
    )
    if barely:
        gap_html += f"<h3>Assumed, but customers barely voiced it</h3><ul>{barely}</ul>"
    unassumed = "".join(
        f"<li><a href='#finding-{esc(u.get('theme_id'))}'>{esc(u.get('label', ''))}</a> <span class='muted'>"
        f"{esc(_plural(u.get('documents', 0), 'interview'))}</span></li>"
        for u in block.get("unassumed_findings") or block.get("unassumed_themes") or []
    )
    un = f"<h3>Strong pains nobody assumed</h3><ul>{unassumed}</ul>" if unassumed else ""
    return (
        f'<section id="assumptions"><h2>Assumption check</h2><div class="card wide">{table}{gap_html}{un}'
        "</div></section>"
    )


def _trends(trends: dict | None) -> str:
    if not trends or not trends.get("periods") or not trends.get("themes"):
        return ""
    periods = trends["periods"]
    per = trends.get("documents_per_period") or {}
    cells = ""
    for t in trends["themes"][:12]:
        vals = [float(s.get("share_of_documents", 0.0)) for s in t.get("series", [])]
        notes = [
            f"{s.get('documents', 0)} of {per.get(s.get('period'), '?')} interviews"
            for s in t.get("series", [])
        ]
        cells += (
            f'<div class="card small-multiple"><h4>{esc(_trim(t.get("label", ""), 48))}</h4>'
            f"{svg_sparkline(periods, vals, 'Trend: ' + str(t.get('label', '')), notes)}</div>"
        )
    counts = ", ".join(f"{esc(p)}: {esc(per.get(p, ''))}" for p in periods)
    undated = trends.get("undated_documents", 0)
    note = f" {esc(undated)} undated interview(s) left out." if undated else ""
    return (
        f'<section id="trends"><h2>Trends over time</h2><p class="muted">Share of each {esc(trends.get("period", "month"))}\'s '
        f"interviews raising the theme. Interviews per period: {counts}.{note}</p><div class='multiples'>{cells}</div></section>"
    )


CSS = """
:root{--ink:#1b1f24;--muted:#5b6470;--line:#e3e7ec;--bg:#f6f8fa;--card:#fff;--accent:#1F4E79;--warn:#8a4b00;--warnbg:#fff4e0;--ok:#1d6b3a;--okbg:#e6f4ea}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg);line-height:1.5}
header.top{background:var(--accent);color:#fff;padding:28px 40px 20px}
header.top h1{margin:0 0 4px;font-size:1.8rem;font-weight:650;letter-spacing:-.01em}
header.top p{margin:0;opacity:.85}
nav{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:0 40px;display:flex;gap:22px;overflow-x:auto}
nav a{color:var(--muted);text-decoration:none;padding:12px 0;font-weight:550;white-space:nowrap;border-bottom:2px solid transparent}
nav a:hover,nav a:focus{color:var(--accent);border-bottom-color:var(--accent)}
main{max-width:1240px;margin:0 auto;padding:8px 40px 60px}
section{margin-top:34px}
h2{font-size:1.35rem;margin:0 0 10px;font-weight:650}
h3{font-size:1.08rem;margin:0 0 6px}
h4{font-size:.82rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:14px 0 6px}
h5{margin:10px 0 4px;font-size:.9rem;text-transform:capitalize}
a{color:var(--accent)}
.muted{color:var(--muted)} .small{font-size:.8rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.03)}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.stat{margin:0;text-align:left}.stat .n{font-size:1.9rem;font-weight:700;color:var(--accent)}.stat .l{color:var(--muted);font-size:.9rem}
ol.top li{margin:3px 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 16px}.grid2 .wide{grid-column:1/-1}.narrow-chart svg.chart{max-width:560px}
svg.chart{display:block;max-width:100%;height:auto;font-family:inherit}
svg .lb{font-size:12px;fill:#1b1f24} svg .lg{font-size:12px;fill:#1b1f24} svg .vl{font-size:11px;fill:#5b6470}
svg .ax{font-size:11px;fill:#5b6470} svg .grid{stroke:#e3e7ec;stroke-width:1} svg .frame{fill:#fbfcfd;stroke:#e3e7ec}
svg .bn{font-size:11px;font-weight:700;fill:#1b1f24;pointer-events:none}
.tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 4px}
.tools input{padding:7px 10px;border:1px solid #c9d1da;border-radius:6px;min-width:240px;font:inherit}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #c9d1da;background:#fff;cursor:pointer}
button:hover{border-color:var(--accent);color:var(--accent)}
.finding header,.persona header{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
.finding h3{margin:0}
.rank{background:var(--accent);color:#fff;border-radius:6px;padding:1px 8px;font-weight:700;font-size:.9rem}
.meta{color:var(--muted);margin:6px 0}.meta b{color:var(--ink)}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.chip{background:#eef3f8;color:#163a5c;border-radius:999px;padding:2px 10px;font-size:.82rem}
.chip.mot{background:#e7f4ee;color:#0f5132}.chip.emo{background:#fbeee6;color:#7a3100}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.facts p{margin:3px 0}.k{display:inline-block;min-width:88px;color:var(--muted);font-size:.85rem}
.segbar{display:grid;grid-template-columns:130px 1fr 90px;align-items:center;gap:8px;margin:4px 0;font-size:.88rem}
.track,.strack{background:#edf0f3;border-radius:4px;height:10px;overflow:hidden;display:block}
.fill,.strack span{display:block;height:100%;background:var(--accent)}
.sl{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.sv{color:var(--muted)}
blockquote.q{margin:8px 0;padding:8px 14px;border-left:3px solid var(--accent);background:#f8fafc;border-radius:0 6px 6px 0}
blockquote.q p{margin:0 0 4px;font-size:.95rem}
blockquote.q p::before{content:"\\201C"}blockquote.q p::after{content:"\\201D"}
blockquote.q footer{font-size:.78rem;color:var(--muted)}
button.play{font:inherit;font-size:.75rem;padding:0 6px;border:1px solid var(--accent);border-radius:4px;background:#fff;color:var(--accent);cursor:pointer}
button.play.playing{background:var(--accent);color:#fff}
.who{font-weight:600;color:var(--ink)}.ts{font-variant-numeric:tabular-nums}.sup{color:var(--ok)}
.seg{background:#eef3f8;border-radius:4px;padding:0 5px}
details{margin:6px 0}summary{cursor:pointer;color:var(--accent);font-weight:550}
.badge{border-radius:999px;padding:2px 10px;font-size:.78rem;font-weight:600}
.badge.warn{background:var(--warnbg);color:var(--warn)}.badge.ok{background:var(--okbg);color:var(--ok)}
.badge.spec{background:#eef3f8;color:var(--accent)}
.rep blockquote.q{border-left-width:5px;font-size:1.05rem;background:#f3f7fb}
.empathy{display:grid;grid-template-columns:1fr 1fr;gap:0;border:1px solid var(--line);border-radius:10px;overflow:hidden}
.quad{padding:12px 16px;min-height:120px}
.quad h4{margin-top:0;font-size:.95rem;color:var(--accent)}
.says,.does{border-right:1px solid var(--line)}.says,.thinks{border-bottom:1px solid var(--line)}
.says{background:#fbfdff}.thinks{background:#fcfbff}.does{background:#fbfefc}.feels{background:#fffcf9}
.quad blockquote.q{background:#fff}
.journey{display:grid;grid-template-columns:repeat(5,1fr);gap:8px}
.stage .sn{font-size:.78rem;text-transform:capitalize;color:var(--muted)}.stage .sc{font-weight:700;font-size:1.1rem}
.strack{height:6px}
.pains{margin:0;padding-left:20px}.pains li{margin:3px 0}
.facet{border-top:1px solid var(--line);padding-top:6px}
.tablewrap{overflow-x:auto}.tablewrap + h3{margin-top:20px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{color:var(--muted);font-weight:600;font-size:.82rem;text-transform:uppercase;letter-spacing:.04em}
td.heat{text-align:center;font-variant-numeric:tabular-nums;min-width:90px;color:#111}
td.num{text-align:right}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.small-multiple{margin:0}.small-multiple h4{text-transform:none;letter-spacing:0;color:var(--ink);font-size:.9rem;margin:0 0 4px;min-height:2.7em;line-height:1.35}
footer.page{max-width:1240px;margin:0 auto;padding:20px 40px 40px;color:var(--muted);font-size:.85rem}
.hidden{display:none}
:focus-visible{outline:2px solid #E69F00;outline-offset:2px}
@media (max-width:900px){.grid2,.cols,.empathy{grid-template-columns:1fr}.says,.does{border-right:0}main,header.top,nav{padding-left:16px;padding-right:16px}}
@media print{nav,.tools{display:none}body{background:#fff}header.top{background:#fff;color:var(--ink);padding:0 0 10px}
.card{box-shadow:none;break-inside:avoid}.persona{break-before:page}main{padding:0}summary{color:var(--ink)}}
"""

JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("im-data").textContent);
  var cards = Array.prototype.slice.call(document.querySelectorAll("#findings article.finding"));
  var input = document.getElementById("filter");
  var count = document.getElementById("count");
  function update() {
    if (!input) { return; }
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    cards.forEach(function (c) {
      var hit = !q || (c.getAttribute("data-search") || "").indexOf(q) !== -1 ||
        c.textContent.toLowerCase().indexOf(q) !== -1;
      c.classList.toggle("hidden", !hit);
      if (hit) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + data.findings + " findings"; }
  }
  function setAll(open) {
    document.querySelectorAll("details").forEach(function (d) { d.open = open; });
  }
  if (input) { input.addEventListener("input", update); }
  var ex = document.getElementById("expand"), co = document.getElementById("collapse");
  if (ex) { ex.addEventListener("click", function () { setAll(true); }); }
  if (co) { co.addEventListener("click", function () { setAll(false); }); }
  window.addEventListener("beforeprint", function () { setAll(true); });
  // play controls: one player; a quote plays from its start and pauses at its end
  var player = null, stopAt = null, active = null;
  function mark(on) { if (active) { active.classList.toggle("playing", on); } }
  document.querySelectorAll("button.play").forEach(function (b) {
    b.addEventListener("click", function () {
      var src = b.getAttribute("data-src"), start = parseFloat(b.getAttribute("data-start")) || 0;
      var end = b.hasAttribute("data-end") ? parseFloat(b.getAttribute("data-end")) : null;
      if (!player) {
        player = new Audio();
        player.addEventListener("timeupdate", function () {
          if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); }
        });
        player.addEventListener("playing", function () { mark(true); });
        player.addEventListener("pause", function () { mark(false); });
        player.addEventListener("ended", function () { mark(false); });
      }
      player.pause();
      mark(false);
      active = b;
      stopAt = end;
      var go = function () { player.currentTime = start; player.play(); };
      if (player.getAttribute("data-src") === src && player.readyState >= 1) { go(); return; }
      player.setAttribute("data-src", src);
      player.src = src;
      player.addEventListener("loadedmetadata", go, { once: true });
    });
  });
  update();
})();
"""


def _script_hash() -> str:
    """CSP hash of the one script: even if markup slipped through escaping, no other script could run."""
    import base64
    import hashlib

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
    token = _AUDIO.set((dict(audio_sources or {}), dict(audio_clips or {})))
    try:
        return _render(findings, personas, trends, statements, title, bool(audio_sources or audio_clips))
    finally:
        _AUDIO.reset(token)


def _render(findings, personas, trends, statements, title, audio: bool) -> str:
    if not isinstance(findings, dict) or not isinstance(findings.get("findings", []), list):
        raise ValueError("findings must be the findings.json content: a dict with a 'findings' list")
    personas = personas or {}
    summary = findings.get("summary") or {}
    positions = _map_positions(findings)
    sections = [
        _overview(findings, personas, statements),
        _charts(findings, personas, statements, positions),
        _findings(findings),
        _other_lists(findings),
        _personas(personas),
        _assumptions(findings),
        _trends(trends),
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
