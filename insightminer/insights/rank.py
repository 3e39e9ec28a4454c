"""Rank themes into findings: prevalence across distinct interviews first, then intensity and spread.

Raw mention counts are reported but never drive the rank: one talkative customer who repeats a
complaint ten times is one interview, not ten. Prevalence decides the order outright (a pain voiced in
ten interviews ranks above one voiced in nine, however intense); the intensity-and-spread score only
orders findings of equal prevalence, so the ranking is what the counts say.

Findings come in separate ranked lists by theme type: pain points (the main list), requests, praise
and questions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from insightminer import __version__
from insightminer.classify.emotions import SENTIMENT_MAPPING
from insightminer.classify.signals import summarise_signals
from insightminer.config import RankOptions
from insightminer.schema import Statement
from insightminer.themes.study import ThemeInfo

# GoEmotions' negative sentiment group, plus confusion: a confused customer is a struggling one.
NEGATIVE_EMOTIONS = frozenset(SENTIMENT_MAPPING["negative"]) | {"confusion"}
WEIGHT_PREVALENCE = 0.65
WEIGHT_INTENSITY = 0.20
WEIGHT_SPREAD = 0.15


def _r(x: float) -> float:
    return round(float(x), 4)


def evidence_item(statement: Statement, segment_field: str = "segment") -> dict[str, Any]:
    return {
        "statement_id": statement.statement_id,
        "doc_id": statement.doc_id,
        "speaker": statement.speaker,
        "text": statement.text,
        "start": statement.start,
        "end": statement.end,
        "segment": statement.metadata.get(segment_field),
    }


def statement_intensity(statement: Statement) -> float:
    """How strongly negative a statement is: its strongest negative emotion, else its pain score."""
    negative = [s for e, s in statement.emotions.items() if e in NEGATIVE_EMOTIONS]
    if negative:
        return max(negative)
    if statement.emotions:
        return 0.0
    return statement.kind_score if statement.kind == "pain_point" else 0.0


def _pick_evidence(
    members: list[int],
    statements: list[Statement],
    embeddings: np.ndarray | None,
    preferred: list[str],
    limit: int,
) -> list[int]:
    """Representative quotes first, then the most central quote of each further interview.

    Without embeddings (re-ranking an edited run), further quotes come in statement order.
    """
    if embeddings is None:
        centrality = np.zeros(len(members))
    else:
        centroid = embeddings[members].mean(0)
        centrality = embeddings[members] @ centroid
    order = sorted(
        range(len(members)),
        key=lambda i: (
            statements[members[i]].kind != "pain_point",
            -round(float(centrality[i]), 6),
            statements[members[i]].statement_id,
        ),
    )
    by_id = {statements[m].statement_id: m for m in members}
    chosen: list[int] = []
    seen_docs: set[str] = set()
    for sid in preferred:
        m = by_id.get(sid)
        if m is not None and statements[m].doc_id not in seen_docs and len(chosen) < limit:
            chosen.append(m)
            seen_docs.add(statements[m].doc_id)
    for i in order:  # one quote per interview while there are new interviews
        m = members[i]
        if len(chosen) >= limit:
            break
        if statements[m].doc_id not in seen_docs:
            chosen.append(m)
            seen_docs.add(statements[m].doc_id)
    for i in order:
        m = members[i]
        if len(chosen) >= limit:
            break
        if m not in chosen:
            chosen.append(m)
    return chosen


def rank_findings(
    statements: list[Statement],
    embeddings: np.ndarray | None,
    themes: list[ThemeInfo],
    *,
    segment_field: str = "segment",
    min_documents: int = 2,
    evidence_per_finding: int = 5,
) -> list[dict[str, Any]]:
    """One finding per theme with enough evidence, best first, each with its quotes."""
    all_docs = sorted({s.doc_id for s in statements})
    docs_by_segment: dict[str, set[str]] = defaultdict(set)
    for s in statements:
        seg = s.metadata.get(segment_field)
        if seg:
            docs_by_segment[seg].add(s.doc_id)
    members_by_theme: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(statements):
        if s.theme_id >= 0:
            members_by_theme[s.theme_id].append(i)

    findings = []
    for theme in themes:
        members = members_by_theme.get(theme.theme_id, [])
        docs = sorted({statements[m].doc_id for m in members})
        if not members or len(docs) < min_documents:
            continue
        by_segment = {}
        for seg in sorted(docs_by_segment):
            seg_docs = {statements[m].doc_id for m in members} & docs_by_segment[seg]
            by_segment[seg] = {
                "documents": len(seg_docs),
                "share_of_documents": _r(len(seg_docs) / len(docs_by_segment[seg])),
                "mentions": sum(1 for m in members if statements[m].metadata.get(segment_field) == seg),
            }
        spread = (
            sum(1 for v in by_segment.values() if v["documents"]) / len(by_segment) if by_segment else 1.0
        )
        share = len(docs) / max(len(all_docs), 1)
        intensity = float(np.mean([statement_intensity(statements[m]) for m in members]))
        score = WEIGHT_PREVALENCE * share + WEIGHT_INTENSITY * intensity + WEIGHT_SPREAD * spread
        signals = summarise_signals(statements, members, quote=lambda s: evidence_item(s, segment_field))
        evidence = _pick_evidence(
            members, statements, embeddings, theme.representative_ids, evidence_per_finding
        )
        findings.append(
            {
                "theme_id": theme.theme_id,
                "type": theme.type,
                "label": theme.label,
                "keywords": theme.keywords,
                "seed": theme.seed,
                "score": _r(score),
                "prevalence": {
                    "documents": len(docs),
                    "share_of_documents": _r(share),
                    "mentions": len(members),
                },
                "doc_ids": docs,
                "intensity": _r(intensity),
                "segments": by_segment,
                "segment_spread": _r(spread),
                "kinds": dict(sorted(Counter(statements[m].kind for m in members).items())),
                # Counts of confident labels with quotes (insightminer.classify.signals), not share mixes.
                "emotions": signals["emotions"],
                "motivators": signals["motivators"],
                "subthemes": theme.subthemes,
                "mentioned_without_problem": {
                    "documents": len(theme.mentioned_doc_ids),
                    "doc_ids": theme.mentioned_doc_ids,
                },
                "evidence": [evidence_item(statements[m], segment_field) for m in evidence],
                "map_position": list(theme.position) if theme.position is not None else None,
            }
        )
    findings.sort(
        key=lambda f: (
            -f["prevalence"]["documents"],
            -f["score"],
            -f["prevalence"]["mentions"],
            f["theme_id"],
        )
    )
    for finding_type in FINDING_LISTS:
        ranked = [f for f in findings if f["type"] == finding_type]
        for rank, finding in enumerate(ranked, start=1):
            finding["rank"] = rank
    return findings


#: findings.json list names by theme type; "findings" is the pain-point list other tools read.
FINDING_LISTS: dict[str, str] = {
    "pain_point": "findings",
    "need": "requests",
    "praise": "praise",
    "question": "questions",
}


def split_by_type(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The ranked findings as findings.json's separate lists (pain points, requests, praise, questions)."""
    return {name: [f for f in findings if f["type"] == t] for t, name in FINDING_LISTS.items()}


#: findings.json's schema version (other tools read it: bump on any change of shape). 2.0: a finding's
#: emotions / motivators are counts of confident labels with quotes (were share mixes). 2.1: "config" is
#: nested by stage section (Config.findings_relevant()); each finding has its theme-map "map_position".
FINDINGS_SCHEMA_VERSION = "2.1"


def build_findings(
    statements: list[Statement],
    embeddings: np.ndarray | None,
    themes: list[ThemeInfo],
    options: RankOptions,
    *,
    theme_kinds: Sequence[str],
    config: dict[str, Any],
) -> dict[str, Any]:
    """The rank stage: findings.json's content — the ranked lists with a summary of the study.

    `theme_kinds` are the statement kinds the themes stage clustered (to count unthemed ones);
    `config` is the findings-relevant config, recorded so a finding says what produced it."""
    ranked = rank_findings(
        statements,
        embeddings,
        themes,
        segment_field=options.segment_field,
        min_documents=options.min_theme_documents,
        evidence_per_finding=options.evidence_per_finding,
    )
    segments = sorted(
        {s.metadata[options.segment_field] for s in statements if s.metadata.get(options.segment_field)}
    )
    kinds = Counter(s.kind for s in statements)
    lists = split_by_type(ranked)
    return {
        "schema_version": FINDINGS_SCHEMA_VERSION,
        "generator": {"name": "insightminer", "version": __version__},
        "config": config,
        "summary": {
            "documents": len({s.doc_id for s in statements}),
            "customer_statements": len(statements),
            "pain_point_statements": kinds.get("pain_point", 0),
            "statement_kinds": dict(sorted(kinds.items())),
            "themes": len(themes),
            "findings_by_type": {name: len(items) for name, items in lists.items()},
            "unthemed_statements": sum(1 for s in statements if s.kind in theme_kinds and s.theme_id < 0),
            "min_theme_documents": options.min_theme_documents,
            "segments": segments,
            "segment_field": options.segment_field,
        },
        **lists,
    }
