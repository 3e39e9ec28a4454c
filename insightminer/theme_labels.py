"""Readable theme labels: c-TF-IDF key phrases and central-but-diverse representative quotes.

c-TF-IDF (as in BERTopic) treats each theme's statements as one document and scores a phrase by how
frequent it is in the theme relative to how many themes use it. Labels then keep only phrases whose
word stems do not repeat ("card" / "cards"), so a label reads as 2-3 distinct ideas.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

# Conversation filler that carries no topic: interview transcripts are full of these. The
# contraction stems ("wasn", "didn") are what the tokenizer leaves of "wasn't", "didn't".
FILLER_WORDS = frozenset(
    """
    um uh umm uhm hmm mm mhm ah oh yeah yes yep ok okay like just really actually basically kind sort
    gonna wanna gotta know mean think guess thing things stuff lot lots pretty maybe right well
    literally totally honestly probably definitely anyway im ive dont cant doesnt didnt isnt wasnt
    youre theyre thats theres whats hey hi hello thanks thank please sure got get getting use using
    want need does did doing going make way able bit possible ago
    wasn isn didn doesn don aren couldn shouldn wouldn haven hasn hadn weren won ll ve re
    wanted wants say says said saying tell tells told ask asked asking come came comes goes went
    look looked looking feel felt try tried trying start started stop stopped person people
    """.split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | FILLER_WORDS
_TOKEN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b")
# Phrases never span a clause: "out of date. Relay" must not yield "date relay".
_CLAUSE = re.compile(r"[.!?;:,()\[\]\"\n]+|\s[-\u2013\u2014]+\s")


def key_phrases(text: str) -> list[str]:
    """Candidate key phrases of a text: content words and two-word phrases of ADJACENT content words.

    Removing stop words before forming bigrams (CountVectorizer's stop_words) glues words that
    never stood together ("app is barely usable" -> "app barely"); here a bigram needs both words
    side by side in one clause, as in KeyBERT's and YAKE's candidates.
    """
    out: list[str] = []
    for clause in _CLAUSE.split(text.lower()):
        words = _TOKEN.findall(clause)
        content = [w not in STOP_WORDS for w in words]
        out.extend(w for w, keep in zip(words, content) if keep)
        out.extend(
            f"{a} {b}" for a, b, ka, kb in zip(words, words[1:], content, content[1:]) if ka and kb and a != b
        )
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A tiny, deterministic suffix stripper: enough to see that "cards" and "card" are one idea."""
    w = word.lower()
    for suffix in ("ingly", "edly", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix in ("ies", "ied"):
                w += "y"
            break
    # "charged"/"charge" and "double"/"doubled": drop a trailing e so both reduce to one stem.
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


@lru_cache(maxsize=200_000)
def phrase_stems(phrase: str) -> frozenset[str]:
    return frozenset(stem(w) for w in phrase.split())


def ctfidf_keywords(
    texts: list[str],
    groups: list[list[int]],
    top_n: int = 10,
    max_docs_per_group: int = 2000,
    bigram_ratio: float = 0.5,
) -> list[list[str]]:
    """Top c-TF-IDF phrases (1-2 grams) per group of text indices, near-duplicate phrases removed.

    Each group is capped at `max_docs_per_group` texts (the first ones given; callers pass the most
    central first), which keeps labelling linear and bounded at any corpus size.
    """
    docs = []
    for members in groups:
        docs.append(" \n ".join(texts[i] for i in members[:max_docs_per_group]))
    if not groups:
        return []
    vectorizer = CountVectorizer(analyzer=key_phrases)
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:  # every group is stop words only
        return [[] for _ in groups]
    vocab = vectorizer.get_feature_names_out()
    counts = counts.tocsr().astype(np.float64)
    tf = counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1.0)).tocsr()
    term_freq = np.asarray(counts.sum(axis=0)).ravel()
    avg_words = counts.sum() / max(len(groups), 1)
    idf = np.log1p(avg_words / np.maximum(term_freq, 1.0))
    scores = tf.multiply(idf).tocsr()
    out: list[list[str]] = []
    for g in range(len(groups)):
        row = scores.getrow(g)
        if row.nnz == 0:
            out.append([])
            continue
        # Only the best few hundred phrases can matter; sort those by score desc, then phrase text,
        # so ties never depend on hash order.
        data, cols = row.data, row.indices
        if len(data) > top_n * 40:
            top = np.argpartition(-data, top_n * 40 - 1)[: top_n * 40]
            data, cols = data[top], cols[top]
        order = sorted(zip((-data).tolist(), vocab[cols].tolist()))
        chosen: list[str] = []
        chosen_stems: list[frozenset[str]] = []
        chosen_scores: list[float] = []
        for neg_score, phrase in order[: top_n * 20]:
            st = phrase_stems(phrase)
            if len(st) < len(phrase.split()):  # "card cards": one idea said twice
                continue
            covered = [j for j, c in enumerate(chosen_stems) if st <= c or c <= st]
            if covered:
                # A two-word phrase that extends a chosen word and is nearly as distinctive reads
                # better ("crm sync" rather than "crm"): it takes that word's place.
                j = covered[0]
                if (
                    len(covered) == 1
                    and len(st) > len(chosen_stems[j])
                    and -neg_score >= bigram_ratio * chosen_scores[j]
                    and not any(st & c for i, c in enumerate(chosen_stems) if i != j)
                ):
                    chosen[j], chosen_stems[j] = str(phrase), st
                continue
            if len(chosen) >= top_n:
                continue
            chosen.append(str(phrase))
            chosen_stems.append(st)
            chosen_scores.append(-neg_score)
        out.append(chosen)
    return out


def make_label(keywords: list[str], max_phrases: int = 3) -> str:
    """Join the best key phrases whose stems do not overlap: "card arrival / delivery time"."""
    parts: list[str] = []
    used: set[str] = set()
    for phrase in keywords:
        st = phrase_stems(phrase)
        if st & used:
            continue
        parts.append(phrase)
        used |= st
        if len(parts) >= max_phrases:
            break
    return " / ".join(parts) if parts else "misc"


def mmr_representatives(
    member_embeddings: np.ndarray,
    centroid: np.ndarray,
    texts: list[str],
    n: int = 5,
    diversity: float = 0.3,
    candidates: int = 200,
) -> list[int]:
    """Pick up to n members (positions into member_embeddings) by maximal marginal relevance.

    Relevance is cosine to the theme centroid; diversity penalises similarity to quotes already
    picked, and exact-duplicate texts are skipped so the quotes say different things.
    """
    if len(member_embeddings) == 0:
        return []
    relevance = member_embeddings @ centroid
    # Most central first; stable sort so equal scores keep member order.
    pool = np.argsort(-relevance, kind="stable")[:candidates]
    chosen: list[int] = []
    seen_text: set[str] = set()
    max_sim = np.full(len(pool), -1.0, dtype=np.float64)
    available = np.ones(len(pool), dtype=bool)
    while len(chosen) < n and available.any():
        score = (1.0 - diversity) * relevance[pool] - diversity * np.where(max_sim < -0.5, 0.0, max_sim)
        score = np.where(available, score, -np.inf)
        best = int(np.argmax(score))
        available[best] = False
        idx = int(pool[best])
        key = _norm_text(texts[idx])
        if key in seen_text:
            continue
        seen_text.add(key)
        chosen.append(idx)
        max_sim = np.maximum(max_sim, member_embeddings[pool] @ member_embeddings[idx])
    return chosen


def _norm_text(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()
