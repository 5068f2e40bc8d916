"""The demo's EHC work (issue 9).

Every pupil recorded as E on the register has an EHC plan, issued when their E status began,
by one of three (synthetic) local authorities: sections A to K, three or four outcomes, and
section F provision quantified and linked to the school's provision library. Each year the
plan has run has a past annual review (the LA kept or amended the plan). Then the cases a
SENCO's caseload always holds: one review overdue, one under way (invitations out, the meeting
in ten days), one held with its report to the LA still to send, Year 6 (or Year 11) pupils with
a phase transfer deadline; two needs assessment requests (one waiting for the LA's decision,
one with a draft plan and an exception recorded); and two LA consultations about naming the
school (one to answer within days). Synthetic and deterministic from the seed.
"""

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from senco.ehcp import deadlines
from senco.ehcp.models import (
    TEXT_SECTIONS,
    AnnualReview,
    DeadlineException,
    EHCPlan,
    LAConsultation,
    NeedsAssessmentRequest,
    OutcomeProgress,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    ReviewInvitee,
)
from senco.provision.models import Provision
from senco.pupils.models import Pupil, SenStatus
from senco.schools.calendar import academic_year_start
from senco.schools.models import School

AUTHORITIES = [("Northshire", 0.6), ("Southborough", 0.25), ("City of Eastport", 0.15)]
CASEWORKERS = ["R. Ahmed", "J. Whitfield", "S. Okafor", "L. Brennan"]
BANDS = [("Band 2", 4200), ("Band 3", 7800), ("Band 4", 11500), ("Band 5", 16800)]
SECTION_TEXT = {
    "A": "Enjoys drawing, football and animals. Wants to have friends to play with at "
    "lunchtime and to read stories to a younger sibling. Parents want school to be a place "
    "where they feel safe and can show what they know.",
    "B": "Significant difficulties with {need}. Processes spoken language slowly and needs "
    "instructions broken into small steps. Finds changes of routine very hard.",
    "C": "No health needs related to their special educational needs beyond those in "
    "section B. Reviewed by the community paediatrician each year.",
    "D": "No social care needs related to their special educational needs.",
    "G": "Speech and language therapy: a programme reviewed each term by the NHS therapist.",
    "H1": "None.",
    "H2": "None.",
    "I": "{school} (mainstream).",
    "J": "No personal budget has been requested.",
    "K": "Appendix 1: advice of the educational psychologist. Appendix 2: advice of the "
    "speech and language therapist. Appendix 3: advice of the school. Appendix 4: the views "
    "of the child and their parents.",
}
NEED_WORDS = {
    "SpLD": "reading and spelling",
    "MLD": "learning across the curriculum",
    "SLCN": "speech, language and communication",
    "ASD": "social communication and flexibility of thought",
    "SEMH": "managing feelings and relationships",
    "PD": "movement and fine motor skills",
}
OUTCOMES = [
    ("Reads and understands a short text independently by the end of the key stage", "CL"),
    ("Uses a visual timetable to manage changes of routine without adult support", "SEMH"),
    ("Takes part in group work with two classmates for twenty minutes", "CI"),
    ("Writes three sentences with capital letters and full stops on their own", "SP"),
]
# what, who, sessions a week, minutes: quantified as section F must be.
PROVISION = [
    ("Daily structured reading programme, one to one", "Teaching assistant", "5", 20, "CL"),
    ("Speech and language programme set by the therapist", "Teaching assistant", "2", 30, "CI"),
    ("Emotional literacy support sessions", "Higher level teaching assistant", "1", 30, "SEMH"),
    ("Fine motor and handwriting group", "Teaching assistant", "3", 20, "SP"),
]
PROGRESS = [("some", "Some progress"), ("good", "Good progress"), ("achieved", "Achieved")]


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    """The demo school's EHC plans, reviews, requests and consultations."""
    rng = random.Random(f"ehcp-{seed}-{school.urn}")
    senco = users.get("senco")
    plans = add_plans(school, seed, today, senco)
    _caseload_cases(plans, rng, today, senco)
    _requests(school, rng, today, senco)
    _consultations(school, today, senco)


def add_plans(school: School, seed: int, today: dt.date, senco=None) -> list[EHCPlan]:
    """An EHC plan, with its past annual reviews, for every pupil on E without one (the
    benchmarks give a whole trust its plans this way); the plans written."""
    rng = random.Random(f"ehcp-plans-{seed}-{school.urn}")
    pupils = list(
        Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision="E")
        .exclude(pk__in=EHCPlan.objects.current().values("pupil"))
        .order_by("pk")
    )
    since = _e_since(pupils)
    library = _library(school)
    plans = [_plan(p, since.get(p.pk), rng, today, senco) for p in pupils]
    EHCPlan.objects.bulk_create(plans)
    histories = [_versions(plan, rng, today, senco) for plan in plans]
    every = [v for history in histories for v in history]
    PlanVersion.objects.bulk_create(every)
    outcomes = [o for v in every for o in _outcomes(v, rng)]
    PlanOutcome.objects.bulk_create(outcomes)
    by_version: dict[int, list[PlanOutcome]] = {}
    for outcome in outcomes:
        by_version.setdefault(outcome.version_id, []).append(outcome)
    PlanProvision.objects.bulk_create(
        item for v in every for item in _provision(v, by_version[v.pk], library)
    )
    _past_reviews(plans, by_version, [history[-1] for history in histories], rng, senco)
    return plans


def _e_since(pupils: Sequence[Pupil]) -> dict[int, dt.date]:
    rows = SenStatus.objects.filter(pupil__in=pupils, provision="E", ends__isnull=True)
    return dict(rows.values_list("pupil_id", "starts"))


def _library(school: School) -> dict[str, Provision]:
    """One library entry for each area of need, to link section F items to."""
    found: dict[str, Provision] = {}
    for entry in Provision.objects.filter(school=school, is_active=True).order_by("pk"):
        found.setdefault(entry.area, entry)
    return found


def _authority(rng: random.Random) -> str:
    names, weights = zip(*AUTHORITIES, strict=True)
    return rng.choices(names, weights)[0]


def _plan(pupil: Pupil, since: dt.date | None, rng: random.Random, today, senco) -> EHCPlan:
    issued = since or today - dt.timedelta(days=rng.randint(200, 1400))
    issued = min(issued, today - dt.timedelta(days=30))
    band, top_up = rng.choice(BANDS)
    plan = EHCPlan(
        pupil=pupil,
        local_authority=_authority(rng),
        caseworker=rng.choice(CASEWORKERS),
        caseworker_email="caseworker@la.example.org",
        la_reference=f"EHC{rng.randint(10000, 99999)}",
        issued_on=issued,
        top_up_per_year=Decimal(top_up),
        top_up_band=band,
        created_by=senco,
    )
    plan.last_reviewed_on = _last_anniversary(issued, today, rng)
    year = academic_year_start(today)
    if pupil.year_group in (6, 11):
        plan.phase_transfer_year = year + 1
        plan.into_post16 = pupil.year_group == 11
    return plan


def _last_anniversary(issued: dt.date, today: dt.date, rng: random.Random) -> dt.date | None:
    """The last annual review: held each year, a few weeks before the plan's anniversary."""
    held = None
    anniversary = deadlines.add_months(issued, 12)
    while anniversary <= today:
        held = anniversary - dt.timedelta(days=rng.randint(7, 35))
        anniversary = deadlines.add_months(held, 12)
    return held


def _versions(plan: EHCPlan, rng: random.Random, today, senco) -> list[PlanVersion]:
    """The plan as issued; for some plans reviewed long enough ago, the version the LA issued
    after amending it at that review too."""
    need = NEED_WORDS.get(plan.pupil.primary_need, "learning and communication")
    sections = {
        code: SECTION_TEXT[code].format(need=need, school=plan.pupil.school.name)
        for code in TEXT_SECTIONS
    }
    issued = PlanVersion(
        plan=plan, number=1, dated=plan.issued_on, sections=sections, saved_by=senco
    )
    reviewed = plan.last_reviewed_on
    if reviewed is None or reviewed + dt.timedelta(days=50) > today or rng.random() >= 0.4:
        return [issued]
    amended = PlanVersion(
        plan=plan,
        number=2,
        kind=PlanVersion.Kind.AMENDED,
        dated=reviewed + dt.timedelta(days=50),
        sections=sections | {"A": sections["A"] + " Now wants to join the lunchtime club."},
        why="Amended after the annual review: new outcomes for reading.",
        saved_by=senco,
    )
    return [issued, amended]


def _outcomes(version: PlanVersion, rng: random.Random) -> list[PlanOutcome]:
    chosen = rng.sample(OUTCOMES, rng.randint(3, 4))
    return [
        PlanOutcome(
            version=version,
            position=n,
            text=text,
            area=area,
            by_when="the end of the key stage",
            steps="Next term: with adult support. By the review: with a prompt only.",
        )
        for n, (text, area) in enumerate(chosen, 1)
    ]


def _provision(
    version: PlanVersion, outcomes: list[PlanOutcome], library: dict[str, Provision]
) -> list[PlanProvision]:
    items = []
    for n, outcome in enumerate(outcomes, 1):
        what, who, sessions, minutes, area = next(p for p in PROVISION if p[4] == outcome.area)
        items.append(
            PlanProvision(
                version=version,
                position=n,
                what=what,
                who=who,
                sessions=Decimal(sessions),
                minutes=minutes,
                group_size="1:1" if "one to one" in what else "Small group",
                provision=library.get(area),
                outcome=outcome,
            )
        )
    return items


def _past_reviews(plans, by_version, versions, rng: random.Random, senco) -> None:
    """The last annual review of each plan that has had one, done: the LA kept or amended."""
    reviews, progress = [], []
    for plan, version in zip(plans, versions, strict=True):
        held = plan.last_reviewed_on
        if held is None:
            continue
        dates = deadlines.review_dates(held)
        amended = version.kind == PlanVersion.Kind.AMENDED
        review = AnnualReview(
            plan=plan,
            status=AnnualReview.Status.DONE,
            due_by=deadlines.add_months(plan.issued_on, 12),
            meeting_on=held,
            invitations_sent_on=dates["invitations_by"] - dt.timedelta(days=3),
            contributions_due_on=dates["contributions_by"],
            paperwork_sent_on=dates["paperwork_by"],
            held_on=held,
            pupil_view="Likes the reading sessions; finds lunchtimes noisy.",
            parent_view="Pleased with progress in reading; worried about the move to next year.",
            recommendation=AnnualReview.Decision.AMEND if amended else AnnualReview.Decision.KEEP,
            agreed="Keep the reading programme daily; add a quiet lunchtime club.",
            report_sent_on=held + dt.timedelta(days=rng.randint(5, 13)),
            la_decision=AnnualReview.Decision.AMEND if amended else AnnualReview.Decision.KEEP,
            la_decided_on=held + dt.timedelta(days=rng.randint(20, 27)),
            amendment_proposed_on=held + dt.timedelta(days=27) if amended else None,
            amended_plan_on=held + dt.timedelta(days=50) if amended else None,
            recorded_by=senco,
            created_by=senco,
        )
        reviews.append(review)
    AnnualReview.objects.bulk_create(reviews)
    for review in reviews:
        version = next(v for v in versions if v.plan_id == review.plan_id)
        for outcome in by_version[version.pk]:
            code, label = rng.choice(PROGRESS)
            progress.append(
                OutcomeProgress(
                    review=review,
                    outcome=outcome,
                    progress=code,
                    progress_label=label,
                    evidence="Seen in class work and in the programme's own checks.",
                )
            )
    OutcomeProgress.objects.bulk_create(progress)


def _caseload_cases(plans: list[EHCPlan], rng: random.Random, today: dt.date, senco) -> None:
    """The cases every caseload holds, on the plans issued longest ago: a first annual review
    overdue, one held with its report to the LA still to send, and one under way (the Year 6
    or Year 11 pupil's phase transfer review when there is one)."""
    old = sorted(
        (p for p in plans if p.issued_on < deadlines.add_months(today, -13)),
        key=lambda p: p.issued_on,
    )
    if old:
        _never_reviewed(old[0])
    if len(old) > 1:
        _review_awaiting_report(old[1], today)
    transfer = [p for p in plans if p.phase_transfer_year] + old[2:]
    if transfer:
        _review_under_way(transfer[0], today, senco)


def _never_reviewed(plan: EHCPlan) -> None:
    """Its first annual review was due twelve months after the plan was issued: overdue."""
    plan.reviews.all().delete()
    plan.versions.filter(number__gt=1).delete()
    plan.last_reviewed_on = None
    plan.save(update_fields=["last_reviewed_on"])


def _review_under_way(plan: EHCPlan, today: dt.date, senco) -> None:
    meeting = today + dt.timedelta(days=10)
    invited = today - dt.timedelta(days=30)
    review = AnnualReview.objects.create(
        plan=plan,
        status=AnnualReview.Status.INVITED,
        due_by=deadlines.annual_review_due(plan.review_anchor, plan.pupil.date_of_birth),
        meeting_on=meeting,
        meeting_time=dt.time(15, 30),
        place="The SENCO's office",
        is_phase_transfer=bool(plan.phase_transfer_year),
        invitations_sent_on=invited,
        contributions_due_on=deadlines.review_dates(meeting)["contributions_by"],
        created_by=senco,
    )
    ReviewInvitee.objects.bulk_create(
        ReviewInvitee(
            review=review,
            kind=kind,
            name=name,
            invited_on=invited,
            contribution_requested_on=invited if kind in {"health", "la"} else None,
            contribution_received_on=today - dt.timedelta(days=12) if kind == "health" else None,
        )
        for kind, name in [
            ("parent", "Parent or carer"),
            ("pupil", "The pupil"),
            ("la", plan.caseworker or "LA caseworker"),
            ("health", "Speech and language therapist"),
            ("staff", "Class teacher"),
        ]
    )


def _review_awaiting_report(plan: EHCPlan, today: dt.date) -> None:
    """Its latest review, held sixteen days ago: the report to the LA (due within two weeks
    of the meeting) is late."""
    review = plan.reviews.order_by("-meeting_on").first()
    if review is None:
        return
    held = today - dt.timedelta(days=16)
    review.status = AnnualReview.Status.HELD
    review.meeting_on = review.held_on = held
    review.invitations_sent_on = held - dt.timedelta(days=20)
    review.contributions_due_on = held - dt.timedelta(days=21)
    review.paperwork_sent_on = held - dt.timedelta(days=15)
    review.recommendation = AnnualReview.Decision.AMEND
    review.agreed = "Recommend a social communication outcome in section E and a group in F."
    review.report_sent_on = review.la_decided_on = None
    review.amendment_proposed_on = review.amended_plan_on = None
    review.la_decision = ""
    review.save()
    plan.last_reviewed_on = held
    plan.save(update_fields=["last_reviewed_on"])


def _requests(school: School, rng: random.Random, today: dt.date, senco) -> None:
    """A request waiting for the LA's decision to assess, and one with a draft plan."""
    support = list(
        Pupil.objects.filter(school=school, left_on__isnull=True, sen_provision="K").order_by(
            "-pk"
        )[:2]
    )
    if len(support) < 2:
        return
    waiting, drafted = support
    NeedsAssessmentRequest.objects.create(
        pupil=waiting,
        requested_by=NeedsAssessmentRequest.RequestedBy.SCHOOL,
        requested_by_name="SENCO",
        requested_on=today - dt.timedelta(days=33),
        local_authority="Northshire",
        caseworker=rng.choice(CASEWORKERS),
        created_by=senco,
    )
    requested = today - dt.timedelta(weeks=19)
    request = NeedsAssessmentRequest.objects.create(
        pupil=drafted,
        requested_by=NeedsAssessmentRequest.RequestedBy.PARENT,
        requested_by_name="Parent",
        requested_on=requested,
        local_authority="Southborough",
        caseworker=rng.choice(CASEWORKERS),
        la_reference="SB-EHC-2231",
        status=NeedsAssessmentRequest.Status.DRAFT,
        decided_to_assess_on=requested + dt.timedelta(weeks=5),
        advice_requested_on=requested + dt.timedelta(weeks=6),
        advice_sent_on=requested + dt.timedelta(weeks=11),
        draft_received_on=today - dt.timedelta(days=4),
        created_by=senco,
    )
    DeadlineException.objects.create(
        request=request,
        reason=DeadlineException.Reason.FAMILY_AWAY,
        starts=requested + dt.timedelta(weeks=8),
        ends=requested + dt.timedelta(weeks=13),
        note="The family was abroad for five weeks (told the LA in writing).",
        recorded_by=senco,
    )


def _consultations(school: School, today: dt.date, senco) -> None:
    LAConsultation.objects.bulk_create(
        [
            LAConsultation(
                school=school,
                local_authority="Northshire",
                la_reference="NS-C-0412",
                child_initials="T.M.",
                year_group=3,
                starting=today + dt.timedelta(days=60),
                received_on=today - dt.timedelta(days=11),
                created_by=senco,
            ),
            LAConsultation(
                school=school,
                local_authority="City of Eastport",
                child_initials="A.K.",
                year_group=0,
                received_on=today - dt.timedelta(days=70),
                answered_on=today - dt.timedelta(days=58),
                answer=LAConsultation.Answer.CAN_MEET,
                reasons="The school can meet the needs in section B with the provision in F.",
                created_by=senco,
            ),
        ]
    )
