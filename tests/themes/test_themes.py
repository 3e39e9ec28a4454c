"""Themes stage on a small real corpus embedded with the real MiniLM model."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from insightminer.themes.clustering import ThemeModel, knn_cosine
from insightminer.themes.csv_themes import cluster_csv
from insightminer.themes.labels import phrase_stems, stem
from tests.theme_corpus import NEW_STATEMENTS, NEW_TOPIC, TOPICS, corpus


@pytest.fixture(scope="module")
def data(embedder):
    texts, labels = corpus()
    return texts, np.array(labels), embedder.encode(texts)


@pytest.fixture(scope="module")
def fitted(data):
    texts, _, emb = data
    return ThemeModel(random_state=0).fit(emb, texts)


def test_recovers_topics_with_few_outliers(data, fitted):
    _, truth, _ = data
    labels = fitted.labels_
    assert len(labels) == len(truth)
    assert adjusted_rand_score(truth, labels) >= 0.8
    assert (labels < 0).mean() <= 0.10
    assert 4 <= len(fitted.themes_) <= 8
    # Canonical ids: 0..n-1, sizes non-increasing, sizes match labels.
    assert [t.theme_id for t in fitted.themes_] == list(range(len(fitted.themes_)))
    sizes = [t.size for t in fitted.themes_]
    assert sizes == sorted(sizes, reverse=True)
    for t in fitted.themes_:
        assert t.member_indices == np.flatnonzero(labels == t.theme_id).tolist()
    assert fitted.centroids_.shape == (len(fitted.themes_), 384)


def test_same_seed_identical_and_other_seed_agrees(data, fitted):
    texts, _, emb = data
    again = ThemeModel(random_state=0).fit(emb, texts)
    assert np.array_equal(again.labels_, fitted.labels_)
    assert again.to_dict(texts) == fitted.to_dict(texts)
    other = ThemeModel(random_state=1, hierarchy=False).fit(emb, texts)
    assert adjusted_rand_score(fitted.labels_, other.labels_) >= 0.9


def test_labels_readable_and_quotes_are_members(data, fitted):
    texts, truth, _ = data
    topic_words = {"pricing": "price", "crm_sync": "crm", "mobile_crash": "app", "support": "support"}
    labels_text = " ".join(t.label for t in fitted.themes_)
    for word in topic_words.values():
        assert word in labels_text, (word, labels_text)
    for theme in fitted.themes_:
        assert theme.label and len(theme.label) <= 60
        words = [w for part in theme.label.split(" / ") for w in part.split()]
        stems = [stem(w) for w in words]
        assert len(stems) == len(set(stems)), theme.label  # no "card" / "cards" in one label
        assert 3 <= len(theme.representative_indices) <= 5
        assert set(theme.representative_indices) <= set(theme.member_indices)
        quotes = [texts[i].lower() for i in theme.representative_indices]
        assert len(set(quotes)) == len(quotes)
        kw_stems = [phrase_stems(k) for k in theme.keywords]
        assert len(kw_stems) == len(set(kw_stems))


def test_hierarchy_subthemes_partition_parent(fitted):
    with_subs = [t for t in fitted.themes_ if t.subthemes]
    assert with_subs, "expected at least one theme to have sub-themes"
    for theme in with_subs:
        assert len(theme.subthemes) >= 2
        members = sorted(i for s in theme.subthemes for i in s.member_indices)
        assert members == theme.member_indices
        for sub in theme.subthemes:
            assert sub.parent_id == theme.theme_id
            assert set(sub.representative_indices) <= set(sub.member_indices)


def test_merge_threshold_merges_near_duplicate_themes(data):
    texts, _, emb = data
    merged = ThemeModel(random_state=0, merge_threshold=0.3, hierarchy=False).fit(emb, texts)
    separate = ThemeModel(random_state=0, merge_threshold=0.99, hierarchy=False).fit(emb, texts)
    assert len(merged.themes_) < len(separate.themes_)
    cos = separate.centroids_ @ separate.centroids_.T
    assert (cos[np.triu_indices(len(cos), 1)] <= 0.99).all()


def test_seed_topics_mark_matching_theme_and_ignore_absent(embedder, data):
    texts, truth, emb = data
    seeds = ["Salesforce CRM sync creates duplicate records", "We want a dark mode theme for the UI"]
    model = ThemeModel(random_state=0, seed_topics=seeds, hierarchy=False)
    model.fit(emb, texts, seed_embeddings=embedder.encode(seeds))
    seeded = [t for t in model.themes_ if t.seed is not None]
    assert [t.seed for t in seeded] == [seeds[0]]  # no evidence for dark mode: no theme invented
    crm = list(TOPICS).index("crm_sync")
    members = np.array(seeded[0].member_indices)
    assert (truth[members] == crm).mean() >= 0.8


def test_seed_topic_carves_theme_where_evidence_exists(embedder):
    texts, _ = corpus()
    # The export statements are folded in as a small group; a seed about exports should claim them.
    texts = texts + NEW_TOPIC[:6]
    emb = embedder.encode(texts)
    seeds = ["Exporting to Excel or CSV is broken"]
    model = ThemeModel(random_state=0, seed_topics=seeds, hierarchy=False, embedder=embedder).fit(emb, texts)
    seeded = [t for t in model.themes_ if t.seed == seeds[0]]
    assert len(seeded) == 1
    export_rows = set(range(len(texts) - 6, len(texts)))
    assert len(export_rows & set(seeded[0].member_indices)) >= 4


def test_partial_fit_assigns_and_spawns(embedder, data, fitted):
    texts, truth, emb = data
    model = ThemeModel(random_state=0, spawn_batch=8).fit(emb, texts)
    n_before = len(model.themes_)
    new_texts = [t for t, _ in NEW_STATEMENTS]
    new_labels = model.partial_fit(embedder.encode(new_texts), new_texts)
    assert len(new_labels) == len(new_texts)
    for label, (_, topic) in zip(new_labels, NEW_STATEMENTS):
        members = np.array(model.themes_[label].member_indices)
        members = members[members < len(truth)]
        assert np.bincount(truth[members]).argmax() == topic
    # A burst of statements on a new topic becomes a new theme, existing ids unchanged.
    spawned = model.partial_fit(embedder.encode(NEW_TOPIC), NEW_TOPIC)
    assert len(model.themes_) > n_before
    assert np.array_equal(model.labels_[: len(texts)], fitted.labels_)
    assert (spawned >= n_before).mean() >= 0.6
    assert len(model.labels_) == len(texts) + len(new_texts) + len(NEW_TOPIC)
    # No stale state: sizes, member lists and sub-theme partitions follow the streamed rows.
    for theme in model.themes_:
        assert theme.member_indices == np.flatnonzero(model.labels_ == theme.theme_id).tolist()
        if theme.subthemes:
            assert sorted(i for s in theme.subthemes for i in s.member_indices) == theme.member_indices


def test_cluster_csv_writes_one_row_per_input(tmp_path, embedder, data):
    texts, _, _ = data
    src = tmp_path / "in.csv"
    rows = [{"id": i, "comment": t} for i, t in enumerate(texts[::2])]
    rows.insert(3, {"id": -1, "comment": "   "})  # blank row: must come out as -1
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "comment"])
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    result = cluster_csv(src, "comment", out, embedder=embedder)
    with (out / "assignments.csv").open() as handle:
        got = list(csv.DictReader(handle))
    assert [int(r["row"]) for r in got] == list(range(len(rows)))
    assert int(got[3]["theme_id"]) == -1
    assert (out / "themes.json").is_file()
    assert result["n_themes"] >= 3
    for theme in result["themes"]:
        for quote in theme["representative_quotes"]:
            assert rows[quote["row"]]["comment"] == quote["text"]
    # A filter that keeps only even rows: the rest come out -1.
    out2 = tmp_path / "out2"
    cluster_csv(
        src,
        "comment",
        out2,
        embedder=embedder,
        statement_filter=lambda t, _vectors: np.arange(len(t)) % 2 == 0,
        model=ThemeModel(hierarchy=False),
    )
    with (out2 / "assignments.csv").open() as handle:
        got2 = [int(r["theme_id"]) for r in csv.DictReader(handle)]
    assert len(got2) == len(rows)
    nonblank = [i for i, r in enumerate(rows) if r["comment"].strip()]
    dropped = nonblank[1::2] + [3]  # odd non-blank rows (the filter's choice) and the blank row
    assert all(got2[i] == -1 for i in dropped)
    assert sum(v >= 0 for v in got2) >= 0.9 * len(nonblank[::2])


def test_cluster_csv_missing_column_is_clear(tmp_path, embedder):
    src = tmp_path / "in.csv"
    src.write_text("id,comment\n1,hello there\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns found: 'id', 'comment'"):
        cluster_csv(src, "text", tmp_path / "out", embedder=embedder)


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="aligned"):
        ThemeModel().fit(np.ones((3, 4), np.float32), ["a", "b"])
    with pytest.raises(ValueError, match="2-D"):
        ThemeModel().fit(np.ones(4, np.float32), ["a"])
    with pytest.raises(ValueError, match="seed_embeddings"):
        ThemeModel(seed_topics=["x"]).fit(np.eye(4, dtype=np.float32), list("abcd"))


def test_knn_is_exact():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    idx, sim = knn_cosine(x, 5, block=64)
    full = x @ x.T
    np.fill_diagonal(full, -np.inf)
    expected = np.argsort(-full, axis=1, kind="stable")[:, :5]
    assert np.array_equal(np.sort(idx, axis=1), np.sort(expected, axis=1))
    assert np.allclose(sim[:, 0], full.max(axis=1), atol=1e-6)


def test_key_phrases_are_adjacent_words_within_a_clause():
    from insightminer.themes.labels import key_phrases

    phrases = key_phrases(
        "The mobile app is barely usable. Values are out of date in Relay, duplicate accounts!"
    )
    assert "mobile app" in phrases and "duplicate accounts" in phrases
    # Stop words between two content words, or a clause break, never make a phrase.
    assert "app barely" not in phrases and "usable values" not in phrases and "date relay" not in phrases
    assert "um" not in key_phrases("um, the, uh, sync")
