"""The shape of a study conversation, shared by the study generators (content lives in each generator).

``build_doc`` lays out one research interview or sales call from a content module: greeting, context,
then pain voicings, denials, praise, a one-off complaint and process talk in a seeded order (sales calls
add a rep-only pitch and a solutions engineer), then the close. ``Pools`` hands out each line at most a
given number of times in the whole study, so no customer line is reused.
"""

from __future__ import annotations

import random
from typing import Any

from study_render import Doc, sentences


def job_title(role: str) -> str:
    """A job title mid-sentence: 'VP Operations' keeps its acronym, 'Clinic Manager' is lower-cased."""
    return " ".join(w if w.isupper() else w.lower() for w in role.split())


class Pools:
    """Draw each line at most ``limit`` times in the whole study (1 for customer lines)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, int] = {}

    def free(self, pool: list[str], limit: int = 1) -> int:
        return sum(1 for x in pool if self.used.get(x, 0) < limit)

    def take(self, pool: list[str], limit: int = 1) -> str:
        free = [x for x in pool if self.used.get(x, 0) < limit]
        if not free:
            raise SystemExit(f"pool exhausted: {pool[0][:50]!r}")
        choice = self.rng.choice(free)
        self.used[choice] = self.used.get(choice, 0) + 1
        return choice


def assign(rng: random.Random, n_docs: int, freq: dict[str, int], max_per_doc: int = 5) -> list[list[str]]:
    """Which pains each doc voices: exact frequencies, every doc at least one, at most ``max_per_doc``."""
    for _ in range(1000):
        per_doc: list[list[str]] = [[] for _ in range(n_docs)]
        for pid, k in freq.items():
            for i in rng.sample(range(n_docs), k):
                per_doc[i].append(pid)
        if all(1 <= len(p) <= max_per_doc for p in per_doc):
            return per_doc
    raise SystemExit("no assignment found")


def build_doc(
    pools: Pools,
    rng: random.Random,
    doc: Doc,
    info: tuple,
    pains: list[str],
    denials: list[str],
    one_off: str | None,
    sales: bool,
    se: str | None,
    c: Any,
) -> None:
    """One conversation from the content ``c`` (a generator's pools, TEXT and context_fill)."""
    stem, company, kind, segment, role, c1, c2, city = info
    lead = doc.team[0]
    custs = [c for c in (c1, c2) if c]
    fill = c.context_fill(rng, info)

    def ctx(templates: list[str], k: int) -> str:
        picks = rng.sample(templates, k)
        return " ".join(t.format(**fill) for t in picks)

    if sales:
        doc.say(lead, c.TEXT["sales_hi"].format(c1=c1.split()[0], lead=lead.split()[0]))
        if se:
            doc.say(lead, f"I've also brought {se.split()[0]}, one of our solutions engineers.")
            doc.say(se, "Hi everyone, good to meet you.")
        doc.say(c1, f"Hi, yeah, thanks. I'm the {job_title(role)} at {company}.")
        if c2:
            doc.say(c2, pools.take(c.SECOND_INTROS_SALES, 2))
        doc.say(lead, c.TEXT["sales_about"])
        doc.say(c1, ctx(c.SALES_CONTEXT_TEMPLATES, 2))
    else:
        doc.say(lead, c.TEXT["research_hi"].format(c1=c1.split()[0], lead=lead.split()[0]))
        doc.say(c1, "Sure, happy to help.")
        if c2:
            doc.say(c1, f"I've got {c2.split()[0]} here with me too.")
            doc.say(c2, pools.take(c.SECOND_INTROS, 2))
        doc.say(lead, c.TEXT["research_about"])
        doc.say(c1, ctx(c.CONTEXT_TEMPLATES, 3))
        doc.say(lead, pools.take(c.BACKCHANNELS, 99))

    topics: list[tuple[str, str]] = [("pain", p) for p in pains] + [("denial", p) for p in denials]
    topics += [("praise", "")] * rng.choice([0, 1, 1, 2])
    if one_off:
        topics.append(("one_off", one_off))
    rng.shuffle(topics)
    if sales:
        pos = rng.randint(1, len(topics))
        topics.insert(pos, ("pitch", ""))
        if se:
            topics.insert(rng.randint(0, len(topics)), ("se", ""))
        topics.append(("question", ""))

    def speaker() -> str:
        return rng.choice(custs)

    def take_process() -> str:
        # Lines naming another kind of customer's world (dogs in a dental practice) are left out.
        own = [x for x in c.PROCESS if c.process_kind(x) in (None, kind)]
        return pools.take(own)

    n_process = rng.randint(2, 3)
    for _ in range(n_process):
        topics.insert(rng.randint(0, len(topics)), ("process", ""))
    for what, arg in topics:
        if what == "pain":
            voicing = pools.take(c.VOICINGS[arg])
            named = rng.random() < 0.4
            if named:
                doc.say(lead, pools.take(c.NAMING_QUESTIONS[arg], 4), f"interviewer_mention:{arg}")
            else:
                doc.say(lead, pools.take(c.GENERIC_PROMPTS, 4))
            who = speaker()
            if rng.random() < 0.35:
                doc.say(who, pools.take(c.CUSTOMER_FILLERS, 6))
            elif rng.random() < 0.25 and pools.free(c.PROCESS) > 20:
                doc.say(who, take_process())
            first, _, second = voicing.partition(" || ")
            parts = sentences(first)
            if len(parts) > 1 and rng.random() < 0.4:
                # A backchannel mid-answer splits the voicing over two customer turns.
                doc.say(who, parts[0], arg)
                doc.say(lead, pools.take(c.BACKCHANNELS, 99))
                doc.say(who, " ".join(parts[1:]), arg)
            else:
                doc.say(who, first, arg)
            if second:
                doc.say(lead, pools.take(c.FOLLOW_UPS, 4))
                doc.say(who, second, arg)
            if rng.random() < 0.5:
                doc.say(lead, pools.take(c.BACKCHANNELS, 99))
        elif what == "process":
            doc.say(lead, pools.take(c.PROCESS_PROMPTS, 12))
            who = speaker()
            doc.say(who, take_process())
            if rng.random() < 0.3:
                doc.say(lead, pools.take(c.BACKCHANNELS, 99))
                doc.say(who, take_process())
        elif what == "denial":
            doc.say(lead, pools.take(c.NAMING_QUESTIONS[arg], 4), f"interviewer_mention:{arg}")
            doc.say(speaker(), pools.take(c.DENIALS[arg]), f"denial:{arg}")
            doc.say(lead, pools.take(c.BACKCHANNELS, 99))
        elif what == "praise":
            doc.say(lead, pools.take(c.PRAISE_PROMPTS, 5))
            doc.say(speaker(), pools.take(c.PRAISE), "praise")
        elif what == "one_off":
            doc.say(lead, pools.take(c.GENERIC_PROMPTS, 4))
            doc.say(speaker(), arg, "one_off")
        elif what == "pitch":
            doc.say(lead, "Can I show you something quickly?")
            doc.say(c1, pools.take(c.SALES_REACTIONS, 9))
            for _ in range(rng.randint(2, 3)):
                doc.say(lead, pools.take(c.PITCH), "rep_only")
                doc.say(speaker(), pools.take(c.SALES_REACTIONS, 9))
        elif what == "se":
            assert se is not None
            pid = rng.choice([p for p in sorted(c.SE_PAIN_LINES) if pools.free(c.SE_PAIN_LINES[p])])
            doc.say(lead, f"{se.split()[0]}, do you want to cover the technical side?")
            doc.say(se, pools.take(c.SE_NEUTRAL), None)
            doc.say(se, pools.take(c.SE_PAIN_LINES[pid]), f"interviewer_mention:{pid}")
            doc.say(speaker(), pools.take(c.SALES_REACTIONS, 9))
        elif what == "question":
            doc.say(speaker(), pools.take(c.SALES_CUSTOMER_QUESTIONS))
            answerer = se or lead
            doc.say(answerer, pools.take(c.SE_NEUTRAL) if se else "Good question, I'll send the details "
                    "over after this call so you have it in writing.")  # fmt: skip
    while len(doc.turns) < 19:  # short interviews get more process talk before the close
        doc.say(lead, pools.take(c.PROCESS_PROMPTS, 12))
        doc.say(speaker(), take_process())
    if sales:
        doc.say(lead, c.TEXT["sales_close"])
        doc.say(c1, "Sounds good, thanks.")
    else:
        doc.say(lead, "That's everything I had. Is there anything I should have asked and didn't?")
        doc.say(c1, pools.take(c.CLOSINGS, 3))
        doc.say(lead, "Thank you, this was really useful.")
