"""Theme prevalence over time: the share of each period's interviews that raised each theme.

Periods come from each document's ``metadata["date"]`` (ISO yyyy-mm-dd; yyyy-mm also accepted).
Documents without a usable date are counted under ``undated`` and left out of the series.
"""

from __future__ import annotations

import re
from collections import defaultdict

from insightminer.schema import Statement

PERIODS = ("month", "quarter", "auto")
#: With period="auto", months are used when the median dated month holds at least this many interviews.
AUTO_MIN_PER_MONTH = 3
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def period_of(date: str | None, period: str = "month") -> str | None:
    """'2026-03-14' -> '2026-03' (month) or '2026-Q1' (quarter); None when not a date."""
    if not date:
        return None
    m = _DATE.match(str(date))
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if period == "quarter":
        return f"{year:04d}-Q{(month - 1) // 3 + 1}"
    return f"{year:04d}-{month:02d}"


def _auto_period(statements: list[Statement]) -> str:
    """Months when they hold enough interviews to read a share from, else quarters."""
    months: dict[str, set[str]] = defaultdict(set)
    for st in statements:
        p = period_of((st.metadata or {}).get("date"), "month")
        if p is not None:
            months[p].add(st.doc_id)
    sizes = sorted(len(d) for d in months.values())
    return "month" if sizes and sizes[len(sizes) // 2] >= AUTO_MIN_PER_MONTH else "quarter"


def theme_trends(statements: list[Statement], findings: dict, period: str = "month") -> dict:
    """Per theme in findings, documents and share of documents per period (dated documents only).

    period: "month", "quarter", or "auto" (months if the median month has >= 3 interviews, else quarters).

    Returns {"period", "periods", "undated_documents", "themes": [{"theme_id", "label", "series": [...]}]};
    "periods" and "themes" are empty when no document carries a date.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    if period == "auto":
        period = _auto_period(statements)
    doc_period: dict[str, str | None] = {}
    for st in statements:
        if st.doc_id not in doc_period or doc_period[st.doc_id] is None:
            doc_period[st.doc_id] = period_of((st.metadata or {}).get("date"), period)
    docs_in_period: dict[str, set[str]] = defaultdict(set)
    undated = sorted(d for d, p in doc_period.items() if p is None)
    for doc, p in doc_period.items():
        if p is not None:
            docs_in_period[p].add(doc)
    theme_docs: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for st in statements:
        p = doc_period.get(st.doc_id)
        if p is not None and st.theme_id >= 0:
            theme_docs[st.theme_id][p].add(st.doc_id)
    periods = sorted(docs_in_period)
    themes = []
    if periods:
        ordered = sorted(
            findings.get("findings", []), key=lambda f: (int(f.get("rank", 10**6)), f["theme_id"])
        )
        for f in ordered:
            tid = int(f["theme_id"])
            series = []
            for p in periods:
                n = len(theme_docs.get(tid, {}).get(p, ()))
                series.append(
                    {"period": p, "documents": n, "share_of_documents": round(n / len(docs_in_period[p]), 4)}
                )
            themes.append({"theme_id": tid, "label": f.get("label", f"theme {tid}"), "series": series})
    return {
        "period": period,
        "periods": periods,
        "documents_per_period": {p: len(docs_in_period[p]) for p in periods},
        "undated_documents": len(undated),
        "themes": themes,
    }
