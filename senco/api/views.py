"""The API's endpoints (docs/api.md). Thin, like the pages: every pupil is reached through
senco/access.py (`pupils_visible_to` for lists, `get_pupil` for one), every read is written to
the audit log, and every change goes through a service function.

The token's school is the only school: `request.auth.school` (see auth.py).
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from senco import access
from senco.api import serializers as s
from senco.api import services
from senco.api.errors import WRITE_ERRORS, answers
from senco.assessment import services as assessment
from senco.audit import log
from senco.ids import parse_public_id
from senco.pupils import census
from senco.pupils.models import Pupil
from senco.pupils.views import search

ORDERINGS = {
    "name": ("legal_last_name", "legal_first_name", "pk"),
    "year_group": ("year_group", "legal_last_name", "legal_first_name", "pk"),
}
STATUS_CODES = {"N": ("N",), "K": census.SUPPORT_CODES, "E": census.PLAN_CODES}
PUPIL_ID = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The pupil's id."
)


def _query(request, serializer_class) -> dict:
    # A plain dict: a QueryDict's blank value would pass as "not given" (`?sen_status=`).
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _body(request, serializer_class) -> dict:
    """The JSON body, checked; a body sent without a content type is refused, not ignored."""
    if not request.content_type and request.META.get("CONTENT_LENGTH", "0") not in ("", "0"):
        raise exceptions.UnsupportedMediaType(
            "", detail="Say what the body is: send it with Content-Type: application/json."
        )
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _page(
    request, rows, query: dict, item, context: Callable[[list], dict] | None = None
) -> tuple[list, Response]:
    """One page of `rows` (ordered), and the answer that carries it; `context` gives the
    serializer's context for the rows shown."""
    paginator = Paginator(rows, query["page_size"])
    number = query["page"]
    if number > paginator.num_pages:
        raise exceptions.NotFound(f"There is no page {number}: the last is {paginator.num_pages}.")
    page = paginator.page(number)
    shown = list(page.object_list)
    url = request.build_absolute_uri()
    body = {
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "next": replace_query_param(url, "page", number + 1) if page.has_next() else None,
        "previous": replace_query_param(url, "page", number - 1) if page.has_previous() else None,
        "results": item(shown, many=True, context=context(shown) if context else {}).data,
    }
    return shown, Response(body)


def _refused(error: ValidationError, renamed: dict[str, str]) -> ValidationError:
    """A service's refusal with its field names as the API calls them."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({renamed.get(k, k): v for k, v in error.message_dict.items()})


def _pupil(request, public_id: str, **rules) -> Pupil:
    """The pupil at this address, in the token's school only, by `access.get_pupil`'s rules.
    An address that is not an id is refused before any lookup, and logged with a label that
    is safe to store (PostgreSQL refuses a NUL)."""
    school = request.auth.school
    key = parse_public_id(public_id)
    if key is None:
        label = "".join(c for c in public_id[:40] if c.isprintable())
        raise access.not_visible(request.user, school, f"pupil {label}")
    return access.get_pupil(request.user, key, school=school, **rules)


class ApiView(APIView):
    # An endpoint: its answers name pupils, so no browser or proxy keeps a copy. (No docstring:
    # the schema would take it as every operation's description.)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response


class Index(APIView):
    """Where the API's parts are: open to anyone (it holds no data)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None

    def get(self, request):
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "docs": url("api:docs"),
                "schema": url("api:schema"),
                "tokens": url("api:tokens"),
                "pupils": url("api:pupils"),
                "assessment_types": url("api:assessment_types"),
            }
        )


class NoSuchAddress(APIView):
    """Any other address under /api/: a 404 in the API's format, not an HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound("No such address in the API: see /api/docs/ for the addresses.")


# Pupils -----------------------------------------------------------------------------------


def _filtered(pupils, query: dict):
    if query.get("q", "").strip():
        pupils = search(pupils, query["q"])
    if "year_group" in query:
        pupils = pupils.filter(year_group=query["year_group"])
    if query.get("sen_status"):
        pupils = pupils.filter(sen_provision__in=STATUS_CODES[query["sen_status"]])
    if query.get("need"):
        pupils = pupils.with_current_need(query["need"])
    day = access.today()
    if query["on_roll"] == "true":
        pupils = pupils.on_roll()
    elif query["on_roll"] == "false":
        pupils = pupils.filter(Q(left_on__lte=day) | Q(enrolled_on__gt=day))
    by = query["ordering"]
    order = ORDERINGS[by.lstrip("-")]
    if by.startswith("-"):
        order = (f"-{order[0]}", *order[1:])
    return pupils.order_by(*order)


def _details(pupil):
    """A pupil reached through `get_pupil`, with what PupilSerializer shows."""
    pupil.open_needs = list(pupil.sen_needs.filter(ends__isnull=True).order_by("rank"))
    return pupil


class PupilList(ApiView):
    @extend_schema(
        summary="The pupils the token's user may see",
        operation_id="pupils_list",
        parameters=[s.PupilQuery],
        responses=answers({200: s.page_of(s.PupilSerializer)}),
    )
    def get(self, request):
        school = request.auth.school
        query = _query(request, s.PupilQuery)
        pupils = _filtered(access.pupils_visible_to(request.user, school), query)

        def context(shown: list) -> dict:
            # Per pupil, as the detail decides: a designated teacher who also teaches sees the
            # flags of the looked-after children only, not of everyone in their classes.
            flagged = access.pupils_visible_to(
                request.user, school, action="pupil.sensitive_flags"
            ).filter(pk__in=[p.pk for p in shown])
            return {"flags_shown": set(flagged.values_list("pk", flat=True))}

        shown, response = _page(
            request,
            pupils.with_open_needs().select_related("key_worker"),
            query,
            s.PupilSerializer,
            context,
        )
        log.read_list(request.user, "pupil.listed", school, shown)
        return response


class PupilDetail(ApiView):
    @extend_schema(
        summary="One pupil",
        operation_id="pupil_retrieve",
        parameters=[PUPIL_ID],
        responses=answers({200: s.PupilSerializer}),
    )
    def get(self, request, public_id):
        return self._answer(request, _pupil(request, public_id))

    @extend_schema(
        summary="Change what OpenSENCO owns on a pupil (not identity: that is the MIS's)",
        operation_id="pupil_change",
        parameters=[PUPIL_ID],
        request=s.PupilChangeSerializer,
        responses=answers({200: s.PupilSerializer}, WRITE_ERRORS),
    )
    def patch(self, request, public_id):
        pupil = _pupil(request, public_id, audit_action=None)
        changes = _body(request, s.PupilChangeSerializer)
        if {"review_on", "key_worker"} & changes.keys():
            access.require(request.user, "register.change", pupil)
        if "shares_with_parents" in changes:
            access.require(request.user, "pupil.share_with_parents", pupil)
        services.change_pupil(pupil, changes, by=request.user)
        pupil.refresh_from_db()
        # The answer is the whole record: a read, even when the change changed nothing.
        log.read(request.user, "pupil.viewed", pupil)
        return self._answer(request, pupil)

    def _answer(self, request, pupil) -> Response:
        flagged = access.can(request.user, "pupil.sensitive_flags", pupil)
        context = {"flags_shown": {pupil.pk} if flagged else set()}
        return Response(s.PupilSerializer(_details(pupil), context=context).data)


# SEN status and needs ---------------------------------------------------------------------


def _sen(user, pupil) -> dict:
    history = None
    if access.can(user, "register.view_history", pupil):
        history = {
            "statuses": pupil.sen_statuses.order_by("-starts", "-pk"),
            "needs": pupil.sen_needs.filter(ends__isnull=False).order_by("-ends", "rank", "pk"),
        }
    return {
        "status": pupil.sen_provision,
        "status_label": pupil.sen_provision_label,
        "needs": pupil.sen_needs.filter(ends__isnull=True).order_by("rank"),
        "history": history,
    }


class PupilSen(ApiView):
    @extend_schema(
        summary="A pupil's SEN status and needs, with their history",
        operation_id="pupil_sen_retrieve",
        parameters=[PUPIL_ID],
        responses=answers({200: s.SenSerializer}),
    )
    def get(self, request, public_id):
        pupil = _pupil(request, public_id, audit_action="api.sen_viewed")
        return Response(s.SenSerializer(_sen(request.user, pupil)).data)

    @extend_schema(
        summary="Record a change of SEN status and needs (the census rules apply)",
        operation_id="pupil_sen_change",
        parameters=[PUPIL_ID],
        request=s.SenChangeSerializer,
        responses=answers({200: s.SenSerializer}, WRITE_ERRORS),
    )
    def post(self, request, public_id):
        pupil = _pupil(request, public_id, audit_action=None, requires="register.change")
        change = _body(request, s.SenChangeSerializer)
        try:
            services.change_sen_entry(
                pupil,
                status=change["status"],
                needs=change["needs"],
                starts=change.get("starts") or access.today(),
                by=request.user,
            )
        except ValidationError as e:
            raise _refused(e, {"provision": "status"}) from None
        pupil.refresh_from_db()
        # The answer carries the SEN record and its history: a read.
        log.read(request.user, "api.sen_viewed", pupil)
        return Response(s.SenSerializer(_sen(request.user, pupil)).data)


# Contacts ---------------------------------------------------------------------------------


class PupilContacts(ApiView):
    @extend_schema(
        summary="A pupil's contacts (read only: the MIS owns them)",
        operation_id="pupil_contacts_list",
        parameters=[PUPIL_ID, s.PageQuery],
        responses=answers({200: s.page_of(s.ContactSerializer)}),
    )
    def get(self, request, public_id):
        pupil = _pupil(
            request, public_id, audit_action="api.contacts_viewed", requires="pupil.contacts"
        )
        query = _query(request, s.PageQuery)
        links = (
            pupil.contact_links.select_related("contact")
            .filter(contact__in=access.contacts_visible_to(request.user, pupil))
            .order_by("priority", "pk")
        )
        return _page(request, links, query, s.ContactSerializer)[1]


# Assessment -------------------------------------------------------------------------------


class PupilResults(ApiView):
    @extend_schema(
        summary="A pupil's assessment results, newest first",
        operation_id="pupil_results_list",
        parameters=[PUPIL_ID, s.PageQuery],
        responses=answers({200: s.page_of(s.ResultSerializer)}),
    )
    def get(self, request, public_id):
        pupil = _pupil(request, public_id, audit_action="api.results_viewed")
        query = _query(request, s.PageQuery)
        results = pupil.results.select_related("assessment_type").order_by(
            "-taken_on", "assessment_type__name", "pk"
        )
        return _page(request, results, query, s.ResultSerializer)[1]

    @extend_schema(
        summary="Record or correct one assessment result",
        operation_id="pupil_result_record",
        parameters=[PUPIL_ID],
        request=s.ResultCreateSerializer,
        responses=answers(
            {
                201: OpenApiResponse(s.ResultSerializer, description="Recorded."),
                200: OpenApiResponse(s.ResultSerializer, description="Corrected, or unchanged."),
            },
            WRITE_ERRORS,
        ),
    )
    def post(self, request, public_id):
        pupil = _pupil(request, public_id, audit_action=None, requires="assessment.record")
        data = _body(request, s.ResultCreateSerializer)
        assessment_type = pupil.school.assessment_types.filter(
            public_id=data["assessment_type"]
        ).first()
        if assessment_type is None:
            raise ValidationError(
                {
                    "assessment_type": [
                        "No assessment type of this school has this id: see "
                        "GET /api/assessment-types/."
                    ]
                }
            )
        day = data["taken_on"]
        recorded = pupil.results.filter(assessment_type=assessment_type, taken_on=day)
        existed = recorded.exists()
        try:
            assessment.record_results(
                assessment_type=assessment_type,
                taken_on=day,
                entries={pupil: data["result"]},
                by=request.user,
            )
        except ValidationError as e:
            raise _refused(e, {str(pupil.public_id): "result"}) from None
        result = recorded.select_related("assessment_type").get()
        return Response(
            s.ResultSerializer(result).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class AssessmentTypes(ApiView):
    @extend_schema(
        summary="The school's assessment types",
        operation_id="assessment_types_list",
        parameters=[s.PageQuery],
        responses=answers({200: s.page_of(s.AssessmentTypeSerializer)}),
    )
    def get(self, request):
        school = request.auth.school
        if not access.can(request.user, "assessment.manage_types", school):
            access.require(request.user, "assessment.record", school)
        query = _query(request, s.PageQuery)
        types = school.assessment_types.order_by("name", "pk")
        return _page(request, types, query, s.AssessmentTypeSerializer)[1]
