"""Theme / persona / report summaries of emotions and motivators: counts of confident labels."""

from __future__ import annotations

from insightminer.classify.signals import EMOTION_NOTE, MOTIVATOR_NOTE, describe, summarise_signals
from insightminer.schema import Statement


def _st(i: int, doc: str, emotions: dict | None = None, motivators: dict | None = None) -> Statement:
    return Statement(
        statement_id=f"{doc}:{i}:0",
        doc_id=doc,
        speaker="Customer",
        role="customer",
        text=f"statement {i} of {doc}",
        emotions=emotions or {"neutral": 0.9},
        motivators=motivators or {},
    )


def test_counts_statements_and_interviews_with_quotes():
    statements = [
        _st(0, "a", {"annoyance": 0.8}, {"feel_secure": 0.9}),
        _st(1, "a", {"anger": 0.7, "annoyance": 0.6}, {"feel_secure": 0.8}),
        _st(2, "b", {"disapproval": 0.6}, {"feel_secure": 0.75}),
        _st(3, "c", {"gratitude": 0.9}),
        _st(4, "c"),
        _st(5, "d"),
    ]
    sig = summarise_signals(statements)
    assert (sig["statements"], sig["interviews"]) == (6, 4)
    emotions = sig["emotions"]
    assert emotions["with_signal"] == 4 and emotions["note"] is None
    # One label per statement (its strongest): three anger-group statements, in two interviews.
    [anger] = emotions["labels"]  # joy has one statement: below the listing minimum
    assert (anger["label"], anger["statements"], anger["interviews"]) == ("anger", 3, 2)
    assert anger["detail"] == {"annoyance": 1, "anger": 1, "disapproval": 1}
    # Strongest quote first, one per interview before a second from the same one.
    assert [q["statement_id"] for q in anger["quotes"]] == ["a:0:0", "b:2:0", "a:1:0"]
    [secure] = sig["motivators"]["labels"]
    assert (secure["label"], secure["statements"], secure["interviews"]) == ("feel_secure", 3, 2)
    assert describe(sig["motivators"], 6) == ["feel secure — 3 of 6 statements (2 interviews)"]


def test_too_little_signal_says_so():
    statements = [_st(0, "a", {"joy": 0.9}, {"thrill": 0.8}), _st(1, "b"), _st(2, "c")]
    sig = summarise_signals(statements, [0, 1, 2])
    assert sig["emotions"] == {"with_signal": 1, "labels": [], "note": EMOTION_NOTE}
    assert sig["motivators"]["note"] == MOTIVATOR_NOTE
    assert describe(sig["emotions"], 3) == [EMOTION_NOTE]


def test_neutral_and_none_never_count_and_indices_select():
    statements = [
        _st(0, "a", {"neutral": 0.99}),
        _st(1, "b", {"annoyance": 0.9}),
        _st(2, "b", {"annoyance": 0.8}),
    ]
    sig = summarise_signals(statements, [0])
    assert sig["statements"] == 1 and sig["emotions"]["with_signal"] == 0
    assert summarise_signals(statements, [1, 2])["emotions"]["labels"][0]["statements"] == 2
