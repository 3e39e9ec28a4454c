"""Readable theme labels: c-TF-IDF key phrases and central-but-diverse representative quotes.

c-TF-IDF (as in BERTopic) treats each theme's statements as one document and scores a phrase by how
frequent it is in the theme relative to how many themes use it. Labels then keep only phrases whose
word stems do not repeat ("card" / "cards"), so a label reads as 2-3 distinct ideas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


# A clause boundary inside a sentence: punctuation, or a conjunction that starts a new thought.
_LABEL_CLAUSE = re.compile(
    r"\s*(?:[,;:()\[\]\"“”]|\s[-\u2013\u2014]+\s|\.\.\.|…|[.!?]+(?=\s|$))\s*"
    r"|\s+(?=(?:and then|but|because|so that|so|which|although|though|whereas|while)\b)",
    re.IGNORECASE,
)
# Spoken openers that say nothing about the problem; stripped from the start of a candidate label.
_OPENERS = re.compile(
    r"^(?:(?:um+|uh+|er+|oh|ah|well|so|and|but|or|then|also|like|yeah|yes|okay|ok|right|honestly|"
    r"basically|actually|really|just|anyway|look|i mean|you know|i guess|i think|i'd say|i would say|"
    r"to be honest|to be fair|the thing is|the problem is|the issue is|the biggest problem is|"
    r"the big one is|my biggest complaint is|that's the problem|that's the thing|here's the thing|frankly|"
    r"again|because|which|though|although|while)\b[\s,.]*)+",
    re.IGNORECASE,
)
_INNER_FILLER = re.compile(
    r"\b(?:um+|uh+|like,|you know,|i mean,|kind of|sort of|basically)\s*", re.IGNORECASE
)


def label_clauses(text: str) -> list[str]:
    """The clauses of a quote, cleaned of spoken openers and filler, as label candidates."""
    out = []
    for part in _LABEL_CLAUSE.split(text):
        if not part:
            continue
        clause = _INNER_FILLER.sub("", _OPENERS.sub("", part.strip())).strip(" ,.;:-\u2013\u2014")
        clause = re.sub(r"\s{2,}", " ", clause)
        if clause:
            out.append(clause)
    return out


# Words that say something went wrong: a pain's label should name the problem, not just the topic.
PROBLEM_CUES = frozenset(
    """
    cant cannot couldnt doesnt dont didnt isnt wasnt wont never no not nobody nothing without
    broken breaks broke fails failed failing failure crash crashes crashed freezes froze error errors
    wrong missing lost lose loses losing stuck slow slower late delay delayed delays wait waiting
    manual manually twice duplicate duplicates duplicated overwrite overwrites overwritten stale
    confusing hard difficult impossible expensive costly painful nightmare mess messy problem problems
    issue issues bug bugs worse worst fix fixing hours days weeks months again every always unreliable
    blocked blocks stops stopped drops dropped keeps kicks logs
    """.split()
)
# A label that opens with one of these is a fragment ("At that per-seat price", "Once from HubSpot").
_FRAGMENT_OPENERS = frozenset(
    "at in on for with from to of once when if then than as by about into after before until".split()
)
_VAGUE_SUBJECTS = frozenset("it that this they them there these those which what".split())


def label_candidates(quotes: list[str], *, min_words: int = 3, max_words: int = 8) -> list[str]:
    """Clauses of the quotes, and pairs of adjacent clauses, that are 3-8 words long."""
    out: list[str] = []
    seen: set[str] = set()
    for quote in quotes:
        clauses = label_clauses(quote)
        spans = clauses + [f"{a}, {b}" for a, b in zip(clauses, clauses[1:])]
        for span in spans:
            key = span.lower()
            if min_words <= len(span.split()) <= max_words and key not in seen:
                seen.add(key)
                out.append(span)
    return out


def _label_tokens(text: str) -> list[str]:
    return [w.replace("'", "").replace("\u2019", "") for w in re.findall(r"[a-z][a-z'\u2019]*", text.lower())]


def label_prior(candidate: str, problem: bool) -> float:
    """Form of a candidate label, before meaning: says what goes wrong (for pains), is not a fragment
    opening with a preposition ("At that per-seat price") or a bare pronoun ("It just freezes")."""
    tokens = _label_tokens(candidate)
    if not [w for w in tokens if w not in STOP_WORDS]:
        return -1.0
    score = 0.0
    if problem and any(w in PROBLEM_CUES for w in tokens):
        score += 0.06
    if tokens and tokens[0] in _FRAGMENT_OPENERS:
        score -= 0.08
    if tokens and tokens[0] in _VAGUE_SUBJECTS:
        score -= 0.04
    return score


def finding_label(
    quotes: list[str],
    keywords: list[str],
    centroid: np.ndarray | None = None,
    encode: Callable[[list[str]], np.ndarray] | None = None,
    *,
    problem: bool = True,
    candidates: int = 6,
) -> str:
    """A short label in customers' words (3-8 words): the clause of the most central quotes that is
    closest in meaning to the theme ("I'll find the same opportunity showing up twice").

    `quotes` come most central first; candidates are their clauses and adjacent clause pairs. With
    `encode` and the theme's `centroid`, a candidate scores by its cosine to the centroid plus a small
    prior for its form (`label_prior`); without them, by the key phrases it contains. Falls back to
    the key phrases when no clause qualifies.
    """
    pool = label_candidates(quotes[:candidates])
    if not pool:
        return make_label(keywords)
    priors = np.array([label_prior(c, problem) for c in pool])
    if encode is not None and centroid is not None:
        vectors = np.asarray(encode(pool), dtype=np.float64)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        c = np.asarray(centroid, dtype=np.float64)
        meaning = vectors @ (c / max(np.linalg.norm(c), 1e-12))
    else:
        top = [phrase_stems(k) for k in keywords[:8]]
        meaning = np.array(
            [
                0.1
                * sum(
                    1.0 / (1 + i)
                    for i, ks in enumerate(top)
                    if ks and ks <= {stem(w) for w in _label_tokens(c)}
                )
                for c in pool
            ]
        )
    score = np.round(meaning + priors, 6)
    best = int(np.argmax(score))  # first of equals: the most central quote's clause
    if priors[best] <= -1.0:
        return make_label(keywords)
    label = pool[best]
    return label[0].upper() + label[1:]
