"""Persona and empathy-map drafts per segment, built only from what customers actually said.

Every item in a persona is a real customer statement (its ``statement_id`` is in the input), with the
number of distinct interviews in the same segment that said something similar. Nothing is generated.

How statements are sorted into facets (goals, buying triggers, objections, Does, Thinks) and journey
stages is deliberately transparent and deterministic: a statement's score for a category is its highest
cosine similarity to a handful of hand-written prototype sentences (embedded once with the same model as
the statements) plus a fixed bonus when a lexical cue (a regular expression) matches. A statement joins
the category when the score clears the category's threshold (insightminer.insights.persona_cues, with
`evaluate_cues` on ``data/labels/persona_cues.csv``). personas.md is written by insightminer.output.report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

from insightminer.classify.signals import summarise_signals
from insightminer.insights.persona_cues import (
    CATEGORIES,
    JOURNEY_STAGES,
    LEXICAL_BONUS,
    THRESHOLDS,
    PersonaError,
    classify_cues,
    cue_scores,
)
from insightminer.schema import Statement

SCHEMA_VERSION = "2.0"  # 2.0: motivators / Feels are counts of confident labels (was share mixes)
ALL_CUSTOMERS = "All customers"
UNSPECIFIED = "Unspecified"

#: A statement counts as "similar" (for supporting_interviews and de-duplication).
SUPPORT_SIMILARITY = 0.6
DUPLICATE_SIMILARITY = 0.85
ITEMS_PER_FACET = 5
SAYS_ITEMS = 6
FEELS_ITEMS = 4
JOURNEY_EVIDENCE = 3
MIN_WORDS, MAX_WORDS = 5, 80

# --------------------------------------------------------------------------------------------------
# Persona building


def _word_count(text: str) -> int:
    return len(text.split())


def _segment_of(st: Statement, segment_field: str) -> str:
    value = (st.metadata or {}).get(segment_field)
    value = str(value).strip() if value is not None else ""
    return value or UNSPECIFIED


def _round(x: float) -> float:
    return round(float(x), 4)


class _Segment:
    """The statements of one segment and the similarity helpers over them."""

    #: Candidates kept (by raw score) before the support count and MMR: bounds the work on big corpora.
    MAX_CANDIDATES = 200

    def __init__(self, name: str, idx: np.ndarray, statements: list[Statement], emb: np.ndarray):
        self.name = name
        self.idx = idx
        self.statements = statements
        self.emb = emb
        # One segment of all customers is the whole matrix: no copy of every statement vector.
        whole = len(idx) == len(emb) and bool(np.array_equal(idx, np.arange(len(emb))))
        self.seg_emb = emb if whole else emb[idx]
        self.doc_ids = sorted({statements[i].doc_id for i in idx})
        self._docs = np.array([statements[i].doc_id for i in idx], dtype=object)
        self._support: dict[int, int] = {}

    def supporting_many(self, rows: list[int]) -> dict[int, int]:
        """Distinct interviews in this segment with a statement similar to each row (itself included)."""
        todo = [i for i in rows if i not in self._support]
        for start in range(0, len(todo), 256):
            chunk = todo[start : start + 256]
            sims = self.emb[chunk] @ self.seg_emb.T
            for row, i in enumerate(chunk):
                self._support[i] = len(set(self._docs[sims[row] >= SUPPORT_SIMILARITY])) or 1
        return {i: self._support[i] for i in rows}

    def item(self, i: int, score: float | None = None) -> dict[str, Any]:
        st = self.statements[i]
        out: dict[str, Any] = {
            "text": st.text,
            "statement_id": st.statement_id,
            "doc_id": st.doc_id,
            "speaker": st.speaker,
            "start": st.start,
            "end": st.end,
            "supporting_interviews": self.supporting_many([i])[i],
        }
        if score is not None:
            out["score"] = _round(score)
        return out

    def pick(self, candidates: Iterable[tuple[int, float]], k: int, mmr: float | None = None) -> list[dict]:
        """Top-k statements: ranked by relevance (or MMR), near-duplicates dropped, deterministic ties."""
        sts = self.statements
        cands = {i: round(s, 6) for i, s in candidates if MIN_WORDS <= _word_count(sts[i].text) <= MAX_WORDS}
        if not cands:
            return []
        kept = sorted(cands, key=lambda i: (-cands[i], sts[i].statement_id))[: self.MAX_CANDIDATES]
        support = self.supporting_many(kept)
        # Relevance: the category score, lifted by how many of the segment's interviews echo it.
        n_docs = max(len(self.doc_ids), 1)
        rel = {i: round(cands[i] + 0.25 * (support[i] - 1) / n_docs, 6) for i in kept}
        order = sorted(kept, key=lambda i: (-rel[i], sts[i].statement_id))
        position = {i: p for p, i in enumerate(order)}
        chosen: list[int] = []
        remaining = list(order)
        while remaining and len(chosen) < k:
            if mmr is None or not chosen:
                best = remaining[0]
            else:
                redundancy = (self.emb[remaining] @ self.emb[chosen].T).max(axis=1)
                mmr_scores = [
                    round(mmr * rel[i] - (1 - mmr) * float(r), 6)
                    for i, r in zip(remaining, redundancy, strict=True)
                ]
                best = max(zip(remaining, mmr_scores, strict=True), key=lambda t: (t[1], -position[t[0]]))[0]
            remaining.remove(best)
            if chosen and float((self.emb[chosen] @ self.emb[best]).max()) >= DUPLICATE_SIMILARITY:
                continue
            chosen.append(best)
        return [self.item(i, cands[i]) for i in chosen]


def _theme_labels(findings: dict) -> dict[int, dict]:
    return {int(f["theme_id"]): f for f in findings.get("findings", []) if "theme_id" in f}


def _theme_docs(statements: list[Statement], idx: Iterable[int]) -> dict[int, set[str]]:
    docs: dict[int, set[str]] = defaultdict(set)
    for i in idx:
        if statements[i].theme_id >= 0:
            docs[statements[i].theme_id].add(statements[i].doc_id)
    return docs


def _top_pains(seg: _Segment, findings: dict, statements: list[Statement]) -> list[dict]:
    themes = _theme_labels(findings)
    docs = _theme_docs(statements, seg.idx)
    n_docs = max(len(seg.doc_ids), 1)
    rows = []
    for tid, f in themes.items():
        seg_info = (f.get("segments") or {}).get(seg.name)
        if seg_info is not None and seg.name not in (ALL_CUSTOMERS, UNSPECIFIED):
            n, share = int(seg_info.get("documents", 0)), float(seg_info.get("share_of_documents", 0.0))
        else:  # not in findings (whole corpus, or unsegmented): count from the statements
            n = len(docs.get(tid, ()))
            share = n / n_docs
        if n > 0:
            rows.append(
                {
                    "theme_id": tid,
                    "label": f.get("label", f"theme {tid}"),
                    "documents": n,
                    "share_of_documents": _round(share),
                    "_rank": int(f.get("rank", 10**6)),
                }
            )
    rows.sort(key=lambda r: (-r["share_of_documents"], -r["documents"], r["_rank"], r["theme_id"]))
    for r in rows:
        del r["_rank"]
    return rows[:5]


def _representative(seg: _Segment, pains: list[dict], says: list[dict]) -> dict | None:
    """The statement closest to the centroid of the segment's top pain theme (a typical voice)."""
    for pain in pains[:1]:
        members = [
            i
            for i in seg.idx
            if seg.statements[i].theme_id == pain["theme_id"]
            and MIN_WORDS + 3 <= _word_count(seg.statements[i].text) <= 50
        ]
        if members:
            centroid = seg.emb[members].mean(axis=0)
            sims = seg.emb[members] @ centroid
            # Highest similarity; ties go to the earliest statement (members are in input order).
            best = members[int(np.argmax(np.round(sims, 6)))]
            return seg.item(best)
    return says[0] if says else None


def _build_persona(seg: _Segment, scores: dict[str, np.ndarray], findings: dict, min_interviews: int) -> dict:
    st = seg.statements
    n_interviews = len(seg.doc_ids)
    if n_interviews < min_interviews:
        noun = "interview" if n_interviews == 1 else "interviews"
        confidence = f"thin evidence: only {n_interviews} {noun} (fewer than {min_interviews})"
    else:
        confidence = "ok"

    stage_labels = classify_cues({c: scores[c][seg.idx] for c in CATEGORIES})
    labelled = {int(i): labels for i, labels in zip(seg.idx, stage_labels, strict=True)}

    def facet(c: str, k: int = ITEMS_PER_FACET) -> list[dict]:
        return seg.pick(((i, float(scores[c][i])) for i, labels in labelled.items() if c in labels), k)

    # Says: high-signal statements (pain points, needs, praise) that belong to a theme, diverse by MMR.
    signal = {"pain_point": 0.3, "need": 0.25, "praise": 0.2, "question": 0.05, "other": 0.0}
    says = seg.pick(
        (
            (
                int(i),
                signal.get(st[i].kind, 0.0)
                + 0.5 * float(st[i].kind_score)
                + (0.2 if st[i].theme_id >= 0 else 0),
            )
            for i in seg.idx
            if st[i].kind in ("pain_point", "need", "praise")
        ),
        SAYS_ITEMS,
        mmr=0.7,
    )
    # Feels: the statements carrying the strongest (non-neutral) emotions.
    feels_items = seg.pick(
        (
            (int(i), max(v for k, v in st[i].emotions.items() if k != "neutral"))
            for i in seg.idx
            if any(k != "neutral" for k in (st[i].emotions or {}))
        ),
        FEELS_ITEMS,
        mmr=0.7,
    )
    journey: dict[str, dict] = {}
    for stage in JOURNEY_STAGES:
        members = [int(seg.idx[j]) for j, labels in enumerate(stage_labels) if stage in labels]
        journey[stage] = {
            "statements": len(members),
            "interviews": len({st[i].doc_id for i in members}),
            "evidence": seg.pick(((i, float(scores[stage][i])) for i in members), JOURNEY_EVIDENCE),
        }
    pains = _top_pains(seg, findings, st)
    # Counts of confident labels (insightminer.classify.signals), shared with findings and the report.
    signals = summarise_signals(st, seg.idx)
    return {
        "segment": seg.name,
        "interviews": n_interviews,
        "statements": int(len(seg.idx)),
        "doc_ids": seg.doc_ids,
        "confidence": confidence,
        "goals": facet("goal"),
        "top_pain_points": pains,
        "motivators": signals["motivators"],
        "buying_triggers": facet("trigger"),
        "objections": facet("objection"),
        "journey_stages": journey,
        "representative_quote": _representative(seg, pains, says),
        "empathy_map": {
            "says": says,
            "thinks": facet("thinks"),
            "does": facet("does"),
            "feels": {
                "emotions": signals["emotions"],
                "motivators": signals["motivators"],
                "items": feels_items,
            },
        },
    }


def _segment_comparison(statements: list[Statement], segments: list[_Segment], findings: dict) -> list[dict]:
    """Per theme, the share of each segment's interviews that raised it; flag segment-specific themes."""
    if len(segments) < 2:
        return []
    out = []
    for tid, f in sorted(
        _theme_labels(findings).items(), key=lambda kv: (int(kv[1].get("rank", 10**6)), kv[0])
    ):
        by_seg: dict[str, float] = {}
        counts: dict[str, int] = {}
        for seg in segments:
            info = (f.get("segments") or {}).get(seg.name)
            if info is not None:
                counts[seg.name] = int(info.get("documents", 0))
                by_seg[seg.name] = _round(info.get("share_of_documents", 0.0))
            else:
                n = len(_theme_docs(statements, seg.idx).get(tid, ()))
                counts[seg.name] = n
                by_seg[seg.name] = _round(n / max(len(seg.doc_ids), 1))
        specific = None
        top = max(by_seg, key=lambda s: (by_seg[s], s))
        others = [v for s, v in by_seg.items() if s != top]
        # Specific: a real share in one segment (and >= 2 interviews there), at most half that elsewhere.
        if by_seg[top] >= 0.3 and counts[top] >= 2 and all(v <= 0.5 * by_seg[top] for v in others):
            specific = top
        out.append(
            {
                "theme_id": tid,
                "label": f.get("label", f"theme {tid}"),
                "by_segment": by_seg,
                "specific_to": specific,
            }
        )
    return out


def build_personas(
    statements: list[Statement],
    embeddings: np.ndarray,
    findings: dict,
    *,
    segment_field: str = "segment",
    embedder: Any = None,
    min_interviews: int = 5,
) -> dict:
    """personas.json content: one persona per segment (or one for all customers), every item quoted."""
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or len(embeddings) != len(statements):
        raise PersonaError(
            f"embeddings must be a 2-D array with one row per statement: got shape {embeddings.shape} "
            f"for {len(statements)} statements"
        )
    if min_interviews < 1:
        raise PersonaError("min_interviews must be at least 1")
    if embedder is None:
        from insightminer.text.embed import Embedder

        embedder = Embedder()
    statements = list(statements)
    seg_names = [_segment_of(s, segment_field) for s in statements]
    named = sorted({n for n in seg_names if n != UNSPECIFIED})
    groups: dict[str, list[int]] = defaultdict(list)
    if len(named) >= 2:
        for i, name in enumerate(seg_names):
            groups[name].append(i)
    elif statements:
        groups[ALL_CUSTOMERS] = list(range(len(statements)))
    order = sorted(groups, key=lambda n: (n in (UNSPECIFIED,), n))  # "Unspecified" last
    segments = [_Segment(n, np.array(groups[n], dtype=np.int64), statements, embeddings) for n in order]
    scores = cue_scores([s.text for s in statements], embeddings, embedder) if statements else {}
    personas = [_build_persona(seg, scores, findings, min_interviews) for seg in segments]
    named_segments = [s for s in segments if s.name != UNSPECIFIED]
    return {
        "schema_version": SCHEMA_VERSION,
        "segment_field": segment_field,
        "segments": named if len(named) >= 2 else [],
        "personas": personas,
        "segment_comparison": _segment_comparison(statements, named_segments, findings),
        "method": {
            "categories": "max cosine to prototype sentences + lexical cue bonus",
            "lexical_bonus": LEXICAL_BONUS,
            "thresholds": {c: THRESHOLDS[c] for c in CATEGORIES},
            "support_similarity": SUPPORT_SIMILARITY,
            "min_interviews": min_interviews,
        },
    }
