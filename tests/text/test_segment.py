"""Roles (customer vs interviewer/rep) and statement segmentation."""

from __future__ import annotations

from insightminer.schema import Transcript, Utterance
from insightminer.text.roles import assign_roles, role_from_label
from insightminer.text.segment import is_backchannel, segment_transcript


def _t(*turns, doc_id="d1"):
    return Transcript(doc_id, "memory", [Utterance(s, t) for s, t in turns])


def test_role_labels():
    assert role_from_label("Interviewer") == "interviewer"
    assert role_from_label("Q") == "interviewer" and role_from_label("A") == "customer"
    assert role_from_label("AE") == "interviewer" and role_from_label("Sales Rep 2") == "interviewer"
    assert role_from_label("Dana (Customer)") == "customer"
    assert role_from_label("Priya - Interviewer") == "interviewer"
    assert role_from_label("Maria Lopez") == "unknown"


def test_heuristic_finds_the_interviewer_among_named_speakers():
    t = _t(
        ("Tom Becker", "How do you handle forecasting today?"),
        ("Maria Lopez", "We mostly do it in spreadsheets, and our team hates it because the numbers drift."),
        ("Tom Becker", "What happens when the numbers drift? Can you walk me through last quarter?"),
        (
            "Maria Lopez",
            "We had to redo the whole board deck. I spent a weekend on it, my manager was upset.",
        ),
        ("Tom Becker", "Got it. And who else on your team touches the forecast?"),
        ("Maria Lopez", "Our two regional leads, and finance checks it at the end of every month."),
    )
    roles = assign_roles(t)
    assert roles == {"Maria Lopez": "customer", "Tom Becker": "interviewer"}
    assert all(u.role == roles[u.speaker] for u in t.utterances)


def test_overrides_and_explicit_roles_win():
    t = _t(("SPEAKER_00", "What do you think?"), ("SPEAKER_01", "I think our data is a mess honestly."))
    assert assign_roles(t, customer_speakers=["speaker_00"])["SPEAKER_00"] == "customer"
    t2 = Transcript(
        "d", "m", [Utterance("Bob", "Tell me more?", role="customer"), Utterance("Ann", "Sure thing.")]
    )
    assert assign_roles(t2)["Bob"] == "customer"


def test_backchannel_and_filler_are_dropped():
    assert (
        is_backchannel("Yeah.")
        and is_backchannel("Mm-hmm, right, right.")
        and is_backchannel("Okay, got it.")
    )
    assert not is_backchannel("Yeah, the export is broken.")
    t = _t(
        ("Interviewer", "What gets in your way?"),
        ("Customer", "Mm-hmm."),
        (
            "Customer",
            "Um, so the export is broken. "
            "Every week I rebuild the report by hand in Excel, which takes hours.",
        ),
        ("Interviewer", "Right, right."),
    )
    statements = segment_transcript(t)
    texts = [s.text for s in statements]
    assert texts == [
        "The export is broken.",
        "Every week I rebuild the report by hand in Excel, which takes hours.",
    ] or (
        texts
        == ["The export is broken. Every week I rebuild the report by hand in Excel, which takes hours."]
    )
    assert all(s.role == "customer" and s.speaker == "Customer" for s in statements)
    assert statements[0].statement_id == "d1:2:0"


def test_timestamps_are_interpolated_within_a_turn():
    t = Transcript(
        "d2",
        "m",
        [
            Utterance("Interviewer", "Tell me about pricing?", 0.0, 4.0),
            Utterance(
                "Customer",
                "The per-seat price doubled at renewal and nobody warned us. "
                "We now ration logins across the team, which is absurd.",
                4.0,
                14.0,
            ),
        ],
    )
    first, second = segment_transcript(t)
    assert first.start == 4.0 and 4.0 < second.start < 14.0 and second.end <= 14.0
    assert first.end <= second.start + 0.5


def _texts(*turns):
    return [s.text for s in segment_transcript(_t(("Interviewer", "What do you use it for?"), *turns))]


def test_a_turn_with_two_topics_becomes_two_statements():
    texts = _texts(
        (
            "Customer",
            "Sure. So mostly for pipeline reviews. The biggest problem is the sync with Salesforce, "
            "it duplicates contacts every week.",
        )
    )
    assert texts == [
        "Mostly for pipeline reviews.",
        "The biggest problem is the sync with Salesforce, it duplicates contacts every week.",
    ]


def test_backchannel_drops_and_fragments_attach():
    texts = _texts(
        ("Customer", "Right."),
        ("Customer", "Yeah, exactly. The export breaks on large files. And every week. So."),
        ("Interviewer", "What else?"),
        ("Customer", "Honestly? The approvals get stuck with the plant managers for days."),
    )
    assert texts == [
        "The export breaks on large files. And every week.",
        "Honestly? The approvals get stuck with the plant managers for days.",
    ]


def test_abbreviations_decimals_ellipses_and_questions():
    from insightminer.text.sentences import split_sentences

    assert split_sentences(
        "Dr. Smith at the U.S. office moved to version 3.5 last year. It costs $4.50 a seat... "
        "which is a lot! Why does it break every Monday? Nobody knows."
    ) == [
        "Dr. Smith at the U.S. office moved to version 3.5 last year.",
        "It costs $4.50 a seat... which is a lot!",
        "Why does it break every Monday?",
        "Nobody knows.",
    ]


def test_unpunctuated_speech_to_text_is_cut_on_clause_boundaries():
    from insightminer.text.sentences import MAX_SENTENCE_WORDS, split_sentences

    run = (
        "so we tried the sync for a month and it duplicated our contacts every single week and somebody "
        "on the team had to clean it up by hand every friday afternoon but then the managers stopped "
        "trusting the numbers because the forecast never matched what finance had in the spreadsheet "
        "so in the end we went back to exporting everything to excel"
    )
    pieces = split_sentences(run)
    assert len(pieces) >= 2 and all(len(p.split()) <= MAX_SENTENCE_WORDS for p in pieces)
    assert " ".join(pieces) == run
    # every cut is at a conjunction, never mid-phrase
    assert all(p.split()[0] in {"and", "but", "so", "because", "then"} for p in pieces[1:])


def test_statements_keep_their_turn_and_word_times_when_known():
    turn = Utterance(
        "Customer",
        "The invoices wait for days. Nobody knows who has to approve them next.",
        10.0,
        20.0,
    )
    t = Transcript("d3", "m", [Utterance("Interviewer", "What goes wrong?", 0.0, 9.0), turn])
    first, second = segment_transcript(t)
    assert first.context == second.context == turn.text and first.turn_index == second.turn_index == 1
    assert first.start == 10.0 and 13.0 < second.start < 15.0  # by characters
    # with word times (one per word), statement times come from the words
    words = [{"start": 10.0 + i, "end": 10.5 + i} for i in range(len(turn.text.split()))]
    turn.words = words  # the optional hook speech-to-text fills
    turn.role = "unknown"
    first, second = segment_transcript(t)
    assert (first.start, first.end) == (10.0, 14.5) and (second.start, second.end) == (15.0, 22.5)


def test_a_sentence_cut_across_two_cues_is_one_statement_with_both_times():
    t = Transcript(
        "d4",
        "m",
        [
            Utterance("Interviewer", "What goes wrong?", 0.0, 2.0),
            Utterance("Customer", "The sync posts every bill twice and then", 2.0, 5.0),
            Utterance("Customer", "finance pays it twice. Approvals also wait for days on end.", 5.0, 9.0),
        ],
    )
    first, second = segment_transcript(t)
    assert first.text == "The sync posts every bill twice and then finance pays it twice."
    assert (first.start, first.statement_id) == (2.0, "d4:1:0") and 5.0 < first.end < 7.0
    assert second.statement_id == "d4:2:0" and second.end == 9.0
    assert first.turn_index == second.turn_index == 1 and first.context == second.context
