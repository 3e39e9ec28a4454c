"""Persona and empathy-map drafts per segment, built only from what customers actually said.

Every item in a persona is a real customer statement (its ``statement_id`` is in the input), with the
number of distinct interviews in the same segment that said something similar. Nothing is generated.

How statements are sorted into facets (goals, buying triggers, objections, Does, Thinks) and journey
stages is deliberately transparent and deterministic: a statement's score for a category is its highest
cosine similarity to a handful of hand-written prototype sentences (embedded once with the same model as
the statements) plus a fixed bonus when a lexical cue (a regular expression) matches. A statement joins
the category when the score clears the category's threshold. `evaluate_cues` measures this against the
labelled sentences in ``data/labels/persona_cues.csv``; the figures are in docs/report.md.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.report import md_escape as _md_escape
from insightminer.schema import Statement
from insightminer.signals import describe, summarise_signals
from insightminer.timefmt import format_timestamp

SCHEMA_VERSION = "2.0"  # 2.0: motivators / Feels are counts of confident labels (was share mixes)
ALL_CUSTOMERS = "All customers"
UNSPECIFIED = "Unspecified"

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
#: A statement counts as "similar" (for supporting_interviews and de-duplication).
SUPPORT_SIMILARITY = 0.6
DUPLICATE_SIMILARITY = 0.85
ITEMS_PER_FACET = 5
SAYS_ITEMS = 6
FEELS_ITEMS = 4
JOURNEY_EVIDENCE = 3
MIN_WORDS, MAX_WORDS = 5, 80

_COMPILED = {c: re.compile(p, re.IGNORECASE) for c, p in LEXICAL_CUES.items()}
_PROTOTYPE_CACHE: dict[tuple[int, str], dict[str, np.ndarray]] = {}


class PersonaError(ValueError):
    """Bad input to the persona builder, with a message a person can act on."""


# --------------------------------------------------------------------------------------------------
# Cue scoring


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


# --------------------------------------------------------------------------------------------------
# Persona building


def _word_count(text: str) -> int:
    return len(text.split())


def _segment_of(st: Statement, segment_field: str) -> str:
    value = (st.metadata or {}).get(segment_field)
    value = str(value).strip() if value is not None else ""
    return value or UNSPECIFIED


def _round(x: float) -> float:
    return round(float(x), 4)


class _Segment:
    """The statements of one segment and the similarity helpers over them."""

    #: Candidates kept (by raw score) before the support count and MMR: bounds the work on big corpora.
    MAX_CANDIDATES = 200

    def __init__(self, name: str, idx: np.ndarray, statements: list[Statement], emb: np.ndarray):
        self.name = name
        self.idx = idx
        self.statements = statements
        self.emb = emb
        # One segment of all customers is the whole matrix: no copy of every statement vector.
        whole = len(idx) == len(emb) and bool(np.array_equal(idx, np.arange(len(emb))))
        self.seg_emb = emb if whole else emb[idx]
        self.doc_ids = sorted({statements[i].doc_id for i in idx})
        self._docs = np.array([statements[i].doc_id for i in idx], dtype=object)
        self._support: dict[int, int] = {}

    def supporting_many(self, rows: list[int]) -> dict[int, int]:
        """Distinct interviews in this segment with a statement similar to each row (itself included)."""
        todo = [i for i in rows if i not in self._support]
        for start in range(0, len(todo), 256):
            chunk = todo[start : start + 256]
            sims = self.emb[chunk] @ self.seg_emb.T
            for row, i in enumerate(chunk):
                self._support[i] = len(set(self._docs[sims[row] >= SUPPORT_SIMILARITY])) or 1
        return {i: self._support[i] for i in rows}

    def item(self, i: int, score: float | None = None) -> dict[str, Any]:
        st = self.statements[i]
        out: dict[str, Any] = {
            "text": st.text,
            "statement_id": st.statement_id,
            "doc_id": st.doc_id,
            "speaker": st.speaker,
            "start": st.start,
            "end": st.end,
            "supporting_interviews": self.supporting_many([i])[i],
        }
        if score is not None:
            out["score"] = _round(score)
        return out

    def pick(self, candidates: Iterable[tuple[int, float]], k: int, mmr: float | None = None) -> list[dict]:
        """Top-k statements: ranked by relevance (or MMR), near-duplicates dropped, deterministic ties."""
        sts = self.statements
        cands = {i: round(s, 6) for i, s in candidates if MIN_WORDS <= _word_count(sts[i].text) <= MAX_WORDS}
        if not cands:
            return []
        kept = sorted(cands, key=lambda i: (-cands[i], sts[i].statement_id))[: self.MAX_CANDIDATES]
        support = self.supporting_many(kept)
        # Relevance: the category score, lifted by how many of the segment's interviews echo it.
        n_docs = max(len(self.doc_ids), 1)
        rel = {i: round(cands[i] + 0.25 * (support[i] - 1) / n_docs, 6) for i in kept}
        order = sorted(kept, key=lambda i: (-rel[i], sts[i].statement_id))
        position = {i: p for p, i in enumerate(order)}
        chosen: list[int] = []
        remaining = list(order)
        while remaining and len(chosen) < k:
            if mmr is None or not chosen:
                best = remaining[0]
            else:
                redundancy = (self.emb[remaining] @ self.emb[chosen].T).max(axis=1)
                mmr_scores = [
                    round(mmr * rel[i] - (1 - mmr) * float(r), 6)
                    for i, r in zip(remaining, redundancy, strict=True)
                ]
                best = max(zip(remaining, mmr_scores, strict=True), key=lambda t: (t[1], -position[t[0]]))[0]
            remaining.remove(best)
            if chosen and float((self.emb[chosen] @ self.emb[best]).max()) >= DUPLICATE_SIMILARITY:
                continue
            chosen.append(best)
        return [self.item(i, cands[i]) for i in chosen]


def _theme_labels(findings: dict) -> dict[int, dict]:
    return {int(f["theme_id"]): f for f in findings.get("findings", []) if "theme_id" in f}


def _theme_docs(statements: list[Statement], idx: Iterable[int]) -> dict[int, set[str]]:
    docs: dict[int, set[str]] = defaultdict(set)
    for i in idx:
        if statements[i].theme_id >= 0:
            docs[statements[i].theme_id].add(statements[i].doc_id)
    return docs


def _top_pains(seg: _Segment, findings: dict, statements: list[Statement]) -> list[dict]:
    themes = _theme_labels(findings)
    docs = _theme_docs(statements, seg.idx)
    n_docs = max(len(seg.doc_ids), 1)
    rows = []
    for tid, f in themes.items():
        seg_info = (f.get("segments") or {}).get(seg.name)
        if seg_info is not None and seg.name not in (ALL_CUSTOMERS, UNSPECIFIED):
            n, share = int(seg_info.get("documents", 0)), float(seg_info.get("share_of_documents", 0.0))
        else:  # not in findings (whole corpus, or unsegmented): count from the statements
            n = len(docs.get(tid, ()))
            share = n / n_docs
        if n > 0:
            rows.append(
                {
                    "theme_id": tid,
                    "label": f.get("label", f"theme {tid}"),
                    "documents": n,
                    "share_of_documents": _round(share),
                    "_rank": int(f.get("rank", 10**6)),
                }
            )
    rows.sort(key=lambda r: (-r["share_of_documents"], -r["documents"], r["_rank"], r["theme_id"]))
    for r in rows:
        del r["_rank"]
    return rows[:5]


def _representative(seg: _Segment, pains: list[dict], says: list[dict]) -> dict | None:
    """The statement closest to the centroid of the segment's top pain theme (a typical voice)."""
    for pain in pains[:1]:
        members = [
            i
            for i in seg.idx
            if seg.statements[i].theme_id == pain["theme_id"]
            and MIN_WORDS + 3 <= _word_count(seg.statements[i].text) <= 50
        ]
        if members:
            centroid = seg.emb[members].mean(axis=0)
            sims = seg.emb[members] @ centroid
            # Highest similarity; ties go to the earliest statement (members are in input order).
            best = members[int(np.argmax(np.round(sims, 6)))]
            return seg.item(best)
    return says[0] if says else None


def _build_persona(seg: _Segment, scores: dict[str, np.ndarray], findings: dict, min_interviews: int) -> dict:
    st = seg.statements
    n_interviews = len(seg.doc_ids)
    if n_interviews < min_interviews:
        noun = "interview" if n_interviews == 1 else "interviews"
        confidence = f"thin evidence: only {n_interviews} {noun} (fewer than {min_interviews})"
    else:
        confidence = "ok"

    stage_labels = classify_cues({c: scores[c][seg.idx] for c in CATEGORIES})
    labelled = {int(i): labels for i, labels in zip(seg.idx, stage_labels, strict=True)}

    def facet(c: str, k: int = ITEMS_PER_FACET) -> list[dict]:
        return seg.pick(((i, float(scores[c][i])) for i, labels in labelled.items() if c in labels), k)

    # Says: high-signal statements (pain points, needs, praise) that belong to a theme, diverse by MMR.
    signal = {"pain_point": 0.3, "need": 0.25, "praise": 0.2, "question": 0.05, "other": 0.0}
    says = seg.pick(
        (
            (
                int(i),
                signal.get(st[i].kind, 0.0)
                + 0.5 * float(st[i].kind_score)
                + (0.2 if st[i].theme_id >= 0 else 0),
            )
            for i in seg.idx
            if st[i].kind in ("pain_point", "need", "praise")
        ),
        SAYS_ITEMS,
        mmr=0.7,
    )
    # Feels: the statements carrying the strongest (non-neutral) emotions.
    feels_items = seg.pick(
        (
            (int(i), max(v for k, v in st[i].emotions.items() if k != "neutral"))
            for i in seg.idx
            if any(k != "neutral" for k in (st[i].emotions or {}))
        ),
        FEELS_ITEMS,
        mmr=0.7,
    )
    journey: dict[str, dict] = {}
    for stage in JOURNEY_STAGES:
        members = [int(seg.idx[j]) for j, labels in enumerate(stage_labels) if stage in labels]
        journey[stage] = {
            "statements": len(members),
            "interviews": len({st[i].doc_id for i in members}),
            "evidence": seg.pick(((i, float(scores[stage][i])) for i in members), JOURNEY_EVIDENCE),
        }
    pains = _top_pains(seg, findings, st)
    # Counts of confident labels (insightminer.signals), shared with findings and the report.
    signals = summarise_signals(st, seg.idx)
    return {
        "segment": seg.name,
        "interviews": n_interviews,
        "statements": int(len(seg.idx)),
        "doc_ids": seg.doc_ids,
        "confidence": confidence,
        "goals": facet("goal"),
        "top_pain_points": pains,
        "motivators": signals["motivators"],
        "buying_triggers": facet("trigger"),
        "objections": facet("objection"),
        "journey_stages": journey,
        "representative_quote": _representative(seg, pains, says),
        "empathy_map": {
            "says": says,
            "thinks": facet("thinks"),
            "does": facet("does"),
            "feels": {
                "emotions": signals["emotions"],
                "motivators": signals["motivators"],
                "items": feels_items,
            },
        },
    }


def _segment_comparison(statements: list[Statement], segments: list[_Segment], findings: dict) -> list[dict]:
    """Per theme, the share of each segment's interviews that raised it; flag segment-specific themes."""
    if len(segments) < 2:
        return []
    out = []
    for tid, f in sorted(
        _theme_labels(findings).items(), key=lambda kv: (int(kv[1].get("rank", 10**6)), kv[0])
    ):
        by_seg: dict[str, float] = {}
        counts: dict[str, int] = {}
        for seg in segments:
            info = (f.get("segments") or {}).get(seg.name)
            if info is not None:
                counts[seg.name] = int(info.get("documents", 0))
                by_seg[seg.name] = _round(info.get("share_of_documents", 0.0))
            else:
                n = len(_theme_docs(statements, seg.idx).get(tid, ()))
                counts[seg.name] = n
                by_seg[seg.name] = _round(n / max(len(seg.doc_ids), 1))
        specific = None
        top = max(by_seg, key=lambda s: (by_seg[s], s))
        others = [v for s, v in by_seg.items() if s != top]
        # Specific: a real share in one segment (and >= 2 interviews there), at most half that elsewhere.
        if by_seg[top] >= 0.3 and counts[top] >= 2 and all(v <= 0.5 * by_seg[top] for v in others):
            specific = top
        out.append(
            {
                "theme_id": tid,
                "label": f.get("label", f"theme {tid}"),
                "by_segment": by_seg,
                "specific_to": specific,
            }
        )
    return out


def build_personas(
    statements: list[Statement],
    embeddings: np.ndarray,
    findings: dict,
    *,
    segment_field: str = "segment",
    embedder: Any = None,
    min_interviews: int = 5,
) -> dict:
    """personas.json content: one persona per segment (or one for all customers), every item quoted."""
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or len(embeddings) != len(statements):
        raise PersonaError(
            f"embeddings must be a 2-D array with one row per statement: got shape {embeddings.shape} "
            f"for {len(statements)} statements"
        )
    if min_interviews < 1:
        raise PersonaError("min_interviews must be at least 1")
    if embedder is None:
        from insightminer.embed import Embedder

        embedder = Embedder()
    statements = list(statements)
    seg_names = [_segment_of(s, segment_field) for s in statements]
    named = sorted({n for n in seg_names if n != UNSPECIFIED})
    groups: dict[str, list[int]] = defaultdict(list)
    if len(named) >= 2:
        for i, name in enumerate(seg_names):
            groups[name].append(i)
    elif statements:
        groups[ALL_CUSTOMERS] = list(range(len(statements)))
    order = sorted(groups, key=lambda n: (n in (UNSPECIFIED,), n))  # "Unspecified" last
    segments = [_Segment(n, np.array(groups[n], dtype=np.int64), statements, embeddings) for n in order]
    scores = cue_scores([s.text for s in statements], embeddings, embedder) if statements else {}
    personas = [_build_persona(seg, scores, findings, min_interviews) for seg in segments]
    named_segments = [s for s in segments if s.name != UNSPECIFIED]
    return {
        "schema_version": SCHEMA_VERSION,
        "segment_field": segment_field,
        "segments": named if len(named) >= 2 else [],
        "personas": personas,
        "segment_comparison": _segment_comparison(statements, named_segments, findings),
        "method": {
            "categories": "max cosine to prototype sentences + lexical cue bonus",
            "lexical_bonus": LEXICAL_BONUS,
            "thresholds": {c: THRESHOLDS[c] for c in CATEGORIES},
            "support_similarity": SUPPORT_SIMILARITY,
            "min_interviews": min_interviews,
        },
    }


# --------------------------------------------------------------------------------------------------
# Markdown


def _md_item(item: dict) -> str:
    where = item["doc_id"] + (
        f" @ {format_timestamp(item.get('start'))}" if item.get("start") is not None else ""
    )
    n = item.get("supporting_interviews", 1)
    also = f"; similar in {n} interviews" if n > 1 else ""
    quote = f"\u201c{_md_escape(item['text'])}\u201d"
    return f"- {quote} \u2014 {_md_escape(item['speaker'])} ({_md_escape(where)}{also})"


def personas_markdown(personas: dict) -> str:
    """personas.md: a readable draft per segment with quotes, doc ids and mm:ss timestamps."""
    lines = ["# Personas (evidence-based drafts)", ""]
    lines.append(
        "Built only from customer statements; every bullet is a verbatim quote with its interview and time. "
        "Counts say how many distinct interviews in the segment said something similar."
    )
    lines.append("")
    for p in personas.get("personas", []):
        lines += [f"## {_md_escape(p['segment'])}", ""]
        lines.append(f"- Interviews: {p['interviews']} ({', '.join(_md_escape(d) for d in p['doc_ids'])})")
        if p["confidence"] != "ok":
            lines.append(f"- **Confidence: {p['confidence']}**")
        lines.append("")
        if p.get("representative_quote"):
            lines += ["> " + _md_item(p["representative_quote"])[2:], ""]
        if p["top_pain_points"]:
            lines += ["### Top pain points", ""]
            for pain in p["top_pain_points"]:
                lines.append(
                    f"- {_md_escape(pain['label'])}: {pain['documents']} interviews "
                    f"({pain['share_of_documents']:.0%})"
                )
            lines.append("")
        if p["motivators"]:
            lines += ["### Motivators", "", "; ".join(describe(p["motivators"], p["statements"])), ""]
        for title, items in (
            ("Goals / jobs to be done", p["goals"]),
            ("Buying triggers", p["buying_triggers"]),
            ("Objections", p["objections"]),
        ):
            if items:
                lines += [f"### {title}", ""] + [_md_item(i) for i in items] + [""]
        em = p["empathy_map"]
        lines += ["### Empathy map", ""]
        for title, items in (("Says", em["says"]), ("Thinks", em["thinks"]), ("Does", em["does"])):
            lines += [f"**{title}**", ""] + ([_md_item(i) for i in items] or ["- (no evidence)"]) + [""]
        feels = em["feels"]
        emo = "; ".join(describe(feels["emotions"], p["statements"]))
        lines += ["**Feels**", "", f"Emotions: {emo}", ""] + [_md_item(i) for i in feels["items"]] + [""]
        stages = ", ".join(f"{s} {v['statements']}" for s, v in p["journey_stages"].items())
        lines += ["### Journey stage signals (statements)", "", stages, ""]
    comparison = [c for c in personas.get("segment_comparison", []) if c["specific_to"]]
    if comparison:
        lines += ["## Segment-specific themes", ""]
        for c in comparison:
            shares = ", ".join(f"{_md_escape(s)} {v:.0%}" for s, v in c["by_segment"].items())
            lines.append(
                f"- {_md_escape(c['label'])}: specific to **{_md_escape(c['specific_to'])}** ({shares})"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
