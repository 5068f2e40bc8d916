"""The API's one error format, and the JSON parser that refuses what it cannot read.

Every error answers `{"error": {"status", "code", "message", "fields"}}` (docs/api.md, "Errors"):
`fields` names each field that was wrong (validation errors only). A refusal from a service
(`django.core.exceptions.ValidationError`) is answered the same way.
"""

import json
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.views import exception_handler

from senco import access
from senco.api.auth import NO_TOKEN

MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = (
        f"The body is larger than {MAX_BODY_BYTES // 1024} KB: no request to this API needs "
        "that much. Send one record at a time."
    )


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is too large a number")
    return number


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class JsonParser(BaseParser):
    """JSON in UTF-8, at most MAX_BODY_BYTES, read before any of it is parsed."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            return json.loads(
                raw.decode("utf-8"), parse_float=_finite, parse_constant=_no_constants
            )
        except UnicodeDecodeError:
            raise exceptions.ParseError("The body is not UTF-8 text: send JSON in UTF-8.") from None
        except json.JSONDecodeError as e:
            raise exceptions.ParseError(
                f"The body is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})."
            ) from None
        except (ValueError, RecursionError) as e:
            raise exceptions.ParseError(f"The body cannot be read as JSON: {e}.") from None


def _fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """A validation error's detail as {"field": ["message", ...]}, nested fields dotted
    (`needs.1`)."""
    if isinstance(detail, Mapping):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            found.update(_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(detail, list) and any(isinstance(d, Mapping | list) for d in detail):
        found = {}
        for index, value in enumerate(detail):
            if value:
                found.update(_fields(value, f"{prefix}.{index}" if prefix else str(index)))
        return found
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def _from_service(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


INVALID = "Nothing was changed: see the fields for what is wrong and how to put it right."
FORBIDDEN = "Your role lets you see this pupil but not do this: ask your SENCO."


def handler(exc, context):
    """DRF's answer to an exception, in the API's format; None (a server error) otherwise."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_service(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    error: dict = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        general = fields.pop("non_field_errors", [])
        error.update(code="invalid", message=" ".join(general) or INVALID)
        if fields:
            error["fields"] = fields
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        message = str(detail)
        if response.status_code == 403 and message == access.NOT_VISIBLE:
            message = FORBIDDEN
        if isinstance(exc, exceptions.NotAuthenticated):
            message = NO_TOKEN
        if isinstance(exc, exceptions.Throttled):
            message = (
                f"Too many requests with this token: wait {exc.wait or 1:.0f} seconds "
                "(see the Retry-After header)."
            )
        error.update(code=getattr(detail, "code", None) or exc.default_code, message=message)
    response.data = {"error": error}
    return response


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="Stable, for programs: invalid, not_found, throttled...")
    message = serializers.CharField(help_text="For people: what is wrong and what to do.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each field that was wrong, with its messages (validation errors only).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


WHY = {
    400: "The request was wrong: malformed JSON, a wrong type, an unknown field or a value "
    "the rules refuse. Nothing was changed.",
    401: "No token, or one that is unknown, expired or revoked.",
    403: "The token's user may see this but not do it.",
    404: "No such record, or not one this token may see.",
    406: "Only JSON is served.",
    413: "The body is too large.",
    415: "The body must be JSON (Content-Type: application/json).",
    429: "Too many requests: wait the seconds the Retry-After header gives.",
}
READ_ERRORS = (400, 401, 403, 404, 406, 429)
WRITE_ERRORS = (*READ_ERRORS, 413, 415)


def answers(ok: Mapping, errors=READ_ERRORS) -> dict:
    """The responses of an operation for its schema: its successes and the errors it may give."""
    return {
        **ok,
        **{code: OpenApiResponse(ErrorSerializer, description=WHY[code]) for code in errors},
    }
