"""Passages: inside one interview, the run of customer statements that stays on one problem.

Why: a sentence's embedding is dominated by the study's domain and the speaker's style, and many
sentences of a customer's story carry consequences rather than the problem itself ("It took us six
weeks to get the money back"). Measured on interview studies (shared/notes/what-to-cluster.md), the
whole account a customer gives of one problem clusters across interviews far better than its single
sentences (ARI 0.72 vs 0.20 with all-MiniLM-L6-v2). A person coding interviews marks excerpts too.

Boundaries are found the TextTiling way (Hearst 1997), on embeddings instead of word counts: the
cohesion across each gap between adjacent statements is the cosine of the mean vectors of the blocks
on either side; a gap is a boundary where cohesion dips into a valley whose depth is large relative to
the document's own depth distribution (mean minus half a standard deviation, Hearst's cut-off). The
rule adapts to each interview; no threshold is tied to one data set. An interviewer turn between two
customer statements makes a boundary likelier, since a new question often opens a new topic, but it
is not one by itself: "How often?" continues the same account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from insightminer.schema import Statement


@dataclass
class Passage:
    """A customer's account of one topic in one interview: consecutive statements of that interview."""

    passage_id: str  # "<doc_id>#<index>", stable across runs
    doc_id: str
    rows: list[int] = field(default_factory=list)  # indices into the run's statement list


@dataclass
class PassageOptions:
    """How statements are grouped into passages."""

    block: int = 2  # statements on each side of a gap whose mean vectors are compared
    # Cohesion across a gap where another speaker (the interviewer) spoke is lowered by this much,
    # so a new question is a likelier boundary than a pause inside one answer.
    turn_change_penalty: float = 0.05
    max_statements: int = 12  # a longer run is cut at its deepest valleys


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def gap_cohesion(vectors: np.ndarray, block: int) -> np.ndarray:
    """Cosine between the mean vectors of the `block` statements before and after each gap."""
    n = len(vectors)
    out = np.zeros(max(n - 1, 0), dtype=np.float64)
    for g in range(n - 1):
        left = vectors[max(0, g + 1 - block) : g + 1].mean(0)
        right = vectors[g + 1 : g + 1 + block].mean(0)
        out[g] = float(_unit(left) @ _unit(right))
    return out


def _doc_cohesion(embeddings: np.ndarray, rows: list[int], block: int, window: int = 8192) -> np.ndarray:
    """gap_cohesion of one document's rows, normalised in float64 a window of gaps at a time.

    The same values as gap_cohesion(_unit(float64 rows)) (each gap reads the same few unit rows), but
    a 100k-statement transcript never holds a float64 copy of all its vectors (0.3 GB, twice over).
    """
    n = len(rows)
    out = np.zeros(max(n - 1, 0), dtype=np.float64)
    for g0 in range(0, n - 1, window):
        g1 = min(g0 + window, n - 1)
        lo, hi = max(0, g0 + 1 - block), min(n, g1 + block)
        local = _unit(np.asarray(embeddings[rows[lo:hi]], dtype=np.float64))
        out[g0:g1] = gap_cohesion(local, block)[g0 - lo : g1 - lo]
    return out


def depth_scores(cohesion: np.ndarray) -> np.ndarray:
    """TextTiling depth of each gap: how far it lies below the nearest peak on either side (found by
    climbing while cohesion rises, as Hearst does, so a far-away high point does not count)."""
    n = len(cohesion)
    depth = np.zeros(n, dtype=np.float64)
    for g in range(n):
        left = g
        while left > 0 and cohesion[left - 1] >= cohesion[left]:
            left -= 1
        right = g
        while right < n - 1 and cohesion[right + 1] >= cohesion[right]:
            right += 1
        depth[g] = (cohesion[left] - cohesion[g]) + (cohesion[right] - cohesion[g])
    return depth


def boundaries(cohesion: np.ndarray) -> list[int]:
    """Gaps that are valleys deeper than the document's mean depth minus half its std (Hearst)."""
    if len(cohesion) == 0:
        return []
    depth = depth_scores(cohesion)
    cutoff = depth.mean() - depth.std() / 2.0
    cuts = []
    for g in range(len(cohesion)):
        is_valley = (g == 0 or cohesion[g] <= cohesion[g - 1]) and (
            g == len(cohesion) - 1 or cohesion[g] <= cohesion[g + 1]
        )
        if is_valley and depth[g] > 0 and depth[g] >= cutoff:
            cuts.append(g)
    return cuts


def _split_long(rows: list[int], cohesion_of: dict[tuple[int, int], float], limit: int) -> list[list[int]]:
    """Cut a run longer than `limit` at its lowest-cohesion gaps until every piece fits."""
    if len(rows) <= limit:
        return [rows]
    gaps = [cohesion_of[(rows[i], rows[i + 1])] for i in range(len(rows) - 1)]
    cut = int(np.argmin(gaps[1:-1])) + 1 if len(gaps) > 2 else len(rows) // 2
    return _split_long(rows[: cut + 1], cohesion_of, limit) + _split_long(rows[cut + 1 :], cohesion_of, limit)


def find_passages(
    statements: Sequence[Statement],
    embeddings: np.ndarray,
    options: PassageOptions | None = None,
    acts: Sequence[str | None] | None = None,
) -> list[Passage]:
    """Group each interview's statements into passages (every statement in exactly one).

    `acts` (optional, one per statement) says what a statement does — e.g. "problem", "praise", or
    None for neutral context: a passage never holds two different acts, so praise of a feature and a
    complaint about it, or a denial right after a complaint, are separate passages; neutral statements
    join whichever passage they fall in.
    """
    options = options or PassageOptions()
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(statements):
        by_doc[s.doc_id].append(i)
    passages: list[Passage] = []
    for doc_id in sorted(by_doc):
        rows = sorted(by_doc[doc_id], key=lambda i: (statements[i].turn_index, statements[i].statement_id))
        cohesion = _doc_cohesion(embeddings, rows, options.block)
        for g in range(len(rows) - 1):
            a, b = statements[rows[g]], statements[rows[g + 1]]
            if b.turn_index - a.turn_index > 1 or a.speaker != b.speaker:
                cohesion[g] -= options.turn_change_penalty
        cuts = set(boundaries(cohesion))
        if acts is not None:
            last_act: str | None = None
            for g, row in enumerate(rows):
                act = acts[row]
                if act is not None:
                    if last_act is not None and act != last_act:
                        # Cut just before this statement, after any neutral ones that followed.
                        cuts.add(g - 1)
                    last_act = act
        cohesion_of = {(rows[g], rows[g + 1]): float(cohesion[g]) for g in range(len(rows) - 1)}
        current: list[int] = []
        runs: list[list[int]] = []
        for g, row in enumerate(rows):
            current.append(row)
            if g in cuts or g == len(rows) - 1:
                runs.append(current)
                current = []
        for run in runs:
            for piece in _split_long(run, cohesion_of, options.max_statements):
                passages.append(Passage(f"{doc_id}#{len(passages)}", doc_id, piece))
    # Ids count within the run; renumber per document so they are stable when other documents change.
    counter: dict[str, int] = defaultdict(int)
    for p in passages:
        p.passage_id = f"{p.doc_id}#{counter[p.doc_id]}"
        counter[p.doc_id] += 1
    return passages


def passage_vectors(passages: Sequence[Passage], embeddings: np.ndarray) -> np.ndarray:
    """Unit mean of each passage's unit statement vectors (no extra encoding)."""
    x = _unit(np.asarray(embeddings, dtype=np.float32))
    out = np.stack([x[p.rows].mean(0) for p in passages]) if passages else np.zeros((0, x.shape[1]))
    return _unit(out).astype(np.float32)
