"""Emotion and motivator signals of a group of statements, as counts of confident labels.

One function, :func:`summarise_signals`, feeds every place that summarises how customers feel: the
findings' emotion / motivator fields (rank), the personas' Feels and motivators, and the report's
charts and text. It counts statements and interviews, never shares of noise: a statement counts for a
label only when the classifier was confident enough to store that label (the emotion and motivator
stages already answer ``neutral`` / no motivator below their calibrated thresholds), and a group with
too few such statements says so instead of showing a mix.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from insightminer.classify.emotions import EKMAN_MAPPING
from insightminer.schema import Statement

# A label is listed when at least this many statements carry it; below, one stray prediction would
# read as a pattern. A group whose labels all fall below it has "too little signal".
MIN_STATEMENTS_PER_LABEL = 2
QUOTES_PER_LABEL = 3
EMOTION_NOTE = "too little emotional signal"
MOTIVATOR_NOTE = "too little motivator signal"

_EKMAN_OF = {label: group for group, labels in EKMAN_MAPPING.items() for label in labels}


def _default_quote(statement: Statement) -> dict[str, Any]:
    return {
        "statement_id": statement.statement_id,
        "doc_id": statement.doc_id,
        "speaker": statement.speaker,
        "text": statement.text,
    }


def _top(scores: dict[str, float] | None, skip: str) -> tuple[str, float] | None:
    """The statement's strongest stored label other than `skip` (ties: alphabetical), or None."""
    items = [(k, float(v)) for k, v in (scores or {}).items() if k != skip]
    if not items:
        return None
    return min(items, key=lambda kv: (-kv[1], kv[0]))


def _labels(
    picked: list[tuple[int, str, str, float]],
    statements: Sequence[Statement],
    quote: Callable[[Statement], dict[str, Any]],
    min_statements: int,
    quotes_per_label: int,
) -> list[dict[str, Any]]:
    """Per label: statements, interviews, the fine labels behind it, and its strongest quotes."""
    by_label: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    for i, label, fine, score in picked:
        by_label[label].append((i, fine, score))
    rows = []
    for label, members in by_label.items():
        if len(members) < min_statements:
            continue
        # Strongest first, one quote per interview before a second from the same one.
        ordered = sorted(members, key=lambda m: (-m[2], statements[m[0]].statement_id))
        chosen: dict[int, float] = {}
        seen: set[str] = set()
        for i, _, score in ordered:
            if statements[i].doc_id not in seen and len(chosen) < quotes_per_label:
                chosen[i] = score
                seen.add(statements[i].doc_id)
        for i, _, score in ordered:
            if i not in chosen and len(chosen) < quotes_per_label:
                chosen[i] = score
        fine = Counter(f for _, f, _ in members)
        rows.append(
            {
                "label": label,
                "statements": len(members),
                "interviews": len({statements[i].doc_id for i, _, _ in members}),
                "detail": dict(sorted(fine.items(), key=lambda kv: (-kv[1], kv[0]))),
                "quotes": [{**quote(statements[i]), "score": round(score, 4)} for i, score in chosen.items()],
            }
        )
    rows.sort(key=lambda r: (-r["statements"], -r["interviews"], r["label"]))
    return rows


def summarise_signals(
    statements: Sequence[Statement],
    indices: Sequence[int] | None = None,
    *,
    quote: Callable[[Statement], dict[str, Any]] | None = None,
    min_statements: int = MIN_STATEMENTS_PER_LABEL,
    quotes_per_label: int = QUOTES_PER_LABEL,
) -> dict[str, Any]:
    """Counts of confident emotions (Ekman groups) and motivators over `statements[indices]`.

    Returns ``{"statements", "interviews", "emotions": {...}, "motivators": {...}}`` where each block
    is ``{"with_signal": n statements carrying a label, "labels": [{"label", "statements",
    "interviews", "detail", "quotes"}], "note": None or "too little ... signal"}``. Emotions are
    grouped by Ekman group (``detail`` counts the GoEmotions labels behind it); neutral never counts.
    `quote` turns a statement into the evidence dict stored with each quote.
    """
    idx = list(range(len(statements))) if indices is None else [int(i) for i in indices]
    quote = quote or _default_quote
    emotion_picks, motivator_picks = [], []
    for i in idx:
        top = _top(statements[i].emotions, "neutral")
        if top is not None:
            emotion_picks.append((i, _EKMAN_OF.get(top[0], top[0]), top[0], top[1]))
        top = _top(statements[i].motivators, "none")
        if top is not None:
            motivator_picks.append((i, top[0], top[0], top[1]))

    def block(picks: list, note: str) -> dict[str, Any]:
        labels = _labels(picks, statements, quote, min_statements, quotes_per_label)
        return {"with_signal": len(picks), "labels": labels, "note": None if labels else note}

    return {
        "statements": len(idx),
        "interviews": len({statements[i].doc_id for i in idx}),
        "emotions": block(emotion_picks, EMOTION_NOTE),
        "motivators": block(motivator_picks, MOTIVATOR_NOTE),
    }


def label_name(label: str) -> str:
    """Human name of an emotion group or motivator id ("feel_secure" -> "feel secure")."""
    return label.replace("_", " ")


def describe(block: dict[str, Any], total: int, limit: int = 4) -> list[str]:
    """Text lines for one block: "feel secure — 6 of 21 statements (4 interviews)", or its note."""
    if block.get("note"):
        return [str(block["note"])]
    return [
        f"{label_name(r['label'])} — {r['statements']} of {total} statements "
        f"({r['interviews']} interview{'s' if r['interviews'] != 1 else ''})"
        for r in block.get("labels", [])[:limit]
    ]
