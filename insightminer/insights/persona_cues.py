"""Persona cues: which facet (goal, trigger, objection, does, thinks) and journey stage a customer
statement speaks to — its highest cosine to a handful of hand-written prototype sentences (embedded with
the statements' model) plus a fixed bonus when a lexical cue matches. Deterministic and transparent;
`evaluate_cues` measures it on data/labels/persona_cues.csv (scripts/eval_persona_cues.py)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class PersonaError(ValueError):
    """Bad input to the persona builder, with a message a person can act on."""


FACETS: tuple[str, ...] = ("goal", "trigger", "objection", "does", "thinks")
JOURNEY_STAGES: tuple[str, ...] = ("discovery", "evaluation", "onboarding", "retention", "advocacy")
CATEGORIES: tuple[str, ...] = FACETS + JOURNEY_STAGES

#: Prototype sentences per category. Written for this module; they are not the labelled test sentences.
PROTOTYPES: dict[str, tuple[str, ...]] = {
    "goal": (
        "What we really want is to close the books faster every month.",
        "Our goal is to give every rep one view of the customer.",
        "I need to be able to show leadership the numbers without a week of prep.",
        "We are trying to cut the time it takes to onboard a new client.",
        "The job I hire this for is keeping our data clean.",
        "Ideally we would spend less time on admin and more time with customers.",
        "We want to grow the team without adding headcount in operations.",
        "Success for us means nobody has to chase approvals by email.",
        "I'd like to get a weekly report out automatically.",
        "We need a single source of truth that everyone trusts.",
        "The aim is to reduce errors before they reach the client.",
        "My priority this year is to scale support without hiring more people.",
    ),
    "trigger": (
        "What started the search was losing a big deal because of bad data.",
        "We began looking after our old tool was discontinued.",
        "The final straw was an outage during quarter end.",
        "That's when we decided we had to buy something.",
        "The reason we signed was the integration with our CRM.",
        "What sold us was how quickly we could get it running.",
        "When our team doubled we needed a proper system.",
        "A new compliance requirement forced us to change.",
        "Our new VP came in and pushed for a replacement.",
        "We said yes because the pricing fit our budget.",
        "The moment we saw the demo we knew it would save us hours.",
        "After the audit failed, finding a tool became urgent.",
    ),
    "objection": (
        "Honestly the price is the main thing holding us back.",
        "Security review takes months and that could kill the deal.",
        "We can't justify the cost to finance right now.",
        "My worry is migrating all our historical data.",
        "Procurement won't approve another vendor this year.",
        "It doesn't integrate with the system we already use, so that's a blocker.",
        "We're hesitant because switching would disrupt the whole team.",
        "Legal has concerns about where the data is stored.",
        "The contract terms were a dealbreaker for us.",
        "We tried a similar tool before and nobody adopted it, so leadership is skeptical.",
        "We don't have the bandwidth to implement anything new this quarter.",
        "The per-seat pricing gets too expensive as we grow.",
    ),
    "does": (
        "Every Friday I export everything to a spreadsheet and reconcile it by hand.",
        "We built our own workaround with a bunch of macros.",
        "I copy the numbers from one system and paste them into another.",
        "We switched to a different tool last year.",
        "Right now we track it all in Excel.",
        "Each morning I check three dashboards before standup.",
        "We ended up hiring a contractor to clean up the data.",
        "I keep a separate list of accounts that need follow-up.",
        "We send the report manually to every manager.",
        "Our team runs a script overnight to fix the duplicates.",
        "We have to log into each portal one by one.",
        "I usually message the engineer directly on Slack to get it fixed.",
    ),
    "thinks": (
        "I think the real problem is that nobody owns the data.",
        "I worry that we are falling behind our competitors.",
        "What matters to us most is reliability.",
        "We evaluate vendors on support quality and price.",
        "In my opinion the reporting is the weakest part.",
        "I believe automation will free up my team.",
        "I'm not convinced the AI features actually help.",
        "My concern is that it won't scale with us.",
        "The way I see it, ease of use beats features.",
        "I suspect most teams have the same issue.",
        "For us the key criteria are security and integrations.",
        "I'm afraid we'll lose track of customers as we grow.",
    ),
    "discovery": (
        "I first heard about you from a colleague at another company.",
        "We found you through a Google search.",
        "A friend recommended the product to me.",
        "We came across it at a conference.",
        "I was researching options on review sites.",
        "We started looking for a tool that could handle this.",
        "Someone in a community Slack group mentioned it.",
        "I saw a webinar and signed up afterwards.",
        "Our consultant suggested we look into it.",
        "I read a blog post comparing a few solutions.",
    ),
    "evaluation": (
        "We ran a two-week trial with three of our reps.",
        "We compared you against two other vendors.",
        "The demo is what convinced the team.",
        "We did a proof of concept before committing.",
        "Our shortlist had four tools on it.",
        "We scored each option on price, features and support.",
        "We sent out an RFP to several providers.",
        "During the pilot we tested the integrations.",
        "The sales engineer answered our technical questions.",
        "We asked for references before signing.",
    ),
    "onboarding": (
        "The setup took about two weeks.",
        "Onboarding the team was smoother than expected.",
        "Migrating our data was painful.",
        "Implementation needed help from IT.",
        "The training sessions got everyone up to speed.",
        "In the first month we only used the basic features.",
        "Getting started was confusing without documentation.",
        "We imported all our contacts on day one.",
        "The rollout across departments took a quarter.",
        "Our customer success manager walked us through the configuration.",
    ),
    "retention": (
        "We're up for renewal next quarter and still deciding.",
        "We'd cancel if the price goes up again.",
        "We've been using it for three years and we're staying.",
        "We're thinking about switching to a competitor.",
        "We expanded to more seats this year.",
        "If it keeps breaking we will churn.",
        "We downgraded to the cheaper plan.",
        "The contract renews automatically every year.",
        "We still use it every day.",
        "Honestly we might not renew.",
    ),
    "advocacy": (
        "I've recommended it to a few friends at other companies.",
        "I'd happily be a reference customer.",
        "I told my old team they should use it.",
        "We wrote a review on G2.",
        "I'd recommend it to anyone in our industry.",
        "We agreed to do a case study with you.",
        "I talk about it at every meetup.",
        "I would definitely tell peers about it.",
        "Our team loves it and tells other departments about it.",
        "I already referred two companies to your sales team.",
    ),
}

#: Lexical cues per category: a match adds LEXICAL_BONUS to the embedding score.
LEXICAL_CUES: dict[str, str] = {
    "goal": r"\b(?:(?:we|i)(?:'d| would)? (?:want|need|like|hope|aim|try|are trying|'re trying|am trying)"
    r" to|our (?:goal|aim|priority|objective)|my (?:goal|priority)|the (?:goal|aim) is|in order to|so that"
    r"|ideally|success (?:for us )?(?:means|would be|looks like)|job (?:to be done|is to))\b",
    "trigger": r"\b(?:(?:that's|that is|which is) (?:when|why) we|what (?:made|got|pushed|drove) us"
    r"|the reason we|started (?:looking|searching|shopping)|began (?:looking|searching)|final straw"
    r"|last straw|tipping point|forced us|(?:decided|had) to (?:buy|switch|change|look)|sold us|won us over"
    r"|we (?:signed|bought|chose|picked|went with)\b[^.?!]{0,40}\b(?:because|after|when|once|since)"
    r"|said yes|(?:that|which) (?:triggered|kicked off))\b",
    "objection": r"\b(?:too expensive|price|pricing|cost(?:s|ly)?|budget|security review|procurement"
    r"|legal|compliance|hesitant|hesitat\w+|concern(?:s|ed)?|deal ?breaker|blocker|couldn't justify"
    r"|can't justify|holding us back|held us back|stops? us|risk(?:y)?|lock-?in|skeptical|sceptical"
    r"|not convinced|won't approve|wouldn't approve|no bandwidth|don't have the bandwidth)\b",
    "does": r"\b(?:(?:we|i) (?:export|exported|built|build|switched|copy|copied|paste|pasted|maintain"
    r"|keep|kept|run|ran|check|manually|wrote|write|track|tracked|have to|had to|end up|ended up|send"
    r"|sent|use|used|rely|hired|log|usually|always|just)|every (?:monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|day|week|morning|month|quarter)|each (?:morning|week|day|month)|spreadsheets?"
    r"|excel|google sheets|workarounds?|manually|by hand|macros?|scripts?)\b",
    "thinks": r"\b(?:i think|i believe|i feel like|i worry|i'm worried|we worry|what matters|matters most"
    r"|we evaluate|we care about|in my opinion|my concern|i suspect|i doubt|i assume|i'm not convinced"
    r"|i'm afraid|i'm not sure|the way i see it|criteria|i guess|i wonder|my sense is|my view)\b",
    "discovery": r"\b(?:first heard|heard about|found (?:you|it|out about)|came across|googl\w*|referr\w*"
    r"|recommended (?:you|it) to (?:me|us)|looking for|research\w*|search(?:ed|ing)|conference|webinar"
    r"|word of mouth|g2|capterra|blog post|linkedin)\b",
    "evaluation": r"\b(?:trial|pilot|proof of concept|poc|demo|compar\w+|shortlist\w*|evaluat\w+|rfp"
    r"|vendors?|alternatives?|competitors?|bake-?off|references?|scorecard|tested)\b",
    "onboarding": r"\b(?:onboard\w*|set ?up|setting up|implementation|implement\w*|roll ?out|migrat\w+"
    r"|training|kick-?off|first (?:week|month|days?)|getting started|go-?live|configur\w+|imported)\b",
    "retention": r"\b(?:renew\w*|churn\w*|cancel\w*|staying|stay with|still using|still use|contract"
    r"|downgrad\w*|upgrad\w*|expand\w*|more seats|switch(?:ing)? away|leave|leaving|moving off)\b",
    "advocacy": r"\b(?:recommend(?:ed)? (?:it|you|them) to|would recommend|i'd recommend|told (?:my|our|a"
    r"|some) \w+|reference (?:customer|call)|case study|review on|wrote a review|referred|rave|tell"
    r" (?:peers|people|everyone|others)|champion\w*|shout about)\b",
}

#: Cue thresholds: a statement belongs to a category when max-prototype cosine + lexical bonus >= this.
# Chosen on the odd rows (per label) of data/labels/persona_cues.csv; even rows held out (docs/report.md).
THRESHOLDS: dict[str, float] = {c: 0.55 for c in CATEGORIES}
LEXICAL_BONUS = 0.25
FACET_MARGIN = 0.03

_COMPILED = {c: re.compile(p, re.IGNORECASE) for c, p in LEXICAL_CUES.items()}
_PROTOTYPE_CACHE: dict[tuple[int, str], dict[str, np.ndarray]] = {}


def _prototype_vectors(embedder: Any) -> dict[str, np.ndarray]:
    key = (id(embedder), str(getattr(embedder, "model_name", "")))
    cached = _PROTOTYPE_CACHE.get(key)
    if cached is None:
        texts = [t for c in CATEGORIES for t in PROTOTYPES[c]]
        vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
        cached, row = {}, 0
        for c in CATEGORIES:
            n = len(PROTOTYPES[c])
            cached[c] = vectors[row : row + n]
            row += n
        _PROTOTYPE_CACHE[key] = cached
    return cached


def cue_scores(texts: Sequence[str], embeddings: np.ndarray, embedder: Any) -> dict[str, np.ndarray]:
    """Per category, one score per text: max cosine to the category's prototypes + lexical bonus."""
    protos = _prototype_vectors(embedder)
    emb = np.asarray(embeddings, dtype=np.float32)
    out: dict[str, np.ndarray] = {}
    for c in CATEGORIES:
        sim = (emb @ protos[c].T).max(axis=1) if len(emb) else np.zeros(0, np.float32)
        lex = np.array([1.0 if _COMPILED[c].search(t) else 0.0 for t in texts], dtype=np.float32)
        out[c] = sim + LEXICAL_BONUS * lex
    return out


def classify_cues(scores: dict[str, np.ndarray]) -> list[set[str]]:
    """Facet labels (best facet, and near-ties) and at most one journey stage (the best above threshold)."""
    n = len(next(iter(scores.values()))) if scores else 0
    labels: list[set[str]] = [set() for _ in range(n)]
    for i in range(n):
        # Facets: the best-scoring facet, plus any other within FACET_MARGIN of it (a statement can be
        # both a worry and an objection), each only if above its threshold.
        best_facet = max(float(scores[c][i]) for c in FACETS)
        for c in FACETS:
            s = float(scores[c][i])
            if s >= THRESHOLDS[c] and s >= best_facet - FACET_MARGIN:
                labels[i].add(c)
        best, best_score = None, -1.0
        for c in JOURNEY_STAGES:  # fixed order: ties go to the earlier stage
            s = float(scores[c][i])
            if s >= THRESHOLDS[c] and s > best_score:
                best, best_score = c, s
        if best is not None:
            labels[i].add(best)
    return labels


def load_cue_labels(path: str | Path) -> list[tuple[str, str]]:
    """Rows (text, label) of a labelled cue file (CSV with columns text,label; label may be 'none')."""
    rows: list[tuple[str, str]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = (row.get("label") or "").strip()
            text = (row.get("text") or "").strip()
            if not text:
                continue
            if label not in CATEGORIES and label != "none":
                raise PersonaError(f"{path}: unknown label {label!r} (expected one of {CATEGORIES} or none)")
            rows.append((text, label))
    return rows


def evaluate_cues(rows: Sequence[tuple[str, str]], embedder: Any) -> dict[str, dict[str, float]]:
    """Precision / recall per category of the cue classifier on labelled (text, label) rows.

    Each row has one gold label; a prediction of category c on a row whose gold label is not c counts
    as a false positive (strict: a sentence that is plausibly both counts against precision).
    """
    texts = [t for t, _ in rows]
    embeddings = embedder.encode(texts)
    predicted = classify_cues(cue_scores(texts, embeddings, embedder))
    report: dict[str, dict[str, float]] = {}
    for c in CATEGORIES:
        tp = sum(1 for (_, gold), pred in zip(rows, predicted, strict=True) if c in pred and gold == c)
        fp = sum(1 for (_, gold), pred in zip(rows, predicted, strict=True) if c in pred and gold != c)
        support = sum(1 for _, gold in rows if gold == c)
        report[c] = {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / support, 4) if support else 0.0,
            "predicted": float(tp + fp),
            "support": float(support),
        }
    return report
