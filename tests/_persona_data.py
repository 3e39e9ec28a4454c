"""A small, realistic corpus for the persona / trends / HTML report tests, written for these tests.

Nine interviews in two segments: six Enterprise (enough evidence) and three SMB (thin evidence).
Statements carry what the upstream stages would have given them (kind, theme, emotions, motivators);
`findings_for` counts interviews per theme the way the findings writer does, so the report input is
consistent with the statements.
"""

# ruff: noqa: E501 -- the corpus table reads better one statement per line.

from __future__ import annotations

from collections import defaultdict

from insightminer.schema import Statement

THEMES = {
    0: ("crm sync / duplicate records", ["crm sync", "duplicates", "salesforce"]),
    1: ("manual reporting exports", ["export", "spreadsheet", "weekly report"]),
    2: ("security review / sso", ["security review", "sso", "audit"]),
    3: ("per-seat pricing", ["pricing", "per seat", "budget"]),
}

INJECTION = '<script>window.__pwned = 1; document.title = "pwned"</script>" onmouseover="window.__pwned=2'

# (doc_id, segment, date, [(text, kind, theme_id, emotions, motivators)])
DOCS: list[tuple[str, str, str | None, list[tuple[str, str, int, dict, dict]]]] = [
    ("ent-01", "Enterprise", "2026-01-12", [
        ("Every Friday I export the pipeline to a spreadsheet and fix the duplicates by hand.", "pain_point", 1,
         {"annoyance": 0.7}, {"feel_secure": 0.6}),
        ("The Salesforce sync keeps creating duplicate accounts and nobody trusts the data.", "pain_point", 0,
         {"annoyance": 0.8, "disappointment": 0.4}, {"feel_secure": 0.7}),
        ("What started the search was losing a renewal because two reps called the same customer.", "pain_point", 0,
         {"disappointment": 0.6}, {"succeed_in_life": 0.5}),
        ("Our security team needs SSO and an audit log before anything goes live.", "need", 2,
         {"nervousness": 0.5}, {"feel_secure": 0.8}),
        ("I think the real problem is that no one owns the customer record.", "other", 0, {}, {}),
        ("We want one view of every account that sales and support both trust.", "need", 0,
         {"desire": 0.5}, {"confidence_in_future": 0.6}),
    ]),
    ("ent-02", "Enterprise", "2026-01-20", [
        ("Duplicate records from the CRM sync are our biggest headache.", "pain_point", 0,
         {"annoyance": 0.7}, {"feel_secure": 0.5}),
        ("The security review took four months and almost killed the deal.", "pain_point", 2,
         {"annoyance": 0.6, "nervousness": 0.4}, {"feel_secure": 0.7}),
        ("We ran a two week pilot with the EMEA sales team before we signed.", "other", -1, {}, {}),
        ("I copy numbers from the dashboard into Excel every Monday for the leadership report.", "pain_point", 1,
         {"annoyance": 0.5}, {"freedom": 0.5}),
        ("What matters to us is that the data is right before the quarterly board meeting.", "need", 1,
         {"nervousness": 0.5}, {"succeed_in_life": 0.6}),
        (INJECTION, "pain_point", 0, {"anger": 0.6}, {"feel_secure": 0.4}),
    ]),
    ("ent-03", "Enterprise", "2026-02-03", [
        ("The sync with Salesforce duplicates contacts whenever two people edit the same account.", "pain_point", 0,
         {"annoyance": 0.6}, {"feel_secure": 0.6}),
        ("Without single sign-on our IT team will simply block the tool.", "pain_point", 2,
         {"nervousness": 0.6}, {"feel_secure": 0.8}),
        ("We built our own script overnight to merge duplicate accounts.", "pain_point", 0,
         {"annoyance": 0.5}, {"freedom": 0.4}),
        ("Honestly I love how fast the new reports load.", "praise", 1, {"admiration": 0.7, "joy": 0.5},
         {"well_being": 0.5}),
        ("I worry that we are making forecasts on bad data.", "pain_point", 0, {"fear": 0.6, "nervousness": 0.5},
         {"feel_secure": 0.7}),
    ]),
    ("ent-04", "Enterprise", "2026-02-17", [
        ("Our reps waste hours cleaning duplicate records after every sync.", "pain_point", 0,
         {"annoyance": 0.7}, {"freedom": 0.5}),
        ("Procurement will not approve a vendor without a completed security questionnaire.", "pain_point", 2,
         {"annoyance": 0.4}, {"feel_secure": 0.6}),
        ("We compared you against two other vendors on integrations and price.", "other", -1, {}, {}),
        ("Building the weekly report by exporting to spreadsheets takes my whole Friday.", "pain_point", 1,
         {"annoyance": 0.6, "sadness": 0.3}, {"freedom": 0.6}),
        ("I've recommended it to a few peers at other companies already.", "praise", -1, {"admiration": 0.5},
         {"belonging": 0.5}),
    ]),
    ("ent-05", "Enterprise", "2026-03-02", [
        ("Audit logging and SSO are non-negotiable for our compliance team.", "need", 2,
         {"nervousness": 0.4}, {"feel_secure": 0.8}),
        ("The CRM integration creates duplicate leads and it makes us look sloppy to customers.", "pain_point", 0,
         {"embarrassment": 0.6, "annoyance": 0.5}, {"stand_out": 0.5}),
        ("Our renewal is coming up and we are still deciding whether to stay.", "other", -1,
         {"nervousness": 0.4}, {}),
        ("The onboarding took six weeks because the data migration kept failing.", "pain_point", -1,
         {"disappointment": 0.6}, {"feel_secure": 0.4}),
    ]),
    ("ent-06", "Enterprise", None, [
        ("We need the security team to sign off on SSO before we can roll it out company wide.", "need", 2,
         {"nervousness": 0.4}, {"feel_secure": 0.7}),
        ("Duplicates from the Salesforce sync make our pipeline numbers useless.", "pain_point", 0,
         {"annoyance": 0.7, "disappointment": 0.5}, {"succeed_in_life": 0.4}),
        ("I keep a separate spreadsheet of the accounts I do not trust.", "pain_point", 1,
         {"annoyance": 0.4}, {"feel_secure": 0.5}),
    ]),
    ("smb-01", "SMB", "2026-01-15", [
        ("The per seat price gets too expensive once we add the part-time staff.", "pain_point", 3,
         {"annoyance": 0.5, "disappointment": 0.4}, {"feel_secure": 0.5}),
        ("I export everything to a spreadsheet to make the monthly report.", "pain_point", 1,
         {"annoyance": 0.5}, {"freedom": 0.5}),
        ("We found you through a Google search for simple CRM tools.", "other", -1, {}, {}),
        ("We just want to stop paying for seats that people barely use.", "need", 3,
         {"annoyance": 0.4}, {"freedom": 0.6}),
    ]),
    ("smb-02", "SMB", "2026-02-10", [
        ("Honestly the pricing is the main thing holding us back from adding the whole team.", "pain_point", 3,
         {"disappointment": 0.5}, {"succeed_in_life": 0.4}),
        ("Paying per seat for occasional users feels like a waste of our small budget.", "pain_point", 3,
         {"annoyance": 0.6}, {"feel_secure": 0.5}),
        ("The sync sometimes duplicates a contact but it is easy to merge.", "pain_point", 0,
         {"annoyance": 0.3}, {}),
    ]),
    ("smb-03", "SMB", "2026-03-21", [
        ("We cannot justify the cost per user for a team of eight.", "pain_point", 3,
         {"disappointment": 0.5}, {"feel_secure": 0.5}),
        ("Setting up the pipeline stages took one afternoon and it was easy.", "praise", -1,
         {"joy": 0.5, "approval": 0.4}, {"well_being": 0.4}),
        ("I pull the numbers into a spreadsheet every Monday to see where we stand.", "pain_point", 1,
         {"annoyance": 0.3}, {"confidence_in_future": 0.4}),
    ]),
]  # fmt: skip


def make_statements() -> list[Statement]:
    statements = []
    for doc_id, segment, date, rows in DOCS:
        for turn, (text, kind, theme, emotions, motivators) in enumerate(rows):
            metadata = {"segment": segment, "company": f"{doc_id}-co"}
            if date:
                metadata["date"] = date
            statements.append(
                Statement(
                    statement_id=f"{doc_id}:{turn}:0",
                    doc_id=doc_id,
                    speaker=f"Customer {doc_id.upper()}",
                    role="customer",
                    text=text,
                    start=30.0 + 47.5 * turn,
                    end=38.0 + 47.5 * turn,
                    turn_index=turn,
                    metadata=metadata,
                    kind=kind,
                    kind_score=0.8 if kind != "other" else 0.4,
                    theme_id=theme,
                    emotions=emotions,
                    motivators=motivators,
                )
            )
    return statements


def findings_for(statements: list[Statement]) -> dict:
    """findings.json content for the statements: interviews per theme overall and per segment."""
    docs = sorted({s.doc_id for s in statements})
    seg_docs: dict[str, set[str]] = defaultdict(set)
    for s in statements:
        seg_docs[s.metadata["segment"]].add(s.doc_id)
    segments = sorted(seg_docs)
    out = []
    for tid, (label, keywords) in THEMES.items():
        members = [s for s in statements if s.theme_id == tid]
        tdocs = {s.doc_id for s in members}
        seg_info = {}
        for seg in segments:
            d = {s.doc_id for s in members if s.metadata["segment"] == seg}
            seg_info[seg] = {
                "documents": len(d),
                "share_of_documents": round(len(d) / len(seg_docs[seg]), 4),
                "mentions": sum(1 for s in members if s.metadata["segment"] == seg),
            }
        emotions: dict[str, int] = defaultdict(int)
        motivators: dict[str, int] = defaultdict(int)
        kinds: dict[str, int] = defaultdict(int)
        for s in members:
            kinds[s.kind] += 1
            for e in s.emotions:
                emotions[e] += 1
            for m in s.motivators:
                motivators[m] += 1
        out.append(
            {
                "theme_id": tid,
                "label": label,
                "keywords": keywords,
                "score": round(len(tdocs) / len(docs), 4),
                "prevalence": {
                    "documents": len(tdocs),
                    "share_of_documents": round(len(tdocs) / len(docs), 4),
                    "mentions": len(members),
                },
                "intensity": round(
                    sum(max(s.emotions.values(), default=0.0) for s in members) / max(len(members), 1), 4
                ),
                "segments": seg_info,
                "segment_spread": round(
                    sum(1 for v in seg_info.values() if v["documents"]) / len(segments), 4
                ),
                "kinds": dict(kinds),
                "emotions": {k: round(v / len(members), 4) for k, v in emotions.items()},
                "motivators": {k: round(v / len(members), 4) for k, v in motivators.items()},
                "subthemes": [],
                "evidence": [
                    {
                        "statement_id": s.statement_id,
                        "doc_id": s.doc_id,
                        "speaker": s.speaker,
                        "text": s.text,
                        "start": s.start,
                        "end": s.end,
                        "segment": s.metadata["segment"],
                    }
                    for s in members[:4]
                ],
            }
        )
    out.sort(key=lambda f: (-f["score"], f["theme_id"]))
    for rank, f in enumerate(out, 1):
        f["rank"] = rank
    return {
        "schema_version": "2.0",
        "generator": {"name": "insightminer", "version": "0.1.0"},
        "summary": {
            "documents": len(docs),
            "customer_statements": len(statements),
            "pain_point_statements": sum(1 for s in statements if s.kind == "pain_point"),
            "themes": len(out),
            "segments": segments,
            "segment_field": "segment",
        },
        "findings": out,
        "assumptions": {
            "assumptions": [
                {
                    "assumption": "Customers leave because of missing AI features",
                    "voiced": False,
                    "documents": 0,
                    "doc_ids": [],
                    "quotes": [],
                },
                {
                    "assumption": "Data quality in the CRM is a problem",
                    "voiced": True,
                    "documents": 3,
                    "doc_ids": ["ent-01", "ent-02", "ent-03"],
                    "quotes": [{"text": INJECTION, "doc_id": "ent-02"}],
                },
            ],
            "unassumed_themes": [{"theme_id": 2, "label": "security review / sso", "documents": 5}],
        },
    }
