"""Assumption check: did customers actually voice the problems the team assumed?

Teams project their own assumptions (the seeds' Hattula finding: the marketers who felt most
empathetic predicted their customers worst). This module answers each assumption with counted,
quoted evidence, and never with topical similarity alone: "what does pricing look like?" and
"no, the sync has been fine" share an assumption's topic but do not voice its problem.

Per statement, a calibrated cross-encoder (models/assumption-check) judges the (assumption,
statement) pair: supports / contradicts / mentions / unrelated. A supporting statement must also be
a pain or a need (Statement.kind) and not be upbeat (its emotions); anything else about the topic is
"mentioned, not a problem". Per assumption, the verdict is *supported* (interviews where a customer
voiced it), *contradicted* (customers said the opposite) or *not voiced*, with a confidence note when
the evidence is thin. A supported assumption maps to the finding holding its evidence (the theme
cross-check) and then reports that finding's interview count, so the two never disagree.

The empathy gap: the order of the assumptions file is the team's expected ranking (or an explicit
rank column); the check scores it against the measured ranking (Spearman), names the assumed pains
customers barely voiced and the strong pains nobody assumed.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from insightminer.classify.emotions import SENTIMENT_MAPPING
from insightminer.insights.rank import NEGATIVE_EMOTIONS, evidence_item
from insightminer.schema import Statement

VERDICTS = ("supported", "contradicted", "not_voiced")
SUPPORT_KINDS = frozenset({"pain_point", "need"})
POSITIVE_EMOTIONS = frozenset(SENTIMENT_MAPPING["positive"])
_RANK_PREFIX = re.compile(r"^\s*(\d{1,3})\s*(?:[.):\t]|,(?=\s*\S))\s*(.+)$")
_RANK_HEADER = re.compile(r"^\s*rank\s*[,\t]", re.IGNORECASE)


@dataclass(frozen=True)
class ExpectedPain:
    """One line of the team's assumptions file: the assumed problem and its expected rank (1 = top)."""

    text: str
    rank: float


@dataclass(frozen=True)
class AssumptionOptions:
    """Settings of the assumption check; defaults beside the component, like every stage's options."""

    candidate_similarity: float = 0.15  # cosine below which the pair model is not asked (speed only)
    # The bi-encoder cross-check: a statement supports or contradicts an assumption on its own only when
    # their embeddings are this close (cosine); inside a finding the assumption maps to, the pair model's
    # reading is enough (a theme gathers one problem's accounts, whatever their wording).
    min_similarity: float = 0.3
    pair_competition: float = 0.15  # P(supports) within this of the statement's best assumption
    # A close pain or need supports unless the pair model all but rules it out (P(supports) below this).
    min_pair_support: float = 0.1
    support_threshold: float | None = None  # P(supports); None: the model's calibrated threshold
    contradict_threshold: float | None = None  # P(contradicts); None: the model's threshold ...
    min_contradict: float = 0.5  # ... but never below this: "the opposite" must be said plainly
    strict_support: float = 0.85  # a question / other / praise statement supports only above this
    # A statement supports only the assumption it is closest to (within this cosine margin): "invoices
    # sit in a queue for a week" is about approvals, not also about per-invoice pricing.
    competition_margin: float = 0.05
    min_documents: int = 2  # interviews needed for a verdict held by a finding ...
    min_scattered_documents: int = 3  # ... and for one from scattered quotes (no finding holds them)
    thin_share: float = 0.1  # supported in fewer than this share of interviews: a thin-evidence note
    # A finding maps when this share of its interviews carry a statement read as voicing the assumption.
    # Per statement the pair model finds about half of the true supports (held-back pairs, after the
    # kind gate), so a finding that is all about the assumption shows ~0.6-0.7; a third is half of that.
    map_share: float = 0.34
    unassumed_share: float = 0.2  # a finding nobody assumed is "strong" from this share of interviews
    min_unassumed_documents: int = 2
    barely_voiced_share: float = 0.1  # an assumed pain voiced in fewer interviews is "barely voiced"
    max_quotes: int = 5


def parse_assumptions(lines: Sequence[str]) -> list[ExpectedPain]:
    """Assumption lines -> expected pains in expected-rank order.

    Plain lines rank by their order. A line may carry an explicit rank ("3. text", "3) text",
    "3<TAB>text", "3, text"), and a CSV with a `rank,assumption` header works too; equal ranks tie.
    """
    rows = [line.strip() for line in lines if line and line.strip() and not line.strip().startswith("#")]
    if rows and _RANK_HEADER.match(rows[0]):
        dialect = "excel-tab" if "\t" in rows[0] else "excel"
        reader = csv.reader(io.StringIO("\n".join(rows)), dialect=dialect)
        next(reader)
        parsed = []
        for line_no, fields in enumerate(reader, start=2):
            if len(fields) < 2 or not fields[0].strip():
                raise ValueError(f"assumptions line {line_no}: expected 'rank,assumption', got {fields!r}")
            parsed.append((_rank_number(fields[0], line_no), ",".join(fields[1:]).strip()))
    else:
        matches = [_RANK_PREFIX.match(r) for r in rows]
        if rows and all(matches):
            parsed = [(float(m.group(1)), m.group(2).strip()) for m in matches]  # type: ignore[union-attr]
        else:  # no (or partial) rank column: the order is the ranking
            parsed = [(float(i), r) for i, r in enumerate(rows, start=1)]
    order = sorted(range(len(parsed)), key=lambda i: (parsed[i][0], i))
    return [ExpectedPain(parsed[i][1], parsed[i][0]) for i in order]


def _rank_number(value: str, line_no: int) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"assumptions line {line_no}: rank {value!r} is not a number") from None


def polarity(emotions: dict[str, float]) -> float:
    """Negative minus positive emotion (strongest of each): < 0 reads upbeat, > 0 reads troubled."""
    neg = max((s for e, s in emotions.items() if e in NEGATIVE_EMOTIONS), default=0.0)
    pos = max((s for e, s in emotions.items() if e in POSITIVE_EMOTIONS), default=0.0)
    return float(neg - pos)


def judge_statement(
    probs: np.ndarray,
    kind: str,
    emotions: dict[str, float],
    close: bool,
    t_support: float,
    t_contra: float,
    opts: AssumptionOptions,
) -> str:
    """One statement against one assumption: supports / contradicts / mentions / unrelated.

    Two readers decide what the statement is about: the pair model (P(supports), P(contradicts)) and
    the embedding cross-check (`close`: cosine >= min_similarity). Kind and polarity decide whether it
    voices a problem: a pain or a need that either reader ties to the assumption supports it (the
    embedding alone only while the pair model does not rule it out); a neutral remark or "praise"
    supports when both readers tie it to the assumption and it is not upbeat (the kind head misses
    some pains); a question only when the pair model is very sure and the customer sounds troubled (a
    complaint phrased as a question); an upbeat statement never does. A contradiction must be plain
    (P >= t_contra) and close.
    """
    p_sup, p_con, p_men = float(probs[0]), float(probs[1]), float(probs[2])
    pol = polarity(emotions) if emotions else 0.0
    if p_con >= t_contra and p_con >= p_sup:
        return "contradicts" if close else "mentions"
    topical = close or p_sup >= t_support or p_men >= 0.5
    # Upbeat: "the sync has been great" is not a problem, whatever it is about. A wish is worded
    # upbeat too ("I'd love it if the reminders just went out"): for a need, the pair model decides.
    if pol <= -0.3 and not (kind == "need" and p_sup >= t_support):
        return "mentions" if topical else "unrelated"
    if kind in SUPPORT_KINDS:
        if p_sup >= t_support or (close and p_sup >= opts.min_pair_support):
            return "supports"
    elif kind != "question" and close and p_sup >= t_support and p_sup > p_con and pol >= 0.0:
        # A problem the kind head missed ("the verification step is, um, slow" tagged praise): both
        # readers tie it to the assumption and nothing in it sounds upbeat.
        return "supports"
    elif p_sup >= opts.strict_support and pol > 0.0:
        return "supports"
    return "mentions" if topical else "unrelated"


def check_assumptions(
    assumptions: Sequence[str] | Sequence[ExpectedPain],
    statements: Sequence[Statement],
    statement_embeddings: np.ndarray,
    assumption_embeddings: np.ndarray,
    findings: Sequence[dict[str, Any]],
    pair_model: Any,
    options: AssumptionOptions | None = None,
    *,
    segment_field: str = "segment",
) -> dict[str, Any]:
    """Verdict, counts and quotes per assumption; the empathy gap; strong findings nobody assumed.

    Inputs are plain: customer statements (with kind, emotions, theme_id), their embeddings, one
    embedding per assumption, the ranked findings (theme_id, prevalence.documents, rank, label) and a
    pair model with `predict_proba(assumptions, statements)` and `metadata["thresholds"]`.
    """
    opts = options or AssumptionOptions()
    expected = [a if isinstance(a, ExpectedPain) else None for a in assumptions]
    if any(e is None for e in expected):
        expected = parse_assumptions([str(a) for a in assumptions])
    n = len(statements)
    emb = np.asarray(statement_embeddings, dtype=np.float32)
    if len(emb) != n:
        raise ValueError(f"{len(emb)} statement embeddings for {n} statements: they must be aligned")
    a_emb = np.asarray(assumption_embeddings, dtype=np.float32)
    if len(a_emb) != len(expected):
        raise ValueError(f"{len(expected)} assumptions but {len(a_emb)} embeddings")
    thresholds = (getattr(pair_model, "metadata", {}) or {}).get("thresholds", {})
    t_sup = opts.support_threshold if opts.support_threshold is not None else thresholds.get("supports", 0.5)
    t_con = (
        opts.contradict_threshold
        if opts.contradict_threshold is not None
        else max(float(thresholds.get("contradicts", 0.5)), opts.min_contradict)
    )

    all_docs = sorted({s.doc_id for s in statements})
    n_docs = len(all_docs)
    members: dict[int, list[int]] = {}
    for i, s in enumerate(statements):
        if s.theme_id >= 0:
            members.setdefault(int(s.theme_id), []).append(i)

    sims = _cosines(emb, a_emb)  # (n_assumptions, n_statements)
    # One batched call to the pair model for every candidate pair of every assumption.
    cand = [np.flatnonzero(sims[j] >= opts.candidate_similarity) for j in range(len(expected))]
    pair_a = [expected[j].text for j in range(len(expected)) for _ in cand[j]]
    pair_s = [statements[i].text for j in range(len(expected)) for i in cand[j]]
    flat = pair_model.predict_proba(pair_a, pair_s) if pair_a else np.zeros((0, 4), np.float32)
    probs = np.zeros((len(expected), n, 4), dtype=np.float32)
    offset = 0
    for j, rows in enumerate(cand):
        probs[j, rows] = flat[offset : offset + len(rows)]
        offset += len(rows)
    best_sim = sims.max(axis=0) if len(expected) else np.zeros(n, dtype=np.float32)
    best_sup = probs[:, :, 0].max(axis=0) if len(expected) else np.zeros(n, dtype=np.float32)

    judged: list[dict[int, str]] = []
    lenient: list[set[int]] = []
    strict: list[set[int]] = []
    for j in range(len(expected)):
        verdicts, loose, tight = {}, set(), set()
        for i in cand[j].tolist():
            close = bool(sims[j, i] >= opts.min_similarity)
            v = judge_statement(
                probs[j, i], statements[i].kind, statements[i].emotions, close, t_sup, t_con, opts
            )
            nearest = close and sims[j, i] >= best_sim[i] - opts.competition_margin
            if v == "contradicts" and not nearest:
                v = "mentions"  # a denial of what another assumption is about
            if v == "supports":
                if nearest or probs[j, i, 0] >= best_sup[i] - opts.pair_competition:
                    loose.add(i)
                # Support that stands without a finding (scattered quotes) needs the pair model's own
                # calibrated reading; a close pain the pair model merely does not rule out counts only
                # inside a finding the assumption maps to. A kind model that calls a neutral fact a
                # "need" must not be able to confirm an assumption through the embedding alone.
                if nearest and probs[j, i, 0] >= t_sup:
                    tight.add(i)
            verdicts[i] = v
        judged.append(verdicts)
        lenient.append(loose)
        strict.append(tight)
    mapping = _map_findings(strict, lenient, statements, findings, members, opts)

    results, mapped_theme_ids = [], set()
    for j, pain in enumerate(expected):
        mapped = mapping.get(j, [])
        inside = {m for f in mapped for m in members.get(f["theme_id"], [])}
        support = strict[j] | (lenient[j] & inside)
        entry = _assess(pain, support, judged[j], probs[j], mapped, statements, n_docs, opts, segment_field)
        mapped_theme_ids.update(f["theme_id"] for f in entry["findings"])
        results.append(entry)

    unassumed = _unassumed(findings, mapped_theme_ids, results, statements, n_docs, opts)
    return {
        "method": {
            "pair_model": (getattr(pair_model, "metadata", {}) or {}).get("name", "assumption-check"),
            "support_threshold": round(float(t_sup), 4),
            "contradict_threshold": round(float(t_con), 4),
            "support_kinds": sorted(SUPPORT_KINDS),
            "min_documents": opts.min_documents,
            "min_scattered_documents": opts.min_scattered_documents,
        },
        "documents": n_docs,
        "assumptions": results,
        "empathy_gap": _empathy_gap(results, unassumed, n_docs, opts),
        "unassumed_findings": unassumed,
    }


def _cosines(emb: np.ndarray, a_emb: np.ndarray) -> np.ndarray:
    if not len(emb) or not len(a_emb):
        return np.zeros((len(a_emb), len(emb)), dtype=np.float32)
    e = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    a = a_emb / np.maximum(np.linalg.norm(a_emb, axis=1, keepdims=True), 1e-12)
    return (a @ e.T).astype(np.float32)


def _map_findings(
    strict: list[set[int]],
    lenient: list[set[int]],
    statements: Sequence[Statement],
    findings: Sequence[dict[str, Any]],
    members: dict[int, list[int]],
    opts: AssumptionOptions,
) -> dict[int, list[dict[str, Any]]]:
    """Which findings hold each assumption's evidence (the theme cross-check), best first.

    A finding maps to an assumption when at least `map_share` of its interviews carry a statement the
    pair model reads as voicing it, at least one of them also close by embedding, and no other
    assumption backs more of its interviews. Usually one finding; several when themes split one pain.
    """
    out: dict[int, list[tuple[tuple, dict[str, Any]]]] = {}
    for f in findings:
        f_members = members.get(int(f["theme_id"]), [])
        f_docs = {statements[m].doc_id for m in f_members}
        if not f_docs:
            continue
        best = None
        for j in range(len(lenient)):
            backed = {statements[m].doc_id for m in f_members if m in lenient[j]}
            share = len(backed) / len(f_docs)
            if share < opts.map_share or not any(m in strict[j] for m in f_members):
                continue
            key = (share, len(backed), -j)
            if best is None or key > best[0]:
                best = (key, j)
        if best is None:
            continue
        item = {
            "theme_id": int(f["theme_id"]),
            "rank": f.get("rank"),
            "label": f.get("label", ""),
            "documents": int(f["prevalence"]["documents"]),
            "doc_ids": sorted(f.get("doc_ids") or f_docs),
        }
        out.setdefault(best[1], []).append(((-best[0][1], -best[0][0], int(f.get("rank") or 0)), item))
    return {j: [item for _, item in sorted(v, key=lambda x: x[0])] for j, v in out.items()}


def specific_terms(text: str) -> list[str]:
    """Names in an assumption that customers would have to say for it to be theirs: acronyms and
    capitalised words after the first ("AI", "Slack", "Salesforce")."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9+#-]*", text)
    out: list[str] = []
    for k, w in enumerate(words):
        if (len(w) >= 2 and w.isupper()) or (k > 0 and w[0].isupper() and not w.isupper()):
            if w.lower() not in out:
                out.append(w.lower())
    return out


def _assess(
    pain: ExpectedPain,
    support_rows: set[int],
    judged: dict[int, str],
    probs: np.ndarray,
    mapped: list[dict[str, Any]],
    statements: Sequence[Statement],
    n_docs: int,
    opts: AssumptionOptions,
    segment_field: str,
) -> dict[str, Any]:
    p_sup = {i: float(probs[i, 0]) for i in judged}
    p_con = {i: float(probs[i, 1]) for i in judged}
    support = sorted(support_rows, key=lambda i: (-p_sup[i], i))
    s_docs = {statements[i].doc_id for i in support}
    contra = sorted((i for i, v in judged.items() if v == "contradicts"), key=lambda i: (-p_con[i], i))
    mention = sorted(
        (i for i, v in judged.items() if i not in support_rows and v in ("mentions", "supports")),
        key=lambda i: (-p_sup[i], i),
    )
    c_docs = {statements[i].doc_id for i in contra} - s_docs

    notes: list[str] = []
    terms = specific_terms(pain.text)
    named = any(
        re.search(rf"\b{re.escape(t)}\b", statements[i].text, flags=re.IGNORECASE)
        for t in terms
        for i in support
    )
    unnamed = bool(terms and support and not named)
    if unnamed:
        # "The AI forecasting is not accurate" is not voiced by customers who only complain about
        # their forecasts: the assumption names something nobody mentioned.
        notes.append(
            f"customers never named {', '.join(repr(t) for t in terms)}: related talk is not support"
        )
    if len(mapped) == 1:  # the count is the finding's count: one number for one problem
        doc_ids = sorted(mapped[0]["doc_ids"])
    elif mapped:
        # One pain split over several findings: their union also holds each finding's other
        # interviews, so count the interviews inside them where a statement voices the assumption.
        doc_ids = sorted(s_docs & set().union(*(set(f["doc_ids"]) for f in mapped)))
    else:
        doc_ids = sorted(s_docs)
    need = opts.min_documents if mapped else opts.min_scattered_documents
    if not unnamed and len(doc_ids) >= need and len(s_docs) >= len(c_docs):
        verdict = "supported"
    elif len(c_docs) >= opts.min_scattered_documents and len(c_docs) > (0 if unnamed else len(s_docs)):
        verdict = "contradicted"
    else:
        verdict = "not_voiced"
    if verdict != "supported":
        if support:
            notes.append(
                f"too few interviews for a verdict: voiced in {len(s_docs)}, contradicted in {len(c_docs)}"
                if not unnamed
                else f"related talk in {len(s_docs)} interviews"
            )
        mention = support + mention  # talk that does not carry the verdict is a mention
        mapped, doc_ids, support = [], [], []
    m_docs = {statements[i].doc_id for i in contra + mention} - {statements[i].doc_id for i in support}
    documents = len(doc_ids)
    finding = mapped[0] if mapped else None
    entry = {
        "assumption": pain.text,
        "expected_rank": pain.rank,
        "verdict": verdict,
        "voiced": verdict == "supported",
        "documents": documents,
        "share_of_documents": round(documents / n_docs, 4) if n_docs else 0.0,
        "doc_ids": doc_ids,
        "supporting_documents": len(s_docs) if verdict == "supported" else 0,
        "supporting_statements": len(support),
        "contradicting_documents": len(c_docs),
        "mentioned_documents": len(m_docs),
        "finding": None
        if finding is None
        else {k: finding[k] for k in ("theme_id", "rank", "label", "documents")},
        "findings": [{k: m[k] for k in ("theme_id", "rank", "label", "documents")} for m in mapped],
        "quotes": _quotes(support, statements, p_sup, opts.max_quotes, segment_field),
        "contradicting_quotes": _quotes(contra, statements, p_con, 3, segment_field),
        "mentioned_quotes": _quotes(mention, statements, p_sup, 3, segment_field),
        "confidence": "ok",
        "notes": notes,
    }
    _confidence(entry, s_docs if verdict == "supported" else set(), c_docs, mapped, n_docs, opts)
    return entry


def _confidence(
    entry: dict[str, Any],
    s_docs: set[str],
    c_docs: set[str],
    mapped: list[dict[str, Any]],
    n_docs: int,
    opts: AssumptionOptions,
) -> None:
    notes = entry["notes"]
    verdict = entry["verdict"]
    if verdict == "supported":
        if len(s_docs) < 3 or (n_docs and len(s_docs) / n_docs < opts.thin_share):
            notes.append(f"thin evidence: voiced in {len(s_docs)} of {n_docs} interviews")
        if c_docs:
            notes.append(f"mixed: customers in {len(c_docs)} other interviews said the opposite")
        if not mapped:
            notes.append("no finding holds this evidence: counted from the quotes alone")
        else:
            if len(mapped) > 1:
                ranks = ", ".join(f"#{m['rank']}" for m in mapped)
                notes.append(f"the evidence is split over findings {ranks}")
            if abs(entry["documents"] - len(s_docs)) > 0.2 * max(entry["documents"], 1):
                notes.append(
                    f"the findings count {entry['documents']} interviews; quotes that voice this "
                    f"assumption come from {len(s_docs)}"
                )
    elif verdict == "contradicted":
        if len(c_docs) < 3:
            notes.append(f"thin evidence: contradicted in {len(c_docs)} interviews")
        if s_docs:
            notes.append(f"mixed: voiced in {len(s_docs)} interviews")
    else:
        if s_docs or c_docs:
            notes.append(
                f"too few interviews for a verdict: voiced in {len(s_docs)}, contradicted in {len(c_docs)}"
            )
        if n_docs < 5:
            notes.append(f"only {n_docs} interviews: absence of evidence is weak evidence of absence")
    if notes and (verdict != "supported" or len(s_docs) < 3 or c_docs):
        entry["confidence"] = "low"


def _quotes(
    rows: list[int], statements: Sequence[Statement], score: dict[int, float], limit: int, segment_field: str
) -> list[dict[str, Any]]:
    """Best quotes, one per interview first (breadth of evidence), then the next best."""
    first, rest, seen = [], [], set()
    for i in rows:
        (rest if statements[i].doc_id in seen else first).append(i)
        seen.add(statements[i].doc_id)
    return [
        {
            **evidence_item(statements[i], segment_field),
            "kind": statements[i].kind,
            "score": round(score[i], 4),
        }
        for i in (first + rest)[:limit]
    ]


def _unassumed(
    findings: Sequence[dict[str, Any]],
    mapped: set[int],
    results: list[dict[str, Any]],
    statements: Sequence[Statement],
    n_docs: int,
    opts: AssumptionOptions,
) -> list[dict[str, Any]]:
    """Strong pain findings that no assumption maps to (nor half-maps to through its quotes)."""
    quoted: dict[int, set[str]] = {}
    by_id = {s.statement_id: s for s in statements}
    for r in results:
        for q in r["quotes"]:
            s = by_id.get(q["statement_id"])
            if s is not None and s.theme_id >= 0:
                quoted.setdefault(int(s.theme_id), set()).add(s.doc_id)
    floor = max(opts.min_unassumed_documents, math.ceil(opts.unassumed_share * n_docs))
    out = []
    for f in findings:
        tid, docs = int(f["theme_id"]), int(f["prevalence"]["documents"])
        if tid in mapped or docs < floor or len(quoted.get(tid, ())) >= 0.3 * docs:
            continue
        kinds = f.get("kinds") or {}
        total = sum(kinds.values())
        if total and (kinds.get("pain_point", 0) + kinds.get("need", 0)) / total < 0.5:
            continue  # a praise or question theme is not a pain nobody assumed
        out.append(
            {
                "theme_id": tid,
                "rank": f.get("rank"),
                "label": f.get("label", ""),
                "documents": docs,
                "share_of_documents": round(docs / n_docs, 4) if n_docs else 0.0,
            }
        )
    out.sort(key=lambda d: (-d["documents"], d["rank"] if d["rank"] is not None else 0, d["theme_id"]))
    return out


def _empathy_gap(
    results: list[dict[str, Any]], unassumed: list[dict[str, Any]], n_docs: int, opts: AssumptionOptions
) -> dict[str, Any]:
    """How well the team's expected ranking predicted what customers voiced (Spearman's rho)."""
    from scipy.stats import spearmanr

    expected = [r["expected_rank"] for r in results]
    measured = [-r["documents"] for r in results]  # more interviews = higher measured rank
    rho = None
    note = ""
    if len(results) < 3:
        note = "needs at least 3 ranked assumptions"
    elif len(set(expected)) < 2 or len(set(measured)) < 2:
        note = "no variation to correlate (all assumptions ranked equal, or all measured equal)"
    else:
        rho = round(float(spearmanr(expected, measured).statistic), 4)
        note = (
            "team predicted well"
            if rho >= 0.7
            else "team predicted partly"
            if rho >= 0.3
            else "team predicted no better than chance"
            if rho > -0.3
            else "team predicted the reverse of what customers voiced"
        )
    barely = [
        {
            "assumption": r["assumption"],
            "expected_rank": r["expected_rank"],
            "verdict": r["verdict"],
            "documents": r["documents"],
        }
        for r in results
        if (r["documents"] / n_docs if n_docs else 0.0) < opts.barely_voiced_share
    ]
    return {
        "spearman": rho,
        "assumptions_ranked": len(results),
        "note": note,
        "measured_order": [
            r["assumption"] for r in sorted(results, key=lambda r: (-r["documents"], r["expected_rank"]))
        ],
        "barely_voiced": barely,
        "unassumed_strong_pains": [
            {k: u[k] for k in ("theme_id", "rank", "label", "documents")} for u in unassumed
        ],
    }
