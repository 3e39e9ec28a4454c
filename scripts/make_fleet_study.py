"""Write the HELD-OUT fleet study: 16 fictional conversations about "Haulwise" (never tune on it).

Haulwise is a made-up fleet telematics and dispatch product for trucking companies (GPS tracking, ELD /
hours-of-service logs, fuel tax reporting, routing, a driver app). 11 research interviews and 5 sales
calls (3 with an account executive and a solutions engineer), five pains planted at known frequencies,
the same trap types as the clinic study, sentence-level truth. Written separately from the clinic study:
its own hand-written lines; only the conversation shape (scripts/study_build.py) and the export formats
(scripts/study_render.py) are shared.

    python scripts/make_fleet_study.py      # writes data/fixtures/studies/fleet-holdout/
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from study_build import Pools, assign, build_doc, job_title  # noqa: E402
from study_render import Doc, check_variety, write_study  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "studies" / "fleet-holdout"
SEED = 4417

PAINS = {
    "T1": {
        "description": "Live GPS tracking drops: trucks vanish from the map or show stale positions",
        "label": "Trucks drop off the live map",
    },
    "T2": {
        "description": "ELD hours-of-service logs come out wrong (unassigned driving, phantom violations)",
        "label": "Hours-of-service logs come out wrong",
    },
    "T3": {
        "description": "IFTA fuel-tax reporting is manual: miles per state and fuel receipts matched by hand",
        "label": "Fuel tax reports take days by hand",
    },
    "T4": {
        "description": "Routes and ETAs ignore truck restrictions and real drive times; windows missed",
        "label": "Routes ignore truck restrictions",
    },
    "T5": {
        "description": "The driver app drains phone batteries and dies mid-shift",
        "label": "Driver app drains phone batteries",
    },
}
FREQ = {"T1": 12, "T2": 9, "T3": 7, "T4": 5, "T5": 3}

VOICINGS = {
    "T1": [
        "The map is the problem. Trucks just disappear off it for an hour at a time, and then the customer "
        "calls asking where their load is and I genuinely don't know.",
        "Why does truck forty-two show it's in Memphis when the driver is telling me he's outside Little "
        "Rock?",
        "I'd love it if the dots on the map were actually where the trucks are. That's the dream, honestly.",
        "We had a reefer load of berries, and the tracker froze somewhere in Nebraska. || For three hours we "
        "thought the truck was parked. Turns out the driver was moving the whole time, we just couldn't "
        "see it, and the broker escalated to their VP.",
        "The live tracking is, um, a little optimistic about the word live.",
        "Oh wonderful, the map says half my fleet is in the parking lot again.",
        "Tracking's great when it works, but in the mountains we lose the pings completely and nobody "
        "knows it until someone calls.",
        "Location updates lag like twenty minutes behind. By the time I see a truck is late, it's already "
        "really late.",
        "Is there a reason the positions stop updating whenever a truck crosses into Canada?",
        "My dispatchers have basically gone back to calling drivers for a location, which defeats the "
        "whole point of paying for GPS.",
        "Customers want a tracking link, and I'm scared to send it, because half the time the truck on it "
        "hasn't moved since lunch.",
        "What I need is a position I can trust. Every five minutes, accurate, no gaps.",
        "Honestly the tracking gaps make us look bad. A shipper asked me once if we'd lost the trailer.",
        "It's not perfect, the GPS. Some trucks just go dark for a while.",
    ],
    "T2": [
        "The hours-of-service logs are a mess. Drivers get flagged for violations they never had, and "
        "then we're arguing with the auditor about it.",
        "Why does the ELD keep creating unassigned driving events when the yard guy moves a truck ten feet?",
        "I'd really like the logs to just be right, so I'm not cleaning them up every Monday.",
        "One of our drivers got put out of service at a roadside inspection. || The officer's printout "
        "said he was over his eleven hours, but he'd been on a break, the log just didn't record it. That "
        "cost us a day and a late load.",
        "The HOS side is, let's just say, not our favourite part.",
        "Fantastic, another phantom violation on a driver who was asleep in the sleeper berth.",
        "The ELD is fine on paper, but the duty status keeps flipping to driving when the truck idles.",
        "My safety manager spends hours every week editing logs and annotating why they're wrong.",
        "Is it normal that the logs show a driver on duty for twenty-six hours in one day?",
        "The compliance reports count violations that aren't real, so our safety score looks worse than it "
        "should.",
        "Drivers hate the log screens. When the clock is wrong they lose driving time they actually had.",
    ],
    "T3": [
        "Fuel tax reporting is all manual. Every quarter my office manager sits with the fuel card export "
        "and a spreadsheet of miles per state for, like, a week.",
        "Why can't it just produce the IFTA report? It has the miles, it has the fuel, it should add them "
        "up.",
        "I'd love it if the quarterly fuel tax filing was a button instead of a project.",
        "Last quarter we got the state mileage wrong and had to file an amended return. || The auditor "
        "letter was not fun. We paid a penalty on top, because the jurisdiction miles from the system "
        "didn't match our fuel receipts.",
        "The IFTA piece is, um, basically us with a calculator.",
        "Great, another quarter of matching fuel receipts to trips by hand.",
        "The mileage by state it gives us is close, but close isn't good enough for the tax people.",
        "What would help is if the fuel card purchases matched up with the trips automatically.",
        "Quarter end means my bookkeeper works weekends just on fuel tax, and she's not thrilled about it.",
    ],
    "T4": [
        "The routing sends our trucks under low bridges. It's planning routes for cars, not for a "
        "thirteen-foot-six trailer.",
        "How is the ETA assuming my driver can do seventy the whole way, with no stops?",
        "If the route planner just knew which roads don't allow trucks at all, that'd be half the battle.",
        "A driver followed the suggested route into a residential street with a weight limit. || He had to "
        "back out half a mile, and we missed the delivery window at the distribution centre, so the "
        "appointment got pushed a full day.",
        "The ETAs are, hmm, on the hopeful side.",
        "The arrival times it gives the customer are always early, so we keep looking late even when the "
        "driver is on pace.",
        "Is there a way to make the routes avoid the hazmat-restricted tunnels? We keep getting sent "
        "through them.",
    ],
    "T5": [
        "The driver app drains the phone battery. By mid-afternoon the phone's dead and the driver can't "
        "do anything.",
        "Does the app really need the GPS at full power all day? The drivers' phones are cooking.",
        "All I want is an app that doesn't kill a phone before the shift ends.",
        "We bought every driver a battery pack. || That's how bad it is with the app, it just eats through "
        "the charge in five or six hours.",
        "The app's alright, apart from the part where it flattens your phone by lunchtime.",
    ],
}

DENIALS = {
    "T1": [
        "No, the tracking has honestly been solid for us.",
        "The map's fine, I can see every truck, no complaints.",
        "GPS has been reliable, even out in the sticks.",
    ],
    "T2": [
        "Logs are fine for us, the drivers got used to it quickly.",
        "No, we haven't had trouble with the hours-of-service side.",
        "The ELD part works, our audit last year came back clean.",
    ],
    "T3": [
        "Fuel tax isn't an issue, our accountant handles it with the export.",
        "The IFTA report comes out fine, we just file it.",
        "Honestly the fuel tax side is easy for us, we're mostly in one state.",
    ],
    "T4": [
        "Routing's good, actually. The drivers mostly know their lanes anyway.",
        "The ETAs are pretty close for us.",
        "The route planner is fine, it knows the truck roads.",
    ],
    "T5": [
        "The app doesn't seem to bother the phones, no.",
        "Battery's fine, the drivers keep them on the charger in the cab.",
        "No complaints about the driver app from our guys.",
    ],
}

NAMING_QUESTIONS = {
    "T1": [
        "How's the live tracking working for you?",
        "Do you trust the truck positions on the map?",
        "Any gaps in the GPS data?",
    ],
    "T2": [
        "How are the hours-of-service logs?",
        "Do you run into problems with the ELD logs?",
        "What about compliance, are the duty logs accurate?",
    ],
    "T3": [
        "How do you do your IFTA reporting?",
        "What's fuel tax time like for you?",
        "Does the fuel tax report come out of the system?",
    ],
    "T4": [
        "How do you find the routing and the ETAs?",
        "Do the planned routes work for your trucks?",
        "Are the arrival times accurate?",
    ],
    "T5": [
        "How do drivers get on with the app?",
        "Any trouble with the driver app on their phones?",
        "What do the drivers say about the mobile app?",
    ],
}

GENERIC_PROMPTS = [
    "What's the hardest part of a dispatcher's day?",
    "Tell me about a week that went badly.",
    "What would you fix first?",
    "What else gets in your way?",
    "Where does the software let you down?",
    "What do your dispatchers grumble about?",
    "What takes longer than it should?",
    "Anything you've had to work around?",
    "What keeps you up at night, business-wise?",
    "What do you end up doing by hand?",
    "Okay. Anything else?",
    "What do the drivers complain about?",
]
FOLLOW_UPS = [
    "Ouch. What happened next?",
    "And then?",
    "How did that get resolved?",
    "Can you tell me more?",
    "What did that cost you?",
]
PRAISE_PROMPTS = [
    "What's working well?",
    "What do you like about it?",
    "What would you miss if it went away?",
    "Anything you'd recommend it for?",
    "Where has it helped?",
]
BACKCHANNELS = ["Mm-hmm.", "Right.", "Okay.", "Yeah.", "Got it.", "Huh.", "Sure."]
CUSTOMER_FILLERS = ["Oh, boy.", "Yeah, so.", "Um. Okay.", "Where do I start.", "Hmm.", "Well."]

PRAISE = [
    "The dispatch board is really clean, my new dispatcher picked it up in a morning.",
    "Support is great, they answer the phone at two in the morning, which in trucking matters.",
    "Maintenance reminders have saved us a couple of breakdowns, I'm pretty sure.",
    "I like the driver scorecards, the guys actually compete on them.",
    "Getting the trucks installed was quick, the tech did twenty units in two days.",
    "The document scanning in the app is great, no more faxing bills of lading.",
    "Setup was painless, we were running within a week.",
    "The geofence alerts at the customer docks are handy.",
    "The invoicing module is honestly better than our old accounting tool.",
    "The detention time report helps us bill shippers for waiting, that's real money.",
    "I love that I can message a driver from the load screen.",
    "The trailer tracking add-on has been rock solid.",
    "Onboarding our office staff took an afternoon, it's intuitive.",
    "Their account manager actually knows trucking, which helps.",
    "The fuel purchase alerts caught a card being misused, which paid for itself.",
    "Load planning for next week is much faster than it used to be.",
    "The API let our broker partner pull loads straight in, that was easy.",
    "The safety coaching videos are short and the drivers actually watch them.",
]
ONE_OFFS = [
    "The printer at the yard office won't print the load sheets in landscape.",
    "We can't upload photos of damaged freight bigger than five megabytes.",
    "The invoice template doesn't let us add our DOT number in the footer.",
    "Spanish translations in the driver app are missing on a couple of screens.",
    "The login page times out if you type your password too slowly, which is a weird one.",
]

# Rep-only pitch topic: "SafeView", AI dash cams with driver-safety scoring. No customer raises it.
PITCH = [
    "I'd love to show you SafeView, our AI dash cam.",
    "SafeView spots distracted driving and tailgating in real time and nudges the driver in the cab.",
    "Fleets that roll out SafeView usually see their insurance premiums come down at renewal.",
    "The AI tags every harsh-braking event with a video clip, so coaching takes minutes.",
    "SafeView also exonerates your drivers when a car cuts them off, which is huge in court.",
    "With SafeView your safety manager only watches the clips that matter.",
    "SafeView is bundled in our Pro tier, which I'd recommend for a fleet your size.",
    "Honestly, SafeView is the thing our customers talk about most at conferences.",
    "The SafeView score gives every driver a weekly safety grade.",
    "We can put SafeView in a pilot group of ten trucks first, no commitment.",
    "SafeView's models are trained on billions of miles of driving footage.",
    "Insurers love SafeView, a few of them give a discount just for having it installed.",
    "SafeView works with the same tablet and gateway, no extra hardware in the cab.",
]
SE_PAIN_LINES = {
    "T1": [
        "A lot of fleets get burned by trucks dropping off the map in dead zones, so we buffer pings on the "
        "device.",
        "Stale GPS positions are the number one complaint we hear about older telematics.",
    ],
    "T2": [
        "We see it all the time, phantom HOS violations from yard moves.",
        "Log edits eating a safety manager's week is really common with first-generation ELDs.",
    ],
    "T3": [
        "Most carriers we talk to do their IFTA by hand, which is why we automate it.",
    ],
    "T4": [
        "Car-grade routing sending trucks under low bridges is a classic problem, we use truck-specific "
        "maps.",
    ],
    "T5": [
        "Plenty of fleets tell us their old driver app killed phone batteries.",
    ],
}
SE_NEUTRAL = [
    "On the hardware side, the gateway plugs into the J1939 port, it's about fifteen minutes a truck.",
    "We integrate with the major TMS platforms and with QuickBooks.",
    "The data is yours, you can export everything through the API at any time.",
    "We support both Android and iOS for the driver app.",
    "Installs can happen in your yard over a weekend.",
    "The ELD is FMCSA-registered, and we handle the registration paperwork.",
    "Single sign-on works with Microsoft accounts.",
]
SALES_CUSTOMER_QUESTIONS = [
    "How long does an install take per truck?",
    "What's the contract length?",
    "Do you have carriers our size we could call?",
    "Can we keep our current tablets?",
    "What happens to our data if we switch away later?",
]
SALES_REACTIONS = ["Okay.", "Hm, interesting.", "Right.", "Sure, okay.", "Noted.", "I see."]

CONTEXT_TEMPLATES = [
    "We run {trucks} trucks out of {city}, mostly {kind} work.",
    "I've been the {role} here for {years} years.",
    "We've got about {drivers} drivers, a few owner-operators among them.",
    "Most of what {company} hauls is {freight}.",
    "Before this, {company} had {old}, for what felt like forever.",
    "The dispatch office is {disp} people in {city}.",
    "A normal week at {company} is something like {loads} loads.",
]
SALES_CONTEXT_TEMPLATES = [
    "Right now {company} is on {old}, and honestly we're shopping around.",
    "We're {trucks} power units at the moment, adding a few more in {city} next year.",
    "My title is {role}, but I mostly live in the dispatch board.",
    "Dispatch is {disp} people, and we move roughly {loads} loads a week.",
]
PROCESS_PROMPTS = [
    "How does a normal day run for you?",
    "Tell me about how the operation works.",
    "What's a typical week like?",
    "How's the team set up?",
    "Give me a feel for the day-to-day.",
    "Anything about how you work I should know?",
    "How do things usually run over there?",
    "What's the routine in the office?",
]
PROCESS = [
    "Orders come in by email from the brokers, and a dispatcher builds the load in the system.",
    "We assign loads the afternoon before, so drivers know their day when they wake up.",
    "Every Monday morning we have a planning call with the two terminal managers.",
    "New drivers ride along with a trainer for two weeks before they go solo.",
    "The shop does preventive maintenance every fifteen thousand miles.",
    "Drivers text a photo of the signed delivery receipt when they're done.",
    "We've got three big shippers who make up most of our volume.",
    "Our drivers are home most weekends, that's how we keep them.",
    "Dispatch runs from five in the morning until about eight at night.",
    "Billing goes out once the paperwork is scanned, usually the next day.",
    "The yard has room for about forty trailers.",
    "We do a safety meeting on the first Saturday of every month, with pizza.",
    "Brokers want a check call every four hours on most loads.",
    "Most of our lanes are under five hundred miles, out and back.",
    "The night dispatcher covers breakdowns and anything that goes sideways.",
    "We pay drivers by the mile, with a bonus for clean inspections.",
    "Trailers get washed every other week, the food shippers insist.",
    "Fuel is bought on our fuel cards at a couple of preferred truck stops.",
    "Drivers do a pre-trip inspection on the tablet before they leave the yard.",
    "We book dock appointments a day or two ahead with the warehouses.",
    "The owner still drives a truck now and then, he likes to stay in touch.",
    "Our recruiter hires maybe ten drivers a year.",
    "Reefer temperatures get logged every fifteen minutes on the produce loads.",
    "We do drug and alcohol testing through a consortium.",
    "Most of the office works a four-day week.",
    "The tire vendor comes to the yard on Thursdays.",
    "We keep two spare tractors for when a truck is in the shop.",
    "Holidays are our busiest time, especially the weeks before Thanksgiving.",
    "Accounts receivable is one person, she's been with us twenty years.",
    "We run a small brokerage desk on the side for overflow freight.",
    "Team drivers handle the coast-to-coast runs.",
    "Each terminal has its own dispatcher and a shared load board.",
    "We lease our trailers, the tractors we own.",
    "Customers get a weekly email with their delivered loads.",
    "We use a load board for backhauls when the lanes are empty.",
    "Driver settlements are paid every Friday.",
    "Winter means chains in the trucks from November through March.",
    "We switched to electronic bills of lading with two of our shippers this year.",
    "The terminal managers each own their own customer list.",
    "Our insurance renews in July, and that's always a tense month.",
    "Drivers can pick their own routes within reason, they know the roads.",
    "We park the trucks at drivers' homes in a couple of cases.",
    "The safety manager also does our driver hiring checks.",
    "Late loads get flagged on a whiteboard in the dispatch room.",
    "We train dispatchers by pairing them with a senior one for a month.",
    "Hazmat loads are only given to the drivers with the endorsement.",
    "We've been growing about ten trucks a year.",
    "The shop foreman keeps a paper log as well, just in case.",
    "Our drivers start between four and six in the morning, depending on the lane.",
    "We have a driver lounge at the main terminal with showers.",
    "The brokers we like pay in thirty days, the others we chase.",
    "A couple of our customers send us their orders through EDI.",
    "We run a quarterly driver appreciation barbecue.",
    "Detention is billed after two hours at the dock.",
    "Drop-and-hook loads are maybe a third of what we do.",
    "The dispatchers sit in one room, so they shout across to each other a lot.",
    "Every truck has a tablet mounted on the dash.",
    "We take student drivers from the local CDL school.",
    "Our biggest customer does a scorecard on us every month.",
    "We keep a spare tablet in the office for when one breaks.",
    "Drivers swap trailers at a relay point halfway on the long lanes.",
    "The accountant comes in on Thursdays to do payables.",
    "We rotate weekend on-call between three dispatchers.",
    "Fuel surcharges are recalculated every Monday from the diesel index.",
    "We've got one terminal in the city and one out by the interstate.",
    "The owner's daughter runs the office now.",
    "Night loads pay a little extra, and some drivers prefer them.",
    "We lost a big account last year and replaced it with two smaller ones.",
    "Our trucks are mostly three to five years old.",
    "The drivers' union rep sits in on the monthly meetings.",
    "Loads over a certain value need a second signature before dispatch.",
    "We post our open lanes on our website for brokers.",
    "Most deliveries are to grocery warehouses with strict appointment times.",
]
SECOND_INTROS = [
    "Hi, I run the dispatch desk day to day.",
    "Hello, I'm the safety and compliance manager.",
    "Hi there, I handle billing and the fuel side.",
]
SECOND_INTROS_SALES = [
    "And I'm the safety manager, so I'll be the one living with it.",
    "I look after the terminals and the shop.",
]
CLOSINGS = [
    "No, that's about it. Thanks.",
    "I think we covered everything, good luck.",
    "Nope, that's the lot. Thanks for listening.",
    "Nothing else, no. Appreciate it.",
    "That's all from me, thanks for asking.",
    "No, I think you got it all. Cheers.",
]
TEXT = {
    "sales_hi": "Hi {c1}, thanks for taking the call. I'm {lead}, account executive at Haulwise.",
    "sales_about": "Great. Could you tell me a bit about the operation?",
    "research_hi": "Thanks for making the time, {c1}. I'm {lead}, I do customer research at Haulwise. I just "
    "want to hear how things actually go for you, good and bad.",
    "research_about": "Could you start by telling me about the fleet?",
    "sales_close": "This was great. I'll put a quote together and send a pilot proposal this week.",
}
OLD_SYSTEMS = ["paper logs and a whiteboard", "an older telematics box", "TruckTrax", "spreadsheets",
               "FleetMate", "a homegrown dispatch tool"]  # fmt: skip
FREIGHT = ["dry van", "refrigerated produce", "building materials", "auto parts", "beverages", "paper"]
_KIND_WORDS = {
    "refrigerated": ("reefer",),
    "hazmat": ("hazmat",),
}


def process_kind(line: str) -> str | None:
    low = line.lower()
    for kind, words in _KIND_WORDS.items():
        if any(w in low for w in words):
            return kind
    return None


def context_fill(rng: random.Random, info: tuple) -> dict[str, object]:
    stem, company, kind, segment, role, c1, c2, city = info
    trucks = rng.randint(60, 400) if segment == "Large fleet" else rng.randint(8, 45)
    return {
        "trucks": trucks, "city": city, "kind": kind, "role": job_title(role), "years": rng.randint(2, 20),
        "drivers": trucks + rng.randint(0, 15), "freight": rng.choice(FREIGHT),
        "old": rng.choice(OLD_SYSTEMS), "disp": rng.randint(2, 14), "loads": trucks * rng.randint(2, 5),
        "company": company,
    }  # fmt: skip


TEAM = {
    "researchers": ["Ines Carvalho"],
    "aes": ["Brody Keane", "Carmen Ruiz"],
    "ses": ["Felix Obi", "Hana Sato"],
}
DOMAIN = "haulwise.example"

# stem, company, kind, segment, role, customer, second customer, city
RESEARCH = [
    ("ridgeline_freight", "Ridgeline Freight", "regional", "Large fleet", "Director of Operations",
     "Walt Brenner", None, "Knoxville"),
    ("prairie_haulers", "Prairie Haulers", "long-haul", "Small fleet", "Owner", "Debbie Kowalczyk", None,
     "Wichita"),
    ("coldchain_express", "ColdChain Express", "refrigerated", "Large fleet", "Fleet Manager",
     "Luis Navarro", "Tina Brooks", "Fresno"),
    ("iron_horse_trucking", "Iron Horse Trucking", "long-haul", "Large fleet", "Safety Director",
     "Marcus Bell", None, "Joplin"),
    ("bluewater_logistics", "Bluewater Logistics", "regional", "Small fleet", "Dispatcher",
     "Keisha Monroe", None, "Savannah"),
    ("summit_carriers", "Summit Carriers", "regional", "Large fleet", "VP Operations", "Grant Holloway",
     "Nadia Hussain", "Denver"),
    ("greenline_delivery", "Greenline Delivery", "last-mile", "Small fleet", "Operations Manager",
     "Paulo Mendes", None, "Newark"),
    ("big_sky_transport", "Big Sky Transport", "long-haul", "Small fleet", "Owner-operator and Owner",
     "Cody Larsen", None, "Billings"),
    ("harbor_drayage", "Harbor Drayage", "drayage", "Small fleet", "Terminal Manager", "Rosa Jimenez",
     None, "Long Beach"),
    ("northstar_tankers", "Northstar Tankers", "hazmat", "Large fleet", "Compliance Manager",
     "Erik Johansson", None, "Duluth"),
    ("keystone_flatbed", "Keystone Flatbed", "flatbed", "Large fleet", "Fleet Operations Lead",
     "Tamara Reid", "Joe Castellano", "Harrisburg"),
]  # fmt: skip
SALES = [
    ("lonestar_freightways", "Lonestar Freightways", "regional", "Large fleet", "COO", "Bill Hendricks",
     "Alma Ortiz", "San Antonio"),
    ("cascade_reefer", "Cascade Reefer", "refrigerated", "Small fleet", "Owner", "Megan Pryce", None,
     "Yakima"),
    ("midwest_parcel", "Midwest Parcel Lines", "last-mile", "Large fleet", "Director of Fleet",
     "Darnell Price", None, "Indianapolis"),
    ("granite_state_haul", "Granite State Haul", "flatbed", "Small fleet", "General Manager",
     "Heather Quinn", "Sam Whitcomb", "Manchester"),
    ("desert_sun_trucking", "Desert Sun Trucking", "long-haul", "Large fleet", "Head of Safety",
     "Ray Castillo", None, "Tucson"),
]  # fmt: skip
RESEARCH_FORMATS = ["otter", "rev", "zoom_vtt", "teams_vtt", "otter", "rev", "zoom_vtt", "teams_vtt", "otter",
                    "rev", "zoom_vtt"]  # fmt: skip
SALES_FORMATS = ["gong_csv", "zoom_vtt", "teams_vtt", "gong_csv", "gong_csv"]

ASSUMPTIONS = [
    ("Trucks disappear from the live map", "true", "T1", ""),
    ("Hours-of-service logs have errors", "true", "T2", ""),
    ("Drivers find the mobile app unreliable", "half_true", "T5",
     "only battery drain is voiced (3 interviews); nobody says the app crashes or loses data"),
    ("Installing the trucks takes weeks", "false", None,
     "shares vocabulary with praise: installs and setup were quick"),
    ("Drivers want a dark mode in the app", "never_voiced", None, ""),
    ("Fleets need AI dash cams to cut accidents", "never_voiced", None,
     "the rep-only pitch topic (SafeView): only account executives talk about it"),
    ("Fuel tax reporting is a burden", "true", "T3", ""),
]  # fmt: skip


def write_assumptions(out: Path, truth: dict) -> None:
    pains = {p["id"]: p for p in truth["pains"]}
    install_docs = sorted({
        s["doc_id"] for s in truth["sentences"]
        if s["tag"] == "praise" and any(w in s["text"].lower() for w in ("install", "setup", "onboarding"))
    })  # fmt: skip
    rows = []
    for text, verdict, pid, note in ASSUMPTIONS:
        row = {"text": text, "verdict": verdict, "pain_id": pid or None,
               "true_docs": pains[pid]["n_docs"] if pid else 0,
               "doc_ids": pains[pid]["doc_ids"] if pid else [], "note": note}  # fmt: skip
        if verdict == "false":
            row["vocabulary_docs"] = install_docs
        rows.append(row)
    (out / "assumptions.txt").write_text("\n".join(a[0] for a in ASSUMPTIONS) + "\n", encoding="utf-8")
    payload = {"n_docs": truth["n_docs"], "held_out": True, "assumptions": rows}
    (out / "assumptions_truth.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def make(out: Path = OUT) -> dict:
    rng = random.Random(SEED)
    pools = Pools(rng)
    content = SimpleNamespace(**globals())
    infos = [("r", i, x) for i, x in enumerate(RESEARCH, 1)] + [("s", i, x) for i, x in enumerate(SALES, 1)]
    per_doc = assign(rng, len(infos), FREQ, max_per_doc=4)
    one_off_docs = dict(zip(rng.sample(range(len(infos)), len(ONE_OFFS)), ONE_OFFS, strict=True))
    docs: list[Doc] = []
    meta: list[dict[str, str]] = []
    for idx, ((kind, i, info), pains) in enumerate(zip(infos, per_doc, strict=True)):
        stem, company, fleet_kind, segment, role, c1, c2, city = info
        sales = kind == "s"
        doc_id = f"{'call' if sales else 'rs'}{i:02d}_{stem}"
        if sales:
            lead = TEAM["aes"][i % 2]
            se = TEAM["ses"][i % 2] if i <= 3 else None
            fmt = SALES_FORMATS[i - 1]
        else:
            lead, se = TEAM["researchers"][0], None
            fmt = RESEARCH_FORMATS[i - 1]
        team = [lead] + ([se] if se else [])
        custs = [c for c in (c1, c2) if c]
        doc = Doc(doc_id, fmt, team, custs)
        for name in team:
            doc.emails[name] = name.lower().replace(" ", ".") + "@" + DOMAIN
        for name in custs:
            doc.emails[name] = name.split()[0].lower() + "@" + stem.replace("_", "") + ".example"
        absent = [p for p in PAINS if p not in pains and pools.free(DENIALS[p])]
        denials = rng.sample(absent, min(len(absent), rng.choice([0, 1, 1, 2])))
        build_doc(pools, rng, doc, info, sorted(pains), denials, one_off_docs.get(idx), sales, se, content)
        docs.append(doc)
        meta.append({
            "doc_id": doc_id, "segment": segment, "company": company, "fleet_type": fleet_kind, "role": role,
            "interview_type": "sales_call" if sales else "research",
            "date": f"2026-{1 + (idx * 7) // len(infos):02d}-{2 + (idx * 5) % 26:02d}", "format": fmt,
        })  # fmt: skip
    problems = check_variety(docs, set(SECOND_INTROS + SECOND_INTROS_SALES + CLOSINGS))
    if problems:
        raise SystemExit("\n".join(problems))
    extra = {
        "study": "fleet-holdout",
        "split": "held_out",
        "rep_only_topic": "SafeView AI dash cams (pitched by account executives only)",
        "turns_per_doc": {d.doc_id: len(d.turns) for d in docs},
    }
    truth = write_study(out, docs, PAINS, meta, extra)
    write_assumptions(out, truth)
    turns = [len(d.turns) for d in docs]
    print(f"wrote {len(docs)} docs to {out} (turns {min(turns)}-{max(turns)})")
    for p in truth["pains"]:
        print(f"  {p['id']} {p['n_docs']:>2}/{len(docs)}  {p['label']}")
    return truth


if __name__ == "__main__":
    make()
