"""Themes of an interview study: customers' accounts clustered across interviews, then typed.

The flow (see shared/notes/what-to-cluster.md for the measurements behind it):

1. every customer statement joins a passage: its interview's run of statements on one topic
   (`insightminer.themes.passages`); passages with nothing substantive (small talk, logistics) are left out;
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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from insightminer.config import ThemeOptions
from insightminer.memory import release_freed_memory
from insightminer.schema import Statement
from insightminer.themes.clustering import Theme, ThemeModel
from insightminer.themes.labels import ctfidf_keywords, finding_label
from insightminer.themes.passages import Passage, PassageOptions, find_passages, passage_vectors
from insightminer.themes.split_rows import SplitRows

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
    # Where the theme sits on the report's theme map (principal components of the theme centroids):
    # saved with the findings, so a re-rendered report draws the same map.
    position: tuple[float, float] | None = None


#: Passages are clustered in these groups, each on its own: a pain is grouped with other pains, never
#: with praise of the same feature. A passage joins the first group whose kinds it holds.
PASSAGE_GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("problem", frozenset({"pain_point", "need"})),
    ("praise", frozenset({"praise"})),
    ("question", frozenset({"question"})),
)


@dataclass
class StudyThemes:
    """The fitted themes of a study: every group's themes under one run-wide id space."""

    themes_: list[Theme]  # member_indices index `clustered`
    centroids_: np.ndarray  # row = theme_id
    clustered: list[Passage]
    passages: list[Passage]
    group_of: dict[int, str] = field(default_factory=dict)  # theme_id -> passage group


def theme_type(doc_kinds: dict[str, set[str]], allowed: Sequence[str] = _TYPE_VOTE) -> str:
    """The kind most interviews voiced in the theme (ties: pain, need, praise, question)."""
    votes = {k: sum(1 for kinds in doc_kinds.values() if k in kinds) for k in allowed}
    return max(allowed, key=lambda k: (votes[k], -_TYPE_VOTE.index(k)))


def passage_text(passage: Passage, statements: Sequence[Statement]) -> str:
    return " ".join(statements[r].text for r in passage.rows)


def _group_of(passage: Passage, statements: Sequence[Statement], kinds: frozenset[str]) -> str | None:
    held = {statements[r].kind for r in passage.rows} & kinds
    for name, group_kinds in PASSAGE_GROUPS:
        if held & group_kinds:
            return name
    return None


def _act_of(kind: str, kinds: frozenset[str]) -> str | None:
    if kind not in kinds:
        return None
    return next((name for name, group_kinds in PASSAGE_GROUPS if kind in group_kinds), None)


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def find_themes(
    statements: list[Statement],
    embeddings: np.ndarray,
    options: ThemeOptions,
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> list[ThemeInfo]:
    """The themes stage: `options` whole, `encode` the run's embedder (seed topics, passage texts,
    label candidates). Sets Statement.theme_id on evidence; themes carry their map positions."""
    seeds = encode(list(options.seed_topics)) if options.seed_topics and encode is not None else None
    themes, study = build_interview_themes(
        statements,
        embeddings,
        ThemeModel(**options.model_params()),
        theme_kinds=options.kinds,
        seed_embeddings=seeds,
        encode=encode,
        lexical_weight=options.lexical_weight,
    )
    positions = theme_map_positions(study.centroids_) if study is not None else {}
    return [replace(t, position=positions.get(t.theme_id)) for t in themes]


def theme_map_positions(centroids: np.ndarray) -> dict[int, tuple[float, float]]:
    """2-D positions of theme centroids (row = theme_id) by PCA, for the report's theme map."""
    if centroids is None or len(centroids) < 2:
        return {}
    centred = centroids - centroids.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    # Fix the sign of each axis so the picture does not flip between runs.
    for k in range(xy.shape[1]):
        if xy[np.argmax(np.abs(xy[:, k])), k] < 0:
            xy[:, k] = -xy[:, k]
    return {i: (round(float(x), 4), round(float(y), 4)) for i, (x, y) in enumerate(xy)}


def build_interview_themes(
    statements: list[Statement],
    embeddings: np.ndarray,
    model: ThemeModel,
    *,
    theme_kinds: Sequence[str],
    passage_options: PassageOptions | None = None,
    seed_embeddings: np.ndarray | None = None,
    encode: Callable[[list[str]], np.ndarray] | None = None,
    lexical_weight: float = 0.2,
) -> tuple[list[ThemeInfo], StudyThemes | None]:
    """Cluster passages group by group, type each theme, and mark evidence statements' theme_id.

    `model` is the template for every group's clustering (cloned per group; seed topics guide the
    problem group only). With `encode` (the run's embedder) a passage is represented by the embedding
    of its whole text — a customer's account read as one, which clusters best (what-to-cluster.md) —
    and candidate labels are scored by meaning; without it, by the mean of its statements' vectors
    and by key phrases. `lexical_weight` mixes in the passages' TF-IDF key-phrase similarity: within
    one domain, pains differ most by their nouns ("reminder", "eligibility"), which a general-purpose
    sentence embedding weighs little. Statement.theme_id is set on evidence statements only;
    passage_id on all.
    """
    kinds = frozenset(theme_kinds)
    acts = [_act_of(s.kind, kinds) for s in statements]
    passages = find_passages(statements, embeddings, passage_options, acts)
    for p in passages:
        for r in p.rows:
            statements[r].passage_id = p.passage_id
            statements[r].theme_id = -1
    groups: dict[str, list[Passage]] = {name: [] for name, _ in PASSAGE_GROUPS}
    for p in passages:
        name = _group_of(p, statements, kinds)
        if name is not None:
            groups[name].append(p)
    clustered = [p for name, _ in PASSAGE_GROUPS for p in groups[name]]
    if not clustered:
        return [], None
    texts = [passage_text(p, statements) for p in clustered]
    vectors = _unit(encode(texts)) if encode is not None else passage_vectors(clustered, embeddings)
    if lexical_weight > 0:
        vectors = with_lexical(vectors, texts, lexical_weight)
        release_freed_memory()  # the phrase lists of every passage: 0.15 GB on a 20 MB transcript
    texts_all = [s.text for s in statements]

    all_themes: list[Theme] = []
    centroids: list[np.ndarray] = []
    group_of: dict[int, str] = {}
    typed = []
    offset = 0
    for name, group_kinds in PASSAGE_GROUPS:
        rows = np.arange(offset, offset + len(groups[name]))
        offset += len(groups[name])
        if len(rows) < max(2, model.min_theme_size):
            continue
        fitted = clone(model) if name == "problem" else clone(model, seed_topics=None)
        fitted.fit(
            vectors[rows],
            [texts[i] for i in rows],
            seed_embeddings=seed_embeddings if name == "problem" else None,
        )
        for theme in fitted.themes_:
            theme_id = len(all_themes)
            members = [clustered[rows[i]] for i in theme.member_indices]
            doc_kinds: dict[str, set[str]] = defaultdict(set)
            for p in members:
                doc_kinds[p.doc_id].update(statements[r].kind for r in p.rows)
            allowed = [k for k in _TYPE_VOTE if k in group_kinds]
            ttype = theme_type(doc_kinds, allowed)
            counted = FINDING_TYPES[ttype]
            evidence = [r for p in members for r in p.rows if statements[r].kind in counted]
            for r in evidence:
                statements[r].theme_id = theme_id
            all_themes.append(
                replace(
                    theme,
                    theme_id=theme_id,
                    member_indices=[int(rows[i]) for i in theme.member_indices],
                    representative_indices=[int(rows[i]) for i in theme.representative_indices],
                )
            )
            centroids.append(fitted.centroids_[theme.theme_id])
            group_of[theme_id] = name
            typed.append((theme_id, doc_kinds, ttype, counted, evidence))
    if not all_themes:
        return [], None
    study = StudyThemes(all_themes, np.stack(centroids), clustered, passages, group_of)
    mentioned = _mentioned_docs(study, vectors, len(groups["problem"]))
    # Key phrases of what customers said as evidence, against the other themes' evidence: the
    # passages' asides (small talk, context) would otherwise name the theme.
    keywords_of = ctfidf_keywords(texts_all, [evidence for *_, evidence in typed])
    infos: list[ThemeInfo] = []
    for (theme_id, doc_kinds, ttype, counted, evidence), keywords in zip(typed, keywords_of):
        theme = all_themes[theme_id]
        evidence_docs = {statements[r].doc_id for r in evidence}
        centroid = study.centroids_[theme_id]
        # Unit vectors of this theme's evidence only (row by row the same as normalising all
        # statements, without a second copy of every statement vector on a 100k-statement study).
        unit = _unit(embeddings[evidence]) if evidence else np.zeros((0, embeddings.shape[1]), np.float32)
        at = {r: j for j, r in enumerate(evidence)}
        evidence_centroid = unit.mean(0) if evidence else centroid
        central = sorted(evidence, key=lambda r: (-round(float(unit[at[r]] @ evidence_centroid), 6), r))
        # A pain is named from what customers said went wrong, not from their wishes about it.
        label_rows = [r for r in central if statements[r].kind == ttype] or central
        # One representative statement per representative passage: its most central evidence.
        representative_ids: list[str] = []
        for i in theme.representative_indices:
            rows_i = [r for r in clustered[i].rows if statements[r].kind in counted]
            if rows_i:
                best = max(rows_i, key=lambda r: (round(float(unit[at[r]] @ evidence_centroid), 6), -r))
                representative_ids.append(statements[best].statement_id)
        infos.append(
            ThemeInfo(
                theme_id=theme_id,
                label=finding_label(
                    [statements[r].text for r in label_rows],
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
                mentioned_doc_ids=sorted((set(doc_kinds) | mentioned.get(theme_id, set())) - evidence_docs),
            )
        )
    return infos, study


def _mentioned_docs(study: StudyThemes, vectors: np.ndarray, n_problem: int) -> dict[int, set[str]]:
    """Interviews whose praise or question passages (rows from `n_problem` on) are about a problem
    theme's topic: nearest to it, and at least as close as its least typical member passage."""
    problem = [t for t in study.themes_ if study.group_of[t.theme_id] == "problem"]
    if not problem or n_problem >= len(study.clustered):
        return {}
    ids = np.array([t.theme_id for t in problem])
    floors = np.array(
        [float(np.min(vectors[t.member_indices] @ study.centroids_[t.theme_id])) for t in problem]
    )
    sims = vectors[n_problem:] @ study.centroids_[ids].T
    best = np.argmax(sims, axis=1)
    out: dict[int, set[str]] = defaultdict(set)
    for offset, (b, row_sims) in enumerate(zip(best, sims)):
        if row_sims[b] >= floors[b]:
            out[int(ids[b])].add(study.clustered[n_problem + offset].doc_id)
    return out


#: Up to this many cells (passages x columns: 32 MB in float32, 64 MB while TF-IDF is densified)
#: the joined matrix is built dense, as it always was (a 100-interview study is ~5M); above it, it
#: is kept as SplitRows: dense embeddings, sparse phrases.
DENSE_LEXICAL_CELLS = 8_000_000


def with_lexical(
    vectors: np.ndarray, texts: Sequence[str], weight: float, dense_cells: int | None = None
) -> np.ndarray | SplitRows:
    """Append the texts' TF-IDF key-phrase vectors so cosine = (1-w)·semantic + w·lexical.

    Dense up to `dense_cells` cells; beyond, a SplitRows of the same values (a dense passages x
    vocabulary matrix would grow faster than the study: 2.3 GB at 36k passages, 8k phrases).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    from insightminer.themes.labels import key_phrases

    try:
        tfidf = TfidfVectorizer(analyzer=key_phrases, sublinear_tf=True, min_df=2).fit_transform(texts)
    except ValueError:  # no phrase occurs twice
        return vectors
    limit = DENSE_LEXICAL_CELLS if dense_cells is None else dense_cells
    if tfidf.shape[0] * (vectors.shape[1] + tfidf.shape[1]) > limit:
        return _split_lexical(vectors, tfidf, weight)
    lexical = tfidf.toarray().astype(np.float32)
    lexical /= np.maximum(np.linalg.norm(lexical, axis=1, keepdims=True), 1e-12)
    return np.hstack([np.sqrt(1 - weight) * _unit(vectors), np.sqrt(weight) * lexical]).astype(np.float32)


def _split_lexical(vectors: np.ndarray, tfidf: Any, weight: float) -> SplitRows:
    """with_lexical's values as SplitRows: unit TF-IDF rows (norms summed over the non-zeros only,
    so they may differ from the dense path's in the last bit), scaled as the dense path scales."""
    lexical = tfidf.astype(np.float32).tocsr()
    per_row = np.diff(lexical.indptr)
    rows = np.repeat(np.arange(lexical.shape[0]), per_row)
    squares = np.bincount(rows, weights=lexical.data.astype(np.float64) ** 2, minlength=lexical.shape[0])
    norms = np.sqrt(squares).astype(np.float32)
    lexical.data /= np.repeat(np.maximum(norms, 1e-12), per_row)
    lexical.data = (np.sqrt(weight) * lexical.data).astype(np.float32)
    dense = (np.sqrt(1 - weight) * _unit(vectors)).astype(np.float32)
    return SplitRows(dense, lexical)


def clone(model: ThemeModel, **overrides: Any) -> ThemeModel:
    """A fresh ThemeModel with the template's parameters (scikit-learn's clone, without the import)."""
    params = {k: v for k, v in vars(model).items() if not k.endswith("_") and not k.startswith("_")}
    params.update(overrides)
    return ThemeModel(**params)
