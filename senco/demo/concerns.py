"""The demo's concerns and monitoring list: about a dozen concerns raised over the last term by
teachers, a TA and the head; some still open (one by `teacher` about a child in their class who
is not on the register), most decided, and the pupils being monitored with their reviews so far.
Only pupils with no SEN (N) are used, so the register is left as the other parts build it."""

import datetime as dt
import random

from django.utils import timezone

from senco.concerns.models import Concern, Monitoring, MonitoringReview
from senco.pupils.models import Pupil
from senco.schools.calendar import academic_year_start
from senco.schools.models import School

# (area, what they see, what they have tried, evidence): made up, in a teacher's words.
ACCOUNTS = [
    (
        "CI",
        "Struggles to follow instructions given to the whole class: watches the others before "
        "starting, and often starts the wrong task. Speech is hard for adults outside the "
        "family to understand.",
        "Instructions broken into single steps and shown on the board; seated near the front; "
        "checked back with a quick question.",
        "Speech sample noted in a guided reading session; two pieces of unfinished writing.",
    ),
    (
        "CL",
        "Reading is well behind the rest of the class: guesses words from the first letter, "
        "avoids reading aloud, and cannot yet blend unfamiliar three-letter words.",
        "Daily phonics catch-up group for four weeks; a reading buddy twice a week.",
        "Phonics check scores from September and this half term; reading record.",
    ),
    (
        "SEMH",
        "Leaves the classroom without asking two or three times a week, usually just before "
        "writing; finds it hard to settle after break and has had two fallings-out at lunch.",
        "Meet-and-greet at the door every morning; a movement break before writing; a quiet "
        "corner to go to instead of leaving.",
        "Behaviour log for the last six weeks.",
    ),
    (
        "SP",
        "Often asks for things to be repeated and watches faces closely; misses instructions "
        "given from behind or in the hall.",
        "Moved to the front, away from the window; instructions repeated face to face.",
        "",
    ),
    (
        "",
        "Work has dropped off this half term; seems tired and withdrawn, and has stopped "
        "joining in group work. Not sure whether this is learning or something at home.",
        "Spoke to them kindly after a lesson; paired with a friend for group tasks.",
        "Books from September and now, side by side.",
    ),
    (
        "CL",
        "Number facts are not secure: counts on fingers for bonds to 10 and loses track in "
        "written methods. Copes well when the same work is read aloud.",
        "Counters and a number line on the table; times tables practice at home agreed with mum.",
        "Arithmetic test from last half term.",
    ),
    (
        "CI",
        "Finds it very hard when routines change: became distressed on the day of the class "
        "trip and when a supply teacher came in. Talks at length about trains, little else.",
        "A visual timetable; warning of changes the day before.",
        "",
    ),
]
MONITOR_REASONS = [
    "Needs are emerging and may respond to good teaching with the strategies already tried: "
    "watch for a term and review.",
    "Progress is slow but steady since the catch-up group began: keep it going and look again "
    "at the next review.",
    "Too early to say whether this is SEN: gather more evidence from class and home first.",
]
REVIEW_NOTES = [
    "Some progress: now follows two-step instructions with a visual prompt. Keep the strategies.",
    "Little change. Class teacher to try a small group for writing; parents agree.",
    "Settling better after break since the movement break began. Continue.",
]


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.choice([0, 15, 30, 45])))
    )


def _class_of(school: School, user, today: dt.date):
    return Pupil.objects.filter(
        school=school,
        groups__academic_year__start_year=academic_year_start(today),
        groups__staffing__staff__user=user,
        groups__staffing__role="teacher",
    )


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    rng = random.Random(seed * 6 + 1)
    no_sen = Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision="N")
    no_sen = no_sen.exclude(is_confidential=True).order_by("pk")
    in_class = list(_class_of(school, users["teacher"], today).filter(pk__in=no_sen).distinct())
    others = [p for p in no_sen if p not in in_class]
    rng.shuffle(others)
    raisers = [users[u] for u in ("teacher", "ta", "other_teacher", "head")]
    # (raised by, pupil, days ago, decision): the open ones first.
    in_class += others[: max(0, 2 - len(in_class))]
    plan = [(users["teacher"], in_class[0], 4, ""), (users["ta"], in_class[1], 11, "")]
    plan.append((users["other_teacher"], others.pop(), 19, ""))
    for n in range(8):
        plan.append((raisers[n % 4], others.pop(), 30 + 7 * n, Concern.Decision.MONITOR))
    plan.append((users["teacher"], others.pop(), 45, Concern.Decision.REFER))
    plan.append((users["other_teacher"], others.pop(), 60, Concern.Decision.NO_ACTION))
    for n, (raiser, pupil, days_ago, decision) in enumerate(plan):
        area, seen, tried, evidence = ACCOUNTS[n % len(ACCOUNTS)]
        concern = Concern.objects.create(
            school=school,
            pupil=pupil,
            raised_by=raiser,
            raised_at=_moment(today - dt.timedelta(days=days_ago), rng),
            area=area,
            seen=seen,
            tried=tried,
            evidence=evidence,
        )
        if decision:
            days_ago -= rng.randint(3, 8)
            _decide(concern, decision, users["senco"], today - dt.timedelta(days=days_ago), rng)
            if decision == Concern.Decision.MONITOR:
                _monitor(concern, today, rng, ended=n == len(plan) - 3)


def _decide(concern: Concern, decision: str, senco, day: dt.date, rng: random.Random) -> None:
    concern.decision = decision
    concern.triaged_by = senco
    concern.triaged_at = _moment(day, rng)
    concern.parents_told = rng.choice(["meeting", "phone", "email"])
    concern.parents_told_on = day
    reasons: dict[str, str] = {
        Concern.Decision.MONITOR: rng.choice(MONITOR_REASONS),
        Concern.Decision.REFER: "Speech is hard to understand and not improving with class "
        "strategies: a speech and language therapist should assess.",
        Concern.Decision.NO_ACTION: "Spoke with parents: a family bereavement explains the "
        "change. Pastoral support in place; no sign of SEN.",
    }
    concern.reasons = reasons[decision]
    if decision == Concern.Decision.REFER:
        concern.agency = "Speech and language therapy service (NHS)"
    concern.save()


def _monitor(concern: Concern, today: dt.date, rng: random.Random, ended: bool) -> None:
    """Reviews every five weeks or so up to today, now and then one left overdue."""
    assert concern.triaged_at is not None
    starts = timezone.localtime(concern.triaged_at).date()
    monitoring = Monitoring.objects.create(
        pupil=concern.pupil,
        concern=concern,
        starts=starts,
        reason=concern.reasons,
        review_on=starts + dt.timedelta(weeks=5),
        started_by=concern.triaged_by,
    )
    while monitoring.review_on and monitoring.review_on + dt.timedelta(days=3) < today:
        reviewed_on = monitoring.review_on + dt.timedelta(days=rng.randint(-2, 2))
        if rng.random() < 0.2:  # a review left overdue
            break
        monitoring.review_on = reviewed_on + dt.timedelta(weeks=rng.choice([4, 5, 6]))
        MonitoringReview.objects.create(
            monitoring=monitoring,
            reviewed_on=reviewed_on,
            notes=rng.choice(REVIEW_NOTES),
            next_review_on=monitoring.review_on,
            by=concern.triaged_by,
        )
    if ended:
        monitoring.ends = today - dt.timedelta(days=1)
        monitoring.outcome = "Concern resolved: progress now in line with the class."
    monitoring.save()
