"""Short finding labels in customers' words."""

from __future__ import annotations

from insightminer.themes.labels import finding_label, label_candidates, label_clauses

QUOTES = [
    "Um, honestly, the approvals just sit there, the invoices wait days for approval.",
    "Approvers never open the email, so the invoice waits a week.",
    "I chase every approver by phone because the reminders don't work.",
]


def test_clauses_drop_spoken_openers_and_filler():
    assert label_clauses("Um, honestly, the approvals just sit there") == ["the approvals just sit there"]
    assert "No one trusts the forecast" in label_clauses("No one trusts the forecast, you know.")


def test_candidates_are_three_to_eight_words():
    for candidate in label_candidates(QUOTES):
        assert 3 <= len(candidate.split()) <= 8


def test_label_is_a_customer_clause_that_names_the_problem(embedder):
    centroid = embedder.encode(QUOTES).mean(0)
    label = finding_label(QUOTES, ["approval", "invoices", "approver"], centroid, embedder.encode)
    assert 3 <= len(label.split()) <= 8
    assert label[0].isupper()
    assert any(
        label.lower() in clause.lower() or clause.lower() in label.lower()
        for q in QUOTES
        for clause in label_candidates([q])
    )
    assert "approv" in label.lower() or "invoice" in label.lower(), label


def test_label_without_an_encoder_uses_key_phrases():
    label = finding_label(QUOTES, ["invoices wait", "approval"])
    assert 3 <= len(label.split()) <= 8 and ("invoice" in label.lower() or "approv" in label.lower())
