"""SVG charts of report.html, drawn in Python (all text escaped; sizes fixed so the layout is stable)."""

# ruff: noqa: E501 -- HTML/CSS templates read better unwrapped; the Python logic is kept short.

from __future__ import annotations

import math

from insightminer.output.html.format import ACCENT, PALETTE, esc, pct, trim


def svg_open(width: int, height: int, label: str) -> str:
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
    out = [svg_open(width, height, label)]
    # legend
    x = label_w
    for k, name in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        out.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="16" class="lg">{esc(trim(name, 28))}</text>')
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
            f'<text x="{label_w - 10}" y="{mid + 4:.1f}" class="lb" text-anchor="end">{esc(trim(name, 42))}</text>'
        )
        for k, s in enumerate(series):
            v = max(0.0, min(1.0, float(values.get(s, 0.0))))
            w = plot_w * v
            y = gy + k * bar_h
            colour = PALETTE[k % len(PALETTE)]
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" rx="2" fill="{colour}">'
                f"<title>{esc(name)} \u2014 {esc(s)}: {pct(v)}</title></rect>"
            )
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" class="vl">{pct(v)}</text>')
    out.append("</svg>")
    return "".join(out)


def svg_bars(values: list[tuple[str, float]], label: str, colour: str = ACCENT, fmt=None) -> str:
    """Horizontal bars for shares (0..1), or for counts with fmt=str, largest first as given."""
    fmt = fmt or pct
    if not values:
        return ""
    label_w, bar_h, width = 170, 22, 420
    plot_w = width - label_w - 50
    height = bar_h * len(values) + 8
    vmax = max(max(v for _, v in values), 1e-9)
    out = [svg_open(width, height, label)]
    for r, (name, v) in enumerate(values):
        y = 4 + r * bar_h
        w = plot_w * float(v) / vmax
        out.append(
            f'<text x="{label_w - 8}" y="{y + 14}" class="lb" text-anchor="end">{esc(trim(name, 24))}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 8}" rx="3" fill="{colour}">'
            f"<title>{esc(name)}: {esc(fmt(v))}</title></rect>"
        )
        out.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 14}" class="vl">{esc(fmt(v))}</text>')
    out.append("</svg>")
    return "".join(out)


def nice_range(values: list[float], clamp01: bool) -> tuple[float, float]:
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
    x_lo, x_hi = nice_range([p[0] for p in pts.values()], clamp01=not positions)
    y_lo, y_hi = nice_range([p[1] for p in pts.values()], clamp01=not positions)
    x0, x1, y0, y1 = left, legend_x - 30, height - bottom, top

    def sx(v: float) -> float:
        return x0 + (v - x_lo) / (x_hi - x_lo) * (x1 - x0)

    def sy(v: float) -> float:
        return y0 + (v - y_lo) / (y_hi - y_lo) * (y1 - y0)

    max_mentions = max(int((f.get("prevalence") or {}).get("mentions", 1) or 1) for f in findings)
    out = [svg_open(width, height, "Theme map")]
    out.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" class="frame"/>')
    for t in range(5):  # ticks: 5 per axis, values (percent for shares), none for abstract components
        fx = x_lo + (x_hi - x_lo) * t / 4
        fy = y_lo + (y_hi - y_lo) * t / 4
        out.append(f'<line x1="{sx(fx):.1f}" y1="{y1}" x2="{sx(fx):.1f}" y2="{y0}" class="grid"/>')
        out.append(f'<line x1="{x0}" y1="{sy(fy):.1f}" x2="{x1}" y2="{sy(fy):.1f}" class="grid"/>')
        if not positions:
            out.append(
                f'<text x="{sx(fx):.1f}" y="{y0 + 16}" class="ax" text-anchor="middle">{pct(fx)}</text>'
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
            f'<text x="{legend_x + 26}" y="{ly}" class="lb">{esc(trim(f.get("label", ""), 36))}</text>'
        )
    out.extend(bubbles)
    out.extend(numbers)  # numbers above every bubble, so none is hidden
    out.extend(legend)
    out.append("</svg>")
    return "".join(out)


def svg_sparkline(periods: list[str], values: list[float], label: str, notes: list[str] | None = None) -> str:
    """A small line chart of shares (0..1) over periods, with first/last period labels."""
    width, height, pad_x, pad_top, pad_bottom = 260, 110, 40, 10, 24
    out = [svg_open(width, height, label)]
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
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}"><title>{esc(p)}: {pct(v)}{esc(note)}</title></circle>'
        )
    if periods:
        out.append(f'<text x="{pad_x}" y="{height - 6}" class="ax">{esc(periods[0])}</text>')
        if n > 1:
            out.append(
                f'<text x="{width - pad_x}" y="{height - 6}" class="ax" text-anchor="end">{esc(periods[-1])}</text>'
            )
    out.append("</svg>")
    return "".join(out)
