"""Themes of an interview study: customers' accounts clustered across interviews, then typed.

The flow (see shared/notes/what-to-cluster.md for the measurements behind it):

1. every customer statement joins a passage: its interview's run of statements on one topic
   (`insightminer.passages`); passages with nothing substantive (small talk, logistics) are left out;
2. passages, not sentences, are clustered across interviews (`ThemeModel`, the same deterministic
   kNN-graph + Leiden clustering the CSV command uses), so one pain told as a story over six
   sentences is one unit, and its consequence sentences cannot drag it into another theme;
3. each theme is typed by what customers did in it, counted by interviews: voiced a problem
   (pain_point, or a wish that implies one), asked for something (need), praised, or asked a question.
   No statement kind is a gate before clustering: a pain phrased as a question or a wish still lands
   in its theme, and the theme's type is decided by the interviews, not by one sentence's tag;
4. a statement is evidence of its theme (Statement.theme_id) only when its own kind is one the
   theme's type counts: a denial ("No, the sync has been fine for us") or a neutral aside in a pain
   passage never counts an interview for that pain. Interviews that discuss a theme's topic without
   its kind of evidence are reported as "mentioned, not a problem".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from insightminer.passages import Passage, PassageOptions, find_passages, passage_vectors
from insightminer.schema import Statement
from insightminer.theme_labels import ctfidf_keywords, finding_label
from insightminer.themes import ThemeModel

#: Finding types, in the order ties are broken, and the statement kinds that are evidence for each.
FINDING_TYPES: dict[str, frozenset[str]] = {
    "pain_point": frozenset({"pain_point", "need"}),
    "need": frozenset({"need", "pain_point"}),
    "praise": frozenset({"praise"}),
    "question": frozenset({"question"}),
}
#: Statement kinds whose kind alone decides the type vote of an interview.
_TYPE_VOTE = ("pain_point", "need", "praise", "question")


@dataclass
class ThemeInfo:
    """What the themes stage says about one theme, keyed to statement ids."""

    theme_id: int
    label: str
    keywords: list[str]
    type: str = "pain_point"  # pain_point | need | praise | question
    representative_ids: list[str] = field(default_factory=list)
    subthemes: list[dict[str, Any]] = field(default_factory=list)
    seed: str | None = None
    # Interviews where customers discussed the topic without voicing this kind of evidence.
    mentioned_doc_ids: list[str] = field(default_factory=list)


def substantive(passage: Passage, statements: Sequence[Statement], kinds: frozenset[str]) -> bool:
    return any(statements[r].kind in kinds for r in passage.rows)


def theme_type(doc_kinds: dict[str, set[str]]) -> str:
    """The kind most interviews voiced in the theme (ties: pain, need, praise, question)."""
    votes = {k: sum(1 for kinds in doc_kinds.values() if k in kinds) for k in _TYPE_VOTE}
    return max(_TYPE_VOTE, key=lambda k: (votes[k], -_TYPE_VOTE.index(k)))


def passage_text(passage: Passage, statements: Sequence[Statement]) -> str:
    return " ".join(statements[r].text for r in passage.rows)


def build_interview_themes(
    statements: list[Statement],
    embeddings: np.ndarray,
    model: ThemeModel,
    *,
    theme_kinds: Sequence[str],
    passage_options: PassageOptions | None = None,
    seed_embeddings: np.ndarray | None = None,
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> tuple[list[ThemeInfo], ThemeModel | None, list[Passage], list[Passage]]:
    """Cluster passages, type each theme, and mark evidence statements' theme_id.

    Returns (themes, the fitted model or None, every passage, the clustered passages in model row
    order). Statement.theme_id is set on evidence statements only; Statement.passage_id on all.
    `encode` (the run's embedder) scores candidate labels by meaning; without it labels come from
    key phrases.
    """
    kinds = frozenset(theme_kinds)
    passages = find_passages(statements, embeddings, passage_options)
    for p in passages:
        for r in p.rows:
            statements[r].passage_id = p.passage_id
            statements[r].theme_id = -1
    clustered = [p for p in passages if substantive(p, statements, kinds)]
    if len(clustered) < max(2, model.min_theme_size):
        return [], None, passages, clustered
    vectors = passage_vectors(clustered, embeddings)
    texts = [passage_text(p, statements) for p in clustered]
    model.fit(vectors, texts, seed_embeddings=seed_embeddings)
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)

    themes: list[ThemeInfo] = []
    typed = []
    for theme in model.themes_:
        members = [clustered[i] for i in theme.member_indices]
        doc_kinds: dict[str, set[str]] = defaultdict(set)
        for p in members:
            doc_kinds[p.doc_id].update(statements[r].kind for r in p.rows)
        ttype = theme_type(doc_kinds)
        counted = FINDING_TYPES[ttype]
        evidence = [r for p in members for r in p.rows if statements[r].kind in counted]
        for r in evidence:
            statements[r].theme_id = theme.theme_id
        typed.append((theme, doc_kinds, ttype, counted, evidence))
    # Key phrases of what customers said as evidence, against the other themes' evidence: the
    # passages' asides (small talk, context) would otherwise name the theme.
    texts_all = [s.text for s in statements]
    keywords_of = ctfidf_keywords(texts_all, [evidence for *_, evidence in typed])
    for (theme, doc_kinds, ttype, counted, evidence), keywords in zip(typed, keywords_of):
        evidence_docs = {statements[r].doc_id for r in evidence}
        centroid = model.centroids_[theme.theme_id]
        central = sorted(evidence, key=lambda r: (-round(float(unit[r] @ centroid), 6), r))
        evidence_centroid = unit[evidence].mean(0) if evidence else centroid
        # One representative statement per representative passage: its most central evidence.
        representative_ids: list[str] = []
        for i in theme.representative_indices:
            rows = [r for r in clustered[i].rows if statements[r].kind in counted]
            if rows:
                best = max(rows, key=lambda r: (round(float(unit[r] @ centroid), 6), -r))
                representative_ids.append(statements[best].statement_id)
        themes.append(
            ThemeInfo(
                theme_id=theme.theme_id,
                label=finding_label(
                    [statements[r].text for r in central],
                    keywords,
                    evidence_centroid,
                    encode,
                    problem=ttype == "pain_point",
                ),
                keywords=keywords,
                type=ttype,
                representative_ids=representative_ids,
                subthemes=[
                    {"label": sub.label, "keywords": list(sub.keywords), "size": sub.size}
                    for sub in theme.subthemes
                ],
                seed=theme.seed,
                mentioned_doc_ids=sorted(set(doc_kinds) - evidence_docs),
            )
        )
    return themes, model, passages, clustered
