"""Write the clinic-scheduling development study: 30 fictional conversations about "Tendwell".

Tendwell is a made-up practice-management and scheduling product for multi-location outpatient clinics
(physiotherapy, dental, veterinary, chiropractic). 22 discovery / user-research interviews and 8 sales calls,
seven pains planted at known frequencies, traps (rep-only pitch, seller-side and interviewer lines that
name a pain, customer denials, one-off complaints, praise, neutral clinic facts) and sentence-level truth.

Every customer line below is hand-written; the script only decides which interview gets which lines
(seeded, deterministic) and renders the export formats (scripts/study_render.py). Each pain voicing,
denial, praise and one-off line is used at most once in the whole study.

    python scripts/make_study.py            # writes data/fixtures/studies/clinic-scheduling/
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from study_build import Pools, assign, build_doc, job_title  # noqa: E402
from study_render import Doc, check_variety, write_study  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "studies" / "clinic-scheduling"
SEED = 20261201

PAINS = {
    "A": {
        "description": "Appointment reminder texts/emails fail to go out (or go out wrong); patients no-show",
        "label": "Reminder texts never reach patients",
    },
    "B": {
        "description": "The schedule double-books rooms or providers (shared rooms, providers across sites)",
        "label": "Rooms and providers get double-booked",
    },
    "C": {
        "description": "Insurance eligibility / coverage checks are slow and manual",
        "label": "Insurance eligibility checks are slow and manual",
    },
    "D": {
        "description": "The EHR / clinical-notes integration drops, duplicates or mangles visit notes",
        "label": "Visit notes vanish or duplicate in the EHR",
    },
    "E": {
        "description": "Reporting is slow or wrong, especially across locations",
        "label": "Cross-location reports are slow and wrong",
    },
    "F": {
        "description": "Per-provider pricing is unpredictable; the bill changes as providers come and go",
        "label": "Per-provider bill is unpredictable",
    },
    "G": {
        "description": "The mobile app keeps logging providers out",
        "label": "Mobile app keeps logging providers out",
    },
}
FREQ = {"A": 22, "B": 17, "C": 13, "D": 10, "E": 7, "F": 5, "G": 3}

# A voicing is one customer answer; "||" marks an interviewer follow-up and the customer's continuation.
VOICINGS = {
    "A": [
        "Um, the big one is reminders. Half the time the text just never goes out, and then the patient "
        "doesn't show and we've got a physio sitting there for an hour with nobody.",
        "Why do the reminders never go out on Sundays? Like, genuinely, I've asked support three times. "
        "Monday morning is our worst no-show block and I'm pretty sure that's why.",
        "I'd love it if it just sent the reminder texts reliably. That's it, that's the whole wish.",
        "So last month we had a Tuesday where, I think, seven people no-showed at the Eastgate site. || "
        "We pulled the message log and none of them had gotten their confirmation text. Seven empty slots, "
        "that's basically a day of revenue for one clinician.",
        "The appointment reminders are... not ideal. Let's leave it there.",
        "Oh great, another morning of calling patients by hand because the SMS batch didn't fire.",
        "Honestly the booking side is great, but the reminder messages drop for anyone with a landline or "
        "a, um, an overseas number, and those are often the older patients who need the nudge most.",
        "Our no-show rate went from like six percent to fourteen after we switched, and the only thing that "
        "changed was how the confirmations get sent.",
        "Is there a reason the text reminders show as sent in the dashboard when the patient swears they "
        "never got anything?",
        "We, uh, we actually had the front desk start doing reminder calls again. Which is exactly the job "
        "I bought the system to get rid of.",
        "Patients keep telling us they didn't get the heads-up message. Then they miss the visit, we charge "
        "a late-cancel fee, and it turns into this whole argument at the desk.",
        "What I really want is for the reminder to actually land. Forty-eight hours out, one text, done. "
        "Right now it's a coin flip.",
        "I mean, the texts go out when they feel like it. Sometimes two days before, sometimes at eleven at "
        "night, sometimes never.",
        "It's a little frustrating that the email reminders end up in spam for, like, every Gmail patient "
        "we have.",
        "The no-shows are killing us, and, look, it's the reminders. When someone moves their appointment, "
        "the old reminder still goes out and the new one doesn't.",
        "Fantastic reminder system, truly. Patients get reminded about appointments they cancelled and not "
        "about the ones they booked.",
        "We lose maybe a dozen visits a week across the clinics to no-shows. || When I spot-check them, most "
        "of those people never got a reminder at all.",
        "If the confirmation texts would just go out for the Saturday clinic, I'd be a very happy person.",
        "Could you tell me why the reminder queue just stops when we have more than a couple hundred "
        "appointments in a day?",
        "There was this one guy, he'd been coming for months, and he missed two sessions in a row. He said, "
        "you guys stopped texting me. And he was right, the system had quietly switched off his reminders "
        "after he changed his number.",
        "The, um, the reminder piece is kind of flaky. Not terrible every day, but flaky enough that nobody "
        "trusts it.",
        "We ended up paying for a separate texting service on top, because we couldn't rely on the built-in "
        "reminders, which is a bit silly when you think about it.",
        "Dental patients forget, that's just life. But they forget way more when the recall reminder doesn't "
        "go out, and ours fails maybe one time in five.",
        "Sure, the calendar looks nice, but if the patient never hears from us the day before, the nice "
        "calendar is full of holes.",
        "It would be great if I could actually see which reminders failed, instead of finding out when the "
        "chair is empty.",
        "Pet owners rely on that reminder for vaccines and for surgery prep. When it doesn't arrive they "
        "show up having fed the dog breakfast, and then we have to cancel the surgery.",
    ],
    "B": [
        "The schedule double-books rooms. We've got one treatment room with the hydro pool and it'll "
        "happily put two providers in it at the same hour.",
        "Oh great, another double booking. That's what I say out loud, like, every Thursday.",
        "Why does it let two front desks book the same provider at the same time? Isn't that the one thing "
        "a scheduler is supposed to prevent?",
        "I'd love it if it just knew that Anna works at two sites and can't be in both at ten in the "
        "morning.",
        "So we had a patient drive forty minutes to the north clinic, and his hygienist was booked across "
        "town in the same slot. || Two patients, one hygienist, two buildings. He was furious, and honestly "
        "he had a point.",
        "Overlapping appointments are, um, a bit of an issue for us.",
        "Every week someone ends up with two patients in one slot because the online booking and the desk "
        "both grabbed it.",
        "What I'd really want is a hard block. If the room's taken, it's taken, no override, no pop-up you "
        "can click past.",
        "When a provider covers at the other location, the two calendars don't talk to each other, and we "
        "end up with that person booked twice.",
        "I spend, I don't know, maybe an hour every Monday hunting for collisions in next week's schedule. "
        "Just scrolling and looking for them by hand.",
        "It's great for a single clinic, but the moment you share rooms between providers it starts "
        "stacking appointments on top of each other.",
        "Is there a setting somewhere so the surgery suite can't be booked by two vets at once? Because we "
        "haven't found it.",
        "The double bookings aren't constant, but when they happen it's always at the worst time, a Monday "
        "morning with a full waiting room.",
        "We had two dogs booked into the same exam room for the same surgery slot last week. The techs "
        "caught it at eight, thankfully, but one owner had already taken the day off work.",
        "Honestly, the provider conflicts. Somebody blocks out their afternoon, and the system still lets "
        "the call centre put people in.",
        "Wonderful feeling, walking in and finding two patients waiting for the same physio at nine.",
        "It would really help if recurring appointments didn't collide with each other whenever a series "
        "gets moved.",
        "I think the room scheduling is, let's say, a work in progress. The ultrasound room got booked "
        "twice three times this month.",
        "Our new location has fewer rooms, and it keeps assigning more appointments than there are rooms. "
        "Patients end up waiting in the hallway.",
        "Can it stop booking the same chair twice? That's really my whole question.",
    ],
    "C": [
        "Insurance eligibility is all manual. Our front desk logs into, like, four payer portals every "
        "morning to check coverage before the visits.",
        "Why can't it check eligibility on its own when the appointment's booked? We're still doing it by "
        "phone, in this day and age.",
        "My dream is the eligibility check running overnight and flagging whichever ones failed.",
        "We had a patient come in for six sessions, and on the seventh we found out her plan had lapsed in "
        "March. || Nobody had checked, because each check takes ten minutes per person. We ate the cost of "
        "all six visits.",
        "The insurance verification step is, um, slow. Like, painfully slow, spinning-wheel slow.",
        "Checking benefits is, I mean, it's not great. It's a bit of a time sink for the desk.",
        "Sure, booking's smooth, but then someone still has to verify coverage by hand for every single new "
        "patient.",
        "My billing person spends most of Monday on hold with insurers confirming coverage, because the "
        "verification feature times out.",
        "Can we batch the eligibility checks somehow? Doing them one patient at a time eats my whole "
        "morning.",
        "Oh perfect, the eligibility check says pending again. It's been pending since Tuesday.",
        "Coverage checks, that's where my staff lose hours. The payer responses come back as these "
        "unreadable codes and somebody has to sit there and interpret them.",
        "We get claim denials weeks later for patients whose coverage we thought was fine, because the "
        "verification only looked at the primary plan.",
        "What would help is real-time verification at check-in, instead of my team copy-pasting member IDs "
        "into a website.",
        "The pet insurance pre-approvals are all email and phone calls, and it slows down every surgery we "
        "try to book.",
        "The eligibility thing drives me up the wall. Ten, fifteen minutes a patient, and it's "
        "just retyping the same details.",
        "If I could get back the time we spend verifying insurance, I could probably skip hiring another "
        "receptionist.",
    ],
    "D": [
        "The EHR integration drops notes. A physio finishes the session note, it says saved, and then it's "
        "just not in the chart.",
        "We see duplicate visit notes in the EHR all the time. Same note twice, sometimes three times, and "
        "the auditors hate it.",
        "How come a note that's signed in your app shows up unsigned in the chart system?",
        "All I'm asking is that the clinical notes sync once, correctly, instead of us reconciling them "
        "every Friday.",
        "So a patient had a reaction, and the vet's note about it never made it into the record. || The next "
        "vet almost used the same drug on her. That one scared me, honestly.",
        "The notes sync is, um, a little unreliable. I wouldn't call it broken, it's just unpredictable.",
        "Great, a fourth copy of the same treatment note. Just what the chart needed.",
        "Our charting integration loses anything written offline. The therapist types it on the tablet in "
        "the gym, and later it's simply gone.",
        "Is it normal that notes over a certain length just get cut off when they go into the EHR?",
        "The scheduling is fine, but the handoff to our records system is a mess: missing notes, doubled "
        "notes, notes attached to the wrong visit.",
        "Every Friday my office manager goes through the week's charts looking for notes that didn't come "
        "across. That's a couple of hours of her week, gone.",
        "One note per visit, in the chart, every time. That's the bar.",
        "During our last audit, a third of the flagged records were our own duplicate notes from the "
        "integration.",
    ],
    "E": [
        "Reporting is slow. A month-end report across our five sites takes, like, twenty minutes to load, "
        "if it loads at all.",
        "The numbers in the utilisation report don't match what we actually billed. So I don't trust them.",
        "Shouldn't the revenue report give the same totals whichever day I run it? Because it doesn't.",
        "If only I could pull a per-location report without exporting three spreadsheets and "
        "stitching them together.",
        "I presented the quarterly numbers to the owners, and a partner pointed out our visit count was off "
        "by a few hundred. || The report had counted cancelled visits as completed ones. That was, um, "
        "embarrassing.",
        "The reports are a bit, well, let's just say I build my own in Excel.",
        "Oh sure, the dashboard's pretty. It's also wrong about half the time.",
        "Anything with more than one location in it takes forever. I click run and go get a coffee.",
        "Any chance the provider productivity report could match payroll? Because right now the two "
        "never agree.",
        "The reporting module is fine for one clinic, but across the group it times out or gives numbers "
        "nobody believes.",
    ],
    "F": [
        "The pricing is per provider, and every time we add a part-time hygienist the bill jumps. I can "
        "never predict it.",
        "Why am I paying a full seat for a locum who works two days a month?",
        "Ideally the price wouldn't move every time someone joins or leaves. A flat number per "
        "location would be so much easier to budget.",
        "Our invoice went up by, I think, forty percent one quarter. || It turned out it counted every "
        "provider who had logged in that month, students included. Finance asked me to explain it and I "
        "couldn't.",
        "The per-provider model is, hmm, not the friendliest for a clinic with lots of part-timers.",
        "Great product, but the pricing is a guessing game. I never know what the bill is going to be.",
        "Lovely surprise every quarter, a brand new invoice total.",
        "I need a price I can put in the budget in January and not revisit in June.",
    ],
    "G": [
        "The mobile app logs providers out constantly. You're with a patient, you open the app to check the "
        "next slot, and it's back at the login screen.",
        "What's the logic in making me sign in again every single time I switch apps on my phone? I'm a "
        "vet, my hands are usually, um, occupied.",
        "Keep me logged in for the whole day, please. That's all I want from the app.",
        "Our therapists do home visits, and the app keeps kicking them out. || So they end up writing on "
        "paper and typing it all in later.",
        "The app is, well, it's fine, apart from the part where it forgets who you are every ten minutes.",
    ],
}

DENIALS = {
    "A": [
        "No, honestly the reminders have been fine for us.",
        "Reminders? Those actually work, patients get them and we don't see many no-shows.",
        "The text reminders, no, no complaints there. That part just runs.",
        "Actually our no-show rate dropped after we turned the reminders on, so that's been good.",
        "I haven't had any trouble with the confirmation messages, to be honest.",
    ],
    "B": [
        "No, we've never had a double booking, the room blocks do their job.",
        "Double bookings, not really, no. Maybe once, and that was a person's fault, not the system's.",
        "The scheduling's solid, honestly, I can't remember the last collision.",
        "Nope, rooms and providers are all fine for us.",
        "We don't really get conflicts. The calendar's pretty strict about that.",
    ],
    "C": [
        "Eligibility is fine, we don't take much insurance anyway, it's mostly self-pay.",
        "The coverage checks are quick for us, a few seconds each.",
        "Insurance verification runs automatically for us and it's been reliable.",
        "Not a problem here, our billing company handles eligibility.",
        "Honestly the insurance side works, I don't even think about it.",
    ],
    "D": [
        "The EHR sync has been okay, I haven't seen missing notes.",
        "Notes come across fine. We checked a sample last quarter and everything matched.",
        "We chart in the system itself, so the EHR link isn't something that causes us trouble.",
        "Notes? No, those land where they should.",
    ],
    "E": [
        "Reports are fine, I mean, I only look at the daily list anyway.",
        "The reporting does what I need and it's quick enough.",
        "The numbers match our billing, we check every month.",
    ],
    "F": [
        "Pricing's fine, it's predictable enough for us.",
        "Cost-wise it's reasonable, we knew what we signed up for.",
        "The price hasn't been an issue, honestly.",
    ],
    "G": [
        "The app's fine for me, it stays logged in.",
        "The phone app has never kicked me out, touch wood.",
        "I don't use the app much, but the providers haven't complained about it.",
    ],
}

# Interviewer / rep questions that name a pain (team speech: never evidence).
NAMING_QUESTIONS = {
    "A": [
        "How are the appointment reminders working for you?",
        "Do patients actually get the reminder texts?",
        "What about no-shows, do the reminders help there?",
        "How do you confirm appointments with patients today?",
        "Tell me about reminders, are they doing their job?",
    ],
    "B": [
        "Do you ever run into double bookings?",
        "How does the schedule handle shared rooms across providers?",
        "What happens when a provider works at two of your sites?",
        "Any trouble with overlapping appointments?",
        "Does the calendar ever put two patients in one room?",
    ],
    "C": [
        "How do you handle insurance eligibility today?",
        "How long does a coverage check take your front desk?",
        "Is verifying insurance a big part of the desk's day?",
        "What about checking coverage before a visit?",
        "How does the eligibility check fit into booking?",
    ],
    "D": [
        "How's the integration with your EHR, do the notes come across?",
        "Do visit notes ever go missing between the systems?",
        "How do clinical notes get into the chart today?",
        "Any issues with notes syncing to the records system?",
    ],
    "E": [
        "How do you find the reporting across locations?",
        "Do you trust the numbers in the reports?",
        "How long does a month-end report take you?",
        "What about reports for the owners?",
    ],
    "F": [
        "How do you feel about the per-provider pricing?",
        "Is the bill predictable for you month to month?",
        "How's the cost side of things?",
    ],
    "G": [
        "How's the mobile app for your providers?",
        "Do the providers stay signed in on the phone app?",
        "Do your clinicians use the app on their phones?",
    ],
}

GENERIC_PROMPTS = [
    "Walk me through a typical morning at the front desk.",
    "What's the most frustrating part of your week?",
    "Tell me about the last time something really went wrong.",
    "If you could change one thing tomorrow, what would it be?",
    "Anything else that gets in the way?",
    "What takes more time than it should?",
    "Where do you feel the system lets you down?",
    "What does your team complain about most?",
    "Okay. What else comes up?",
    "And what about the clinicians, what do they run into?",
    "What's on your list of annoyances right now?",
    "What would make your job easier?",
    "Is there anything you've had to build a workaround for?",
    "What do you end up doing by hand?",
    "What's the part of the day you dread?",
    "What do new staff struggle with?",
    "What's changed since you opened the newer sites?",
    "Is there anything that makes patients unhappy?",
    "How about the admin side, anything there?",
    "What's eating your time these days?",
]
FOLLOW_UPS = [
    "Oh wow. And then what happened?",
    "What did you do after that?",
    "How did that play out?",
    "Mm. Can you say more about that?",
    "And how did you find out?",
    "What was the fallout from that?",
]
PRAISE_PROMPTS = [
    "On the other side, what's going well?",
    "Anything you'd point to as a win?",
    "What made you pick it in the first place?",
    "Is there a feature you use every day and like?",
    "What's working well for you?",
    "What do you like about it?",
    "Is there anything you'd hate to lose?",
    "What would you tell another clinic about it?",
]
BACKCHANNELS = ["Mm-hmm.", "Right.", "Okay.", "Got it.", "Yeah.", "Sure.", "Interesting."]
CUSTOMER_FILLERS = ["Yeah, so.", "Oh, um.", "Hmm. Okay.", "Yeah.", "Uh, let me think.", "So, honestly."]

PRAISE = [
    "The online booking widget is honestly great, patients love it.",
    "Support has been really responsive, I'll give you that.",
    "Setup was quick, we were live in about two weeks.",
    "The colour-coded calendar is lovely, everyone can read it at a glance.",
    "I really like the waitlist view on the day sheet.",
    "Onboarding was painless, the trainer had our front desk comfortable in one afternoon.",
    "The intake forms on the tablet are great, no more clipboards.",
    "Payments at checkout are smooth, the card reader just works.",
    "Your support team picked up on a Saturday once, which I did not expect.",
    "Honestly the day view is the best I've used in twenty years of practice management.",
    "Getting the second clinic set up took a few days, which surprised me in a good way.",
    "The patient portal is nice, people do use it to update their details.",
    "I love that I can see all the sites on one screen.",
    "The treatment plan builder is really well done.",
    "Migrating our data was easier than I feared, your team did most of it.",
    "Recall lists for the hygienists are very handy.",
    "The front desk picked it up in a day, it's intuitive.",
    "Telehealth visits work nicely, no separate tool needed.",
    "I like that the invoices look professional.",
    "The price per location was fair when we signed, no complaints about the contract itself.",
    "Our staff actually like the new schedule layout, which never happens.",
    "The vaccine due-date tracking is excellent.",
    "Getting started was fast, we imported patients on a Friday and booked on Monday.",
    "The custom appointment types are flexible, we set up forty of them.",
    "The keyboard shortcuts on the schedule save my receptionists a lot of clicks.",
    "The training videos are short and to the point.",
    "The clinic-wide announcements banner is small but genuinely useful.",
    "Patients have told us the booking page is easy on their phones.",
    "The way it handles family accounts is clever, one login for the whole household.",
    "I like the little note field on each appointment, the desk uses it constantly.",
    "Your release notes are actually readable, which I appreciate.",
    "The no-frills pricing page made the decision easy for our owners.",
    "Searching for a patient is instant, even with eighty thousand records.",
    "The holiday closures feature saved us a lot of rebooking at Christmas.",
    "We love the post-visit survey, the response rate is way higher than our old one.",
    "The multi-provider day view is the reason we picked you, to be honest.",
    "Our vets really like the surgery checklist template.",
    "The account manager we have is great, she checks in every month.",
    "Card-on-file has cut our unpaid balances a lot.",
    "The chat widget on the website brings in a surprising number of new patients.",
]
ONE_OFFS = [
    "The receipt printer driver crashes about once a week at the front desk.",
    "The font on the check-in kiosk is way too small for our older patients.",
    "We can't attach x-ray images bigger than ten megabytes to a patient file.",
    "The fax integration for referrals stopped working in September and nobody's fixed it.",
    "The waiting-room TV shows patients' full names, which our privacy officer doesn't love.",
    "Gift cards for the massage side of the clinic aren't supported at all.",
    "Exporting the patient list to our newsletter tool strips out the email addresses.",
    "The intake forms only come in English, and a lot of our patients would prefer French.",
]

# Rep-only pitch topic: SmartFill, an AI waitlist that back-fills cancellations. No customer raises it.
PITCH = [
    "One thing I really want to show you is SmartFill, our AI waitlist.",
    "SmartFill watches for cancellations and offers the open slot to the right waitlist patient "
    "automatically.",
    "Clinics using SmartFill typically fill most of their late cancellations within the hour.",
    "With SmartFill your desk never has to work the phones to back-fill an empty slot.",
    "The AI ranks the waitlist by who's most likely to say yes, so the first offer usually lands.",
    "SmartFill is included in the Growth plan, which is what I'd recommend for a group your size.",
    "Honestly, SmartFill is the feature our customers brag about the most.",
    "SmartFill learns each provider's patterns, so it won't offer a slot that the provider needs to "
    "prep for.",
    "You can switch SmartFill on per location, so you could pilot it at one site first.",
    "We've seen clinics recover a few thousand dollars a month with SmartFill alone.",
    "SmartFill also texts the patient a one-tap confirm link, so there's no phone tag.",
    "And the SmartFill dashboard shows you exactly how many slots it saved each week.",
    "Let me just flip over to the SmartFill screen so you can see it live.",
    "SmartFill plugs right into the schedule you'd already be using, nothing extra to learn.",
    "A lot of our multi-site groups turn SmartFill on in the first week.",
    "The AI waitlist is really where Tendwell pulls ahead of the older systems.",
    "With the AI waitlist the system does the back-filling while your team looks after patients.",
    "I'd love to set you up with a SmartFill pilot during the trial.",
    "Think of SmartFill as a receptionist that never sleeps, just for cancellations.",
    "SmartFill is on our roadmap for even smarter offers next quarter, too.",
    "The waitlist AI is something none of the legacy vendors can match.",
    "SmartFill works for recurring series as well, not just one-off visits.",
    "Once SmartFill is on, most clinics stop keeping a paper waitlist entirely.",
    "SmartFill takes about ten minutes to configure, it really is that simple.",
]
# The second seller-side person (solutions engineer) names pains: team speech, never evidence.
SE_PAIN_LINES = {
    "A": [
        "Honestly most of the clinics I onboard come to us because their reminder texts weren't landing.",
        "We built delivery receipts for every reminder, because failed texts mean empty chairs.",
    ],
    "B": [
        "A lot of practices get burned by double bookings when they add a second site.",
        "Room and provider conflicts are the classic multi-site headache, so we block them at the "
        "database level.",
    ],
    "C": [
        "We see it a lot, eligibility checks eating the front desk's whole morning.",
        "Manual coverage checks are usually the first thing groups want to get rid of.",
    ],
    "D": [
        "The typical story we hear is visit notes getting duplicated in the EHR.",
        "Dropped clinical notes are a common complaint about older integrations.",
    ],
    "E": [
        "Plenty of groups tell us their old reports never matched their billing.",
    ],
    "F": [
        "Per-provider pricing tends to surprise people, which is why we quote per location.",
    ],
    "G": [
        "We keep mobile sessions alive for a full shift, since getting logged out mid-visit drives "
        "providers nuts.",
    ],
}
SE_NEUTRAL = [
    "On the technical side we integrate over HL7 and FHIR with most of the big EHRs.",
    "Migration usually means we pull your patient list and appointment history from a CSV export.",
    "Single sign-on is supported through Microsoft and Google.",
    "All data is hosted in-region and encrypted at rest.",
    "We can run your old system and ours side by side for two weeks during cutover.",
    "The API is open, so your billing partner can read appointments directly.",
    "The sandbox has a copy of your real schedule, so your team can practise before go-live.",
    "Typical go-live for a group like yours is about three weeks.",
    "Every site can have its own opening hours and rooms, all under one account.",
    "Audit logs keep every change to an appointment, with who made it and when.",
    "We have a status page and a ninety-nine point nine percent uptime commitment.",
    "Phones and tablets use the same app, iOS and Android.",
]
SALES_CUSTOMER_QUESTIONS = [
    "How long does the migration usually take?",
    "Can we keep our current phone numbers for the texting?",
    "What does the contract length look like?",
    "Do you have clinics our size I could talk to?",
    "Is training included, or is that extra?",
    "What happens to our data if we leave?",
    "Can the front desk use it on the old computers we have?",
    "Is there a trial period?",
]
SALES_REACTIONS = ["Okay.", "Huh, interesting.", "Mm, okay.", "Right, sure.", "Okay, noted.", "I see."]

# Neutral clinic facts (untagged): filled per doc, so no two docs share a sentence.
CONTEXT_TEMPLATES = [
    "We're a {kind} practice with {locs} around {city}.",
    "I've been the {role} for about {years} years now.",
    "Across the {kind} side we see maybe {visits} patients on a normal day.",
    "Most bookings at {company} still come in by phone, maybe {pct} percent are online.",
    "We've got {prov} providers and {desk} people on the front desk in {city}.",
    "Our busiest site is the one in {city} itself, it's open six days a week.",
    "Before this we were on {old} for, gosh, {years} years.",
    "A typical {kind} appointment at {company} is {mins} minutes.",
]
SALES_CONTEXT_TEMPLATES = [
    "Right now we're on {old}, and the contract's up in the spring.",
    "We're {locs} at the moment, looking at opening another one in {city} next year.",
    "I run operations, so the schedule is basically my life, {role} is the official title.",
    "The front desk is about {desk} people in total, and {prov} clinicians.",
    "We book roughly {visits} visits a day across the group.",
]

TEXT = {
    "sales_hi": "Hi {c1}, thanks for making time today. I'm {lead}, I'm an account executive here at "
    "Tendwell.",
    "sales_about": "Great. Could you give me a quick picture of the group?",
    "research_hi": "Thanks so much for doing this, {c1}. I'm {lead}, I do user research at Tendwell. "
    "There are no wrong answers, I just want to hear how things really go.",
    "research_about": "Could you start by telling me a bit about the practice?",
    "sales_close": "This has been really helpful. I'll send over a proposal and a trial link this week.",
}


def context_fill(rng: random.Random, info: tuple) -> dict[str, object]:
    """Slot values for the context templates (drawn in a fixed order: the output depends on it)."""
    stem, company, kind, segment, role, c1, c2, city = info
    fill = {
        "kind": kind, "n": rng.randint(2, 9) if segment == "Multi-site" else 1, "city": city,
        "role": job_title(role), "years": rng.randint(3, 15), "visits": rng.randint(4, 30) * 10,
        "pct": rng.randint(2, 9) * 5, "prov": rng.randint(4, 40), "desk": rng.randint(2, 12),
        "old": rng.choice(OLD_SYSTEMS), "mins": rng.choice([20, 30, 40, 45, 60]), "company": company,
    }  # fmt: skip
    fill["locs"] = "one location" if fill["n"] == 1 else f"{fill['n']} locations"
    if fill["n"] == 1:
        fill["kind"] = f"single-site {kind}"
    return fill


TEAM = {
    "researchers": ["Maya Brennan", "Owen Tate"],
    "aes": ["Nadia Kowalski", "Theo Marsh"],
    "ses": ["Priyanka Rao", "Luca Bianchi"],
}
DOMAIN = "tendwell.com"

# doc_id stem, company, kind, segment, role, second customer (or None), city
RESEARCH = [
    ("harbourside_physio", "Harbourside Physio", "physiotherapy", "Multi-site", "Clinic Director",
     "Grace Okonkwo", None, "Halifax"),
    ("maple_dental", "Maple Street Dental", "dental", "Single-site", "Practice Manager",
     "Dennis Albright", None, "Guelph"),
    ("pawsitive_vets", "Pawsitive Veterinary Group", "veterinary", "Multi-site", "Operations Manager",
     "Sofia Marchetti", "Ravi Chandran", "Leeds"),
    ("kinetic_rehab", "Kinetic Rehab", "physiotherapy", "Multi-site", "Front Desk Lead",
     "Tamsin Reilly", None, "Cork"),
    ("brightsmile_dental", "BrightSmile Dental Partners", "dental", "Multi-site", "COO",
     "Marcus Hale", None, "Denver"),
    ("cedar_chiro", "Cedar Chiropractic", "chiropractic", "Single-site", "Owner",
     "Elena Petrova", None, "Boise"),
    ("riverbend_animal", "Riverbend Animal Hospital", "veterinary", "Single-site", "Hospital Manager",
     "Jonah Whitaker", "Lily Tran", "Omaha"),
    ("summit_sports_med", "Summit Sports Medicine", "physiotherapy", "Multi-site", "Head of Operations",
     "Aisha Rahman", None, "Calgary"),
    ("coastal_family_dental", "Coastal Family Dental", "dental", "Multi-site", "Regional Manager",
     "Patrick Doyle", None, "Brighton"),
    ("northside_physio", "Northside Physiotherapy", "physiotherapy", "Single-site", "Senior Physio",
     "Hannah Lindqvist", None, "Malmö"),
    ("greenfield_vets", "Greenfield Vets", "veterinary", "Multi-site", "Practice Manager",
     "Oliver Brandt", None, "Bristol"),
    ("align_chiro_group", "Align Chiropractic Group", "chiropractic", "Multi-site", "Billing Lead",
     "Rosa Delgado", "Kevin Osei", "Phoenix"),
    ("pearl_orthodontics", "Pearl Orthodontics", "dental", "Single-site", "Office Manager",
     "Naomi Fischer", None, "Austin"),
    ("motion_works", "MotionWorks Physio", "physiotherapy", "Multi-site", "Clinic Manager",
     "Callum Ward", None, "Glasgow"),
    ("oak_lane_vet", "Oak Lane Vet Clinic", "veterinary", "Single-site", "Lead Veterinarian",
     "Beatriz Costa", None, "Porto"),
    ("uptown_dental", "Uptown Dental Studio", "dental", "Multi-site", "Director of Operations",
     "Samuel Adeyemi", "Chloe Martin", "Chicago"),
    ("restore_pt", "Restore PT", "physiotherapy", "Multi-site", "Owner",
     "Megan O'Rourke", None, "Dublin"),
    ("willow_pet_care", "Willow Pet Care", "veterinary", "Multi-site", "Client Services Manager",
     "Ibrahim Kaya", None, "Rotterdam"),
    ("spine_and_joint", "Spine & Joint Clinic", "chiropractic", "Single-site", "Practice Owner",
     "Laura Becker", None, "Munich"),
    ("lakeshore_dental", "Lakeshore Dental Care", "dental", "Multi-site", "Practice Administrator",
     "Victor Nguyen", None, "Toronto"),
    ("stride_physio", "Stride Physiotherapy", "physiotherapy", "Single-site", "Physio and Co-owner",
     "Emma Kowal", None, "Wellington"),
    ("hilltop_animal", "Hilltop Animal Clinic", "veterinary", "Multi-site", "Medical Director",
     "George Papadakis", "Ana Ruiz", "Sacramento"),
]  # fmt: skip
SALES = [
    ("evergreen_physio", "Evergreen Physio Network", "physiotherapy", "Multi-site", "Operations Director",
     "Sarah Whitfield", "Tom Nakamura", "Vancouver"),
    ("bayview_dental", "Bayview Dental Group", "dental", "Multi-site", "CFO",
     "Daniel Reyes", None, "San Diego"),
    ("companion_vets", "Companion Vets", "veterinary", "Multi-site", "Group Practice Manager",
     "Fiona MacLeod", "Arjun Mehta", "Edinburgh"),
    ("peak_performance_pt", "Peak Performance PT", "physiotherapy", "Multi-site", "Owner",
     "Rachel Stone", None, "Salt Lake City"),
    ("smile_collective", "Smile Collective", "dental", "Multi-site", "VP Operations",
     "Noah Goldberg", "Priya Iyer", "Boston"),
    ("village_vet", "Village Vet Practice", "veterinary", "Single-site", "Practice Owner",
     "Harriet Lowe", None, "York"),
    ("core_chiro", "Core Chiropractic", "chiropractic", "Single-site", "Office Manager",
     "Miguel Santos", None, "Miami"),
    ("unity_health_physio", "Unity Health Physio", "physiotherapy", "Multi-site", "Head of Clinics",
     "Katarzyna Nowak", None, "Kraków"),
]  # fmt: skip
OLD_SYSTEMS = ["ClinicPlus", "an old on-prem system", "spreadsheets and a paper diary", "CarePoint",
               "DentaBook", "VetLedger", "a homegrown Access database", "PracticeOne"]  # fmt: skip
SECOND_INTROS = [
    "Hi! I handle a lot of the day-to-day scheduling.",
    "Hello, I'm the one who actually answers the phones, so.",
    "Hi there, I look after billing and the front desk.",
    "Hey, I'm one of the clinicians, I also help with the rota.",
]
SECOND_INTROS_SALES = [
    "And I'm on the clinical side, I mostly care about how it works day to day.",
    "I look after the front desks across the sites.",
    "I'm the one who'd be rolling it out, so I'll have practical questions.",
]
CLOSINGS = [
    "No, I think we covered it. Thanks.",
    "Nope, that's about it. Thanks for listening.",
    "I think that's everything, honestly. Good luck with it.",
    "No, that was pretty thorough. Thank you.",
    "Not that I can think of. Happy to do a follow-up.",
    "I think you got the lot. Thanks for asking us.",
    "Hmm, no. That's the big stuff. Cheers.",
    "No, that's it from me.",
    "Nothing else, no. Thanks for your time.",
    "That's all I've got. Appreciate you reaching out.",
]
# Neutral process detail (untagged): how the clinic works, no problem voiced.
PROCESS_PROMPTS = [
    "Tell me a bit about how the day runs.",
    "What does a normal day look like?",
    "How do things usually work at your place?",
    "Walk me through how the clinic runs.",
    "Anything about how you work that I should know?",
    "How is the team set up?",
    "Give me a feel for the routine there.",
    "What's the rhythm of a typical week?",
    "How do you organise things day to day?",
    "Tell me something about how you run the place.",
]
PROCESS = [
    "Usually the patient calls, the desk finds a slot, and we send a link for the intake form.",
    "New patients get a longer first slot, so we block ninety minutes for assessments.",
    "Every Friday afternoon I sit down with the leads and look at the next two weeks.",
    "The desk checks people in on the tablet, then the clinician picks them up from the waiting room.",
    "We keep a few emergency slots open every morning for acute cases.",
    "Cancellations go on a little list and the desk rings round when something opens up.",
    "The owners look at the numbers once a month, usually the first Monday.",
    "Each clinician has their day on a screen in the treatment room.",
    "At the end of the day the desk reconciles payments against the day sheet.",
    "New front desk people shadow someone for a week before they take calls alone.",
    "Most of our patients come on referral from GPs or from the local sports clubs.",
    "Follow-up visits are booked at the desk on the way out, that's the rule.",
    "We open at seven because a lot of patients want to come before work.",
    "The hygienists run their own recall lists, six months out.",
    "Surgery days are Tuesdays and Thursdays, consults the rest of the week.",
    "The vets rotate between the sites, so nobody is tied to one building.",
    "We print a paper day list too, old habits.",
    "Payment is taken at the end of each visit, card or insurance.",
    "Group classes are booked like appointments, just with ten spots.",
    "The clinical lead does the rota on a Wednesday for the following month.",
    "Walk-ins are rare for us, maybe one or two a week.",
    "The desk also handles the phones for the pharmacy counter.",
    "We do a quick huddle at eight fifteen to go over the day.",
    "Home visits are scheduled in the afternoon, so the clinician can drive between them.",
    "Intake forms are sent the moment a booking is made.",
    "Our chiropractors like short slots, fifteen minutes, lots of them.",
    "We split the week so each site has a late evening.",
    "Students from the university do placements with us twice a year.",
    "Every room has a name, not a number, which the patients find friendly.",
    "The practice manager approves all schedule changes over two weeks out.",
    "X-rays go straight to the imaging folder and get linked to the visit.",
    "We send a birthday card to every patient, it's a small-town thing.",
    "Most of our clinicians work four long days rather than five short ones.",
    "On Saturdays only the main site is open.",
    "We keep the dental chairs booked back to back, with a ten-minute turnover.",
    "The billing person comes in three days a week.",
    "Patients can book online up to eight weeks ahead.",
    "Reception sits right by the entrance, so the desk sees everyone coming and going.",
    "We review the cancellation policy every January.",
    "Each new site copies the setup of the first one, rooms and all.",
    "The boarding kennels are booked through the same calendar as the consults.",
    "Our clinic manager does the ordering for supplies on Mondays.",
    "We run a triage call for anyone who says it's urgent.",
    "Parking is a nightmare here, so we give people a longer arrival window.",
    "The team chats on a group thread for last-minute swaps.",
    "I check the next day's list every evening before I leave.",
    "Most of the physios like to see their patients twice a week at first.",
    "Lab results come back by email and the nurse attaches them.",
    "We've got a separate line for the insurance companies to call.",
    "Patients fill in a pain score on the tablet before each session.",
    "We schedule cleaning of the hydro pool for Sunday nights.",
    "Our receptionists also handle the stock of retail products we sell.",
    "The locum vets get a login for the weeks they cover.",
    "We do monthly team training over lunch.",
    "Recurring appointments are set up in blocks of six.",
    "I sign off the payroll hours against the schedule every fortnight.",
    "We colour the new patients in orange so the clinicians spot them.",
    "The associate dentists each have a favourite chair, and we try to respect that.",
    "Our Tuesday clinic is mostly post-surgery rehab patients.",
    "We text the patient a map to the new site the first time they go.",
    "The practice owner still does a few clinical sessions a week herself.",
    "Our pediatric patients get the morning slots, it works better for the families.",
    "We have a treatment room that doubles as the staff kitchen on Fridays, don't ask.",
    "Each clinician blocks an hour of admin time at the end of the day.",
    "The phones go to the main site after six.",
    "Our dental nurses prep the trays the night before.",
    "We have a shared inbox for referrals from the hospital.",
    "Pricing for self-pay patients is printed on the back of the intake form.",
    "Every site has one senior receptionist who's the go-to person.",
    "We run a falls-prevention class on Thursday mornings.",
    "Dogs wait on one side of the waiting room, cats on the other.",
    "Our busiest months are January and September.",
    "The hygienist schedule is built around the dentists', not the other way round.",
    "Most of our sports patients come after six in the evening.",
    "When a clinician is sick, the desk moves their patients to whoever's free.",
    "We have a small gym, and the physios book it by the half hour.",
    "Emergency surgeries just get squeezed in, that's the nature of it.",
    "The front desk closes out the till at five thirty.",
    "We ask for a deposit on long treatment plans.",
    "Interpreters are booked through a separate agency for some patients.",
    "I write the monthly newsletter myself, for what it's worth.",
    "The chiropractors share two adjusting rooms between four of them.",
    "We started opening on Sunday mornings last year.",
    "Each provider sets their own template for the week.",
    "Vaccination clinics run on the first Saturday of the month.",
    "We keep a whiteboard in the back with the day's surgeries.",
    "Patients who arrive more than fifteen minutes late get rebooked.",
    "The regional manager visits each site every other week.",
    "We track referral sources on a little tally at the desk.",
    "Our newest site opened in a shopping centre, so the hours follow the mall.",
    "We answer the phones in the order they ring, no menu, no hold music.",
    "Patients get a text with the address and the parking info after booking.",
    "The manager at each site owns their own schedule, I just look across them.",
    "We try to keep the same clinician with the same patient for the whole course.",
    "Insurance patients and self-pay patients go through the same front desk.",
    "Our evening slots book up about three weeks out.",
    "We moved two of the sites onto the same phone system last year.",
    "The desk keeps a cheat sheet taped to the monitor with the common codes.",
    "On a Monday we usually have a couple of new starters in the waiting room.",
    "Someone from the team does the bank run on Fridays.",
    "We've got a part-time bookkeeper who does the month-end.",
    "The clinical staff meet once a month to go through difficult cases.",
    "We book the interpreters' time in the same calendar as the visits.",
    "There's a quiet room for anxious patients, and we book it like any other room.",
    "We started offering video consults during the pandemic and kept them.",
    "The admin team works partly from home, two days a week.",
    "Our front desk answers something like two hundred calls on a Monday.",
    "Every patient gets a printed care plan after the first visit.",
    "We run two shifts at the bigger site, early and late.",
    "New hires get a login on day one and a buddy for the first month.",
    "We keep a spare laptop at each desk in case one dies.",
    "Our regular patients mostly book their next visit before they leave.",
    "The owners want a short summary every Monday morning, just a few numbers.",
    "We close for a week in August and everyone takes leave.",
    "Most of the team has been with us for more than five years.",
    "Patient files older than seven years get archived.",
    "We do a mystery-shopper call to our own sites now and then.",
    "Staff swap shifts between themselves and just tell me afterwards.",
    "The clinic next door refers a lot of patients to us.",
    "Our fees went up a little in March, first time in two years.",
    "We do a short stand-up at lunchtime to shuffle the afternoon if we need to.",
    "Most new patients find us through search, some through word of mouth.",
    "The owners meet with each site manager once a quarter.",
    "Every site keeps its own petty cash, which I reconcile monthly.",
    "Our cleaners come in after close, around seven.",
    "We rent one site and own the other buildings.",
    "Team leaders approve holiday requests, I just see the summary.",
    "We print a weekly rota and pin it up in the staff room.",
    "Our phones switch to voicemail during the lunch hour.",
    "A couple of the clinicians job-share, two days and three days.",
    "We review patient feedback together on the last Friday of the month.",
    "New sites get a launch week where the managers from the other sites help out.",
]
RESEARCH_FORMATS = ["otter"] * 6 + ["rev"] * 6 + ["zoom_vtt"] * 5 + ["teams_vtt"] * 5
# Sales: the first five have an AE and a solutions engineer; Gong CSV is a sales-call recorder.
SALES_FORMATS = ["gong_csv", "gong_csv", "gong_csv", "zoom_vtt", "teams_vtt", "gong_csv", "gong_csv", "rev"]


_KIND_WORDS = {
    "veterinary": ("dog", "cat", "vet", "kennel", "vaccination", "surger", "lab results"),
    "dental": ("dent", "hygien", "chair", "tray", "x-ray"),
    "physiotherapy": ("physio", "gym", "hydro", "sports", "falls", "class", "pain score"),
    "chiropractic": ("chiropract", "adjusting"),
}


def process_kind(line: str) -> str | None:
    low = line.lower()
    for kind, words in _KIND_WORDS.items():
        if any(w in low for w in words):
            return kind
    return None


def make(out: Path = OUT) -> dict:
    rng = random.Random(SEED)
    pools = Pools(rng)
    content = SimpleNamespace(**globals())
    infos = [("r", i, x) for i, x in enumerate(RESEARCH, 1)] + [("s", i, x) for i, x in enumerate(SALES, 1)]
    per_doc = assign(rng, len(infos), FREQ)
    one_off_docs = dict(zip(rng.sample(range(len(infos)), len(ONE_OFFS)), ONE_OFFS, strict=True))
    docs: list[Doc] = []
    meta: list[dict[str, str]] = []
    for idx, ((kind, i, info), pains) in enumerate(zip(infos, per_doc, strict=True)):
        stem, company, clinic, segment, role, c1, c2, city = info
        sales = kind == "s"
        doc_id = f"{'sales' if sales else 'int'}{i:02d}_{stem}"
        if sales:
            lead = TEAM["aes"][i % 2]
            se = TEAM["ses"][i % 2] if i <= 5 else None
            fmt = SALES_FORMATS[i - 1]
        else:
            lead, se = TEAM["researchers"][i % 2], None
            fmt = RESEARCH_FORMATS[(i * 7) % len(RESEARCH_FORMATS)]
        team = [lead] + ([se] if se else [])
        custs = [c for c in (c1, c2) if c]
        doc = Doc(doc_id, fmt, team, custs)
        for name in team:
            doc.emails[name] = name.lower().replace(" ", ".") + "@" + DOMAIN
        for name in custs:
            doc.emails[name] = name.split()[0].lower() + "@" + stem.replace("_", "") + ".example"
        absent = [p for p in PAINS if p not in pains and pools.free(DENIALS[p])]
        n_den = min(len(absent), rng.choice([0, 1, 1, 2]))
        denials = rng.sample(absent, n_den)
        build_doc(pools, rng, doc, info, sorted(pains), denials, one_off_docs.get(idx), sales, se, content)
        docs.append(doc)
        month = 1 + (idx * 11) // len(infos)
        meta.append({
            "doc_id": doc_id, "segment": segment, "company": company, "clinic_type": clinic, "role": role,
            "locations": str(1 if segment == "Single-site" else 2 + (idx * 3) % 8),
            "interview_type": "sales_call" if sales else "research",
            "date": f"2026-{month:02d}-{1 + (idx * 9) % 27:02d}", "format": fmt,
        })  # fmt: skip
    problems = check_variety(docs, set(SECOND_INTROS + SECOND_INTROS_SALES + CLOSINGS))
    if problems:
        raise SystemExit("\n".join(problems))
    turns = [len(d.turns) for d in docs]
    extra = {
        "study": "clinic-scheduling",
        "split": "development",
        "rep_only_topic": "SmartFill AI waitlist (pitched by account executives only)",
        "turns_per_doc": {d.doc_id: len(d.turns) for d in docs},
    }
    truth = write_study(out, docs, PAINS, meta, extra)
    write_assumptions(out, truth)
    print(f"wrote {len(docs)} docs to {out} (turns {min(turns)}-{max(turns)})")
    for p in truth["pains"]:
        print(f"  {p['id']} {p['n_docs']:>2}/{len(docs)}  {p['label']}")
    return truth


# The team's assumed pains (issue 15 scores them against what customers said).
ASSUMPTIONS = [
    ("Appointment reminders fail, so patients don't show up", "true", "A", ""),
    ("The calendar double-books rooms and providers", "true", "B", ""),
    ("Checking insurance eligibility takes the front desk too long", "true", "C", ""),
    ("Clinics find our pricing too expensive", "half_true", "F",
     "customers say the per-provider bill is unpredictable, not that it is high; some call the price fair"),
    ("Setting up Tendwell takes months", "false", None,
     "shares vocabulary with praise: customers say setup and onboarding were quick"),
    ("Clinics want a patient loyalty programme", "never_voiced", None, ""),
    ("Providers want a dark mode in the app", "never_voiced", None, "shares 'app' with pain G only"),
    ("Clinics need an AI waitlist to fill cancellations", "never_voiced", None,
     "the rep-only pitch topic (SmartFill): only account executives talk about it"),
]  # fmt: skip


def write_assumptions(out: Path, truth: dict) -> None:
    import json

    pains = {p["id"]: p for p in truth["pains"]}
    setup_docs = sorted({
        s["doc_id"] for s in truth["sentences"]
        if s["tag"] == "praise" and any(w in s["text"].lower() for w in ("setup", "set up", "onboarding",
                                                                         "getting started", "live in"))
    })  # fmt: skip
    rows = []
    for text, verdict, pid, note in ASSUMPTIONS:
        row = {"text": text, "verdict": verdict, "pain_id": pid,
               "true_docs": pains[pid]["n_docs"] if pid else 0,
               "doc_ids": pains[pid]["doc_ids"] if pid else [], "note": note}  # fmt: skip
        if verdict == "false":
            row["vocabulary_docs"] = setup_docs
        rows.append(row)
    (out / "assumptions.txt").write_text("\n".join(a[0] for a in ASSUMPTIONS) + "\n", encoding="utf-8")
    payload = {"n_docs": truth["n_docs"], "assumptions": rows,
               "verdicts": {"true": "voiced by customers in true_docs interviews",
                            "half_true": "a related pain is voiced, but not as the team put it",
                            "false": "customers say the opposite, in shared words",
                            "never_voiced": "no customer says it"}}  # fmt: skip
    (out / "assumptions_truth.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    make()
