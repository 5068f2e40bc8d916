"""Every statutory timescale of an EHC needs assessment, an EHC plan and its reviews, as dates.

Pure and standard library only: a local authority team can use it without Django.

Sources: the Special Educational Needs and Disability Regulations 2014 ("reg"), the Children
and Families Act 2014 ("CFA") and the SEND Code of Practice: 0 to 25 years, 2015 ("Code").

Statutory weeks, months and days are calendar ones: nothing here skips weekends, bank holidays
or school holidays. A holiday counts only when it is recorded as a `DeadlineException`.
See docs/deadlines.md for worked examples.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NotRequired, Self, TypedDict

__all__ = [
    "ADVICE",
    "AMENDMENT_COMMENTS",
    "AMENDMENT_FINAL",
    "AMENDMENT_FINAL_CASE_LAW",
    "CONSULTATION_ANSWER",
    "DECISION_NOT_TO_ISSUE",
    "DECISION_TO_ASSESS",
    "DRAFT_COMMENTS",
    "DUE_SOON",
    "EXCEPTIONAL_CIRCUMSTANCES",
    "FAMILY_AWAY",
    "FINAL_PLAN",
    "LATER",
    "LA_DECISION_AFTER_REVIEW",
    "MINIMUM_ABSENCE",
    "NURSERY",
    "OVERDUE",
    "REASONS",
    "RECEPTION",
    "REVIEW_NOTICE",
    "REVIEW_REPORT",
    "SCHOOL_CLOSED",
    "AmendmentDeadlines",
    "Deadline",
    "DeadlineException",
    "NeedsAssessmentDeadlines",
    "ReviewDates",
    "TransferPoint",
    "add_months",
    "advice_deadline",
    "amendment_deadlines",
    "annual_review_due",
    "check_transfer_year",
    "common_transfer_points",
    "consultation_answer_by",
    "days_until",
    "draft_comments_by",
    "needs_assessment_deadlines",
    "next_transfer_deadline",
    "next_transfer_year",
    "phase_transfer_deadline",
    "review_dates",
    "status",
    "transfer_in_review_due",
    "transfer_points",
    "year_group_label",
]

# The statutory periods, each from the event its function names.
DECISION_TO_ASSESS = timedelta(weeks=6)  # reg 5, from the request
ADVICE = timedelta(weeks=6)  # reg 8, from the LA's request for advice
DECISION_NOT_TO_ISSUE = timedelta(weeks=16)  # reg 10, from the request
FINAL_PLAN = timedelta(weeks=20)  # reg 13, from the request
DRAFT_COMMENTS = timedelta(days=15)  # reg 13, from the day the draft is sent
REVIEW_NOTICE = timedelta(weeks=2)  # reg 20: invitations and advice, before the meeting
REVIEW_REPORT = timedelta(weeks=2)  # reg 20: the school's report, after the meeting
LA_DECISION_AFTER_REVIEW = timedelta(weeks=4)  # reg 20: keep, amend or cease
AMENDMENT_COMMENTS = timedelta(days=15)  # reg 22(2)
AMENDMENT_FINAL = timedelta(weeks=8)  # reg 22(3), from the proposal
AMENDMENT_FINAL_CASE_LAW = timedelta(weeks=12)  # case law, from the review meeting
CONSULTATION_ANSWER = timedelta(days=15)  # Code 9.83, from the LA's consultation
MINIMUM_ABSENCE = timedelta(weeks=4)  # regs 5(4), 10(4), 13(3): "4 continuous weeks"

# The reasons of regulations 5(4), 10(4) and 13(3) that disapply a time limit.
SCHOOL_CLOSED = "school_closed"
EXCEPTIONAL_CIRCUMSTANCES = "exceptional_circumstances"
FAMILY_AWAY = "family_away"
REASONS = {
    SCHOOL_CLOSED: "the school was closed for 4 or more continuous weeks",
    EXCEPTIONAL_CIRCUMSTANCES: "exceptional personal circumstances of the child or parent",
    FAMILY_AWAY: "the child or parent was away from the area for 4 or more continuous weeks",
}
_NEED_FOUR_WEEKS = {SCHOOL_CLOSED, FAMILY_AWAY}

OVERDUE = "overdue"
DUE_SOON = "due_soon"
LATER = "later"

NURSERY = -1
RECEPTION = 0
_LAST_YEAR_GROUP = 13
_FIRST_YEAR = 2000
_LAST_YEAR = 2100


# --- checks --------------------------------------------------------------------------------


def _require_date(value: object, name: str) -> date:
    """The value as a plain date; a datetime is refused because it never equals a date."""
    if isinstance(value, datetime):
        raise TypeError(f"{name} is a datetime ({value!r}): pass a date, e.g. {name}.date()")
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return date(value.year, value.month, value.day)


def _require_int(value: object, name: str) -> int:
    # bool is an int subclass: True would silently mean Year 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    return value


def _require_days(value: object, name: str) -> timedelta:
    if not isinstance(value, timedelta):
        value = timedelta(days=_require_int(value, name))
    if value < timedelta(0) or value % timedelta(days=1):
        raise ValueError(f"{name} must be a whole number of days, not negative: {value}")
    return value


def _require_transfer_year(value: object) -> int:
    year = _require_int(value, "transfer_year")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError(
            f"transfer year {year} is out of range: expected {_FIRST_YEAR} to {_LAST_YEAR}"
        )
    return year


def _require_year_group(value: object) -> int:
    year_group = _require_int(value, "year_group")
    if not NURSERY <= year_group <= _LAST_YEAR_GROUP:
        raise ValueError(
            f"year group {year_group} is out of range: -1 (nursery), 0 (Reception) or 1 to 13"
        )
    return year_group


# --- months --------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day of the month, `months` later (or earlier when negative).

    A day the target month lacks becomes its last day: 31 August + 1 month is 30 September,
    29 February + 12 months is 28 February.
    """
    day = _require_date(day, "day")
    index = day.year * 12 + day.month - 1 + _require_int(months, "months")
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


# --- exceptions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineException:
    """A recorded reason why the LA need not meet a time limit (regs 5(4), 10(4), 13(3)).

    `starts` and `ends` are both days of the period. SCHOOL_CLOSED and FAMILY_AWAY count only
    when they last at least 4 continuous weeks (28 days).
    """

    reason: str
    starts: date
    ends: date

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            choices = ", ".join(sorted(REASONS))
            raise ValueError(f"unknown exception reason {self.reason!r}: use one of {choices}")
        starts = _require_date(self.starts, "starts")
        ends = _require_date(self.ends, "ends")
        # Frozen: normalise through object, so a Deadline or subclass is kept as a plain date.
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "ends", ends)
        if ends < starts:
            raise ValueError(f"the exception ends ({ends}) before it starts ({starts})")
        if self.reason in _NEED_FOUR_WEEKS and ends - starts + timedelta(days=1) < MINIMUM_ABSENCE:
            raise ValueError(
                f"{REASONS[self.reason]}: only counts when the period lasts at least 4 "
                f"continuous weeks (28 days); {starts} to {ends} is {self.days} days"
            )

    @property
    def days(self) -> int:
        """The length of the period, counting both its first and its last day."""
        return (self.ends - self.starts).days + 1

    def __str__(self) -> str:
        return f"{self.reason} {self.starts} to {self.ends}"


# --- the Deadline type ---------------------------------------------------------------------


class Deadline(date):
    """A date (it compares, sorts and formats as one) that remembers where it came from.

    `original` is the statutory date before any exception; `exceptions` are those that moved
    it; `prompts` are dates to consider acting, not deadlines (the under-fives' reviews).
    Date arithmetic on it gives a Deadline without that history. Count the days left with
    `days_until`: type checkers accept `deadline - today` only when both are Deadlines.
    """

    __slots__ = ("_exceptions", "_original", "_prompts")
    _original: date
    _exceptions: tuple[DeadlineException, ...]
    _prompts: tuple[date, ...]

    def __new__(
        cls,
        year: int,
        month: int,
        day: int,
        *,
        original: date | None = None,
        exceptions: Iterable[DeadlineException] = (),
        prompts: Iterable[date] = (),
    ) -> Self:
        self = super().__new__(cls, year, month, day)
        own_date = date(year, month, day)
        self._original = own_date if original is None else _require_date(original, "original")
        self._exceptions = tuple(exceptions)
        self._prompts = tuple(_require_date(p, "prompt") for p in prompts)
        return self

    @classmethod
    def on(
        cls,
        day: date,
        *,
        original: date | None = None,
        exceptions: Iterable[DeadlineException] = (),
        prompts: Iterable[date] = (),
    ) -> Self:
        """The Deadline falling on `day`."""
        day = _require_date(day, "day")
        return cls(
            day.year, day.month, day.day, original=original, exceptions=exceptions, prompts=prompts
        )

    @property
    def original(self) -> date:
        return self._original

    @property
    def exceptions(self) -> tuple[DeadlineException, ...]:
        return self._exceptions

    @property
    def prompts(self) -> tuple[date, ...]:
        return self._prompts

    @property
    def moved(self) -> bool:
        return self.toordinal() != self._original.toordinal()

    def __repr__(self) -> str:
        parts = [self.isoformat()]
        if self.moved:
            parts.append(f"original {self._original.isoformat()}")
            parts.append("moved by " + "; ".join(str(e) for e in self._exceptions))
        if self._prompts:
            parts.append("prompts " + ", ".join(p.isoformat() for p in self._prompts))
        return f"Deadline({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # date pickles as (class, (bytes,)), which Deadline's constructor does not take.
        plain = date(self.year, self.month, self.day)
        return (_rebuild_deadline, (plain, self._original, self._exceptions, self._prompts))


def _rebuild_deadline(
    day: date,
    original: date,
    exceptions: tuple[DeadlineException, ...],
    prompts: tuple[date, ...],
) -> Deadline:
    return Deadline.on(day, original=original, exceptions=exceptions, prompts=prompts)


def _require_exceptions(exceptions: object) -> tuple[DeadlineException, ...]:
    if isinstance(exceptions, DeadlineException) or not isinstance(exceptions, Iterable):
        raise TypeError("exceptions must be a list or tuple of DeadlineException")
    found = tuple(exceptions)
    for exception in found:
        if not isinstance(exception, DeadlineException):
            raise TypeError(f"not a DeadlineException: {exception!r}")
    return found


def _stop_the_clock(
    statutory: date, clock_starts: date, exceptions: tuple[DeadlineException, ...]
) -> Deadline:
    """The statutory date, moved back by each day of an exception the clock ran through.

    The clock stops for every day of an exception period that starts on or before the target
    so far (taken in date order). A day counts once, however many exceptions cover it, and
    days before the clock started do not count: nothing was lost then.
    """
    target = statutory
    counted_to = clock_starts - timedelta(days=1)
    applied = []
    for exception in sorted(exceptions, key=lambda e: (e.starts, e.ends)):
        if exception.starts > target:
            break
        first_new_day = max(exception.starts, counted_to + timedelta(days=1))
        if first_new_day > exception.ends:
            continue
        target += exception.ends - first_new_day + timedelta(days=1)
        counted_to = exception.ends
        applied.append(exception)
    return Deadline.on(target, original=statutory, exceptions=applied)


# --- EHC needs assessment ------------------------------------------------------------------


class NeedsAssessmentDeadlines(TypedDict):
    decision_to_assess: Deadline
    decision_not_to_issue: Deadline
    final_plan: Deadline


def needs_assessment_deadlines(
    request_date: date, exceptions: Iterable[DeadlineException] = ()
) -> NeedsAssessmentDeadlines:
    """The LA's deadlines from a request for an EHC needs assessment.

    - decision_to_assess: 6 weeks (reg 5);
    - decision_not_to_issue: 16 weeks, when the LA assesses and decides not to issue a plan
      (reg 10);
    - final_plan: 20 weeks (reg 13).

    Recorded exceptions (regs 5(4), 10(4), 13(3)) disapply the limits; each deadline then
    shows a revised target, with the statutory date kept as `.original`.
    """
    request = _require_date(request_date, "request_date")
    found = _require_exceptions(exceptions)

    def deadline(period: timedelta) -> Deadline:
        return _stop_the_clock(request + period, request, found)

    return {
        "decision_to_assess": deadline(DECISION_TO_ASSESS),
        "decision_not_to_issue": deadline(DECISION_NOT_TO_ISSUE),
        "final_plan": deadline(FINAL_PLAN),
    }


def advice_deadline(asked_on: date) -> date:
    """When advice the LA asked for is due: 6 weeks from the LA's request (reg 8)."""
    return _require_date(asked_on, "asked_on") + ADVICE


def draft_comments_by(draft_sent_on: date) -> date:
    """The end of the family's time to comment on a draft plan: 15 days (reg 13).

    The LA must not issue the final plan before it.
    """
    return _require_date(draft_sent_on, "draft_sent_on") + DRAFT_COMMENTS


def consultation_answer_by(received_on: date) -> date:
    """When a school consulted about being named in a plan should answer: 15 days (Code 9.83)."""
    return _require_date(received_on, "received_on") + CONSULTATION_ANSWER


# --- reviews -------------------------------------------------------------------------------


def _under_five(date_of_birth: date, on: date) -> bool:
    return on < add_months(date_of_birth, 60)


def annual_review_due(last_review_or_issue_date: date, date_of_birth: date) -> Deadline:
    """The date by which the plan must be reviewed: 12 months after the plan was issued or last
    reviewed (CFA s44(1); reg 18 for phase transfers, see `phase_transfer_deadline`).

    29 February becomes 28 February. For a child under five, `.prompts` holds the dates 3 and
    6 months after it that come before their fifth birthday, when the LA should consider a
    review (Code 9.178): prompts, not deadlines. Older children have none.
    """
    last = _require_date(last_review_or_issue_date, "last_review_or_issue_date")
    born = _require_date(date_of_birth, "date_of_birth")
    if born > last:
        raise ValueError(f"the date of birth ({born}) is after the last review or issue ({last})")
    prompts = tuple(
        prompt for prompt in (add_months(last, 3), add_months(last, 6)) if _under_five(born, prompt)
    )
    return Deadline.on(add_months(last, 12), prompts=prompts)


class ReviewDates(TypedDict):
    invitations_by: date
    paperwork_by: date
    contributions_by: date
    school_report_by: date
    la_decision_by: date


def review_dates(
    meeting_date: date, contributions_lead: timedelta | int = timedelta(weeks=1)
) -> ReviewDates:
    """The dates around an annual review meeting (regs 20 and 21).

    - invitations_by: 2 weeks before (reg 20);
    - paperwork_by: 2 weeks before, advice and information circulated (reg 20);
    - contributions_by: the school's own target, not statutory: `contributions_lead` (a
      timedelta or a number of days, default one week) before paperwork_by, so the school has
      the advice in time to circulate it;
    - school_report_by: 2 weeks after, the school's report to all invited (reg 20);
    - la_decision_by: 4 weeks after, the LA's decision to keep, amend or cease (reg 20).
    """
    meeting = _require_date(meeting_date, "meeting_date")
    lead = _require_days(contributions_lead, "contributions_lead")
    paperwork_by = meeting - REVIEW_NOTICE
    return {
        "invitations_by": meeting - REVIEW_NOTICE,
        "paperwork_by": paperwork_by,
        "contributions_by": paperwork_by - lead,
        "school_report_by": meeting + REVIEW_REPORT,
        "la_decision_by": meeting + LA_DECISION_AFTER_REVIEW,
    }


class AmendmentDeadlines(TypedDict):
    comments_by: date
    final_by: date
    final_by_case_law: NotRequired[date]


def amendment_deadlines(
    proposal_date: date, meeting_date: date | None = None
) -> AmendmentDeadlines:
    """The deadlines once the LA proposes amendments to a plan (reg 22).

    - comments_by: 15 days for the family to comment (reg 22(2));
    - final_by: the final amended plan within 8 weeks of the proposal (reg 22(3));
    - final_by_case_law, when the review meeting is given: within 12 weeks of the meeting, the
      review's steps read together by the courts.
    """
    proposal = _require_date(proposal_date, "proposal_date")
    result: AmendmentDeadlines = {
        "comments_by": proposal + AMENDMENT_COMMENTS,
        "final_by": proposal + AMENDMENT_FINAL,
    }
    if meeting_date is not None:
        meeting = _require_date(meeting_date, "meeting_date")
        if meeting > proposal:
            raise ValueError(
                f"the review meeting ({meeting}) is after the proposal ({proposal}): "
                "amendments are proposed after the meeting"
            )
        result["final_by_case_law"] = meeting + AMENDMENT_FINAL_CASE_LAW
    return result


def transfer_in_review_due(last_review: date, transferred_on: date) -> date:
    """When the new LA must review a plan transferred to it from another LA (reg 15): within
    12 months of the last review or 3 months of the transfer, whichever is later."""
    last = _require_date(last_review, "last_review")
    moved = _require_date(transferred_on, "transferred_on")
    return max(add_months(last, 12), add_months(moved, 3))


# --- phase transfers -----------------------------------------------------------------------


def phase_transfer_deadline(transfer_year: int, into_post16: bool = False) -> date:
    """When the plan must be reviewed and amended to name the next setting (reg 18): 15 February
    of the calendar year of the transfer, or 31 March for a move into post-16.

    `transfer_year` is the year of the September in which the pupil starts the new phase.
    """
    year = _require_transfer_year(transfer_year)
    return date(year, 3, 31) if into_post16 else date(year, 2, 15)


def year_group_label(year_group: int) -> str:
    """The year group as schools say it: "Nursery (N2)", "Reception", "Year 6"."""
    year_group = _require_year_group(year_group)
    if year_group == NURSERY:
        return "Nursery (N2)"
    return "Reception" if year_group == RECEPTION else f"Year {year_group}"


@dataclass(frozen=True)
class TransferPoint:
    """A phase transfer, by the year group the pupil leaves at the end of the academic year."""

    leaves: int
    name: str
    into_post16: bool = False

    @property
    def joins(self) -> int:
        return self.leaves + 1

    def __str__(self) -> str:
        return f"{self.name} (after {year_group_label(self.leaves)})"


transfer_points: tuple[TransferPoint, ...] = (
    TransferPoint(NURSERY, "early years to school"),
    TransferPoint(2, "infant to junior"),
    TransferPoint(4, "first to middle"),
    TransferPoint(6, "primary to secondary"),
    TransferPoint(8, "middle to secondary"),
    TransferPoint(11, "secondary to post-16", into_post16=True),
)
# The transfers most pupils make: into school, into secondary, into post-16.
common_transfer_points: tuple[TransferPoint, ...] = tuple(
    p for p in transfer_points if p.leaves in (NURSERY, 6, 11)
)


def _academic_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _transfer_years(
    year_group: int, academic_year_start: int, points: Iterable[TransferPoint]
) -> dict[int, TransferPoint]:
    """The pupil's transfer years still to come (from this year's end on), with their point."""
    return {
        academic_year_start + 1 + point.leaves - year_group: point
        for point in points
        if point.leaves >= year_group
    }


def check_transfer_year(
    transfer_year: int,
    year_group: int,
    academic_year_start: int,
    points: Iterable[TransferPoint] = transfer_points,
) -> None:
    """Refuse, with a ValueError saying why, a transfer year that does not fit the pupil.

    It must be in the future (after `academic_year_start`, the year the current academic year
    began) and be the year in which the pupil, moving up a year group each September, finishes
    the year group of one of `points` (any standard transfer: schools differ).
    """
    year = _require_transfer_year(transfer_year)
    group = _require_year_group(year_group)
    start = _require_int(academic_year_start, "academic_year_start")
    pupil = f"a pupil in {year_group_label(group)} in {_academic_year(start)}"
    if year <= start:
        raise ValueError(
            f"transfer year {year} is not in the future for {pupil}: "
            f"the earliest is {start + 1}, at the end of this academic year"
        )
    fits = _transfer_years(group, start, points)
    if year in fits:
        return
    if not fits:
        raise ValueError(f"no phase transfer is left for {pupil}")
    if year > max(fits):
        last = fits[max(fits)]
        raise ValueError(
            f"transfer year {year} is too late for {pupil}: the last transfer is "
            f"{last} in {max(fits)}"
        )
    leaving = group + year - start - 1
    choices = ", ".join(f"{y} ({fits[y].name})" for y in sorted(fits))
    raise ValueError(
        f"in {year} {pupil} leaves {year_group_label(leaving)}, which is not a transfer "
        f"point; the transfer years that fit are {choices}"
    )


def next_transfer_year(
    year_group: int,
    academic_year_start: int,
    points: Iterable[TransferPoint] = common_transfer_points,
) -> int | None:
    """The calendar year of the pupil's next transfer among `points` (into school, secondary or
    post-16 by default), or None when none is left."""
    group = _require_year_group(year_group)
    start = _require_int(academic_year_start, "academic_year_start")
    fits = _transfer_years(group, start, points)
    return min(fits) if fits else None


def next_transfer_deadline(
    year_group: int,
    academic_year_start: int,
    points: Iterable[TransferPoint] = common_transfer_points,
) -> date | None:
    """The reg 18 deadline of the pupil's next transfer among `points`, or None."""
    group = _require_year_group(year_group)
    start = _require_int(academic_year_start, "academic_year_start")
    fits = _transfer_years(group, start, points)
    if not fits:
        return None
    year = min(fits)
    return phase_transfer_deadline(year, into_post16=fits[year].into_post16)


# --- for the caseload page -----------------------------------------------------------------


def days_until(deadline: date, today: date) -> int:
    """Days from today to the deadline: 0 on the day, negative once it has passed."""
    return (_require_date(deadline, "deadline") - _require_date(today, "today")).days


def status(deadline: date, today: date, soon_days: int = 14) -> str:
    """OVERDUE once the day has passed, DUE_SOON within `soon_days` (the day itself included),
    otherwise LATER."""
    if _require_int(soon_days, "soon_days") < 0:
        raise ValueError(f"soon_days must not be negative: {soon_days}")
    left = days_until(deadline, today)
    if left < 0:
        return OVERDUE
    return DUE_SOON if left <= soon_days else LATER
