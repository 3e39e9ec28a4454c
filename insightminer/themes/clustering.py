"""Cluster statements into recurring themes, deterministically and with few outliers.

Why not BERTopic's UMAP + HDBSCAN: UMAP is random (topic counts change run to run) and HDBSCAN
leaves 10-50% of statements unassigned. Here:

1. an exact cosine k-nearest-neighbour graph (blocked matrix products; for large corpora it is built
   on a fixed-seed sample, so cost stays linear in the corpus size),
2. Leiden community detection on that graph (modularity, several seeded restarts, best kept) finds the
   number of themes by itself; its partition is kept as is (a k-means re-split measurably loses
   accuracy), members of tiny communities join their nearest theme, and rows outside the sample join
   their nearest centroid (a few linear mini-batch passes let the centroids follow the whole corpus),
3. a statement far from its theme's centroid becomes an outlier (label -1), but at most
   `max_outlier_share` of them and only below cosine `min_similarity`,
4. near-duplicate themes (centroid cosine above `merge_threshold`) are merged, user seed topics mark or
   carve out themes where evidence exists, and each theme is split into sub-themes the same way.

Theme ids are canonical: size descending, ties broken by the smallest member row, so a given input and
`random_state` always give byte-identical output.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from insightminer.themes.labels import ctfidf_keywords, make_label, mmr_representatives
from insightminer.themes.split_rows import SplitRows


@dataclass
class Theme:
    theme_id: int  # 0..n-1, ordered by size desc (ties: smallest member row first)
    label: str  # short human label, e.g. "crm sync / duplicate records"
    keywords: list[str]  # top c-TF-IDF key phrases
    size: int
    member_indices: list[int]
    representative_indices: list[int]  # 3-5, central and diverse
    parent_id: int | None = None  # for sub-themes
    subthemes: list[Theme] = field(default_factory=list)
    seed: str | None = None  # the user seed text that guided it, if any


# ----------------------------------------------------------------------------------------------
# Numeric building blocks
# ----------------------------------------------------------------------------------------------


def normalize_rows(embeddings: np.ndarray, block: int = 65536) -> np.ndarray:
    """Unit-normalise rows as float32; returns the input itself when it already is (no 1M-row copy)."""
    if isinstance(embeddings, SplitRows):  # the interview themes' [embedding | key phrases] rows
        if not embeddings.all_finite():
            raise ValueError("embeddings contain NaN or infinite values")
        norms = embeddings.row_norms()
        if np.all(np.abs(norms - 1.0) < 1e-3):
            return embeddings
        return embeddings.scaled_rows(1.0 / np.maximum(norms, 1e-12))
    x = np.asarray(embeddings)
    if x.ndim != 2:
        raise ValueError(f"embeddings must be a 2-D array (rows x dimensions), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"embeddings must be floating point, got dtype {x.dtype}")
    already = x.dtype == np.float32
    if already:
        for s in range(0, len(x), block):
            norms = np.linalg.norm(x[s : s + block], axis=1)
            if not np.all(np.abs(norms - 1.0) < 1e-3):
                already = False
                break
    if already:
        return x
    out = np.empty(x.shape, dtype=np.float32)
    for s in range(0, len(x), block):
        part = np.asarray(x[s : s + block], dtype=np.float32)
        if not np.all(np.isfinite(part)):
            raise ValueError("embeddings contain NaN or infinite values")
        norms = np.linalg.norm(part, axis=1, keepdims=True)
        out[s : s + block] = part / np.maximum(norms, 1e-12)
    return out


def knn_cosine(x: np.ndarray, k: int, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k cosine neighbours (self excluded) of unit rows, by blocked matrix products.

    Memory is O(block * n); neighbours are sorted by similarity desc with index as tie-break.
    """
    n = len(x)
    k = max(1, min(k, n - 1))
    if isinstance(x, SplitRows):
        # Big studies only (see with_lexical): smaller blocks keep the block's scores and their
        # argpartition (8 bytes a cell) near 100 MB at any n.
        block = int(min(block, max(64, 4_000_000 // max(n, 1))))
    idx = np.empty((n, k), dtype=np.int64)
    sim = np.empty((n, k), dtype=np.float32)
    for s in range(0, n, block):
        scores = x[s : s + block] @ x.T
        rows = np.arange(scores.shape[0])
        scores[rows, s + rows] = -np.inf
        part = np.argpartition(scores, n - k, axis=1)[:, n - k :]
        vals = np.take_along_axis(scores, part, axis=1)
        order = np.lexsort((part, -vals), axis=1)
        idx[s : s + block] = np.take_along_axis(part, order, axis=1)
        sim[s : s + block] = np.take_along_axis(vals, order, axis=1)
    return idx, sim


def nearest_centroid(
    x: np.ndarray, centroids: np.ndarray, block: int = 65536
) -> tuple[np.ndarray, np.ndarray]:
    """Index of, and cosine to, the nearest centroid for every row (blocked: linear, bounded memory)."""
    best = np.empty(len(x), dtype=np.int64)
    best_sim = np.empty(len(x), dtype=np.float32)
    if len(centroids) == 0:
        best.fill(-1)
        best_sim.fill(-1.0)
        return best, best_sim
    c = centroids.astype(np.float32, copy=False)
    for s in range(0, len(x), block):
        scores = x[s : s + block] @ c.T
        b = np.argmax(scores, axis=1)
        best[s : s + block] = b
        best_sim[s : s + block] = scores[np.arange(len(b)), b]
    return best, best_sim


def centroids_of(x: np.ndarray, labels: np.ndarray, n_clusters: int, block: int = 65536) -> np.ndarray:
    """Unit-normalised mean vector of each label 0..n_clusters-1 (rows with -1 ignored)."""
    from scipy.sparse import csr_matrix

    sums = np.zeros((n_clusters, x.shape[1]), dtype=np.float64)
    for s in range(0, len(x), block):
        lab = labels[s : s + block]
        keep = np.flatnonzero(lab >= 0)
        if len(keep):
            # A sparse one-hot (clusters x rows) product: far faster than np.add.at on 1M rows.
            onehot = csr_matrix(
                (np.ones(len(keep), dtype=np.float32), (lab[keep], keep)), shape=(n_clusters, len(lab))
            )
            part = x[s : s + block]
            sums += part.__rmatmul__(onehot) if isinstance(part, SplitRows) else onehot @ part
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


def leiden_communities(
    idx: np.ndarray, sim: np.ndarray, resolution: float, random_state: int, restarts: int = 5
) -> np.ndarray:
    """Leiden modularity communities of the symmetrised kNN graph; best of several seeded restarts.

    Keeping the highest-modularity partition of several restarts is what makes two different seeds
    agree: each restart lands near the same optimum and the best one is usually shared.
    """
    import igraph as ig

    n, k = idx.shape
    src = np.repeat(np.arange(n, dtype=np.int64), k)
    # Similarity sharpened with a square: edges between near-paraphrases count much more than
    # edges to merely related statements, which separates neighbouring intents.
    weights = np.clip(sim.astype(np.float64), 0.0, None).ravel() ** 2
    keep = weights > 0
    edges = np.column_stack([src[keep], idx.ravel()[keep]])
    graph = ig.Graph(n=n, edges=edges.tolist(), directed=False)
    graph.es["weight"] = weights[keep].tolist()
    graph = graph.simplify(combine_edges="sum")
    best_q, best = -np.inf, np.zeros(n, dtype=np.int64)
    previous_rng = random
    try:
        for r in range(restarts):
            ig.set_random_number_generator(random.Random(random_state * 7919 + r))
            part = graph.community_leiden(
                objective_function="modularity", weights="weight", resolution=resolution, n_iterations=-1
            )
            q = graph.modularity(part.membership, weights="weight", resolution=resolution)
            if q > best_q + 1e-12:
                best_q, best = q, np.asarray(part.membership, dtype=np.int64)
    finally:
        ig.set_random_number_generator(previous_rng)
    return best


def canonical_order(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..m-1 by size desc, ties by smallest member row; -1 stays -1."""
    out = np.full(len(labels), -1, dtype=np.int64)
    valid = labels >= 0
    if not valid.any():
        return out
    uniq, first, counts = np.unique(labels[valid], return_index=True, return_counts=True)
    first_rows = np.flatnonzero(valid)[first]
    order = np.lexsort((first_rows, -counts))
    mapping = np.full(int(uniq.max()) + 1, -1, dtype=np.int64)
    mapping[uniq[order]] = np.arange(len(order))
    out[valid] = mapping[labels[valid]]
    return out


def _groups(labels: np.ndarray, m: int) -> list[np.ndarray]:
    """Rows of each label 0..m-1 in ascending order, in one sort instead of m scans."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(m + 1))
    return [order[bounds[t] : bounds[t + 1]] for t in range(m)]


def _rowwise_dot(
    x: np.ndarray, centroids: np.ndarray, labels: np.ndarray, rows: np.ndarray, block: int = 65536
) -> np.ndarray:
    """Cosine of each selected row to its own label's centroid (blocked to bound memory)."""
    sel = np.flatnonzero(rows)
    out = np.empty(len(sel), dtype=np.float32)
    if isinstance(x, SplitRows):
        # Each row's own result does not depend on its block; the key-phrase part's per-non-zero
        # index and product arrays (~50 bytes a non-zero) are what a block holds.
        block = min(block, 8192)
    for s in range(0, len(sel), block):
        r = sel[s : s + block]
        if isinstance(x, SplitRows):
            out[s : s + block] = x[r].rowwise_dot(centroids, labels[r])
        else:
            out[s : s + block] = np.einsum("ij,ij->i", x[r], centroids[labels[r]])
    return out


def _union_find_merge(centroids: np.ndarray, threshold: float) -> np.ndarray:
    """Map each centroid to a group id, joining pairs whose cosine exceeds threshold."""
    m = len(centroids)
    parent = list(range(m))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    if m > 1:
        sims = centroids @ centroids.T
        ii, jj = np.nonzero(np.triu(sims > threshold, k=1))
        for a, b in zip(ii.tolist(), jj.tolist()):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(a) for a in range(m)], dtype=np.int64)


# ----------------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------------


class ThemeModel:
    """Themes of statement embeddings: kNN graph + Leiden + centroid assignment; scikit-learn style.

    Parameters
    ----------
    min_theme_size: smallest theme kept; smaller communities are dissolved into their nearest theme.
    max_outlier_share: at most this share of statements is left unassigned (label -1).
    merge_threshold: themes whose centroids have a higher cosine are merged as near-duplicates.
    random_state: seed for the Leiden restarts and the large-corpus sample.
    seed_topics: expected pain points; each marks the theme it matches, or founds one where enough
        statements match it (needs `seed_embeddings` in fit, or `embedder`).
    hierarchy: split each theme into sub-themes.
    n_neighbors, resolution: kNN graph degree and Leiden resolution (higher = more, finer themes);
        resolution None picks one from the corpus size (1.0 up to 1k statements, 2.0 from 10k).
    min_similarity: a statement whose cosine to every theme centroid is below this may be an outlier.
    seed_threshold: cosine a statement (or theme centroid) needs to a seed topic to count as evidence.
    sample_size: corpora larger than this are clustered on a fixed-seed sample, then assigned (linear).
    subtheme_sample_size: the same for each theme's sub-theme split.
    refine_iter: centroid passes over the rows outside the sample (large corpora only).
    """

    def __init__(
        self,
        min_theme_size: int = 3,
        max_outlier_share: float = 0.05,
        merge_threshold: float = 0.92,
        random_state: int = 0,
        seed_topics: list[str] | None = None,
        hierarchy: bool = True,
        n_neighbors: int = 10,
        resolution: float | None = None,
        min_similarity: float = 0.35,
        seed_threshold: float = 0.5,
        sample_size: int = 20000,
        refine_iter: int = 2,
        restarts: int = 3,
        subtheme_sample_size: int = 2000,
        n_representatives: int = 5,
        spawn_batch: int = 50,
        embedder: Any | None = None,
    ):
        self.min_theme_size = min_theme_size
        self.max_outlier_share = max_outlier_share
        self.merge_threshold = merge_threshold
        self.random_state = random_state
        self.seed_topics = seed_topics
        self.hierarchy = hierarchy
        self.n_neighbors = n_neighbors
        self.resolution = resolution
        self.min_similarity = min_similarity
        self.seed_threshold = seed_threshold
        self.sample_size = sample_size
        self.refine_iter = refine_iter
        self.restarts = restarts
        self.subtheme_sample_size = subtheme_sample_size
        self.n_representatives = n_representatives
        self.spawn_batch = spawn_batch
        self.embedder = embedder

    # -- validation ------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.min_theme_size < 1:
            raise ValueError("min_theme_size must be at least 1")
        if not 0.0 <= self.max_outlier_share <= 1.0:
            raise ValueError("max_outlier_share must be between 0 and 1")
        if self.n_neighbors < 2:
            raise ValueError("n_neighbors must be at least 2")
        if self.resolution is not None and self.resolution <= 0:
            raise ValueError("resolution must be positive")

    # -- clustering core -------------------------------------------------------------------

    def _cluster(
        self,
        x: np.ndarray,
        min_size: int,
        random_state: int,
        resolution: float | None = None,
        sample_size: int | None = None,
    ) -> np.ndarray:
        """Labels (-1 for rows left out) for unit rows x: Leiden on a sample, then centroid assignment."""
        n = len(x)
        if n < max(2 * min_size, 3):
            return np.zeros(n, dtype=np.int64) if n >= min_size and n > 0 else np.full(n, -1, np.int64)
        sample_size = self.sample_size if sample_size is None else sample_size
        if n > sample_size:
            rng = np.random.default_rng(random_state)
            sample = np.sort(rng.choice(n, size=sample_size, replace=False))
        else:
            sample = np.arange(n)
        xs = x[sample]
        # Neighbours grow with the sample beyond 10k rows so the neighbourhood keeps the same extent
        # in embedding space: with a fixed k, a 4x bigger sample gives a graph of tighter, smaller
        # communities (measured: 310 themes, ARI 0.40 at 40k vs ARI 0.55 with k scaled).
        k = int(round(self.n_neighbors * max(1.0, len(sample) / 10_000)))
        idx, sim = knn_cosine(xs, k)
        res = resolution if resolution is not None else self._auto_resolution(len(sample))
        comm = leiden_communities(idx, sim, res, random_state, self.restarts)
        counts = np.bincount(comm)
        # At scale min_size is a corpus count; in a sample the equivalent count is proportionally less.
        sample_min = max(2, int(np.ceil(min_size * len(sample) / n))) if n > len(sample) else min_size
        big = np.flatnonzero(counts >= sample_min)
        if len(big) == 0:
            return np.full(n, -1, dtype=np.int64)
        remap = np.full(len(counts), -1, dtype=np.int64)
        remap[big] = np.arange(len(big))
        sample_labels = remap[comm]
        centroids = centroids_of(xs, sample_labels, len(big))
        # Members of dissolved tiny communities join their nearest theme.
        tiny = sample_labels < 0
        if tiny.any():
            sample_labels[tiny] = nearest_centroid(xs[tiny], centroids)[0]
        if len(sample) == n:
            # Leiden's own partition is kept: a Voronoi (k-means) re-split measurably loses accuracy.
            return sample_labels
        labels = np.full(n, -1, dtype=np.int64)
        rest = np.ones(n, dtype=bool)
        rest[sample] = False
        labels[sample] = sample_labels
        # Rows outside the sample join their nearest centroid; a few mini-batch style passes let the
        # centroids follow the whole corpus (each pass is linear, sample labels stay fixed).
        for _ in range(max(1, self.refine_iter)):
            labels[rest] = nearest_centroid(x[rest], centroids)[0]
            centroids = centroids_of(x, labels, len(centroids))
        return labels

    def _auto_resolution(self, n: int) -> float:
        """The given resolution, or by default one that grows with the corpus: a few hundred
        statements hold a handful of broad themes, ten thousand support finer ones. 1.0 up to 1,000
        statements, rising with log10(n) to 2.0 at 10,000 (tuned on banking77, see the benchmark)."""
        if self.resolution is not None:
            return float(self.resolution)
        return float(np.clip(1.0 + np.log10(max(n, 1) / 1000.0), 1.0, 2.0))

    def _merge_and_drop(self, x: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
        """Merge near-duplicate themes, dissolve themes under min_size into their nearest neighbour."""
        for _ in range(3):
            labels = canonical_order(labels)
            m = int(labels.max()) + 1 if (labels >= 0).any() else 0
            if m == 0:
                return labels
            centroids = centroids_of(x, labels, m)
            group = _union_find_merge(centroids, self.merge_threshold)
            labels = np.where(labels >= 0, group[np.maximum(labels, 0)], -1)
            labels = canonical_order(labels)
            m = int(labels.max()) + 1 if (labels >= 0).any() else 0
            counts = np.bincount(labels[labels >= 0], minlength=m)
            small = counts < min_size
            if not small.any() or small.all():
                return labels if not small.all() else np.full(len(labels), -1, dtype=np.int64)
            keep = np.flatnonzero(~small)
            centroids = centroids_of(x, labels, m)[keep]
            moved = np.isin(labels, np.flatnonzero(small))
            nearest, _ = nearest_centroid(x[moved], centroids)
            labels[moved] = keep[nearest]
        return canonical_order(labels)

    def _mark_outliers(self, x: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Final assignment to nearest centroid; the least similar rows (below floor) become -1."""
        m = int(labels.max()) + 1 if (labels >= 0).any() else 0
        if m == 0:
            return labels, np.zeros((0, x.shape[1]), np.float32), self.min_similarity
        centroids = centroids_of(x, labels, m)
        own = np.full(len(x), -1.0, dtype=np.float32)
        has = labels >= 0
        own[has] = _rowwise_dot(x, centroids, labels, has)
        floor = self.min_similarity
        if self.max_outlier_share < 1.0 and len(own):
            floor = min(floor, float(np.quantile(own, self.max_outlier_share, method="lower")))
        labels = np.where(own >= floor, labels, -1)
        return labels, centroids, floor

    def _apply_seeds(
        self, x: np.ndarray, labels: np.ndarray, seed_emb: np.ndarray, min_size: int
    ) -> tuple[np.ndarray, dict[int, int]]:
        """Mark the theme each seed matches, or carve a new theme from statements closer to the seed.

        Returns new labels (new themes take ids after the existing ones) and {theme label: seed index}.
        """
        seeded: dict[int, int] = {}
        m = int(labels.max()) + 1 if (labels >= 0).any() else 0
        for s_i, s_vec in enumerate(seed_emb):
            centroids = centroids_of(x, labels, m) if m else np.zeros((0, x.shape[1]), np.float32)
            sims = x @ s_vec
            evidence = sims >= self.seed_threshold
            if evidence.sum() < min_size:
                continue  # no evidence: the seed does not invent a theme
            if m:
                c_sims = centroids @ s_vec
                best = int(np.argmax(c_sims))
                # The theme holding most of the evidence, if the seed is close to its centroid.
                ev_labels = labels[evidence & (labels >= 0)]
                if len(ev_labels):
                    major = int(np.bincount(ev_labels, minlength=m).argmax())
                    if c_sims[major] >= self.seed_threshold and major not in seeded:
                        seeded[major] = s_i
                        continue
                if c_sims[best] >= self.seed_threshold and best not in seeded:
                    seeded[best] = s_i
                    continue
                # Carve out: evidence statements closer to the seed than to their own theme.
                own = np.full(len(x), -1.0, dtype=np.float32)
                has = labels >= 0
                own[has] = _rowwise_dot(x, centroids, labels, has)
                take = evidence & (sims > own)
            else:
                take = evidence
            if take.sum() >= min_size:
                labels = labels.copy()
                labels[take] = m
                seeded[m] = s_i
                m += 1
        return labels, seeded

    # -- public API ------------------------------------------------------------------------

    def fit(
        self, embeddings: np.ndarray, texts: list[str], seed_embeddings: np.ndarray | None = None
    ) -> ThemeModel:
        """Cluster the statements; fills labels_, themes_, centroids_."""
        self._check_params()
        x = normalize_rows(embeddings)
        texts = list(texts)
        if len(texts) != len(x):
            raise ValueError(f"got {len(x)} embeddings but {len(texts)} texts: they must be aligned")
        seed_emb = self._seed_matrix(seed_embeddings, x.shape[1])
        min_size = self.min_theme_size
        labels = self._cluster(x, min_size, self.random_state)
        labels = self._merge_and_drop(x, labels, min_size)
        labels, centroids, floor = self._mark_outliers(x, labels)
        seeded: dict[int, int] = {}
        if seed_emb is not None and len(seed_emb):
            labels, seeded = self._apply_seeds(x, labels, seed_emb, min_size)
        # Canonical ids, carrying the seed marks through the relabelling.
        canon = canonical_order(labels)
        seed_of: dict[int, int] = {}
        for old, s_i in seeded.items():
            rows = np.flatnonzero(labels == old)
            if len(rows):
                seed_of[int(canon[rows[0]])] = s_i
        self.labels_ = canon
        m = int(canon.max()) + 1 if (canon >= 0).any() else 0
        self.centroids_ = centroids_of(x, canon, m) if m else np.zeros((0, x.shape[1]), np.float32)
        self.outlier_floor_ = float(floor)
        self._x = x
        self._texts = texts
        self._seed_of = seed_of
        self._pending: list[int] = []
        self.sublabels_ = np.full(len(x), -1, dtype=np.int64)
        self._subcentroids: dict[int, np.ndarray] = {}
        if self.hierarchy:
            for t in range(m):
                self._split_theme(t)
        self.themes_ = self._build_themes()
        return self

    def _seed_matrix(self, seed_embeddings: np.ndarray | None, dim: int) -> np.ndarray | None:
        if not self.seed_topics:
            if seed_embeddings is not None and len(seed_embeddings):
                raise ValueError("seed_embeddings given but seed_topics is empty: pass the seed texts too")
            return None
        if seed_embeddings is None:
            if self.embedder is None:
                raise ValueError("seed_topics need seed_embeddings in fit(), or an embedder in ThemeModel")
            seed_embeddings = self.embedder.encode(list(self.seed_topics))
        seed = normalize_rows(np.asarray(seed_embeddings))
        if len(seed) != len(self.seed_topics) or seed.shape[1] != dim:
            raise ValueError(
                f"seed_embeddings must have shape ({len(self.seed_topics)}, {dim}), got {seed.shape}"
            )
        return seed

    def _split_theme(self, t: int) -> None:
        """Sub-themes of theme t: the same graph clustering, run on the theme's members only."""
        members = np.flatnonzero(self.labels_ == t)
        min_sub = max(self.min_theme_size, 3)
        if len(members) < 2 * min_sub:
            return
        xm = self._x[members]
        sub = self._cluster(xm, min_sub, self.random_state + 1 + t, sample_size=self.subtheme_sample_size)
        sub = self._merge_and_drop(xm, sub, min_sub)
        if (sub >= 0).sum() < len(sub):
            # The rare member left out of every sub-theme joins its nearest one.
            m = int(sub.max()) + 1 if (sub >= 0).any() else 0
            if m:
                nearest, _ = nearest_centroid(xm, centroids_of(xm, sub, m))
                sub = np.where(sub >= 0, sub, nearest)
        n_sub = int(sub.max()) + 1 if (sub >= 0).any() else 0
        if n_sub < 2:
            return
        sub = canonical_order(sub)
        self.sublabels_[members] = sub
        self._subcentroids[t] = centroids_of(xm, sub, n_sub)

    def _describe(
        self, groups: list[np.ndarray], centroids: np.ndarray, need_reps: Sequence[bool] | None = None
    ) -> list[tuple[list[str], list[int]]]:
        """Keywords (c-TF-IDF against sibling groups) and MMR representatives for each group.

        Groups with need_reps False get no representatives (the caller keeps the ones it has).
        """
        ordered: list[list[int]] = []
        reps: list[list[int]] = []
        for g, (members, centroid) in enumerate(zip(groups, centroids)):
            xm = self._x[members]
            central = np.argsort(-(xm @ centroid), kind="stable")
            ordered.append(members[central].tolist())
            if need_reps is not None and not need_reps[g]:
                reps.append([])
                continue
            picked = mmr_representatives(
                xm, centroid, [self._texts[i] for i in members], n=self.n_representatives
            )
            reps.append([int(members[p]) for p in picked])
        keywords = ctfidf_keywords(self._texts, ordered)
        return list(zip(keywords, reps))

    def _build_subthemes(self, t: int, members: np.ndarray) -> list[Theme]:
        if t not in self._subcentroids:
            return []
        sub = self.sublabels_[members]
        n_sub = len(self._subcentroids[t])
        sub_groups = [members[sub == j] for j in range(n_sub)]
        sub_desc = self._describe(sub_groups, self._subcentroids[t])
        return [
            Theme(
                theme_id=j,
                label=make_label(skw),
                keywords=skw,
                size=len(sm),
                member_indices=sm.tolist(),
                representative_indices=sreps,
                parent_id=t,
            )
            for j, (sm, (skw, sreps)) in enumerate(zip(sub_groups, sub_desc))
        ]

    # A streamed-into theme is re-described (quotes, sub-themes) once it grew this much since.
    _REFRESH_GROWTH = 0.05

    def _build_themes(self, touched: set[int] | None = None) -> list[Theme]:
        """Theme objects from the fitted state.

        With `touched` (streaming), only new themes and touched ones that grew by _REFRESH_GROWTH
        since they were last described get new quotes and sub-theme descriptions; sizes and member
        lists (sub-themes' too) are always current, and labels are re-scored whenever any theme is
        re-described, so nothing is left stale.
        """
        m = len(self.centroids_)
        groups = _groups(self.labels_, m)
        previous = {t.theme_id: t for t in getattr(self, "themes_", [])} if touched is not None else {}
        sizes = getattr(self, "_described_size", {})
        redo = [
            t not in previous
            or (t in touched and len(groups[t]) >= (1 + self._REFRESH_GROWTH) * sizes.get(t, 0))
            for t in range(m)
        ]
        if any(redo):
            described = self._describe(groups, self.centroids_, need_reps=redo)
        else:
            described = [(previous[t].keywords, previous[t].representative_indices) for t in range(m)]
        seeds = list(self.seed_topics or [])
        themes: list[Theme] = []
        new_sizes: dict[int, int] = {}
        for t, (members, (keywords, reps)) in enumerate(zip(groups, described)):
            if redo[t]:
                subthemes = self._build_subthemes(t, members)
                new_sizes[t] = len(members)
            else:
                reps = previous[t].representative_indices
                subthemes = self._refresh_subthemes(previous[t].subthemes, members)
                new_sizes[t] = sizes.get(t, len(members))
            s_i = self._seed_of.get(t)
            themes.append(
                Theme(
                    theme_id=t,
                    label=make_label(keywords),
                    keywords=keywords,
                    size=len(members),
                    member_indices=members.tolist(),
                    representative_indices=reps,
                    subthemes=subthemes,
                    seed=seeds[s_i] if s_i is not None and s_i < len(seeds) else None,
                )
            )
        self._described_size = new_sizes
        return themes

    def _refresh_subthemes(self, old: list[Theme], members: np.ndarray) -> list[Theme]:
        """Same sub-theme descriptions, current member lists."""
        sub = self.sublabels_[members]
        out = []
        for j, s in enumerate(old):
            sm = members[sub == j]
            out.append(
                Theme(
                    theme_id=s.theme_id,
                    label=s.label,
                    keywords=s.keywords,
                    size=len(sm),
                    member_indices=sm.tolist(),
                    representative_indices=s.representative_indices,
                    parent_id=s.parent_id,
                )
            )
        return out

    def partial_fit(self, embeddings: np.ndarray, texts: list[str]) -> np.ndarray:
        """Streaming update: assign new statements to existing themes without re-clustering.

        New rows join their nearest theme when as similar as the fitted outlier floor; the rest wait
        in a pending pool. Once `spawn_batch` are pending they are clustered on their own, and groups
        of at least min_theme_size that are not near-duplicates of a theme become new themes (ids
        appended, existing ids never change). Returns the labels of the new rows.
        """
        if not hasattr(self, "labels_"):
            self.fit(embeddings, texts)
            return self.labels_.copy()
        x_new = normalize_rows(embeddings)
        texts = list(texts)
        if len(texts) != len(x_new):
            raise ValueError(f"got {len(x_new)} embeddings but {len(texts)} texts: they must be aligned")
        if x_new.shape[1] != self._x.shape[1]:
            raise ValueError(
                f"embedding dimension {x_new.shape[1]} differs from the fitted {self._x.shape[1]}"
            )
        start = len(self._x)
        m_before = len(self.centroids_)
        nearest, sims = nearest_centroid(x_new, self.centroids_)
        new_labels = np.where(sims >= self.outlier_floor_, nearest, -1)
        self._x = np.concatenate([self._x, x_new])
        self._texts.extend(texts)
        self.labels_ = np.concatenate([self.labels_, new_labels])
        self.sublabels_ = np.concatenate([self.sublabels_, np.full(len(x_new), -1, np.int64)])
        self._pending.extend((start + np.flatnonzero(new_labels < 0)).tolist())
        if len(self._pending) >= self.spawn_batch:
            self._spawn()
        m = len(self.centroids_)
        # Existing centroids follow their members (a running mean, not a re-clustering).
        self.centroids_ = centroids_of(self._x, self.labels_, m)
        for t, subc in self._subcentroids.items():
            rows = start + np.flatnonzero(self.labels_[start:] == t)
            if len(rows):
                self.sublabels_[rows] = nearest_centroid(self._x[rows], subc)[0]
        if self.hierarchy:
            for t in range(m_before, m):
                self._split_theme(t)
        touched = {int(t) for t in np.unique(self.labels_[start:]) if t >= 0}
        touched |= set(range(m_before, m))
        self.themes_ = self._build_themes(touched)
        return self.labels_[start:].copy()

    def _spawn(self) -> None:
        pending = np.array(sorted(self._pending), dtype=np.int64)
        xp = self._x[pending]
        # A small pending pool is split coarsely: the fine default resolution would shatter it.
        sub = self._cluster(xp, self.min_theme_size, self.random_state, resolution=1.0)
        m = len(self.centroids_)
        n_new = int(sub.max()) + 1 if (sub >= 0).any() else 0
        if n_new == 0:
            return
        new_centroids = centroids_of(xp, sub, n_new)
        created = 0
        for j in range(n_new):
            rows = pending[sub == j]
            if len(rows) < self.min_theme_size:
                continue
            if m and float(np.max(self.centroids_ @ new_centroids[j])) > self.merge_threshold:
                continue
            # Only statements that are reasonably close to the new theme join it.
            close = (self._x[rows] @ new_centroids[j]) >= self.outlier_floor_
            rows = rows[close]
            if len(rows) < self.min_theme_size:
                continue
            self.labels_[rows] = m + created
            created += 1
        self._pending = [int(i) for i in pending if self.labels_[i] < 0]
        if created:
            self.centroids_ = centroids_of(self._x, self.labels_, m + created)

    def to_dict(self, texts: Sequence[str], row_ids: Sequence[int] | None = None) -> dict[str, Any]:
        """JSON-able themes.json content. `row_ids` maps model rows to input rows (default: identity)."""
        if not hasattr(self, "themes_"):
            raise ValueError("ThemeModel is not fitted: call fit() first")
        if len(texts) != len(self.labels_):
            raise ValueError(f"to_dict got {len(texts)} texts for {len(self.labels_)} fitted rows")
        rid = list(row_ids) if row_ids is not None else list(range(len(texts)))

        def theme_dict(th: Theme) -> dict[str, Any]:
            return {
                "theme_id": th.theme_id,
                "parent_id": th.parent_id,
                "label": th.label,
                "keywords": th.keywords,
                "size": th.size,
                "seed": th.seed,
                "representative_quotes": [
                    {"row": int(rid[i]), "text": texts[i]} for i in th.representative_indices
                ],
                "subthemes": [theme_dict(s) for s in th.subthemes],
            }

        n = len(self.labels_)
        unassigned = int((self.labels_ < 0).sum())
        return {
            "n_statements": n,
            "n_themes": len(self.themes_),
            "n_unassigned": unassigned,
            "outlier_share": round(unassigned / n, 6) if n else 0.0,
            "params": {
                "min_theme_size": self.min_theme_size,
                "max_outlier_share": self.max_outlier_share,
                "merge_threshold": self.merge_threshold,
                "random_state": self.random_state,
                "n_neighbors": self.n_neighbors,
                "resolution": self.resolution if self.resolution is not None else "auto",
                "min_similarity": self.min_similarity,
                "seed_topics": list(self.seed_topics or []),
            },
            "themes": [theme_dict(t) for t in self.themes_],
        }
