"""The SEN register (/register/): the list with its bulk actions, the print view, the census
check and the register at a glance (docs/register.md)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from senco import access
from senco.audit import log
from senco.documents import charts
from senco.forms import add_errors
from senco.ids import parse_public_id
from senco.pupils import census, exports
from senco.pupils.models import Pupil
from senco.pupils.views import search
from senco.register import census_days, figures, national, queries, services
from senco.register.forms import SORTS, BulkForm, CensusDayForm, RegisterFilterForm
from senco.schools.calendar import academic_year_start
from senco.schools.models import School, TeachingGroup, Term

# What each bulk action needs, beyond seeing the register.
BULK_NEEDS = {
    "review": "register.bulk",
    "key_worker": "register.bulk",
    "xlsx": "register.export",
    "csv": "register.export",
    "print": "register.view",
}
NOT_ON_REGISTER = (
    "Nothing was done: a pupil ticked is not on the register you can see (they may have left "
    "or moved off it). Tick the pupils again."
)


# The list ---------------------------------------------------------------------------------------


def _current_classes(school: School):
    return TeachingGroup.objects.filter(
        school=school,
        kind=TeachingGroup.Kind.CLASS,
        academic_year__start_year=academic_year_start(access.today()),
    ).order_by("year_group", "name")


def _filter_form(request, school: School) -> RegisterFilterForm:
    years = (
        queries.on_register(request.user, school)
        .exclude(year_group__isnull=True)
        .order_by("year_group")
        .values_list("year_group", flat=True)
        .distinct()
    )
    return RegisterFilterForm(
        request.GET,
        years=list(years),
        groups=list(_current_classes(school)),
        staff=list(queries.key_workers(school)),
        see_flags=access.can(request.user, "pupil.sensitive_flags", school),
    )


def _filtered(user, school: School, form: RegisterFilterForm):
    """The register pupils the user sees, narrowed by the filters that are valid."""
    pupils = queries.on_register(user, school)
    form.is_valid()
    data = form.cleaned_data
    pupils = search(pupils, data.get("q") or "")
    if data.get("status"):
        codes = census.SUPPORT_CODES if data["status"] == "K" else census.PLAN_CODES
        pupils = pupils.filter(sen_provision__in=codes)
    if data.get("need"):
        pupils = pupils.with_current_need(data["need"])
    if data.get("area"):
        pupils = pupils.filter(
            primary_need__in=[k for k, v in census.NEEDS.items() if v[1] == data["area"]]
        )
    if data.get("year") is not None:
        pupils = pupils.filter(year_group=data["year"])
    if data.get("group"):
        pupils = pupils.filter(groups__in=_current_classes(school).filter(public_id=data["group"]))
    if data.get("key_worker") == "none":
        pupils = pupils.filter(key_worker__isnull=True)
    elif data.get("key_worker"):
        pupils = pupils.filter(key_worker__public_id=data["key_worker"])
    if data.get("looked_after"):
        pupils = pupils.exclude(looked_after="")
    for flag in ("pupil_premium", "free_school_meals", "eal"):
        if data.get(flag):
            pupils = pupils.filter(**{flag: True})
    return pupils


def _ordered(pupils, school: School, form: RegisterFilterForm):
    sort = (form.cleaned_data.get("sort") if form.is_valid() else "") or "name"
    return queries.with_details(pupils, school).order_by(*SORTS[sort][1])


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def register_list(request):
    school = access.current_school(request, "register.view")
    filters = _filter_form(request, school)
    bulk = BulkForm(
        request.POST if request.method == "POST" else None,
        staff=queries.key_workers(school),
        auto_id="bulk_%s",
    )
    if request.method == "POST":
        response = _bulk_action(request, school, bulk)
        if response is not None:
            return response
    pupils = _filtered(request.user, school, filters)
    page = Paginator(_ordered(pupils, school, filters), settings.SENCO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    log.read_list(request.user, "register.listed", school, page.object_list)
    context = {
        "filters": filters,
        "bulk": bulk,
        "page": page,
        "counts": queries.status_counts(request.user, school),
        "national": national.OF_ALL_PUPILS,
        "source": national.SOURCE,
        "see_flags": access.can(request.user, "pupil.sensitive_flags", school),
        "may_bulk": access.can(request.user, "register.bulk", school),
        "may_export": access.can(request.user, "register.export", school),
        "query": request.GET.urlencode(),
    }
    return render(request, "register/list.html", context)


def _chosen(user, school: School, ids: list[str]) -> list[Pupil] | None:
    """The pupils ticked, if every one is on the register the user sees; None otherwise."""
    keys = {parse_public_id(i) for i in ids}
    if None in keys:
        return None
    pupils = list(queries.on_register(user, school).filter(public_id__in=keys))
    return pupils if len(pupils) == len(keys) else None


def _bulk_action(request, school: School, form: BulkForm) -> HttpResponse | None:
    """Carry out the action on the pupils ticked; None to show the page with what is wrong."""
    action = request.POST.get("action", "")
    if action in BULK_NEEDS:
        access.require(request.user, BULK_NEEDS[action], school)
    if not form.is_valid():
        return None
    action, data = form.cleaned_data["action"], form.cleaned_data
    pupils = _chosen(request.user, school, data["pupils"])
    if pupils is None:
        log.refused(request.user, "pupil.refused", school=school, detail=f"register {action}")
        form.add_error(None, NOT_ON_REGISTER)
        return None
    if action in ("xlsx", "csv"):
        chosen = queries.on_register(request.user, school).filter(pk__in=[p.pk for p in pupils])
        return exports.register_download(request.user, school, chosen, action)
    if action == "print":
        chosen = queries.on_register(request.user, school).filter(pk__in=[p.pk for p in pupils])
        return _print(request, school, chosen)
    try:
        if action == "review":
            count = services.set_review_date(school, pupils, data["review_on"], by=request.user)
            done = f"Next review set to {data['review_on']:%d/%m/%Y}"
        else:
            count = services.assign_key_worker(school, pupils, data["key_worker"], by=request.user)
            done = f"Key worker set to {data['key_worker']}"
    except ValidationError as e:
        add_errors(form, e)
        return None
    messages.success(request, f"{done} for {count} pupil{'s' if count != 1 else ''}.")
    return redirect(request.get_full_path())


# Print ---------------------------------------------------------------------------------------


def _print(request, school: School, pupils) -> HttpResponse:
    shown = list(
        queries.with_details(pupils, school).order_by("legal_last_name", "legal_first_name", "pk")
    )
    log.read_list(request.user, "register.printed", school, shown)
    context = {
        "pupils": shown,
        "counts": queries.status_counts(request.user, school),
        "see_flags": access.can(request.user, "pupil.sensitive_flags", school),
    }
    return render(request, "register/print.html", context)


@login_required
@require_GET
@never_cache
def register_print(request):
    """The whole register (with the list's filters and sort), every page, laid out for print."""
    school = access.current_school(request, "register.view")
    filters = _filter_form(request, school)
    return _print(request, school, _filtered(request.user, school, filters))


# The census check --------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def census_check(request):
    school = access.current_school(request, "census.check")
    today = access.today()
    form = CensusDayForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or (
        census_days.next_census_day(today)
    )
    pupils = queries.on_roll_on(access.pupils_visible_to(request.user, school), day)
    statuses, needs = pupils.status_history(), pupils.need_history()
    shift = academic_year_start(today) - academic_year_start(day)
    rows = []
    for pupil in pupils.order_by("legal_last_name", "legal_first_name", "pk"):
        entry = figures.census_entry(day, statuses.get(pupil.pk, []), needs.get(pupil.pk, []))
        year = pupil.year_group - shift if pupil.year_group is not None else None
        rows.append((pupil, entry, year))
    breaches = [(p, e) for p, e, _ in rows if e.breaches]
    page = Paginator(rows, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {p.pk: p for p, _, _ in page.object_list} | {p.pk: p for p, _ in breaches}
    log.read_list(request.user, "census.checked", school, shown.values())
    context = {
        "form": form,
        "day": day,
        "census_day": census_days.is_census_day(day),
        "future": day > today,
        "choices": census_days.days_of_school_year(today),
        "breaches": breaches,
        "page": page,
        "summaries": figures.census_summaries((e, y, p.sex) for p, e, y in rows),
        "may_change": access.can(request.user, "register.change", school),
    }
    return render(request, "register/census.html", context)


# The register at a glance -------------------------------------------------------------------


CHARTS = {
    "need": ("The register by primary need", figures.by_primary_need),
    "area": ("The register by broad area of primary need", figures.by_broad_area),
    "year": ("The register by year group", figures.by_year_group),
    "sex": ("The register by sex", figures.by_sex),
}
TERMS = "terms"
HISTORY_YEARS = 2


def _snapshot(user, school: School) -> list[figures.OnRegister]:
    rows = queries.on_register(user, school).values_list(
        "sen_provision", "primary_need", "year_group", "sex"
    )
    return [figures.OnRegister(*row) for row in rows]


def _flows(user, school: School) -> list[figures.TermFlow]:
    """Entries to and exits from the register per term, over the last two years or so."""
    today = access.today()
    since = today.replace(year=today.year - HISTORY_YEARS, day=min(today.day, 28))
    terms = Term.objects.filter(
        academic_year__school=school, starts__lte=today, ends__gte=since
    ).select_related("academic_year")
    statuses = access.pupils_visible_to(user, school).status_history()
    return figures.entries_and_exits(
        statuses.values(), [(str(t), t.starts, t.ends) for t in terms.order_by("starts")]
    )


@login_required
@require_GET
@never_cache
def register_charts(request):
    school = access.current_school(request, "register.view")
    pupils = _snapshot(request.user, school)
    context = {
        "total": len(pupils),
        "charts": [(name, title, function(pupils)) for name, (title, function) in CHARTS.items()],
        "flows": _flows(request.user, school),
        "source": national.SOURCE,
    }
    return render(request, "register/charts.html", context)


@login_required
@require_GET
def register_chart(request, name: str):
    """One chart as SVG, from the same figures as the table beside it on the charts page."""
    school = access.current_school(request, "register.view")
    if name == TERMS:
        flows = _flows(request.user, school)
        svg = charts.bar_chart(
            "Entries to and exits from the register, by term",
            [f.term for f in flows],
            {"Entries": [f.entries for f in flows], "Exits": [f.exits for f in flows]},
            horizontal=False,
        )
    elif name in CHARTS:
        title, function = CHARTS[name]
        rows = function(_snapshot(request.user, school))
        svg = charts.bar_chart(title, [r.label for r in rows], {"Pupils": [r.count for r in rows]})
    else:
        raise Http404(access.NOT_VISIBLE)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
