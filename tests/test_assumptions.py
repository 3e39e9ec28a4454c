"""Assumption check on a small real corpus (real MiniLM embeddings), with synthetic interview ids."""

from __future__ import annotations

import numpy as np
import pytest

from insightminer.assumptions import check_assumptions
from insightminer.themes import ThemeModel
from tests.theme_corpus import TOPICS, corpus

ASSUMPTIONS = [
    "Per-seat pricing is too expensive for growing teams",
    "The CRM sync with Salesforce is unreliable",
    "Customers want a dark mode",
    "Sales managers want leaderboards and gamification to motivate reps",
]


@pytest.fixture(scope="module")
def checked(embedder):
    texts, truth = corpus()
    # Seven interviews; statement i comes from interview i % 7, so each topic spans every interview.
    doc_ids = [f"int{i % 7:02d}" for i in range(len(texts))]
    emb = embedder.encode(texts)
    model = ThemeModel(random_state=0, hierarchy=False).fit(emb, texts)
    result = check_assumptions(
        ASSUMPTIONS, embedder.encode(ASSUMPTIONS), emb, texts, doc_ids, model.labels_, model.themes_
    )
    return result, model, np.array(truth), texts, doc_ids


def test_voiced_assumptions_have_counted_quoted_evidence(checked):
    result, model, truth, texts, doc_ids = checked
    by_text = {a["assumption"]: a for a in result["assumptions"]}
    assert [a["assumption"] for a in result["assumptions"]] == ASSUMPTIONS
    for assumption, topic in [(ASSUMPTIONS[0], "pricing"), (ASSUMPTIONS[1], "crm_sync")]:
        entry = by_text[assumption]
        assert entry["voiced"] is True
        assert entry["documents"] >= 3 and entry["documents"] == len(entry["doc_ids"])
        assert 1 <= len(entry["quotes"]) <= 5
        t = list(TOPICS).index(topic)
        for quote in entry["quotes"]:
            assert texts[quote["row"]] == quote["text"] and doc_ids[quote["row"]] == quote["doc_id"]
            assert truth[quote["row"]] == t
        # Quotes come from distinct interviews first.
        quote_docs = [q["doc_id"] for q in entry["quotes"]]
        assert len(set(quote_docs)) == len(quote_docs)
        assert len(entry["matched_theme_ids"]) >= 1
        matched = model.themes_[entry["matched_theme_ids"][0]]
        assert np.bincount(truth[matched.member_indices]).argmax() == t


def test_unvoiced_assumptions_and_unassumed_themes(checked):
    result, model, truth, _, _ = checked
    by_text = {a["assumption"]: a for a in result["assumptions"]}
    for assumption in ASSUMPTIONS[2:]:
        entry = by_text[assumption]
        assert entry["voiced"] is False
        assert entry["documents"] == 0 and entry["quotes"] == [] and entry["matched_theme_ids"] == []
    unassumed_topics = set()
    for theme in result["unassumed_themes"]:
        members = model.themes_[theme["theme_id"]].member_indices
        unassumed_topics.add(list(TOPICS)[np.bincount(truth[members]).argmax()])
        assert theme["documents"] >= 2
    assert {"mobile_crash", "support", "onboarding"} <= unassumed_topics
    assert not {"pricing", "crm_sync"} & unassumed_topics


def test_misaligned_inputs_are_clear_errors():
    emb = np.eye(3, dtype=np.float32)
    with pytest.raises(ValueError, match="aligned"):
        check_assumptions(["a"], emb[:1], emb, ["x", "y", "z"], ["d1"], np.zeros(3, int), [])
    with pytest.raises(ValueError, match="assumptions but"):
        check_assumptions(["a", "b"], emb[:1], emb, ["x", "y", "z"], ["d"] * 3, np.zeros(3, int), [])
