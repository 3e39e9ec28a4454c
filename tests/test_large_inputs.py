"""Large inputs stay linear and bounded: the sentence cutter, passages, and the themes' split rows.

Each bounded path is checked against the plain one it replaces (same spans, same cohesion, the same
products to float32 rounding and the same themes), not against a clock.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from insightminer.themes.split_rows import SplitRows

# -- sentences: a long run without punctuation ---------------------------------------------------


def _recursive_cut(text: str, start: int, end: int, cap: int) -> list[tuple[int, int]]:
    """The cutter before it was made linear (re-tokenises every remainder): the reference."""
    from insightminer.text.sentences import _CONJUNCTIONS, _PUNCT_BREAK, _WORD, MIN_PIECE_WORDS, _strip

    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    if len(words) <= cap:
        return [(start, end)]
    middle = len(words) / 2
    best = None
    for i in range(MIN_PIECE_WORDS, len(words) - MIN_PIECE_WORDS + 1):
        prev = text[words[i - 1][0] : words[i - 1][1]]
        word = text[words[i][0] : words[i][1]].lower().strip(",.;:")
        if _PUNCT_BREAK.search(prev):
            cost = abs(i - middle)
        elif word in _CONJUNCTIONS:
            cost = abs(i - middle) + 2.0
        else:
            continue
        if best is None or cost < best[0]:
            best = (cost, i)
    i = cap if best is None else best[1]
    cut = words[i][0]
    left = _strip(text, start, cut)
    return _recursive_cut(text, *left, cap) + _recursive_cut(text, cut, end, cap)


def test_linear_cutter_gives_the_recursive_cutters_spans():
    from insightminer.text.sentences import _cut_long, _strip

    rng = random.Random(7)
    vocab = "alpha beta gamma and but so, then; x: - — delta, or plus epsilon zeta eta".split()
    plain = ["p", "q", "r"]
    for _ in range(400):
        n = rng.choice([5, 41, 60, 150, 400])
        pool = rng.choice([vocab, plain])
        words = [rng.choice(pool) for _ in range(n)]
        words[rng.randrange(n)] = rng.choice(vocab)
        text = " " + "".join(w + rng.choice([" ", "  ", "\n"]) for w in words)
        start, end = _strip(text, 0, len(text))
        for cap in (8, 17, 40):
            assert _cut_long(text, start, end, cap) == _recursive_cut(text, start, end, cap)


def test_a_huge_line_without_punctuation_is_cut_at_the_cap():
    from insightminer.text.sentences import MAX_SENTENCE_WORDS, split_sentences

    line = " ".join(f"word{i % 97}" for i in range(60_000))  # no punctuation, no conjunction
    pieces = split_sentences(line)  # was one recursion level per 40 words (RecursionError, gigabytes)
    assert len(pieces) == 60_000 // MAX_SENTENCE_WORDS
    assert all(len(p.split()) == MAX_SENTENCE_WORDS for p in pieces)
    assert " ".join(pieces) == line


# -- passages: cohesion a window at a time -------------------------------------------------------


def test_windowed_cohesion_equals_whole_document_cohesion():
    from insightminer.themes.passages import _doc_cohesion, _unit, gap_cohesion

    rng = np.random.default_rng(0)
    emb = rng.normal(size=(300, 16)).astype(np.float32)
    rows = sorted(rng.choice(300, size=257, replace=False).tolist())
    whole = gap_cohesion(_unit(np.asarray(emb, dtype=np.float64)[rows]), 2)
    for window in (1, 5, 64, 10_000):
        assert np.array_equal(_doc_cohesion(emb, rows, 2, window=window), whole)


# -- themes: [embedding | key phrases] rows kept apart -------------------------------------------


def _split_and_dense(seed: int = 0, n: int = 120, d0: int = 8, d1: int = 40):
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, d0)).astype(np.float32)
    sparse = rng.random((n, d1)) * (rng.random((n, d1)) < 0.1)
    sparse = sparse.astype(np.float32)
    return SplitRows(dense, csr_matrix(sparse)), np.hstack([dense, sparse])


def test_split_rows_products_and_rows_match_the_dense_matrix():
    x, full = _split_and_dense()
    rng = np.random.default_rng(1)
    v, m = rng.normal(size=full.shape[1]), rng.normal(size=(full.shape[1], 5))
    assert x.shape == full.shape and len(x) == len(full)
    np.testing.assert_allclose(x @ v, full @ v, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x @ m, full @ m, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x[:30] @ x.T, full[:30] @ full.T, rtol=1e-5, atol=1e-5)
    mask = rng.random(len(full)) < 0.5
    np.testing.assert_allclose(x[mask] @ v, full[mask] @ v, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x[[3, 1, 3]] @ v, full[[3, 1, 3]] @ v, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(x[7], full[7])
    assert x[[]].shape == (0, full.shape[1])
    onehot = csr_matrix((np.ones(len(full), np.float32), (np.arange(len(full)) % 4, np.arange(len(full)))))
    np.testing.assert_allclose(x.__rmatmul__(onehot), onehot @ full, rtol=1e-5, atol=1e-5)
    table, index = full[:7], np.arange(len(full)) % 7
    np.testing.assert_allclose(
        x.rowwise_dot(table, index), np.einsum("ij,ij->i", full, table[index]), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(x.row_norms(), np.linalg.norm(full, axis=1), rtol=1e-6)
    with pytest.raises(TypeError):
        np.asarray(x)  # never densified behind the caller's back


def test_with_lexical_split_holds_the_dense_values():
    from insightminer.themes.study import with_lexical

    rng = random.Random(3)
    nouns = "export sync invoice approval login reminder pricing dashboard".split()
    texts = [
        f"the {rng.choice(nouns)} {rng.choice(nouns)} keeps failing on {rng.choice(nouns)}" for _ in range(60)
    ]
    vectors = np.random.default_rng(4).normal(size=(60, 12)).astype(np.float32)
    dense = with_lexical(vectors, texts, 0.2)
    split = with_lexical(vectors, texts, 0.2, dense_cells=0)
    assert isinstance(split, SplitRows) and isinstance(dense, np.ndarray)
    rebuilt = np.hstack([split.dense, split.sparse.toarray()])
    np.testing.assert_allclose(rebuilt, dense, rtol=1e-6, atol=1e-7)


def test_themes_on_split_rows_equal_themes_on_the_dense_matrix():
    from insightminer.themes.clustering import ThemeModel

    rng = np.random.default_rng(5)
    centres = rng.normal(size=(6, 24))
    labels = rng.integers(0, 6, size=600)
    dense_part = (centres[labels] + 0.35 * rng.normal(size=(600, 24))).astype(np.float32)
    lexical = np.zeros((600, 60), np.float32)
    for i, lab in enumerate(labels):  # each theme's own phrases, plus noise phrases
        lexical[i, rng.choice(10, size=2, replace=False) + 10 * lab] = 1.0
    lexical /= np.linalg.norm(lexical, axis=1, keepdims=True)
    unit = dense_part / np.linalg.norm(dense_part, axis=1, keepdims=True)
    full = np.hstack([np.sqrt(0.8) * unit, np.sqrt(0.2) * lexical]).astype(np.float32)
    split = SplitRows(full[:, :24], csr_matrix(full[:, 24:]))
    texts = [f"statement {i}" for i in range(600)]
    a = ThemeModel(random_state=0).fit(full, texts)
    b = ThemeModel(random_state=0).fit(split, texts)
    assert np.array_equal(a.labels_, b.labels_)
    assert [t.member_indices for t in a.themes_] == [t.member_indices for t in b.themes_]
    assert [t.representative_indices for t in a.themes_] == [t.representative_indices for t in b.themes_]
    np.testing.assert_allclose(a.centroids_, b.centroids_, atol=1e-5)


# -- encoders: long batches run a bounded number of tokens at a time -----------------------------


def test_bounded_model_calls_give_the_same_vectors(monkeypatch):
    import insightminer.text.encoders as encoders
    from insightminer.model_registry import resolve_embedding_model

    sentence = "The export to the CRM failed again on Monday and we rebuilt the report by hand."
    texts = [" ".join([sentence] * (1 + i % 9)) for i in range(40)]  # up to ~180 tokens
    encoder = encoders.SentenceEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend="auto")
    monkeypatch.setattr(encoders, "MAX_BATCH_TOKENS", 1_000_000)
    assert len(encoders.token_batches(encoder._tokens.tokenize.encode(texts), 32)) == 2  # 32 + 8 rows
    whole = encoder.encode(texts, batch_size=32)
    monkeypatch.setattr(encoders, "MAX_BATCH_TOKENS", 300)  # one or two texts per model call
    assert len(encoders.token_batches(encoder._tokens.tokenize.encode(texts), 32)) > 10
    bounded = encoder.encode(texts, batch_size=32)
    assert np.abs(whole - bounded).max() < 1e-5


def test_long_texts_run_fewer_rows_per_call_and_statements_as_before():
    from insightminer.text.encoders import rows_per_call

    assert rows_per_call(20, 64) == 64 and rows_per_call(64, 64) == 64  # statements: the batch size
    assert rows_per_call(128, 64) == 32 and rows_per_call(256, 64) == 16  # passages: token-bound
    assert rows_per_call(8192, 64) == 1 and rows_per_call(0, 64) == 64
