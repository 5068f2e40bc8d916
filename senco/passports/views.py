"""A pupil's passport: read, written, acknowledged, downloaded, and changes suggested by parents.

Every view reaches the pupil through `access.get_pupil` (404 when not visible) and asks
`access.require` for the action (403 when visible but not allowed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from senco import access
from senco.audit import log
from senco.documents import docx as word
from senco.documents import pdf
from senco.passports import services
from senco.passports.forms import AnswerForm, PassportForm, SuggestionForm
from senco.passports.models import PassportReading


def _pupil(request, public_id, action: str):
    """The pupil, visible to the user (404) and open to the action (403); no read logged yet."""
    return access.get_pupil(request.user, public_id, audit_action=None, requires=action)


def _not_found():
    return Http404(access.NOT_VISIBLE)


def _answer_form(suggestion, data=None) -> AnswerForm:
    return AnswerForm(data, prefix=f"answer-{suggestion.public_id.hex}")


def _readers(pupil, current) -> list[dict]:
    """Who teaches the pupil, and whether and when each read the current version."""
    read_at = dict(
        PassportReading.objects.filter(version=current).values_list("user_id", "read_at")
    )
    return [{"user": u, "read_at": read_at.get(u.pk)} for u in access.staff_teaching([pupil])]


def _shown_version(versions: list, asked: str | None):
    if not asked:
        return versions[0]
    for version in versions:
        if str(version.number) == asked:
            return version
    raise _not_found()


def _render_detail(request, pupil, *, suggestion_form=None, answer_forms=None, status=200):
    user = request.user
    versions = list(pupil.passports.select_related("written_by").order_by("-number"))
    context: dict = {
        "pupil": pupil,
        "versions": versions,
        "may_write": access.can(user, "passport.write", pupil),
        "may_suggest": access.can(user, "passport.suggest", pupil),
    }
    if versions:
        current = versions[0]
        context["current"] = current
        context["shown"] = _shown_version(versions, request.GET.get("version"))
        context["may_acknowledge"] = (
            access.can(user, "passport.acknowledge", pupil)
            and not current.readings.filter(user=user).exists()
        )
        if access.can(user, "passport.readers", pupil):
            context["readers"] = _readers(pupil, current)
    if context["may_suggest"]:
        context["suggestion_form"] = suggestion_form or SuggestionForm()
        context["my_suggestions"] = pupil.passport_suggestions.filter(
            pupil=pupil, suggested_by=user
        ).select_related("answered_by")
    if context["may_write"]:
        waiting = pupil.passport_suggestions.filter(pupil=pupil, answer="").select_related(
            "suggested_by"
        )
        bound = answer_forms or {}
        context["waiting"] = [(s, bound.get(s.pk) or _answer_form(s)) for s in waiting]
    return render(request, "passports/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, public_id):
    pupil = _pupil(request, public_id, "passport.read")
    log.read(request.user, "passport.viewed", pupil)
    return _render_detail(request, pupil)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    pupil = _pupil(request, public_id, "passport.write")
    current = services.current_version(pupil)
    if request.method == "GET":
        log.read(request.user, "passport.viewed", pupil)
    form = PassportForm(request.POST or None, initial=services.snapshot(current))
    if request.method == "POST" and form.is_valid():
        version = services.write_passport(pupil, sections=form.cleaned_data, by=request.user)
        messages.success(
            request,
            f"Version {version.number} saved. Staff who teach the pupil are asked to read it.",
        )
        return redirect("pupils:passports:detail", public_id=pupil.public_id)
    return render(
        request, "passports/edit.html", {"pupil": pupil, "form": form, "current": current}
    )


@login_required
@require_POST
def acknowledge(request, public_id):
    # A teacher or TA may acknowledge only for a pupil they teach: `can` counts their role for
    # this pupil only then (access.roles_for).
    pupil = _pupil(request, public_id, "passport.acknowledge")
    current = services.current_version(pupil)
    if current is None:
        messages.info(request, "There is no passport to read yet.")
    elif services.acknowledge([current], by=request.user):
        messages.success(request, f"Recorded: you have read version {current.number}.")
    return redirect("pupils:passports:detail", public_id=pupil.public_id)


@login_required
@require_POST
def suggest(request, public_id):
    pupil = _pupil(request, public_id, "passport.suggest")
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, pupil, suggestion_form=form)
    services.suggest(pupil, text=form.cleaned_data["text"], by=request.user)
    messages.success(request, "Thank you: your suggestion has been sent to the SENCO.")
    return redirect("pupils:passports:detail", public_id=pupil.public_id)


@login_required
@require_POST
def answer(request, public_id, suggestion_id):
    pupil = _pupil(request, public_id, "passport.write")
    suggestion = pupil.passport_suggestions.filter(pupil=pupil, public_id=suggestion_id).first()
    if suggestion is None:
        raise access.not_visible(request.user, pupil.school, "suggestion")
    form = _answer_form(suggestion, request.POST)
    if not form.is_valid():
        return _render_detail(request, pupil, answer_forms={suggestion.pk: form})
    services.answer_suggestion(suggestion, answer=form.cleaned_data["answer"], by=request.user)
    messages.success(request, "Your answer has been saved: the parent sees it with the passport.")
    return redirect("pupils:passports:detail", public_id=pupil.public_id)


def _download(request, public_id):
    """The pupil and their current passport, with the download written to the audit log."""
    pupil = _pupil(request, public_id, "passport.read")
    current = services.current_version(pupil)
    if current is None:
        raise _not_found()
    log.read(request.user, "passport.downloaded", pupil)
    return pupil, current


def filename(pupil, extension: str) -> str:
    """No name in a file name: files are emailed and left in download folders."""
    return f"passport-{pupil.initials}-{access.today().isoformat()}.{extension}"


@login_required
@require_GET
def passport_pdf(request, public_id):
    pupil, current = _download(request, public_id)
    return pdf.pdf_response(
        request,
        "documents/passport.html",
        {"pupil": pupil, "version": current},
        filename(pupil, "pdf"),
        school=pupil.school,
    )


@login_required
@require_GET
def passport_docx(request, public_id):
    pupil, current = _download(request, public_id)
    document = word.letterhead(request, pupil.school, f"Pupil passport: {pupil.full_name}")
    word.paragraph(
        document,
        f"{pupil.year_group_label}. Version {current.number}, written "
        f"{current.written_at:%d/%m/%Y}"
        + (", in the pupil's own words." if current.in_own_words else "."),
    )
    for heading, text in current.sections:
        word.add_section(document, heading, text)
    word.heading(document, "Strategies for staff")
    word.add_bullets(document, current.strategy_list)
    return word.docx_response(document, filename(pupil, "docx"))
