"""Assumption check: did customers actually voice the pain points the team assumed?

Teams project their own assumptions; this module answers each one with counted, quoted evidence
(how many distinct interviews voiced it, which statements) and lists the strong themes that nobody
on the team assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from insightminer.themes import Theme, normalize_rows


def check_assumptions(
    assumptions: list[str],
    assumption_embeddings: np.ndarray,
    statement_embeddings: np.ndarray,
    statement_texts: list[str],
    statement_doc_ids: list[str],
    labels: np.ndarray,
    themes: list[Theme],
    min_similarity: float = 0.5,
    *,
    theme_similarity: float = 0.4,
    min_documents: int = 1,
    theme_share: float = 0.2,
    max_quotes: int = 5,
    min_unassumed_documents: int = 2,
) -> dict[str, Any]:
    """Evidence for each assumed pain point, and strong themes no one assumed.

    A statement supports an assumption when their cosine is at least `min_similarity`. A theme
    matches an assumption when its centroid's cosine is at least `theme_similarity` (a centroid
    averages away the wording of single statements, so it is compared on a lower bar), or when at
    least `theme_share` of its members support it; a matched theme's members support it too. An
    assumption is voiced when its support comes from at least `min_documents` distinct documents.
    Quotes are the most similar supporting statements, one per document first.
    """
    n = len(statement_texts)
    if len(statement_doc_ids) != n or len(labels) != n:
        raise ValueError(
            f"statement texts ({n}), doc ids ({len(statement_doc_ids)}) and labels ({len(labels)}) "
            "must be aligned"
        )
    if len(assumption_embeddings) != len(assumptions):
        raise ValueError(f"{len(assumptions)} assumptions but {len(assumption_embeddings)} embeddings")
    labels = np.asarray(labels, dtype=np.int64)
    stmt = normalize_rows(statement_embeddings) if n else np.zeros((0, 1), np.float32)
    if n and len(stmt) != n:
        raise ValueError(f"{len(stmt)} statement embeddings for {n} statements")
    assum = (
        normalize_rows(np.asarray(assumption_embeddings))
        if len(assumptions)
        else np.zeros((0, stmt.shape[1]), np.float32)
    )
    doc_ids = [str(d) for d in statement_doc_ids]

    theme_members = {t.theme_id: np.asarray(t.member_indices, dtype=np.int64) for t in themes}
    centroids = {}
    for tid, members in theme_members.items():
        if len(members):
            c = stmt[members].astype(np.float64).sum(axis=0)
            centroids[tid] = (c / max(np.linalg.norm(c), 1e-12)).astype(np.float32)

    results = []
    assumed_themes: set[int] = set()
    for a_i, text in enumerate(assumptions):
        sims = stmt @ assum[a_i] if n else np.zeros(0, np.float32)
        direct = sims >= min_similarity
        matched = []
        for tid in sorted(theme_members):
            members = theme_members[tid]
            if not len(members):
                continue
            centroid_sim = float(centroids[tid] @ assum[a_i])
            share = float(np.mean(direct[members]))
            if centroid_sim >= theme_similarity or share >= theme_share:
                matched.append(tid)
        assumed_themes.update(matched)
        supported = direct.copy()
        for tid in matched:
            supported[theme_members[tid]] = True
        support = np.flatnonzero(supported)
        # Most similar first; row index breaks ties so the output is deterministic.
        support = support[np.lexsort((support, -sims[support]))]
        docs = sorted({doc_ids[i] for i in support})
        results.append(
            {
                "assumption": text,
                "voiced": len(docs) >= min_documents and len(support) > 0,
                "documents": len(docs),
                "statements": int(len(support)),
                "doc_ids": docs,
                "matched_theme_ids": matched,
                "quotes": _quotes(support, doc_ids, statement_texts, max_quotes),
                "similarity": round(float(sims.max()), 4) if n else 0.0,
            }
        )

    unassumed = []
    for t in themes:
        if t.theme_id in assumed_themes:
            continue
        docs = {doc_ids[i] for i in t.member_indices}
        if len(docs) < min_unassumed_documents:
            continue
        unassumed.append({"theme_id": t.theme_id, "label": t.label, "documents": len(docs), "size": t.size})
    unassumed.sort(key=lambda d: (-d["documents"], -d["size"], d["theme_id"]))
    return {"assumptions": results, "unassumed_themes": unassumed}


def _quotes(
    support: np.ndarray, doc_ids: Sequence[str], texts: Sequence[str], max_quotes: int
) -> list[dict[str, Any]]:
    """Best quotes, one per document first (breadth of evidence), then the next best."""
    first, rest, seen = [], [], set()
    for i in support.tolist():
        (rest if doc_ids[i] in seen else first).append(i)
        seen.add(doc_ids[i])
    picked = (first + rest)[:max_quotes]
    return [{"row": int(i), "text": texts[i], "doc_id": doc_ids[i]} for i in picked]
