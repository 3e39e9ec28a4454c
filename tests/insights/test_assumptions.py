"""Assumption check with the real pair model (models/assumption-check) and real MiniLM embeddings.

Small hand-written interviews test the per-statement rules (denials, questions, praise and shared
vocabulary never support); the sample data and the clinic-scheduling study test verdicts and counts
against their truth files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from insightminer.insights.assumption_model import PairClassifier
from insightminer.insights.assumptions import (
    AssumptionOptions,
    check_assumptions,
    judge_statement,
    parse_assumptions,
    polarity,
)
from insightminer.schema import Statement

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "fixtures"
CLINIC = REPO / "data" / "fixtures" / "studies" / "clinic-scheduling"


@pytest.fixture(scope="session")
def pair_model():
    return PairClassifier.load()


def _stmt(doc: str, i: int, text: str, kind: str, emotions=None, theme: int = -1) -> Statement:
    return Statement(
        statement_id=f"{doc}:{i}:0",
        doc_id=doc,
        speaker="Customer",
        role="customer",
        text=text,
        kind=kind,
        theme_id=theme,
        emotions=emotions or {},
    )


# Eight interviews about an invoicing tool. Approvals: voiced in d1-d5 (one of them a complaint phrased
# as a question), denied in d6 and d7. Setup: only "we've been on it fourteen months" (shared word
# "months") and a quick-setup denial. Pricing: a question and a neutral mention, never a problem.
WORLD = [
    (
        "d1",
        "Invoices sit in an approver's queue for a week because nobody opens the notification.",
        "pain_point",
        0,
    ),
    ("d2", "Approvals drag on forever, I chase managers on Slack every single day.", "pain_point", 0),
    ("d3", "Our bills wait ten days for a signature, the approvers just ignore the emails.", "pain_point", 0),
    ("d4", "Why does every invoice get stuck waiting on an approver who never looks at it?", "pain_point", 0),
    ("d5", "Half our late fees come from invoices nobody got round to approving.", "pain_point", 0),
    ("d6", "No, honestly approvals are fast for us, people sign off the same day.", "praise", -1),
    ("d7", "The approvals are fine, that part works.", "praise", -1),
    ("d1", "We've been on it about fourteen months.", "other", -1),
    ("d2", "Setup was quick, we were live in two weeks.", "praise", -1),
    ("d3", "What does pricing look like for more entities?", "question", -1),
    ("d8", "We pay per invoice at the moment.", "other", -1),
    ("d8", "The dashboard is clean and easy to read.", "praise", -1),
]
ASSUMED = [
    "Invoice approvals take too long because approvers ignore the notifications",
    "Setting up the product takes months of implementation work",
    "Per-invoice pricing makes the bill unpredictable",
]


@pytest.fixture(scope="module")
def world(embedder, pair_model):
    statements = [_stmt(d, i, t, k, theme=th) for i, (d, t, k, th) in enumerate(WORLD)]
    emb = embedder.encode([s.text for s in statements])
    findings = [
        {
            "theme_id": 0,
            "rank": 1,
            "label": "Invoices wait days for approval",
            "prevalence": {"documents": 5},
            "doc_ids": ["d1", "d2", "d3", "d4", "d5"],
            "kinds": {"pain_point": 5},
        }
    ]
    result = check_assumptions(ASSUMED, statements, emb, embedder.encode(ASSUMED), findings, pair_model)
    return {a["assumption"]: a for a in result["assumptions"]}, result


def test_true_assumption_is_supported_with_the_findings_count(world):
    by_text, _ = world
    a = by_text[ASSUMED[0]]
    assert a["verdict"] == "supported" and a["voiced"] is True
    assert a["finding"] is not None and a["finding"]["theme_id"] == 0
    assert a["documents"] == 5 and a["doc_ids"] == ["d1", "d2", "d3", "d4", "d5"]
    quoted = {q["doc_id"] for q in a["quotes"]}
    assert quoted <= {"d1", "d2", "d3", "d4", "d5"} and len(quoted) >= 4
    # The denials are counted as the opposite, never as support.
    assert a["contradicting_documents"] >= 1
    assert {q["doc_id"] for q in a["contradicting_quotes"]} <= {"d6", "d7"}


def test_shared_vocabulary_and_denials_are_not_support(world):
    by_text, _ = world
    setup = by_text[ASSUMED[1]]
    assert setup["verdict"] != "supported" and setup["documents"] == 0 and setup["quotes"] == []
    pricing = by_text[ASSUMED[2]]
    assert pricing["verdict"] == "not_voiced" and pricing["documents"] == 0
    assert all(q["doc_id"] not in {"d1", "d2", "d4", "d5"} for q in pricing["quotes"])


def test_empathy_gap_and_unassumed(world):
    _, result = world
    gap = result["empathy_gap"]
    assert gap["assumptions_ranked"] == 3
    # The team's first assumption is the one customers voiced most: a positive correlation.
    assert gap["spearman"] is not None and gap["spearman"] > 0
    assert {b["assumption"] for b in gap["barely_voiced"]} == set(ASSUMED[1:])
    assert result["unassumed_findings"] == []  # the one finding is the assumed one


def test_parse_assumptions_ranks():
    plain = parse_assumptions(["# the team's list", "Pricing is too high", "", "Setup is slow"])
    assert [(e.text, e.rank) for e in plain] == [("Pricing is too high", 1.0), ("Setup is slow", 2.0)]
    ranked = parse_assumptions(["2. Setup is slow", "1. Pricing is too high", "2) Sync breaks"])
    assert [(e.text, e.rank) for e in ranked] == [
        ("Pricing is too high", 1.0),
        ("Setup is slow", 2.0),
        ("Sync breaks", 2.0),
    ]
    csv_rows = parse_assumptions(["rank,assumption", '3,"Reports are rigid, and slow"', "1,Pricing"])
    assert [(e.text, e.rank) for e in csv_rows] == [("Pricing", 1.0), ("Reports are rigid, and slow", 3.0)]
    # A number that is part of the text is not a rank column.
    assert parse_assumptions(["3 seats cost too much"])[0].text == "3 seats cost too much"
    with pytest.raises(ValueError, match="not a number"):
        parse_assumptions(["rank,assumption", "high,Pricing"])


def test_polarity_reads_emotions():
    assert polarity({"annoyance": 0.8}) > 0 > polarity({"approval": 0.7, "annoyance": 0.1})
    assert polarity({}) == 0.0


def test_a_wish_worded_upbeat_supports_but_praise_does_not(pair_model):
    """ "I'd love it if the reminders just went out" is a need, worded upbeat: the pair model's reading
    decides. The same upbeat emotions on praise never support."""
    assumption = "Appointment reminders fail, so patients don't show up"
    wish = "I'd love it if it just sent the reminder texts reliably."
    praise = "The reminder texts go out reliably, patients love them."
    probs = pair_model.predict_proba([assumption, assumption], [wish, praise])
    t_sup = pair_model.metadata["thresholds"]["supports"]
    assert probs[0, 0] >= t_sup  # the pair model reads the wish as voicing the problem
    upbeat = {"love": 0.8, "desire": 0.4}
    assert polarity(upbeat) <= -0.3
    opts = AssumptionOptions()
    assert judge_statement(probs[0], "need", upbeat, True, t_sup, 0.5, opts) == "supports"
    assert judge_statement(probs[1], "praise", upbeat, True, t_sup, 0.5, opts) != "supports"
    assert judge_statement(probs[1], "need", upbeat, True, t_sup, 0.5, opts) != "supports"


def test_misaligned_inputs_are_clear_errors(pair_model):
    emb = np.eye(3, dtype=np.float32)
    statements = [_stmt("d", i, "x", "other") for i in range(3)]
    with pytest.raises(ValueError, match="aligned"):
        check_assumptions(["a"], statements, emb[:2], emb[:1], [], pair_model)
    with pytest.raises(ValueError, match="assumptions but"):
        check_assumptions(["a", "b"], statements, emb, emb[:1], [], pair_model)


# -- whole studies against their truth files ----------------------------------------------------------
def _run_study(folder: Path, assumptions_file: Path, tmp_path_factory, team: list[str] | None = None):
    from insightminer import Config, Pipeline

    lines = [ln for ln in assumptions_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
    cache = tmp_path_factory.mktemp("assume-cache")
    config = Config.from_flat(
        cache_dir=str(cache),
        assumptions=lines,
        personas=False,
        motivators=False,
        interviewer_speakers=team or [],
    )
    return Pipeline(config).run([folder]).findings


_TRUTH_VERDICTS = {"true": "supported", "never_voiced": "not_voiced"}


def _truth(path: Path) -> dict[str, dict]:
    """Truth rows keyed by assumption; the clinic study's labels (true / half_true / false /
    never_voiced, true_docs) read as the check's verdicts."""
    out = {}
    for t in json.loads(path.read_text(encoding="utf-8"))["assumptions"]:
        verdict = _TRUTH_VERDICTS.get(t["verdict"], t["verdict"])
        docs = t.get("documents", t.get("true_docs", 0)) or 0
        out[t.get("assumption", t.get("text"))] = {
            "verdict": verdict,
            "documents": docs,
            "doc_ids": t["doc_ids"],
        }
    return out


def _assert_against_truth(findings: dict, truth: dict[str, dict], low: float, high: float) -> None:
    """Verdicts exactly; a supported count between low x and high x the truth (counts follow the
    findings, so their tolerance is the theme step's as much as the check's)."""
    checks = findings["assumptions"]["assumptions"]
    assert [a["assumption"] for a in checks] == list(truth)
    by_id = {f["theme_id"]: f for f in findings["findings"]}
    for a in checks:
        t = truth[a["assumption"]]
        label = (a["assumption"], a["verdict"], a["documents"], a["notes"])
        if t["verdict"] == "supported":
            assert a["verdict"] == "supported", label
            assert low * t["documents"] <= a["documents"] <= high * t["documents"], label
            quoted = {q["doc_id"] for q in a["quotes"]}
            # Most quotes come from interviews that truly voiced it.
            assert quoted and len(quoted - set(t["doc_ids"])) <= len(quoted) // 2, label
            if a["finding"] is not None and len(a["findings"]) == 1:  # the count is the finding's count
                assert a["documents"] == by_id[a["finding"]["theme_id"]]["prevalence"]["documents"]
        elif t["verdict"] == "half_true":
            # A related pain at a lower count: confirmed at about that count, or contradicted with quotes.
            if a["verdict"] == "supported":
                # The count is its finding's. When that finding claims more interviews than quotes back
                # (clinic F since the kinds retraining: 7 for 5), the check must say so and its own
                # quote-backed count must hold; the over-claim itself is the theme step's (issue 10).
                assert a["supporting_documents"] <= 1.2 * t["documents"], label
                if a["documents"] > 1.2 * t["documents"]:
                    assert any("quotes that voice this assumption come from" in n for n in a["notes"]), label
            else:
                assert a["verdict"] == "contradicted" and a["contradicting_quotes"], label
        else:  # false / not voiced: never confirmed, no supporting quotes
            assert a["verdict"] in ("contradicted", "not_voiced"), label
            assert a["documents"] == 0 and a["quotes"] == [], label
            if t["verdict"] == "not_voiced":
                assert a["verdict"] == "not_voiced", label


@pytest.fixture(scope="module")
def sample_findings(tmp_path_factory):
    return _run_study(SAMPLE / "interviews", SAMPLE / "assumptions.txt", tmp_path_factory)


def test_sample_data_verdicts_and_counts(sample_findings):
    # True: pricing (6/12), onboarding (7/12), CRM sync (9/12). False: outdated UI, dark mode, Slack,
    # leaderboards; "AI forecasting is not accurate" only shares vocabulary with customers' talk of
    # forecasts (the AI assistant is pitched by reps alone).
    _assert_against_truth(sample_findings, _truth(SAMPLE / "assumptions_truth.json"), low=0.5, high=1.5)
    gap = sample_findings["assumptions"]["empathy_gap"]
    assert gap["spearman"] is not None and -1.0 <= gap["spearman"] <= 1.0


def test_sample_findings_markdown_shows_verdicts(sample_findings):
    from insightminer.output.report import findings_markdown

    md = findings_markdown(sample_findings)
    assert "## Assumption check" in md and "### Empathy gap" in md
    assert "supported: voiced in" in md and "not voiced by customers" in md


@pytest.mark.skipif(
    not (CLINIC / "assumptions_truth.json").is_file(), reason="clinic-scheduling study not in this checkout"
)
def test_clinic_study_verdicts_and_counts(tmp_path_factory):
    team = [ln.strip() for ln in (CLINIC / "team.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    findings = _run_study(CLINIC / "interviews", CLINIC / "assumptions.txt", tmp_path_factory, team)
    # Counts follow the findings; on this study's themes they fall short of the truth (see
    # docs/benchmarks/assumptions.md): never over-confirmed, at least a third of the truth.
    _assert_against_truth(findings, _truth(CLINIC / "assumptions_truth.json"), low=0.34, high=1.2)


def test_sample_report_html_shows_verdicts(sample_findings):
    from insightminer.output.html.report import render_report_html

    html = render_report_html(sample_findings, {}, None, [])
    section = html[html.index('<section id="assumptions"') :]
    section = section[: section.index("</section>")]
    assert '<span class="badge ok">supported</span>' in section
    assert '<span class="badge warn">not voiced</span>' in section
    assert "Empathy gap" in section and "Spearman" in section
    assert "Said the opposite" in section and "Mentioned, not a problem" in section
