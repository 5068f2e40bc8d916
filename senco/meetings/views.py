"""Meetings with parents and the contact log, per pupil and for the school.

Every pupil view reaches the pupil through `access.get_pupil` (404 when not visible) and asks
`access.require` for the action (403 when visible but not allowed); a meeting or an entry is
then looked up through that pupil, so another pupil's meeting id answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from senco import access
from senco.audit import log
from senco.documents import docx as word
from senco.documents import pdf
from senco.forms import add_errors
from senco.meetings import services
from senco.meetings.forms import (
    ArrangementsForm,
    CancelForm,
    ContactLogForm,
    HeldForm,
    RecordForm,
    YearGroupFilter,
)
from senco.meetings.models import ContactLogEntry, Meeting
from senco.schools.calendar import year_group_label

FIELDS = {"starts_at": "day", "held_at": "day"}


def _field_for(name: str) -> str:
    return FIELDS.get(name, name)


def _meeting(request, public_id, meeting_id, action: str) -> Meeting:
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires=action)
    meeting = (
        pupil.meetings.select_related("cycle", "recorded_by", "cancelled_by")
        .filter(public_id=meeting_id)
        .first()
    )
    if meeting is None:
        raise access.not_visible(request.user, pupil.school, f"meeting {meeting_id}")
    meeting.pupil = pupil
    return meeting


def _refuse_unless(request, meeting: Meeting, allowed: bool, doing: str):
    """A meeting no longer in the state the page is for: back to it, saying why (the form is
    never shown)."""
    if allowed:
        return None
    state = meeting.get_status_display().lower()
    messages.error(request, f"This meeting is {state}: it cannot be {doing}.")
    return _to_detail(meeting)


def _pace(pupil) -> dict:
    today = access.today()
    return {
        "held": services.held_this_year(pupil, today),
        "expected": services.EXPECTED_A_YEAR,
        "expected_by_now": services.terms_begun(pupil.school, today),
    }


# One pupil's meetings.


@login_required
@require_GET
def meeting_list(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="meeting.read")
    log.read(request.user, "meeting.viewed", pupil)
    meetings = list(pupil.meetings.select_related("cycle"))
    now = timezone.now()
    context = {
        "pupil": pupil,
        "coming": sorted((m for m in meetings if m.is_scheduled and m.starts_at >= now),
                         key=lambda m: m.starts_at),
        "past": [m for m in meetings if not (m.is_scheduled and m.starts_at >= now)],
        "may_write": access.can(request.user, "meeting.write", pupil),
        "is_parent": access.can(request.user, "plan.parent_view", pupil),
        "on_register": pupil.on_register,
        **_pace(pupil),
    }  # fmt: skip
    return render(request, "meetings/list.html", context)


def _arrangements_form(request, pupil, form_class=ArrangementsForm, **kwargs):
    return form_class(
        request.POST or None,
        contacts=services.invitable_contacts(request.user, pupil),
        cycles=services.open_cycles(pupil),
        **kwargs,
    )


def _arrangements(form) -> services.Arrangements:
    data = form.cleaned_data
    return services.Arrangements(
        kind=data["kind"],
        starts_at=form.starts_at(),
        where=data["where"],
        purpose=data["purpose"],
        place=data["place"],
        cycle=data["cycle"],
        contacts=list(data["contacts"]),
        invited_staff=data["invited_staff"],
    )


def _record(form) -> services.Record:
    data = form.cleaned_data
    return services.Record(
        attended=data["attended"],
        discussed=data["discussed"],
        agreed=data["agreed"],
        parent_views=data["parent_views"],
    )


def _to_detail(meeting: Meeting):
    return redirect(
        "pupils:meetings:detail", public_id=meeting.pupil.public_id, meeting_id=meeting.public_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="meeting.write")
    cycles = services.open_cycles(pupil)
    initial: dict = {"kind": Meeting.Kind.PARENTS, "where": Meeting.Where.IN_SCHOOL}
    initial["contacts"] = list(services.invitable_contacts(request.user, pupil))
    form = _arrangements_form(request, pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(
                pupil, by=request.user, arrangements=_arrangements(form)
            )
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, "Meeting scheduled. Send the invitations from this page.")
            return _to_detail(meeting)
    log.read(request.user, "meeting.viewed", pupil)
    context = {"pupil": pupil, "form": form, "has_cycles": cycles.exists()}
    context["keeps_record_from_parents"] = services.keeps_record_from_parents(pupil)
    return render(request, "meetings/schedule.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_held(request, public_id):
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="meeting.write")
    now = timezone.localtime()
    initial = {"kind": Meeting.Kind.PARENTS, "where": Meeting.Where.IN_SCHOOL, "day": now.date()}
    form = _arrangements_form(request, pupil, HeldForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_held_meeting(
                pupil, by=request.user, arrangements=_arrangements(form), record=_record(form)
            )
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, "Meeting recorded.")
            return _to_detail(meeting)
    log.read(request.user, "meeting.viewed", pupil)
    context = {"pupil": pupil, "form": form}
    context["keeps_record_from_parents"] = services.keeps_record_from_parents(pupil)
    return render(request, "meetings/record_held.html", context)


@login_required
@require_GET
def detail(request, public_id, meeting_id):
    meeting = _meeting(request, public_id, meeting_id, "meeting.read")
    pupil = meeting.pupil
    log.read(request.user, "meeting.viewed", pupil)
    may_write = access.can(request.user, "meeting.write", pupil)
    context = {
        "pupil": pupil,
        "meeting": meeting,
        "may_write": may_write,
        "is_parent": access.can(request.user, "plan.parent_view", pupil),
        "invited": services.invited_as_seen_by(request.user, meeting),
        "is_future": meeting.starts_at > timezone.now(),
    }
    if may_write:
        context["versions"] = list(meeting.versions.select_related("saved_by"))
    return render(request, "meetings/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def change(request, public_id, meeting_id):
    meeting = _meeting(request, public_id, meeting_id, "meeting.write")
    if refused := _refuse_unless(request, meeting, meeting.is_scheduled, "changed"):
        return refused
    pupil = meeting.pupil
    local = timezone.localtime(meeting.starts_at)
    initial = {
        "kind": meeting.kind, "purpose": meeting.purpose, "day": local.date(),
        "time": local.time(), "where": meeting.where, "place": meeting.place,
        "cycle": meeting.cycle, "contacts": list(meeting.invited_contacts.all()),
        "invited_staff": meeting.invited_staff,
    }  # fmt: skip
    form = _arrangements_form(request, pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_meeting(meeting, by=request.user, arrangements=_arrangements(form))
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, "Meeting changed. Send the invitations again if needed.")
            return _to_detail(meeting)
    log.read(request.user, "meeting.viewed", pupil)
    context = {"pupil": pupil, "meeting": meeting, "form": form, "changing": True}
    context["has_cycles"] = services.open_cycles(pupil).exists()
    context["keeps_record_from_parents"] = services.keeps_record_from_parents(pupil)
    return render(request, "meetings/schedule.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record(request, public_id, meeting_id):
    meeting = _meeting(request, public_id, meeting_id, "meeting.write")
    if refused := _refuse_unless(request, meeting, not meeting.is_cancelled, "recorded"):
        return refused
    local = timezone.localtime(meeting.starts_at)
    initial = {
        "day": local.date(), "time": local.time(), "attended": meeting.attended,
        "discussed": meeting.discussed, "agreed": meeting.agreed,
        "parent_views": meeting.parent_views, "version": meeting.version,
    }  # fmt: skip
    if not meeting.attended and meeting.is_scheduled:
        initial["attended"] = "\n".join(
            services.invited_as_seen_by(request.user, meeting) + meeting.staff_list
        )
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_meeting(
                meeting, by=request.user, held_at=form.held_at(), record=_record(form),
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, "Meeting record saved.")
            return _to_detail(meeting)
    log.read(request.user, "meeting.viewed", meeting.pupil)
    return render(
        request, "meetings/record.html", {"pupil": meeting.pupil, "meeting": meeting, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, public_id, meeting_id):
    meeting = _meeting(request, public_id, meeting_id, "meeting.write")
    if refused := _refuse_unless(request, meeting, meeting.is_scheduled, "cancelled"):
        return refused
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(meeting, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, "Meeting cancelled. The reason is kept with it.")
            return _to_detail(meeting)
    log.read(request.user, "meeting.viewed", meeting.pupil)
    return render(
        request, "meetings/cancel.html", {"pupil": meeting.pupil, "meeting": meeting, "form": form}
    )


@login_required
@require_POST
def invite(request, public_id, meeting_id):
    meeting = _meeting(request, public_id, meeting_id, "meeting.write")
    try:
        done = services.send_invitations(meeting, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        sent = done.sent
        messages.success(request, f"Invitation emailed to {sent} parent{'s' if sent > 1 else ''} "
                                  f"or carer{'s' if sent > 1 else ''}: it names the pupil by "
                                  "initials only.")  # fmt: skip
        for message in done.left_out:
            messages.warning(request, message)
    return _to_detail(meeting)


def _download(request, public_id, meeting_id) -> Meeting:
    meeting = _meeting(request, public_id, meeting_id, "meeting.read")
    log.read(request.user, "meeting.downloaded", meeting.pupil)
    return meeting


def filename(meeting: Meeting, extension: str) -> str:
    """Initials only: files are emailed and left in download folders."""
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"meeting-{meeting.pupil.initials}-{day}.{extension}"


@login_required
@require_GET
def meeting_pdf(request, public_id, meeting_id):
    meeting = _download(request, public_id, meeting_id)
    context = {"pupil": meeting.pupil, "meeting": meeting,
               "invited": services.invited_as_seen_by(request.user, meeting)}  # fmt: skip
    return pdf.pdf_response(
        request, "documents/meeting.html", context, filename(meeting, "pdf"),
        school=meeting.pupil.school,
    )  # fmt: skip


@login_required
@require_GET
def meeting_docx(request, public_id, meeting_id):
    meeting = _download(request, public_id, meeting_id)
    pupil = meeting.pupil
    when = timezone.localtime(meeting.starts_at)
    document = word.letterhead(request, pupil.school, f"Meeting with parents: {pupil.full_name}")
    word.paragraph(
        document,
        f"{pupil.year_group_label}. {meeting.get_kind_display()}, {when:%d/%m/%Y at %H:%M}, "
        f"{meeting.get_where_display().lower()}. {meeting.get_status_display()}.",
    )
    word.add_section(document, "Purpose", meeting.purpose)
    invited = services.invited_as_seen_by(request.user, meeting) + meeting.staff_list
    if invited:
        word.heading(document, "Invited")
        word.add_bullets(document, invited)
    word.add_section(document, "Who came", meeting.attended)
    word.add_section(document, "What was said", meeting.discussed)
    if meeting.agreed_list:
        word.heading(document, "What was agreed")
        word.add_bullets(document, meeting.agreed_list)
    word.add_section(document, "The parents' views", meeting.parent_views)
    word.add_section(document, "Why it was cancelled", meeting.cancelled_reason)
    return word.docx_response(document, filename(meeting, "docx"))


# The chronology and contact log.


def _log_form(request, pupil, data=None) -> ContactLogForm:
    contacts = access.contacts_visible_to(request.user, pupil)
    return ContactLogForm(data, contacts=contacts)


def _contacted(form) -> services.Contacted:
    data = form.cleaned_data
    return services.Contacted(
        method=data["method"],
        happened_at=form.happened_at(),
        summary=data["summary"],
        contact=data["contact"],
        who=data["who"],
        follow_up=data["follow_up"],
        follow_up_by=data["follow_up_by"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def chronology(request, public_id):
    """The quick contact-log form above the pupil's chronology: newest first, open follow-ups
    above it all. Staff who may only add see the entries they wrote."""
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="contact_log.add")
    form = _log_form(request, pupil, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact(pupil, by=request.user, entry=_contacted(form))
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, "Added to the contact log.")
            return redirect("pupils:meetings:chronology", public_id=pupil.public_id)
    log.read(request.user, "contact_log.viewed", pupil)
    entries = list(services.log_visible_to(request.user, pupil))
    reads_all = access.can(request.user, "contact_log.read", pupil)
    if reads_all:
        events = services.chronology(request.user, pupil, entries)
    else:
        events = services.contact_events(request.user, pupil, entries)
    page = Paginator(events, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "pupil": pupil,
        "form": form,
        "page": page,
        "reads_all": reads_all,
        "follow_ups": sorted(
            (e for e in entries if e.follow_up_open),
            key=lambda e: (e.follow_up_by is None, e.follow_up_by, e.happened_at),
        ),
        "corrected": {e.corrects_id for e in entries if e.corrects_id},
        "today": access.today(),
    }
    return render(request, "meetings/chronology.html", context)


def _entry(request, public_id, entry_id) -> ContactLogEntry:
    pupil = access.get_pupil(request.user, public_id, audit_action=None, requires="contact_log.add")
    entry = services.log_visible_to(request.user, pupil).filter(public_id=entry_id).first()
    if entry is None:
        raise access.not_visible(request.user, pupil.school, f"contact log entry {entry_id}")
    entry.pupil = pupil
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, public_id, entry_id):
    """A correction is a new entry; the one it corrects stays as it was written."""
    entry = _entry(request, public_id, entry_id)
    pupil = entry.pupil
    services.show_who(request.user, pupil, [entry])
    local = timezone.localtime(entry.happened_at)
    # A contact the user may not see is not offered again: they choose or write who afresh.
    initial = {
        "contact": entry.contact if entry.who_shown == entry.who else None,
        "who": "" if entry.contact else entry.who,
        "method": entry.method, "summary": entry.summary, "follow_up": entry.follow_up,
        "follow_up_by": entry.follow_up_by,
    }  # fmt: skip
    form = _log_form(request, pupil, request.POST or None)
    if request.method == "GET":
        form.initial.update({**initial, "day": local.date(), "time": local.time()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact(pupil, by=request.user, entry=_contacted(form), corrects=entry)
        except ValidationError as e:
            add_errors(form, e, _field_for)
        else:
            messages.success(request, "Correction added. The original entry is kept as written.")
            return redirect("pupils:meetings:chronology", public_id=pupil.public_id)
    log.read(request.user, "contact_log.viewed", pupil)
    return render(request, "meetings/correct.html", {"pupil": pupil, "entry": entry, "form": form})


@login_required
@require_POST
def follow_up_done(request, public_id, entry_id):
    entry = _entry(request, public_id, entry_id)
    try:
        services.mark_follow_up_done(entry, by=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Follow-up marked done: {entry.follow_up}")
    return redirect("pupils:meetings:chronology", public_id=entry.pupil.public_id)


# The school's lists.


@login_required
@require_GET
def upcoming(request):
    """Meetings in the next four weeks with the parents of pupils the user may see."""
    school = access.current_school(request, "meeting.read")
    pupils = access.pupils_visible_to(request.user, school, action="meeting.read")
    meetings = services.upcoming(pupils)
    page = Paginator(meetings, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    log.read_list(request.user, "meeting.listed", school, [m.pupil for m in page.object_list])
    context = {"page": page, "days": services.UPCOMING_DAYS}
    context["may_see_behind"] = access.can(request.user, "meeting.behind", school)
    return render(request, "meetings/upcoming.html", context)


@login_required
@require_GET
def behind(request):
    """Pupils on the register with fewer than three meetings held this school year."""
    school = access.current_school(request, "meeting.behind")
    today = access.today()
    pupils = access.pupils_visible_to(request.user, school, action="meeting.behind")
    years = sorted(
        {y for y in pupils.on_roll().values_list("year_group", flat=True) if y is not None}
    )
    filters = YearGroupFilter(request.GET, years=[(y, year_group_label(y)) for y in years])
    year = filters.cleaned_data["year"] if filters.is_valid() else None
    rows = services.behind(pupils, today, year)
    page = Paginator(rows, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    log.read_list(request.user, "meeting.behind_listed", school, page.object_list)
    expected_by_now = services.terms_begun(school, today)
    for pupil in page.object_list:
        pupil.short_by = max(0, expected_by_now - pupil.held)
    context = {
        "page": page,
        "filters": filters,
        "expected": services.EXPECTED_A_YEAR,
        "expected_by_now": expected_by_now,
        "short_of_pace": rows.filter(held__lt=expected_by_now).count(),
    }
    return render(request, "meetings/behind.html", context)
