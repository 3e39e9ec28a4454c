# ruff: noqa: E501
"""Build the bundled .docx fixture (a sales call transcript) deterministically.

One paragraph per speaker turn, written as ``Name: text``. Core properties (created, modified, ...)
and every zip entry timestamp are fixed, so running this script twice gives byte-identical output.

Usage: python scripts/make_fixture_docx.py [OUTPUT_PATH]
(default: data/fixtures/interviews/sales03_orchard_foods.docx)
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "data" / "fixtures" / "interviews" / "sales03_orchard_foods.docx"
FIXED_TIME = dt.datetime(2026, 8, 5, 15, 0, 0)
ZIP_TIME = (2026, 8, 5, 15, 0, 0)

# Sales call with Orchard Foods (Mid-market, negotiation). "AE" is the Relay account executive.
TURNS: list[tuple[str, str]] = [
    (
        "AE",
        "Hi Beth, hi Carlos, thanks for hopping on. I know we're getting close, so I wanted to make sure we work through anything that's still open.",
    ),
    ("Beth Sullivan", "Thanks. Yes, we've got a few things."),
    ("Carlos Mendes", "Hi."),
    (
        "AE",
        "Great. So last time we agreed the pilot went well. Carlos, your team liked the pipeline board and the deal alerts, right?",
    ),
    (
        "Carlos Mendes",
        'Yeah, the reps liked it. The board is simple. They get it without a manual. One of my older reps, who hates every tool, actually said it was "not bad", which is high praise from him.',
    ),
    (
        "AE",
        "Ha, I'll take it. And I want to remind you, once you're on the full plan, you'll get the AI forecasting assistant too. It scores every deal and tells you which ones need attention. Our customers say it's the best part of the product.",
    ),
    ("Beth Sullivan", "Okay."),
    ("AE", "So, what's still open on your side?"),
    ("Beth Sullivan", "Two things, mainly. Price, and the rollout. And then the contract."),
    ("AE", "Let's start wherever you like."),
    (
        "Beth Sullivan",
        'Let\'s do rollout. So, the last system we bought, which was our ERP upgrade, it took nine months, and it nearly broke the company. Our one IT person was working weekends for months. So when I hear "implementation", I get nervous.',
    ),
    ("AE", "Understood."),
    (
        "Beth Sullivan",
        "And with the pilot, to be honest, it took longer than I expected. It was supposed to be two weeks and it was five. Carlos had to spend a lot of time configuring the stages and the territories, and we had to get our outside IT firm to set up the email connection, which we paid for by the hour.",
    ),
    (
        "Carlos Mendes",
        "Yeah. I spent a lot of evenings on it. And training the reps took more than I thought. I did three sessions and I still had people asking basic questions a month later.",
    ),
    (
        "AE",
        "Okay, that's fair. So for the full rollout, we'd assign an onboarding specialist, and we have templates for distribution companies now, so it should be much faster.",
    ),
    ("Beth Sullivan", "I'd want that in writing. Like, a plan with dates."),
    ("AE", "Absolutely. We can put a success plan in the order form."),
    ("Beth Sullivan", "Good."),
    (
        "AE",
        "And during onboarding, we'd switch on the AI forecasting assistant in the first week, so your managers see value early.",
    ),
    ("Carlos Mendes", "Mm-hmm."),
    ("AE", "So, pricing."),
    (
        "Beth Sullivan",
        "Yes. So the quote is per seat, and we're at thirty-two people today. But we're opening a new branch in Sacramento next spring, which is another ten or twelve reps, and we want to add the inside sales team too. When I modelled it out, the cost goes up by about sixty percent in eighteen months. That's a lot for a company our size.",
    ),
    ("AE", "Mm-hmm."),
    (
        "Beth Sullivan",
        "And, um, I've been burned before. Our phone system vendor charged us for seats we'd removed, for a whole year, because of how the contract was written. I found out from an invoice. So I'm very careful about anything per-user now.",
    ),
    (
        "Carlos Mendes",
        "Plus the warehouse supervisors. They'd only need to look at a dashboard, but in the quote they're full seats. It's expensive for people who log in once a week.",
    ),
    (
        "AE",
        "I hear you. A couple of things I can do. I can offer a volume tier at forty seats, so the Sacramento reps come in at a lower rate, and I can look at viewer licences for the supervisors.",
    ),
    ("Beth Sullivan", "That would help. What does a viewer licence cost?"),
    ("AE", "Let me confirm with my manager, but it's significantly lower."),
    ("Beth Sullivan", "Okay."),
    ("AE", "And the contract?"),
    (
        "Beth Sullivan",
        "Right. So you sent a three-year term. We don't do three years. With anyone. Our board doesn't like long commitments, and frankly, if it doesn't work out, I don't want to be stuck. That's the thing most likely to stop us signing.",
    ),
    ("AE", "Okay. What would work?"),
    ("Beth Sullivan", "One year, with an option to renew at a capped increase."),
    ("AE", "I can take that back. I can't promise the same discount on a one-year, but let me see."),
    ("Beth Sullivan", "I understand."),
    ("Carlos Mendes", "Can I ask a question?"),
    ("AE", "Sure."),
    ("Carlos Mendes", "When we add the new branch, can I set it up myself, or do I need your team?"),
    (
        "AE",
        "You can do it yourself, and we'll train you on it. It's about an hour of work once you've done the first one.",
    ),
    ("Carlos Mendes", "Okay. Good. I'd like to not depend on the IT firm for that."),
    (
        "AE",
        "Makes sense. So, to recap, I'll send a revised proposal with a one-year term, a volume tier, viewer licences, and a written onboarding plan. And of course the AI forecasting assistant is included at that tier.",
    ),
    ("Beth Sullivan", "Sounds good. If the numbers work, I think we can sign by the end of the month."),
    ("AE", "Great. Thank you both."),
    ("Beth Sullivan", "Thanks."),
    ("Carlos Mendes", "Thanks, bye."),
]


def build_docx_bytes(turns: list[tuple[str, str]] = TURNS) -> bytes:
    """Return the .docx file as bytes, identical on every run."""
    doc = Document()
    props = doc.core_properties
    props.author = "insightminer fixtures"
    props.last_modified_by = "insightminer fixtures"
    props.title = "Orchard Foods x Relay - pricing and rollout call"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    for name, text in turns:
        doc.add_paragraph(f"{name}: {text}")
    raw = io.BytesIO()
    doc.save(raw)
    # python-docx stamps zip entries with the current time; rewrite them with a fixed one.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    out_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(build_docx_bytes())
    print(f"wrote {out_path} ({len(TURNS)} turns)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
