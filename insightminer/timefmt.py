"""The one timestamp format of every output (findings.md/csv, personas.md, report.html)."""

from __future__ import annotations

import math
from typing import Any


def format_timestamp(seconds: Any) -> str:
    """mm:ss (h:mm:ss from an hour on), rounded to the nearest second; "" when unknown.

    Rounded, not truncated: 59.6 s reads 01:00 wherever a quote is cited. Halves round up (2.5 -> 00:03),
    negatives clamp to 00:00, and a value that is not a number gives "" (a hand-edited run folder).
    """
    if seconds is None or isinstance(seconds, bool):
        return ""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(value):
        return ""
    total = int(math.floor(max(value, 0.0) + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
