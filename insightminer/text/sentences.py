"""Sentence boundaries in speech transcripts, as character spans.

Boundaries come from sentencex (Wikimedia's rule-based segmenter: abbreviations like "Dr." and
"U.S.", decimals, ellipses, quotes; compiled, so it costs next to nothing per turn). Speech-to-text
output often has long runs with no punctuation at all; those are cut at a length cap on clause
boundaries (a comma, a semicolon, a dash, else a conjunction such as "and" / "but" / "so"), nearest
the middle, so no statement carries several topics only because the recogniser left out the full stops.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

import sentencex

#: Sentences longer than this (in words) are cut on clause boundaries.
MAX_SENTENCE_WORDS = 40
#: Pieces a long sentence is cut into are at least this long (in words).
MIN_PIECE_WORDS = 8

_WORD = re.compile(r"\S+")
_PUNCT_BREAK = re.compile(r"[,;:]$|^[-–—]+$")
_CONJUNCTIONS = frozenset("and but so because then which although though whereas while cause plus or".split())


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in sentencex.segment("en", text):
        # sentencex returns consecutive pieces of the input; locate each to be safe about whitespace.
        at = text.find(piece, pos)
        if at < 0:  # should not happen; fall back to the whole rest as one sentence
            spans.append((pos, len(text)))
            pos = len(text)
            break
        spans.append((at, at + len(piece)))
        pos = at + len(piece)
    if pos < len(text):
        spans.append((pos, len(text)))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int, cap: int) -> list[tuple[int, int]]:
    """Cut [start, end) into pieces of <= cap words at clause boundaries nearest the middle.

    The words and the clause boundaries are found once for the whole span and the halves are cut on
    word indices, so a 1 MB run without punctuation costs linear time and memory (re-tokenising
    each remainder made it quadratic: gigabytes and minutes for one such line).
    """
    words = [m.span() for m in _WORD.finditer(text, start, end)]
    if len(words) <= cap:
        return [(start, end)]
    # Clause boundaries, as the index of the first word of the second piece and its extra cost.
    bounds: list[int] = []
    extra: list[float] = []
    for i in range(1, len(words)):
        if _PUNCT_BREAK.search(text[words[i - 1][0] : words[i - 1][1]]):
            bounds.append(i)
            extra.append(0.0)
        elif text[words[i][0] : words[i][1]].lower().strip(",.;:") in _CONJUNCTIONS:
            bounds.append(i)
            extra.append(2.0)  # prefer punctuation a little
    out: list[tuple[int, int]] = []
    # Pieces still to cut, as (first word, one past the last word, start, end); the left piece is
    # taken first so the spans come out in text order.
    todo = [(0, len(words), start, end)]
    while todo:
        lo, hi, a, b = todo.pop()
        n = hi - lo
        if n <= cap:
            out.append((a, b))
            continue
        middle = n / 2
        best: tuple[float, int] | None = None  # (cost, index of the first word of the second piece)
        for k in range(bisect_left(bounds, lo + MIN_PIECE_WORDS), bisect_right(bounds, hi - MIN_PIECE_WORDS)):
            cost = abs(bounds[k] - lo - middle) + extra[k]
            if best is None or cost < best[0]:
                best = (cost, bounds[k])
        if best is None:  # no clause boundary at all: cut at the cap (every remainder has none either)
            while hi - lo > cap:
                cut = words[lo + cap][0]
                out.append(_strip(text, a, cut))
                lo, a = lo + cap, cut
            out.append((a, b))
            continue
        i = best[1]
        cut = words[i][0]
        todo.append((i, hi, cut, b))
        todo.append((lo, i, *_strip(text, a, cut)))
    return out


def sentence_spans(text: str, max_words: int = MAX_SENTENCE_WORDS) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of ``text``, long ones cut on clause boundaries."""
    out: list[tuple[int, int]] = []
    for start, end in _sentence_spans(text):
        out.extend(_cut_long(text, start, end, max_words))
    return out


def split_sentences(text: str, max_words: int = MAX_SENTENCE_WORDS) -> list[str]:
    """The sentences of ``text`` (see sentence_spans)."""
    return [text[a:b] for a, b in sentence_spans(text, max_words)]
