"""Passages: a customer's account of one topic, found with real embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from insightminer.schema import Statement
from insightminer.themes.passages import depth_scores, find_passages, passage_vectors

SYNC = [
    "The sync with Salesforce keeps creating duplicate contacts.",
    "Every Monday I merge the duplicates by hand before the pipeline review.",
    "Last week a rep updated the wrong copy and the close date was overwritten.",
]
PRICING = [
    "Our renewal quote went up forty percent because of the per-seat pricing.",
    "Finance asked me to justify every seat before they approve the invoice.",
    "We can't add the seasonal staff because each seat costs the same as a full-time rep.",
]


def _statements(texts: list[str], doc_id: str = "doc1") -> list[Statement]:
    return [
        Statement(
            statement_id=f"{doc_id}:{i}:0",
            doc_id=doc_id,
            speaker="Ana",
            role="customer",
            text=t,
            turn_index=i,
        )
        for i, t in enumerate(texts)
    ]


def test_a_topic_change_starts_a_new_passage(embedder):
    statements = _statements(SYNC + PRICING)
    passages = find_passages(statements, embedder.encode([s.text for s in statements]))
    groups = [[statements[r].text for r in p.rows] for p in passages]
    assert sorted(r for p in passages for r in p.rows) == list(range(len(statements)))
    # No passage mixes the two accounts.
    for group in groups:
        assert not (set(group) & set(SYNC) and set(group) & set(PRICING)), groups
    assert [p.passage_id for p in passages] == [f"doc1#{i}" for i in range(len(passages))]


def test_passages_never_cross_interviews_and_are_deterministic(embedder):
    statements = _statements(SYNC, "a") + _statements(SYNC, "b")
    vectors = embedder.encode([s.text for s in statements])
    first = find_passages(statements, vectors)
    again = find_passages(list(reversed(statements)), vectors[::-1])
    assert all(len({statements[r].doc_id for r in p.rows}) == 1 for p in first)
    assert sorted(p.passage_id for p in first) == sorted(p.passage_id for p in again)
    assert passage_vectors(first, vectors).shape == (len(first), vectors.shape[1])


def test_depth_climbs_to_the_nearest_peaks():
    depth = depth_scores(np.array([0.9, 0.5, 0.8, 0.7, 0.75]))
    assert depth[1] == pytest.approx(0.4 + 0.3)  # a valley between the peaks 0.9 and 0.8
    assert depth[3] == pytest.approx(0.1 + 0.05)  # the nearest peaks, not the far 0.9
    assert depth[0] == 0.0
