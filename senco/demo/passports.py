"""The demo's passports: most pupils on the register have one (one to three versions), read by
some of the staff who teach them and not yet by others; `teacher` still has two or three to read
in their class; and `parent` has a suggestion waiting for the SENCO. Synthetic and deterministic
from the seed."""

import datetime as dt
import random

from django.db.models import Count, Q
from django.utils import timezone

from senco.passports.models import PassportReading, PassportSuggestion, PassportVersion
from senco.pupils import census
from senco.pupils.models import Pupil, PupilContact
from senco.schools.calendar import academic_year_start
from senco.schools.models import GroupStaff, School, TeachingGroup

ABOUT_ME = [
    "I like drawing dragons and building things with Lego. My favourite lesson is art.",
    "I love football and I play for a team on Saturdays. I have a dog called Biscuit.",
    "I am kind and I like helping. I am really good at looking after the class plants.",
    "I like animals, especially cats. When I grow up I want to work at a zoo.",
    "I like swimming and Minecraft. I can tell you lots of facts about planets.",
    "I am funny and I like making people laugh. I like baking cakes with my nan.",
    "I like reading comics and listening to music with my headphones.",
    "I like PE and dancing. I am proud that I learnt to ride my bike this year.",
]
IMPORTANT = [
    "My family, my friends at break time, and knowing what is happening next.",
    "Having my water bottle and sitting near the front.",
    "Being asked, not told off in front of everyone.",
    "My dog, my drawing book, and having time to finish my work.",
    "That people are patient when I am thinking of what to say.",
]
FIND_HARD = {
    "CL": [
        "Remembering lots of instructions at once.",
        "Reading long bits of writing quickly.",
        "Copying from the board before it is wiped.",
    ],
    "CI": [
        "When the classroom is very noisy.",
        "Finding the right words when I am put on the spot.",
        "When plans change and nobody tells me.",
    ],
    "SEMH": [
        "Calming down when I feel cross.",
        "Starting work when I think I will get it wrong.",
        "Lining up and busy corridors.",
    ],
    "SP": [
        "Hearing the teacher when there is background noise.",
        "Seeing small writing.",
        "Carrying my things between lessons.",
    ],
    "OTH": ["Concentrating for a long time.", "Getting my ideas down on paper."],
}
HELPS_ME = {
    "CL": [
        "Instructions one at a time, and written down.",
        "Coloured overlays and word mats.",
        "Extra time to finish.",
    ],
    "CI": [
        "A warning before something changes.",
        "A quiet space to go to.",
        "Pictures to show me what to do.",
    ],
    "SEMH": [
        "A calm adult to talk to.",
        "A time-out card I can show.",
        "Being praised quietly, not in front of the class.",
    ],
    "SP": ["Sitting near the front.", "Large print.", "A buddy to help carry things."],
    "OTH": ["Short tasks with breaks.", "A checklist on my desk."],
}
STRATEGIES = {
    "CL": [
        "Give one instruction at a time and check understanding.",
        "Provide a printed copy of board work.",
        "Pre-teach key vocabulary.",
        "Allow extra time and reduce the amount of copying.",
        "Use concrete resources for maths.",
    ],
    "CI": [
        "Warn of changes to routine in advance.",
        "Use a visual timetable.",
        "Give thinking time before expecting an answer.",
        "Allow access to a quiet space when overwhelmed.",
        "Use the pupil's name before giving an instruction.",
    ],
    "SEMH": [
        "Greet at the door and give a calm start.",
        "Praise privately and specifically.",
        "Allow the time-out card without question.",
        "Give a classroom job to build belonging.",
        "Seat away from busy areas.",
    ],
    "SP": [
        "Seat near the front, facing the teacher.",
        "Enlarge handouts to A3.",
        "Check hearing aids are switched on.",
        "Reduce background noise.",
        "Allow a buddy for moving between rooms.",
    ],
    "OTH": [
        "Break tasks into short chunks.",
        "Give a task checklist.",
        "Check in at the start of independent work.",
    ],
}


def _area(pupil: Pupil) -> str:
    return census.NEEDS[pupil.primary_need][1] if pupil.primary_need in census.NEEDS else "OTH"


def _version(rng: random.Random, pupil: Pupil, number: int, when: dt.datetime, by):
    area = _area(pupil)
    return PassportVersion(
        pupil=pupil,
        number=number,
        about_me=rng.choice(ABOUT_ME),
        important_to_me=rng.choice(IMPORTANT),
        find_hard=" ".join(rng.sample(FIND_HARD[area], 2)),
        helps_me=" ".join(rng.sample(HELPS_ME[area], 2)),
        strategies="\n".join(
            rng.sample(STRATEGIES[area], min(3 + number % 2, len(STRATEGIES[area])))
        ),
        in_own_words=rng.random() < 0.7,
        written_by=by,
        written_at=when,
    )


def _teachers_class(users: dict, this_year: int) -> TeachingGroup | None:
    """The class `teacher` teaches with the most pupils on the register."""
    if "teacher" not in users:
        return None
    groups = TeachingGroup.objects.filter(
        staffing__staff__user=users["teacher"], academic_year__start_year=this_year
    ).annotate(sen=Count("pupils", filter=Q(pupils__sen_provision__in=census.REGISTER_CODES)))
    return groups.order_by("-sen", "pk").first()


def build(school: School, users: dict, seed: int, today: dt.date) -> None:
    rng = random.Random(seed * 31 + 6)
    this_year = academic_year_start(today)
    on_register = list(
        Pupil.objects.filter(school=school, sen_provision__in=census.REGISTER_CODES)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .order_by("pk")
    )
    taught_class = _teachers_class(users, this_year)
    in_taught_class = (
        set(taught_class.pupils.values_list("pk", flat=True)) if taught_class else set()
    )
    parents = users.get("parent")
    parents_children = set(
        PupilContact.objects.filter(contact__user=parents).values_list("pupil_id", flat=True)
        if parents
        else []
    )
    must_have = in_taught_class | parents_children
    senco = users.get("senco")
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    versions = []
    for pupil in on_register:
        if pupil.pk not in must_have and rng.random() < 0.15:
            continue  # a few pupils still waiting for their first passport
        count = rng.choice([1, 1, 2, 3])
        days_ago = sorted(rng.sample(range(3, 400), count), reverse=True)
        versions += [
            _version(rng, pupil, n, now - dt.timedelta(days=d), senco)
            for n, d in enumerate(days_ago, start=1)
        ]
    versions = PassportVersion.objects.bulk_create(versions, batch_size=1000)
    current: dict[int, PassportVersion] = {}
    for v in versions:
        if v.pupil_id not in current or v.number > current[v.pupil_id].number:
            current[v.pupil_id] = v
    _readings(rng, school, users, this_year, current, taught_class)
    _suggestion(rng, parents, senco, parents_children, current, now)


def _readings(rng, school, users, this_year, current: dict, taught_class) -> None:
    """Staff who teach a pupil have read the current version about two times in three; in
    `teacher`'s class, all but two or three."""
    groups = TeachingGroup.objects.filter(school=school, academic_year__start_year=this_year)
    members = list(
        TeachingGroup.pupils.through.objects.filter(teachinggroup__in=groups)
        .order_by("teachinggroup_id", "pupil_id")
        .values_list("teachinggroup_id", "pupil_id")
    )
    staff: dict[int, set[int]] = {}
    for group_id, user_id in GroupStaff.objects.filter(
        group__in=groups, staff__user__isnull=False
    ).values_list("group_id", "staff__user_id"):
        staff.setdefault(group_id, set()).add(user_id)
    teacher = users.get("teacher")
    left_unread: set[int] = set()
    if taught_class is not None and teacher is not None:
        theirs = sorted(p for g, p in members if g == taught_class.pk and p in current)
        left_unread = set(rng.sample(theirs, min(len(theirs), rng.choice([2, 3]))))
    readings = {}
    for group_id, pupil_id in members:
        version = current.get(pupil_id)
        if version is None:
            continue
        for user_id in sorted(staff.get(group_id, ())):
            if teacher is not None and user_id == teacher.pk:
                read = pupil_id not in left_unread
            else:
                read = rng.random() < 0.65
            if read:
                when = version.written_at + dt.timedelta(days=rng.randint(0, 2), hours=3)
                readings[(version.pk, user_id)] = PassportReading(
                    version=version, user_id=user_id, read_at=when
                )
    PassportReading.objects.bulk_create(readings.values(), batch_size=1000)


def _suggestion(rng, parent, senco, children: set[int], current: dict, now) -> None:
    """One suggestion from `parent` answered last term, and one waiting for the SENCO."""
    with_passport = sorted(c for c in children if c in current)
    if parent is None or not with_passport:
        return
    waiting_on = with_passport[0]
    PassportSuggestion.objects.create(
        pupil_id=waiting_on,
        version=current[waiting_on],
        suggested_by=parent,
        suggested_at=now - dt.timedelta(days=2),
        text="At home a visual timetable on the fridge has really helped with mornings. "
        "Could the class use one too?",
    )
    answered_on = with_passport[-1]
    PassportSuggestion.objects.create(
        pupil_id=answered_on,
        version=current[answered_on],
        suggested_by=parent,
        suggested_at=max(now - dt.timedelta(days=60), current[answered_on].written_at),
        text="Please add that loud hand dryers upset them: they would rather use paper towels.",
        answer="Thank you: staff know, and paper towels are now in the classroom.",
        answered_by=senco,
        answered_at=max(now - dt.timedelta(days=58), current[answered_on].written_at)
        + dt.timedelta(hours=2),
    )
