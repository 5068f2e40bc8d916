"""The demo's plans (issue 7): every pupil on the register has an SEN support plan with a year or
two of assess-plan-do-review cycles, except one pupil put on SEN support recently with no plan
yet (`pupil_without_plan`). Reviews fall due over the coming twelve weeks, about five in the next
four, and two or three are overdue.

The plans of `taught_pupil` and `parents_child` (the pupils the tests and the personas work on)
are written through `senco.plans.services`, step by step as people would, then dated back to
when each step happened. The rest are written in bulk with the same rows and version snapshots
(tests/test_demo.py writes one plan both ways and compares them): through the services every
pupil would add about a quarter of a second to the demo, and the benchmarks give a whole trust
its plans this way. Synthetic and deterministic from the seed.
"""

import contextlib
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from senco import access
from senco.accounts.models import User
from senco.assessment.models import Result
from senco.concerns.models import Concern
from senco.plans import services
from senco.plans.models import (
    Cycle,
    CycleVersion,
    Note,
    Outcome,
    ParentView,
    Plan,
    ProvisionItem,
)
from senco.plans.services import Evidence, OutcomeText, Provision
from senco.pupils import census
from senco.pupils.models import Pupil, PupilContact, Report
from senco.schools.models import School

# Outcomes: (phases, outcome, success measure, target from, target towards). The target moves
# from the first number towards the second when an outcome is carried on with a harder measure.
OUTCOMES = {
    "CL": [
        ("p", "{name} will blend and read unfamiliar three-letter words.",
         "Reads {n} of 20 unseen CVC words correctly in the weekly check, two weeks running.",
         12, 20),
        ("p", "{name} will read the first 100 high-frequency words on sight.",
         "Reads {n} of the 100 words correctly, each within three seconds.", 50, 100),
        ("p", "{name} will write a sentence on their own with a capital letter and full stop.",
         "{n} of 5 independent sentences in books have both, without an adult's prompt.", 3, 5),
        ("p", "{name} will recall number bonds to 10 quickly.",
         "Answers {n} of 20 mixed bonds correctly in two minutes.", 12, 20),
        ("ps", "{name} will read aloud fluently from a book at their level.",
         "Reads {n} words a minute with no more than 3 errors.", 40, 100),
        ("ps", "{name} will spell the words taught in precision teaching.",
         "Spells {n} of 10 target words correctly a week after they were taught.", 6, 10),
        ("ps", "{name} will follow a visual checklist to finish a task independently.",
         "Finishes {n} of 5 tasks a week without an adult's help (TA's log).", 3, 5),
        ("s", "{name} will plan an extended answer with a writing frame.",
         "Uses the frame without prompts in {n} of 4 assessed pieces this term.", 2, 4),
        ("s", "{name} will use a reading pen to read subject texts independently.",
         "Uses it unprompted in {n} lessons a week (teachers' tally).", 3, 10),
        ("s", "{name} will recall the times-table facts needed in maths lessons.",
         "Answers {n} of 30 mixed multiplication facts correctly in three minutes.", 18, 30),
    ],
    "CI": [
        ("p", "{name} will follow two-step instructions given to the whole class.",
         "Follows them first time {n} times out of 5 in observed lessons.", 3, 5),
        ("p", "{name} will use 'because' to explain an idea in a sentence.",
         "Uses a 'because' sentence {n} times in a 20-minute talk session.", 2, 6),
        ("p", "{name} will learn and use new topic vocabulary.",
         "Explains {n} of 10 pre-taught topic words in their own words at the end of the unit.",
         5, 10),
        ("ps", "{name} will ask an adult for help, with words or a help card, when stuck.",
         "Asks for help {n} times a week instead of waiting or leaving the task (TA's tally).",
         3, 8),
        ("ps", "{name} will take turns in a small-group conversation.",
         "Takes {n} turns without interrupting in a 15-minute group session.", 3, 6),
        ("ps", "{name} will manage a change to the day when warned with a visual.",
         "Stays calm through {n} of 5 changes in a half term (class log).", 3, 5),
        ("s", "{name} will join in paired discussion in lessons.",
         "Gives at least one idea in {n} of 5 observed paired tasks.", 3, 5),
        ("s", "{name} will retell the key points of a lesson with a graphic organiser.",
         "Names {n} of 5 key points in the check at the end of the lesson.", 3, 5),
    ],
    "SEMH": [
        ("ps", "{name} will use a calm-down strategy when upset instead of leaving the room.",
         "Leaves the classroom no more than {n} times a week (behaviour log).", 3, 0),
        ("ps", "{name} will name how they feel using the zones of regulation.",
         "Names their zone accurately at {n} of 5 daily check-ins.", 3, 5),
        ("p", "{name} will join in playground games with support.",
         "Plays with other children for at least {n} minutes at lunchtime on 3 days a week.",
         10, 30),
        ("ps", "{name} will settle to work within five minutes of the start of a lesson.",
         "Starts within five minutes in {n} of 10 observed lessons.", 5, 10),
        ("p", "{name} will accept a correction from an adult calmly.",
         "Responds calmly {n} times out of 5 (class log).", 3, 5),
        ("s", "{name} will attend all their timetabled lessons.",
         "Attends at least {n}% of lessons over the half term.", 85, 97),
        ("s", "{name} will use their time-out card as agreed.",
         "Uses the card no more than {n} times a week, back within ten minutes each time.",
         5, 1),
        ("ps", "{name} will talk through a worry with their key adult.",
         "Checks in with the key adult at {n} of 5 morning meetings.", 3, 5),
    ],
    "SP": [
        ("ps", "{name} will check their hearing aids and radio aid at the start of the day.",
         "Checks them without a reminder on {n} of 5 days (TA's log).", 3, 5),
        ("ps", "{name} will tell an adult when they have not heard an instruction.",
         "Says so {n} times a week rather than guessing (teachers' tally).", 2, 5),
        ("ps", "{name} will use enlarged resources and a magnifier independently.",
         "Uses them without a prompt in {n} of 5 observed lessons.", 3, 5),
        ("p", "{name} will write legibly with a sloped board and pencil grip.",
         "Writes {n} lines a lesson that an adult can read without help.", 3, 10),
        ("p", "{name} will manage their coat, bag and lunch tray on their own.",
         "Manages all three on {n} of 5 days.", 2, 5),
        ("s", "{name} will type extended answers on a laptop.",
         "Types {n} words a minute in the half-termly check.", 12, 30),
        ("s", "{name} will move between lessons safely and on time.",
         "Arrives on time, using the lift pass, for {n} of 5 lessons a day.", 3, 5),
    ],
}  # fmt: skip
STRATEGIES = {
    "CL": [
        "Give one instruction at a time and check understanding.",
        "Provide a printed copy of board work.",
        "Pre-teach key vocabulary before each topic.",
        "Keep a word mat and number line on the desk.",
        "Allow extra time and reduce the amount of copying.",
        "Chunk tasks with a visual checklist.",
        "Use concrete resources in maths.",
        "Model an answer before independent work.",
    ],
    "CI": [
        "Say the pupil's name before giving an instruction.",
        "Support instructions with pictures and gestures.",
        "Give a five-minute warning before a change.",
        "Allow ten seconds' thinking time before expecting an answer.",
        "Keep the visual timetable up to date each morning.",
        "Seat away from noise and busy areas.",
        "Give a clear role in group work.",
    ],
    "SEMH": [
        "Meet and greet at the door each morning.",
        "Praise quietly and specifically.",
        "Offer a movement break before longer tasks.",
        "Use the agreed calm space; no audience for sanctions.",
        "Give two choices rather than a direct demand.",
        "Keep the same seat and routine.",
        "Give a classroom job to build belonging.",
    ],
    "SP": [
        "Face the pupil when speaking and keep background noise down.",
        "Check the radio aid at the start of each lesson.",
        "Subtitle videos.",
        "Enlarge printed work to 18 point.",
        "Seat near the board, away from glare.",
        "Allow extra time to move between rooms.",
        "Provide a sloped board and pencil grip for writing.",
    ],
}
PROVISION = {
    "CL": [
        ("Precision teaching of target words", "TA", "10 minutes daily"),
        ("Structured phonics catch-up group", "TA", "4 x 20 minutes a week"),
        ("Small-group maths intervention", "Teaching assistant", "3 x 30 minutes a week"),
        ("Paired reading with an adult", "TA or reading volunteer", "3 x 15 minutes a week"),
        ("Reading fluency intervention", "Class teacher", "2 x 20 minutes a week"),
        ("Touch-typing programme", "Pupil, checked by the TA", "2 x 20 minutes a week"),
    ],
    "CI": [
        ("Speech and language programme set by the NHS therapist", "TA", "3 x 15 minutes a week"),
        ("Language group: vocabulary and narrative", "TA", "2 x 30 minutes a week"),
        ("Social communication group", "SENCO", "Weekly, 40 minutes"),
        ("Now-and-next board and visual timetable", "Class teacher", "Daily"),
        ("Building-blocks social skills group", "TA", "Weekly, 45 minutes"),
        (
            "Speech and language therapist's review",
            "NHS speech and language therapist",
            "Once a term",
        ),
    ],
    "SEMH": [
        ("Emotional literacy sessions", "ELSA-trained TA", "Weekly, 30 minutes"),
        ("Morning check-in with the key adult", "Key adult", "Daily, 5 minutes"),
        ("Nurture group", "Nurture lead", "3 afternoons a week"),
        ("Lunchtime club", "Midday supervisor", "Daily"),
        ("Mentoring", "Learning mentor", "Weekly, 30 minutes"),
        ("School counsellor", "Counsellor", "Weekly, 45 minutes, for 8 weeks"),
    ],
    "SP": [
        ("Fine-motor group", "TA", "3 x 15 minutes a week"),
        ("Physiotherapy exercises from the NHS programme", "TA", "Daily, 10 minutes"),
        ("Teacher of the deaf: visit and advice", "Sensory support service", "Once a half term"),
        ("Radio aid check", "TA", "Daily"),
        ("Mobility and habilitation training", "Habilitation specialist", "Fortnightly"),
        ("Enlarged resources prepared in advance", "TA", "For every lesson"),
        ("Keyboard skills", "TA", "2 x 20 minutes a week"),
    ],
}
ASSESSMENT = ("Assessment and advice from the educational psychologist", "Educational psychologist",
              "Once, this term")  # fmt: skip
OBSERVATIONS = {
    "CL": [
        "{name} guesses unfamiliar words from the first letter and avoids reading aloud.",
        "Written work is short and often unfinished; ideas are better spoken than written.",
        "{name} loses track of multi-step tasks and waits for an adult to restart.",
        "Number facts are not yet secure; {name} counts on fingers for most calculations.",
    ],
    "CI": [
        "{name} watches other children before starting a task given to the whole class.",
        "Conversations with peers are short; {name} finds it hard to wait for a turn.",
        "Changes to the day unsettle {name} unless warned in advance.",
        "{name} understands more than they can say; answers are often single words.",
    ],
    "SEMH": [
        "{name} finds the start of lessons and unstructured times hardest.",
        "Leaves the room when a task looks difficult, usually before writing.",
        "{name} settles well with a familiar adult; supply days are harder.",
        "Falling-outs at lunch carry into the afternoon for {name}.",
    ],
    "SP": [
        "{name} misses instructions given from the back of the room or over noise.",
        "Tires quickly when writing by hand; the laptop helps {name} keep up.",
        "{name} needs more time than others to move around the building.",
        "Small print and busy worksheets slow {name} down.",
    ],
}
NOTES = {
    "CL": [
        "Read {n} of the target words today; needed a prompt for the rest.",
        "Good focus in the intervention group; blended {n} words on their own.",
        "Used the word mat without a reminder in the writing lesson.",
        "Tired in the afternoon: finished {n} of 5 questions.",
        "Precision teaching check: {n}/10 correct, up on last week.",
        "Found the history reading hard; the printed copy helped.",
    ],
    "CI": [
        "Followed the two-step instruction in PE first time today.",
        "Used the help card twice in maths instead of waiting.",
        "Took {n} turns in the language group without interrupting.",
        "Upset when assembly moved; calm again with the now-and-next board in {n} minutes.",
        "Explained two new topic words in their own words.",
        "Joined the paired discussion and gave an idea without a prompt.",
    ],
    "SEMH": [
        "Left the room once, before writing; back after {n} minutes with the key adult.",
        "Named the yellow zone at check-in and chose a movement break.",
        "A good week: settled within five minutes in every lesson I saw.",
        "Fell out with a friend at lunch; talked it through at the afternoon check-in.",
        "Used the time-out card once and was back in {n} minutes.",
        "Accepted a correction calmly in maths and carried on.",
    ],
    "SP": [
        "Checked the radio aid on their own this morning.",
        "Wrote {n} lines legibly using the sloped board.",
        "Managed coat and bag on their own at home time.",
        "Asked for the enlarged copy without a prompt.",
        "Typed the whole of the homework on the laptop.",
        "Arrived on time to every lesson today.",
    ],
    "": [
        "Seemed tired this week; mentioned it to the SENCO.",
        "Absent for two days (illness); caught up with the TA.",
        "Parent said at pick-up that things are calmer at home.",
    ],
}
PUPIL_VIEWS = {
    "p": [
        "I like my reading group because it is quiet.",
        "The word mat helps me when I get stuck.",
        "I want to get better at my times tables.",
        "I like it when Miss checks on me at the start.",
        "Playtime is better now I have a job.",
        "I don't like it when it's noisy in class.",
        "I feel proud when I read to the teacher.",
        "The help card is good because I don't have to put my hand up.",
    ],
    "s": [
        "The laptop helps me keep up in English.",
        "I don't like being taken out of science for the group.",
        "Having the lesson slides printed makes it easier.",
        "Checking in with my mentor helps me start the day.",
        "I'd like more time in exams.",
        "Some teachers forget about my card.",
        "I can read the books in tutor time now.",
        "I'm better at asking for help than I was.",
    ],
}
PARENT_VIEWS = [
    "We've noticed {name} is more confident reading at home.",
    "Homework is still a battle; could we have shorter tasks?",
    "{name} comes home tired but happier than last term.",
    "We'd like ideas for helping with spelling at home.",
    "Things have been harder at home lately; {name} is not sleeping well.",
    "{name} talks about the group a lot and enjoys it.",
    "We are worried {name} is falling behind friends in maths.",
    "Thank you for the check-ins: mornings are much easier.",
]
EVIDENCE = [
    "TA's weekly log",
    "class teacher's observations",
    "intervention records",
    "the half-termly assessment",
    "the SENCO's book look",
    "behaviour log",
]
PROGRESS_EVIDENCE = [
    ["Little change since the last review ({source}).", "Not yet: still needs a prompt each time "
     "({source})."],
    ["Some progress, not yet consistent ({source}).", "Meets the measure on some days, not others "
     "({source})."],
    ["Good progress, nearly there ({source}).", "Meets the measure most weeks ({source})."],
    ["Achieved: met the measure in the last three checks ({source}).",
     "Achieved and kept up for a month ({source})."],
]  # fmt: skip
REVIEW_NOTES = {
    "continue": "Steady progress. Agreed to keep the outcomes and provision for another cycle "
    "and review again by {review}.",
    "change": "Reviewed each outcome with {name}'s family. Achieved targets replaced with the next "
    "steps and harder measures set where progress was good; review by {review}.",
    "step_up": "Progress remains limited after several cycles of targeted support. Agreed with "
    "the family to request an EHC needs assessment; the SENCO will send the request with the "
    "evidence of these cycles. Educational psychologist's advice to be sought; review by {review}.",
    "step_down": "Outcomes achieved and kept up. Agreed to reduce the support to what is still "
    "needed and to review by {review}, with a view to monitoring only.",
}


@dataclass
class OutcomeStory:
    template: tuple
    target: int
    area: str
    text: str
    measure: str
    carried: int | None = None  # position (from 0) of the outcome it continues
    progress: str = ""
    progress_label: str = ""
    progress_evidence: str = ""


@dataclass
class NoteStory:
    by: User | None
    outcome: int | None
    on: dt.date
    text: str


@dataclass
class CycleStory:
    starts: dt.date
    review_on: dt.date
    reviewed_on: dt.date | None
    outcomes: list[OutcomeStory]
    strategies: str
    provision: list[Provision]
    results: list[int]
    concerns: list[int]
    reports: list[int]
    observations: str
    notes: list[NoteStory] = field(default_factory=list)
    parent_view: tuple[User | None, dt.date, str] | None = None
    pupil_view: str = ""
    decision: str = ""
    review_notes: str = ""


@dataclass
class PupilFacts:
    pupil: Pupil
    starts: dt.date
    areas: list[str]
    phase: str
    results: list[tuple[int, dt.date]]
    concerns: list[tuple[int, dt.date]]
    reports: list[tuple[int, dt.date]]
    authors: list[User]
    parent: User | None
    review_on: dt.date = dt.date.min
    turn: str = ""  # "step_up" or "step_down" at the last review


# Choosing.


def _demo_user(username: str) -> User | None:
    return User.objects.filter(username=username, is_demo=True).first()


def taught_pupil(school: School) -> Pupil | None:
    """As tests/targets.py finds it: on the register in `teacher`'s class, not the parent's
    child, not taught by `other_teacher`."""
    teacher = _demo_user("teacher")
    if teacher is None:
        return None
    pupils = access.pupils_visible_to(teacher, school).filter(sen_provision__in=["K", "E"])
    for username in ("parent", "other_teacher"):
        other = _demo_user(username)
        if other is not None:
            pupils = pupils.exclude(pk__in=access.pupils_visible_to(other, school))
    return pupils.order_by("pk").first()


def parents_child(school: School) -> Pupil | None:
    """As tests/targets.py finds it: `parent`'s child whom no teacher persona teaches."""
    parent = _demo_user("parent")
    if parent is None:
        return None
    children = access.pupils_visible_to(parent, school)
    for username in ("teacher", "other_teacher", "ta"):
        staff = _demo_user(username)
        if staff is not None:
            children = children.exclude(pk__in=access.pupils_visible_to(staff, school))
    return children.order_by("pk").first()


def pupil_without_plan(school: School) -> Pupil | None:
    """The one pupil on the register the demo leaves without a plan: the latest put on SEN
    support, not a parent account's child, not `taught_pupil`, not confidential and not shared
    with the invited professional."""
    kept = [p.pk for p in (taught_pupil(school),) if p is not None]
    candidates = (
        _register(school)
        .filter(sen_provision="K", is_confidential=False)
        .exclude(pk__in=kept)
        .exclude(pk__in=PupilContact.objects.filter(contact__user__isnull=False).values("pupil"))
        .exclude(grants__isnull=False)
        .with_date_added()
    )
    return candidates.order_by("-date_added", "pk").first()


def _register(school: School):
    return Pupil.objects.filter(
        school=school, left_on__isnull=True, sen_provision__in=census.REGISTER_CODES
    )


# Building.


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    """The demo school's plans: through the services for `taught_pupil` and `parents_child`
    (whose plans the tests and the personas work on), in bulk for the rest."""
    # The services refuse dates after timezone.localdate(): never go beyond it.
    today = min(today, timezone.localdate())
    waiting = pupil_without_plan(school)
    child = parents_child(school)
    required = [p.pk for p in (taught_pupil(school), child) if p is not None]
    pupils = list(_register(school).exclude(pk=getattr(waiting, "pk", None)).order_by("pk"))
    senco = users.get("senco")
    facts = pupil_facts(pupils, today)
    stories = plan_stories(random.Random(seed * 31 + 7), facts, today, required=required)
    if child is not None and child.pk in stories:
        stories[child.pk][-1].parent_view = None  # the parent adds one in the browser test
    bulk = []
    for f in facts:
        if f.pupil.pk in required:
            write_with_services(f, stories[f.pupil.pk], senco)
        else:
            bulk.append((f, stories[f.pupil.pk]))
    write_in_bulk(bulk, senco)


def add_plans(school: School, seed: int, today: dt.date, senco: User | None = None) -> int:
    """Plans in bulk for every pupil on a school's register without one (the benchmarks' other
    schools); how many were written."""
    today = min(today, timezone.localdate())
    pupils = list(
        _register(school).exclude(pk__in=Plan.objects.open().values("pupil")).order_by("pk")
    )
    facts = pupil_facts(pupils, today)
    stories = plan_stories(random.Random(f"{seed}-plans-{school.urn}"), facts, today, required=[])
    write_in_bulk([(f, stories[f.pupil.pk]) for f in facts], senco)
    return len(facts)


def pupil_facts(pupils: list[Pupil], today: dt.date) -> list[PupilFacts]:
    """What a pupil's plan is written from: their needs, records and the people around them."""
    if not pupils:
        return []
    added = dict(
        Pupil.objects.filter(pk__in=[p.pk for p in pupils])
        .with_date_added()
        .values_list("pk", "date_added")
    )
    evidence = _evidence(pupils)
    parents = _parents(pupils)
    earliest = today - dt.timedelta(days=730)
    second = _second_needs(pupils)
    facts = []
    for p in pupils:
        area = _area(p.primary_need)
        other = _area(second[p.pk]) if p.pk in second else ""
        facts.append(
            PupilFacts(
                pupil=p,
                starts=min(max(added.get(p.pk) or earliest, earliest), today),
                areas=_outcome_areas(area, other),
                phase="p" if (p.year_group or 0) <= 6 else "s",
                results=evidence["results"].get(p.pk, []),
                concerns=evidence["concerns"].get(p.pk, []),
                reports=evidence["reports"].get(p.pk, []),
                authors=list(access.staff_teaching([p])),
                parent=parents.get(p.pk),
            )
        )
    return facts


def _area(need: str) -> str:
    return census.NEEDS[need][1] if need in census.NEEDS else "OTH"


def _outcome_areas(area: str, other: str) -> list[str]:
    """The areas outcomes are drawn from: the primary need's first."""
    if area == "OTH":
        area, other = "CL", other if other not in ("", "OTH", "CL") else "SEMH"
    if other in ("", "OTH", area):
        other = "SEMH" if area != "SEMH" else "CI"
    return [area, other]


def _second_needs(pupils: list[Pupil]) -> dict[int, str]:
    from senco.pupils.models import SenNeed

    rows = SenNeed.objects.filter(pupil__in=pupils, ends__isnull=True, rank=2)
    return dict(rows.values_list("pupil_id", "need"))


def _evidence(pupils: list[Pupil]) -> dict[str, dict[int, list]]:
    found: dict[str, dict[int, list]] = {"results": {}, "concerns": {}, "reports": {}}
    dated = {Result: "taken_on", Concern: "raised_at", Report: "dated"}
    queries = {
        name: model.objects.filter(pupil__in=pupils).values_list("pupil_id", "pk", dated[model])
        for name, model in (("results", Result), ("concerns", Concern), ("reports", Report))
    }
    for name, rows in queries.items():
        for pupil_id, pk, day in rows.order_by("pupil_id", "pk"):
            day = timezone.localtime(day).date() if isinstance(day, dt.datetime) else day
            found[name].setdefault(pupil_id, []).append((pk, day))
    return found


def _parents(pupils: list[Pupil]) -> dict[int, User]:
    links = PupilContact.objects.filter(
        pupil__in=pupils, contact__user__isnull=False, parental_responsibility=True
    ).select_related("contact__user")
    return {
        link.pupil_id: link.contact.user
        for link in links.order_by("-priority", "-pk")
        if link.contact.user is not None
    }


# The stories: what happened in each pupil's plan, before anything is written.


def plan_stories(
    rng: random.Random, facts: list[PupilFacts], today: dt.date, *, required: Sequence[int]
) -> dict[int, list[CycleStory]]:
    _review_dates(rng, facts, today, required)
    _turns(rng, facts, today, required)
    scale = list(services.progress_scale().items())
    return {f.pupil.pk: _story(rng, f, today, scale) for f in facts}


def _review_dates(rng: random.Random, facts: list[PupilFacts], today: dt.date, required) -> None:
    """The current cycle's review date: two or three overdue, about five (or three in ten) in
    the next four weeks, the rest within twelve weeks."""
    order = sorted(facts, key=lambda f: (f.pupil.pk not in required, rng.random()))
    overdue_count = max(2, round(len(facts) * 0.04)) if len(facts) > 8 else 1
    soon_count = max(5, round(len(facts) * 0.3))
    can_be_overdue = [
        f for f in order if f.pupil.pk not in required and (today - f.starts).days > 150
    ]
    overdue = {f.pupil.pk for f in can_be_overdue[:overdue_count]}
    soon = 0
    for f in order:
        if f.pupil.pk in overdue:
            f.review_on = today - dt.timedelta(days=rng.randint(3, 24))
        elif soon < soon_count:
            soon += 1
            f.review_on = today + dt.timedelta(days=rng.randint(1, 27))
        else:
            f.review_on = today + dt.timedelta(days=rng.randint(29, 84))


def _turns(rng: random.Random, facts: list[PupilFacts], today: dt.date, required) -> None:
    """A few pupils on SEN support stepped up to an EHC needs assessment at their last review,
    one or two stepped down."""
    settled = [f for f in facts if f.pupil.pk not in required and (today - f.starts).days > 240]
    rng.shuffle(settled)
    support = [f for f in settled if f.pupil.sen_provision in census.SUPPORT_CODES]
    ups = support[: max(1, round(len(facts) * 0.04))]
    for f in ups:
        f.turn = "step_up"
    downs = [f for f in settled if not f.turn][: 2 if len(facts) >= 10 else 1]
    for f in downs:
        f.turn = "step_down"


def _timeline(
    rng: random.Random, starts: dt.date, review_on: dt.date, today: dt.date
) -> list[tuple[dt.date, dt.date, dt.date | None]]:
    """(starts, review by, reviewed on) of each cycle, from the plan's start: cycles of about a
    term, at least one reviewed, the current one open until `review_on`."""
    day = dt.timedelta(days=1)
    current = min(
        review_on - dt.timedelta(days=rng.randint(70, 98)), today - rng.randint(3, 20) * day
    )
    current = max(current, min(starts + 28 * day, today))
    if current >= review_on:
        current = review_on - day
    current = max(current, starts)
    cycles: list[tuple[dt.date, dt.date, dt.date | None]] = [(current, review_on, None)]
    end = current
    while True:
        left = (end - starts).days
        length = left if left <= 105 else min(rng.randint(70, 98), left - 35)
        begin = end - length * day
        planned = max(end + rng.randint(-10, 7) * day, begin + day)
        cycles.insert(0, (begin, planned, end))
        if begin <= starts:
            return cycles
        end = begin


def _story(
    rng: random.Random, f: PupilFacts, today: dt.date, scale: list[tuple[str, str]]
) -> list[CycleStory]:
    name = f.pupil.first_name
    timeline = _timeline(rng, f.starts, f.review_on, today)
    cycles: list[CycleStory] = []
    for i, (starts, review_on, reviewed_on) in enumerate(timeline):
        if cycles:
            outcomes, provision, strategies = _next_plan(rng, f, cycles[-1])
        else:
            outcomes = _first_outcomes(rng, f)
            provision = _first_provision(rng, f)
            strategies = _strategies(rng, f, [])
        cycle = CycleStory(
            starts, review_on, reviewed_on, outcomes, strategies, provision,
            **_cycle_evidence(rng, f, name, starts),
        )  # fmt: skip
        cycle.notes = _notes(rng, f, cycle, today)
        if reviewed_on is not None:
            turn = f.turn if i == len(timeline) - 2 else ""
            _review(rng, f, cycle, scale, turn, timeline[i + 1][1])
        _parent_view(rng, f, cycle, today)
        cycles.append(cycle)
    return cycles


def _outcome(rng: random.Random, template: tuple, name: str, target: int | None = None):
    _, text, measure, start, towards = template
    if target is None:
        target = start + (1 if towards > start else -1) * rng.randint(0, _step(template) // 2)
    area = next(a for a, rows in OUTCOMES.items() if template in rows)
    return OutcomeStory(
        template, target, area, text.format(name=name), measure.format(n=target, name=name)
    )


def _step(template: tuple) -> int:
    return max(1, round(abs(template[4] - template[3]) / 3))


def _templates(f: PupilFacts, area: str, used: Iterable[tuple]) -> list[tuple]:
    return [t for t in OUTCOMES[area] if f.phase in t[0] and t not in used]


def _first_outcomes(rng: random.Random, f: PupilFacts) -> list[OutcomeStory]:
    count = rng.choice([3, 3, 4] if f.pupil.sen_provision in census.PLAN_CODES else [2, 3, 3, 4])
    main, other = f.areas
    areas = [main] * (count - 1) + [other if rng.random() < 0.7 else main]
    chosen: list[tuple] = []
    for area in areas:
        choices = _templates(f, area, chosen) or _templates(f, other, chosen)
        chosen.append(rng.choice(choices))
    return [_outcome(rng, t, f.pupil.first_name) for t in chosen]


def _first_provision(rng: random.Random, f: PupilFacts) -> list[Provision]:
    count = rng.choice([3, 4, 4, 5] if f.pupil.sen_provision in census.PLAN_CODES else [2, 2, 3])
    main, other = f.areas
    rows = rng.sample(PROVISION[main], min(count - 1, len(PROVISION[main])))
    rows.append(rng.choice(PROVISION[other]))
    return [Provision(*row) for row in dict.fromkeys(rows)]


def _strategies(rng: random.Random, f: PupilFacts, kept: list[str]) -> str:
    main, other = f.areas
    lines = kept or rng.sample(STRATEGIES[main], 3) + rng.sample(STRATEGIES[other], 1)
    if kept and rng.random() < 0.5:
        fresh = [s for s in STRATEGIES[main] if s not in kept]
        lines = kept[1:] + fresh[:1] if fresh else kept
    return "\n".join(lines)


def _cycle_evidence(rng: random.Random, f: PupilFacts, name: str, starts: dt.date) -> dict:
    """The records the cycle's assessment looked at, all dated before it started."""
    results = [pk for pk, day in f.results if day <= starts][-rng.randint(1, 3) :]
    concerns = [pk for pk, day in f.concerns if day <= starts][-2:]
    reports = [pk for pk, day in f.reports if day <= starts][-1:]
    seen = rng.sample(OBSERVATIONS[f.areas[0]], 2)
    observations = " ".join(s.format(name=name) for s in seen[: rng.randint(1, 2)])
    return {
        "results": results,
        "concerns": concerns,
        "reports": reports,
        "observations": observations,
    }


def _notes(rng: random.Random, f: PupilFacts, cycle: CycleStory, today: dt.date) -> list:
    ends = cycle.reviewed_on or today
    span = max(0, (ends - cycle.starts).days)
    count = rng.randint(2, 6) if cycle.reviewed_on else rng.randint(1, 4) if span >= 7 else 1
    notes = []
    for day in sorted(rng.randint(0, span) for _ in range(count)):
        against = rng.randrange(len(cycle.outcomes)) if rng.random() < 0.85 else None
        area = cycle.outcomes[against].area if against is not None else ""
        text = rng.choice(NOTES[area]).format(n=rng.randint(2, 9))
        by = rng.choice(f.authors) if f.authors else None
        notes.append(NoteStory(by, against, cycle.starts + dt.timedelta(days=day), text))
    return notes


def _review(
    rng: random.Random,
    f: PupilFacts,
    cycle: CycleStory,
    scale: list[tuple[str, str]],
    turn: str,
    next_review: dt.date,
) -> None:
    top = len(scale) - 1
    weights = {"step_up": [5, 4, 1, 0], "step_down": [0, 0, 2, 5]}.get(turn, [1, 5, 4, 2])
    for outcome in cycle.outcomes:
        level = rng.choices(range(4), weights=weights)[0]
        code, label = scale[round(level * top / 3)]
        outcome.progress, outcome.progress_label = code, label
        outcome.progress_evidence = rng.choice(PROGRESS_EVIDENCE[level]).format(
            source=rng.choice(EVIDENCE)
        )
    achieved = any(o.progress == scale[top][0] for o in cycle.outcomes)
    cycle.decision = turn or ("change" if achieved or rng.random() < 0.35 else "continue")
    cycle.review_notes = REVIEW_NOTES[cycle.decision].format(
        name=f.pupil.first_name, review=f"{next_review:%d/%m/%Y}"
    )
    if rng.random() < 0.9:
        cycle.pupil_view = rng.choice(PUPIL_VIEWS[f.phase])


def _parent_view(rng: random.Random, f: PupilFacts, cycle: CycleStory, today: dt.date) -> None:
    if rng.random() >= (0.6 if cycle.reviewed_on else 0.35):
        return
    ends = cycle.reviewed_on or today
    day = max(cycle.starts, ends - dt.timedelta(days=rng.randint(2, 10)))
    text = rng.choice(PARENT_VIEWS).format(name=f.pupil.first_name)
    cycle.parent_view = (f.parent, day, text)


def _next_plan(rng: random.Random, f: PupilFacts, previous: CycleStory):
    """The next cycle's outcomes, provision and strategies, after the review's decision."""
    outcomes = [
        OutcomeStory(o.template, o.target, o.area, o.text, o.measure, carried=i)
        for i, o in enumerate(previous.outcomes)
    ]
    provision = list(previous.provision)
    decision = previous.decision
    if decision in ("change", "step_down"):
        outcomes = _changed_outcomes(rng, f, previous, outcomes, replace=decision == "change")
    if decision == "change" and rng.random() < 0.5:
        fresh = [Provision(*r) for r in PROVISION[f.areas[0]] if Provision(*r) not in provision]
        if fresh:
            provision[rng.randrange(len(provision))] = rng.choice(fresh)
    if decision == "step_down" and len(provision) > 1:
        provision = provision[:-1]
    if decision == "step_up":
        provision.append(Provision(*ASSESSMENT))
    return outcomes, provision, _strategies(rng, f, previous.strategies.splitlines())


def _changed_outcomes(
    rng: random.Random,
    f: PupilFacts,
    previous: CycleStory,
    outcomes: list[OutcomeStory],
    *,
    replace: bool,
) -> list[OutcomeStory]:
    """Achieved outcomes give way to the next step (or, stepping down, are dropped while two
    remain); some with good progress get a harder measure."""
    codes = list(services.progress_scale())
    achieved, none = codes[-1], codes[0]
    name = f.pupil.first_name
    used = [o.template for o in outcomes]
    result: list[OutcomeStory] = []
    for i, (before, outcome) in enumerate(zip(previous.outcomes, outcomes, strict=True)):
        if before.progress == achieved:
            if not replace and len(result) + len(outcomes) - i - 1 >= 2:
                continue
            options = _templates(f, outcome.area, used) or _templates(f, f.areas[1], used)
            if replace and options:
                fresh = _outcome(rng, rng.choice(options), name)
                used.append(fresh.template)
                result.append(fresh)
                continue
        harder = before.progress != none and rng.random() < 0.4
        result.append(_harder(outcome, name) if harder else outcome)
    return result


def _harder(outcome: OutcomeStory, name: str) -> OutcomeStory:
    start, towards = outcome.template[3], outcome.template[4]
    target = outcome.target + (1 if towards > start else -1) * _step(outcome.template)
    target = min(target, towards) if towards > start else max(target, towards)
    return OutcomeStory(
        outcome.template,
        target,
        outcome.area,
        outcome.text,
        outcome.template[2].format(n=target, name=name),
        carried=outcome.carried,
    )


# Writing through the services.


def write_with_services(f: PupilFacts, story: list[CycleStory], senco: User | None) -> Plan:
    """Each step as a person takes it in the app, on the day it happened (the clock is set back
    for each call, so the services' date checks, the audit entries and the times they record
    are those of that day); versions and notes are then dated back too."""
    pupil, first = f.pupil, story[0]
    _without_viewers(story, senco)
    with _on(_at(first.starts, 15)):
        plan = services.start_plan(
            pupil,
            by=senco,
            starts=first.starts,
            review_on=first.review_on,
            outcomes=[OutcomeText(o.text, o.area, o.measure) for o in first.outcomes],
            strategies=first.strategies,
            provision=first.provision,
            evidence=_evidence_records(pupil, first),
        )
    cycle: Cycle | None = plan.cycles.get()
    for i, step in enumerate(story):
        assert cycle is not None
        if i:
            with _on(_at(step.starts, 15, 40)):
                cycle = _revise(cycle, step, senco)
        outcomes = list(cycle.outcomes.order_by("position", "pk"))
        for n, note in enumerate(step.notes):
            against = outcomes[note.outcome] if note.outcome is not None else None
            with _on(_at(note.on, 12, n)):
                services.add_note(
                    cycle, by=note.by or senco, text=note.text, outcome=against, written_on=note.on
                )
        viewer = _viewer(step, senco)
        if step.parent_view and viewer is not None:
            with _on(_parent_view_time(step)):
                cycle = services.record_parent_view(cycle, by=viewer, text=step.parent_view[2])
        if step.reviewed_on:
            with _on(_at(step.reviewed_on, 15, 30)):
                cycle = services.review_cycle(
                    cycle,
                    by=senco,
                    expected_version=cycle.version,
                    progress={
                        o.pk: (s.progress, s.progress_evidence)
                        for o, s in zip(outcomes, step.outcomes, strict=True)
                    },
                    decision=step.decision,
                    notes=step.review_notes,
                    reviewed_on=step.reviewed_on,
                    pupil_view=step.pupil_view,
                    next_review_on=story[i + 1].review_on,
                )
    _date_back(plan, story)
    return plan


@contextlib.contextmanager
def _on(moment: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _viewer(step: CycleStory, senco: User | None) -> User | None:
    """Who writes the parents' view: the parent's account, else the SENCO for them."""
    return (step.parent_view[0] or senco) if step.parent_view else None


def _revise(cycle: Cycle, step: CycleStory, senco: User | None) -> Cycle:
    """The next cycle's plan, set after the review: outcomes carried on keep their row."""
    copies = list(cycle.outcomes.order_by("position", "pk"))
    return services.revise_cycle(
        cycle,
        by=senco,
        expected_version=cycle.version,
        outcomes=[
            OutcomeText(
                o.text,
                o.area,
                o.measure,
                id=copies[o.carried].pk if o.carried is not None else None,
            )
            for o in step.outcomes
        ],
        strategies=step.strategies,
        provision=step.provision,
        evidence=_evidence_records(cycle.plan.pupil, step),
    )


def _evidence_records(pupil: Pupil, step: CycleStory) -> Evidence:
    return Evidence(
        results=list(pupil.results.filter(pk__in=step.results)),
        concerns=list(pupil.concerns.filter(pk__in=step.concerns)),
        reports=list(pupil.reports.filter(pk__in=step.reports)),
        observations=step.observations,
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _version_time(what: str, step: CycleStory) -> dt.datetime:
    if what == "Reviewed":
        assert step.reviewed_on is not None
        return _at(step.reviewed_on, 15, 30)
    if what == PARENT_VIEW_ADDED:
        return _parent_view_time(step)
    return _at(step.starts, 15, 31 if what.startswith("Started from") else 40)


def _parent_view_time(step: CycleStory) -> dt.datetime:
    assert step.parent_view is not None
    day = step.parent_view[1]
    return _at(day, 9 if day == step.reviewed_on else 16)


def _date_back(plan: Plan, story: list[CycleStory]) -> None:
    """What the services date with the model's default (the real clock): the plan, versions
    and notes."""
    Plan.objects.filter(pk=plan.pk).update(created_at=_at(story[0].starts, 15))
    cycles = list(plan.cycles.order_by("number"))
    steps = {c.pk: s for c, s in zip(cycles, story, strict=True)}
    versions = list(CycleVersion.objects.filter(cycle__in=cycles))
    for v in versions:
        v.saved_at = _version_time(v.what, steps[v.cycle_id])
    CycleVersion.objects.bulk_update(versions, ["saved_at"])
    notes = []
    for cycle in cycles:
        for n, note in enumerate(cycle.notes.order_by("written_on", "pk")):
            note.written_at = _at(note.written_on, 12, n)
            notes.append(note)
    Note.objects.bulk_update(notes, ["written_at"])


# Writing in bulk: the rows and versions the services would write, a wave of cycles at a time.


@dataclass
class _Written:
    facts: PupilFacts
    story: list[CycleStory]
    plan: Plan | None = None
    cycles: list[Cycle] = field(default_factory=list)
    outcomes: list[list[Outcome]] = field(default_factory=list)  # each cycle's, as left
    copies: list[list[Outcome]] = field(default_factory=list)  # as copied from the last cycle


def write_in_bulk(pairs: list[tuple[PupilFacts, list[CycleStory]]], senco: User | None) -> None:
    written = [_Written(f, story) for f, story in pairs]
    if not written:
        return
    for w in written:
        _without_viewers(w.story, senco)
    for w in written:
        w.plan = Plan(
            pupil=w.facts.pupil,
            kind=Plan.Kind.SEN_SUPPORT,
            starts=w.story[0].starts,
            created_by=senco,
            created_at=_at(w.story[0].starts, 15),
        )
    Plan.objects.bulk_create([w.plan for w in written if w.plan], batch_size=1000)
    for number in range(max(len(w.story) for w in written)):
        _wave(senco, [w for w in written if len(w.story) > number], number)
    _provision_and_evidence(written)
    _notes_and_versions(senco, written)
    for w in written:
        w.facts.pupil.review_on = w.story[-1].review_on
    Pupil.objects.bulk_update([w.facts.pupil for w in written], ["review_on"], batch_size=1000)


def _whats(step: CycleStory, number: int) -> list[str]:
    """What each saved version of the cycle was, in the services' words."""
    whats = ["Started"] if number == 0 else [FROM_REVIEW, "Changed"]
    return (
        whats + [PARENT_VIEW_ADDED] * bool(step.parent_view) + ["Reviewed"] * bool(step.reviewed_on)
    )


FROM_REVIEW = "Started from the review of the last cycle"
PARENT_VIEW_ADDED = "A parent's view added"


def _review_parent_view(step: CycleStory, senco: User | None) -> str:
    """The parents' view as the review records it, from each parent's own (services)."""
    viewer = _viewer(step, senco)
    if not (step.reviewed_on and step.parent_view and viewer):
        return ""
    written = timezone.localtime(_parent_view_time(step))
    return f"{viewer.get_full_name() or 'A parent'} ({written:%d/%m/%Y}): {step.parent_view[2]}"


def _without_viewers(story: list[CycleStory], senco: User | None) -> None:
    """With no account to write a parents' view (no parent account, no SENCO), there is none."""
    for step in story:
        if step.parent_view and _viewer(step, senco) is None:
            step.parent_view = None


def _cycle_row(senco: User | None, w: _Written, number: int) -> Cycle:
    step = w.story[number]
    return Cycle(
        plan=w.plan,
        number=number + 1,
        starts=step.starts,
        review_on=step.review_on,
        status=Cycle.Status.REVIEWED if step.reviewed_on else Cycle.Status.OPEN,
        locked_at=_at(step.reviewed_on, 15, 30) if step.reviewed_on else None,
        version=len(_whats(step, number)),
        observations=step.observations,
        strategies=step.strategies,
        pupil_view=step.pupil_view,
        parent_view=_review_parent_view(step, senco),
        decision=step.decision,
        review_notes=step.review_notes,
        reviewed_on=step.reviewed_on,
        reviewed_by=senco if step.reviewed_on else None,
    )


def _outcome_row(cycle: Cycle, o: OutcomeStory, position: int, carried_from=None) -> Outcome:
    return Outcome(
        cycle=cycle,
        position=position,
        text=o.text,
        area=o.area,
        measure=o.measure,
        carried_from=carried_from,
        progress=o.progress,
        progress_label=o.progress_label,
        progress_evidence=o.progress_evidence,
    )


def _wave(senco: User | None, written: list[_Written], number: int) -> None:
    """Cycle `number + 1` of every plan that has one, with its outcomes: at a review the last
    cycle's outcomes are copied, those carried on keep their copy (rewritten), the others'
    copies are removed, and new ones follow."""
    cycles = [_cycle_row(senco, w, number) for w in written]
    Cycle.objects.bulk_create(cycles, batch_size=1000)
    copies: list[Outcome] = []
    fresh: list[Outcome] = []
    dropped: list[Outcome] = []
    for w, cycle in zip(written, cycles, strict=True):
        w.cycles.append(cycle)
        step = w.story[number]
        kept = {o.carried: n for n, o in enumerate(step.outcomes) if o.carried is not None}
        final: list[Outcome | None] = [None] * len(step.outcomes)
        copied = []
        for i, before in enumerate(w.outcomes[-1] if w.outcomes else []):
            if i in kept:
                row = _outcome_row(cycle, step.outcomes[kept[i]], kept[i] + 1, before)
                final[kept[i]] = row
            else:
                row = Outcome(
                    cycle=cycle, position=before.position, text=before.text, area=before.area,
                    measure=before.measure, carried_from=before,
                )  # fmt: skip
                dropped.append(row)
            copied.append(row)
        w.copies.append(copied)
        copies += copied
        for n, o in enumerate(step.outcomes):
            if final[n] is None:
                final[n] = _outcome_row(cycle, o, n + 1)
                fresh.append(final[n])  # type: ignore[arg-type]
        w.outcomes.append([row for row in final if row is not None])
    Outcome.objects.bulk_create(copies, batch_size=1000)
    Outcome.objects.bulk_create(fresh, batch_size=1000)
    Outcome.objects.filter(pk__in=[row.pk for row in dropped]).delete()


def _provision_and_evidence(written: list[_Written]) -> None:
    items = [
        ProvisionItem(
            cycle=cycle, position=n, what=p.what.strip(), who=p.who.strip(), how_often=p.how_often
        )
        for w in written
        for cycle, step in zip(w.cycles, w.story, strict=True)
        for n, p in enumerate(step.provision, start=1)
    ]
    ProvisionItem.objects.bulk_create(items, batch_size=2000)
    for name, target in (
        ("results", "result_id"),
        ("concerns", "concern_id"),
        ("reports", "report_id"),
    ):
        through = getattr(Cycle, name).through
        through.objects.bulk_create(
            [
                through(cycle_id=cycle.pk, **{target: pk})
                for w in written
                for cycle, step in zip(w.cycles, w.story, strict=True)
                for pk in getattr(step, name)
            ],
            batch_size=2000,
        )  # fmt: skip


def _notes_and_versions(senco: User | None, written: list[_Written]) -> None:
    notes, versions, views = [], [], []
    for w in written:
        for number, (cycle, step) in enumerate(zip(w.cycles, w.story, strict=True)):
            viewer = _viewer(step, senco)
            if step.parent_view and viewer is not None:
                views.append(
                    ParentView(
                        cycle=cycle,
                        written_by=viewer,
                        text=step.parent_view[2],
                        written_at=_parent_view_time(step),
                    )
                )
            outcomes = w.outcomes[number]
            notes += [
                Note(
                    cycle=cycle,
                    outcome=outcomes[n.outcome] if n.outcome is not None else None,
                    written_by=n.by or senco,
                    written_on=n.on,
                    written_at=_at(n.on, 12, i),
                    text=n.text,
                )
                for i, n in enumerate(step.notes)
            ]
            versions += _versions(senco, w, number)
    Note.objects.bulk_create(notes, batch_size=2000)
    ParentView.objects.bulk_create(views, batch_size=2000)
    CycleVersion.objects.bulk_create(versions, batch_size=500)


def _versions(senco: User | None, w: _Written, number: int) -> list[CycleVersion]:
    cycle, step = w.cycles[number], w.story[number]
    final = _state(cycle, step, _outcome_dicts(w.outcomes[number], progress=False))
    states = [final]
    if number:
        before = w.story[number - 1]
        copied = [
            {**_outcome_dict(row), "position": prev.position, "text": prev.text,
             "measure": prev.measure, "progress": "", "progress_label": "",
             "progress_evidence": ""}
            for row, prev in zip(w.copies[number], w.outcomes[number - 1], strict=True)
        ]  # fmt: skip
        copied.sort(key=lambda o: (o["position"], o["id"]))
        started = _state(cycle, before, copied, evidence=False)
        started.update(
            number=cycle.number,
            starts=step.starts.isoformat(),
            review_on=step.review_on.isoformat(),
        )
        states.insert(0, started)
    viewer = _viewer(step, senco)
    if step.parent_view and viewer is not None:
        at = _parent_view_time(step).astimezone(dt.UTC).isoformat()
        view = {"by": viewer.pk, "text": step.parent_view[2], "at": at}
        states.append({**states[-1], "parent_views": [view]})
    if step.reviewed_on:
        states.append(
            {
                **states[-1],
                "status": Cycle.Status.REVIEWED,
                "outcomes": _outcome_dicts(w.outcomes[number], progress=True),
                "pupil_view": step.pupil_view,
                "decision": step.decision,
                "review_notes": step.review_notes,
                "reviewed_on": step.reviewed_on.isoformat(),
                "parent_view": _review_parent_view(step, senco),
            }
        )
    return [
        CycleVersion(
            cycle=cycle,
            number=n,
            what=what,
            snapshot=state,
            saved_by=viewer if what == PARENT_VIEW_ADDED else senco,
            saved_at=_version_time(what, step),
        )
        for n, (what, state) in enumerate(zip(_whats(step, number), states, strict=True), 1)
    ]


def _state(cycle: Cycle, step: CycleStory, outcomes: list[dict], evidence: bool = True) -> dict:
    """What `services.snapshot` gives for the cycle with this plan, before any review."""
    return {
        "number": cycle.number,
        "starts": cycle.starts.isoformat(),
        "review_on": cycle.review_on.isoformat(),
        "status": Cycle.Status.OPEN,
        "strategies": step.strategies,
        "observations": step.observations if evidence else "",
        "results": sorted(step.results) if evidence else [],
        "concerns": sorted(step.concerns) if evidence else [],
        "reports": sorted(step.reports) if evidence else [],
        "outcomes": outcomes,
        "provision": [
            {
                "what": p.what.strip(),
                "who": p.who.strip(),
                "how_often": p.how_often,
                "library": None,
            }
            for p in step.provision
        ],
        "pupil_view": "",
        "parent_view": "",
        "parent_views": [],
        "decision": "",
        "review_notes": "",
        "reviewed_on": None,
    }


def _outcome_dict(row: Outcome) -> dict:
    return {
        "id": row.pk,
        "position": row.position,
        "text": row.text,
        "area": row.area,
        "measure": row.measure,
        "progress": row.progress,
        "progress_label": row.progress_label,
        "progress_evidence": row.progress_evidence,
    }


def _outcome_dicts(rows: list[Outcome], *, progress: bool) -> list[dict]:
    found = [_outcome_dict(row) for row in sorted(rows, key=lambda r: (r.position, r.pk))]
    if not progress:
        for o in found:
            o.update(progress="", progress_label="", progress_evidence="")
    return found
