"""One shape for every error the JSON API answers, and the schema that documents it.

Every 4xx under /api/ — a parameter the API cannot read, an unknown object, page or
address — is ``{"error": {"status": 400, "code": "invalid", "message": "…", "field": "year"}}``,
``field`` naming the parameter at fault (null when no one parameter is).
"""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

NOT_FOUND = "not_found"
INVALID = "invalid"


def error_body(status, code, message, field=None):
    return {"error": {"status": status, "code": code, "message": message, "field": field}}


def error_response(status, code, message, field=None):
    """The error as a plain Django response (usable outside DRF views)."""
    return JsonResponse(error_body(status, code, message, field), status=status)


def _first_message(detail):
    """The first (field, message) in DRF's nested validation detail."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner_field, message = _first_message(value)
            return inner_field or (None if field == "non_field_errors" else field), message
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return None, str(detail)


def api_exception_handler(exc, context):
    """DRF's exception handler, answering in the archive's one error shape."""
    if isinstance(exc, Http404):
        request = context.get("request")
        exc = exceptions.NotFound(f"There is nothing at {request.path}." if request is not None else None)
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error stays a server error
    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        (field, message), code = _first_message(exc.detail), INVALID
    else:
        field, message, code = None, str(exc.detail), exc.default_code
    set_rollback()
    response = Response(error_body(status, code, message, field), status=status)
    if isinstance(exc, exceptions.MethodNotAllowed) and context.get("view") is not None:
        response["Allow"] = ", ".join(context["view"].allowed_methods)
    return response


def unknown_address(request):
    """Any address under /api/ that names nothing: the error shape, not the HTML 404 page.

    An address that only lacks its final slash is sent on to the one with it.
    """
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_address:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return error_response(404, NOT_FOUND, f"There is nothing at {request.path}.")


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text='"invalid" for a parameter the API cannot read, "not_found", …')
    message = serializers.CharField(help_text="What is wrong, for a person to read.")
    field = serializers.CharField(allow_null=True, help_text="The parameter at fault, or null.")


class SearchTimedOut(exceptions.APIException):
    """A search stopped at ARCHIVE_SEARCH_TIME_LIMIT: its counts would not be exact."""

    status_code = 503
    default_code = "timeout"
    default_detail = "The search took too long and was stopped; add words, quote a phrase, or add a filter."


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API (4xx, and 503 for a search stopped at its time limit)."""

    error = ErrorDetailSerializer()


class QueryStringSerializer(serializers.Serializer):
    """A query string's parameters, read as the schema states them: a parameter that is
    given must hold a value (DRF's form rules would read ``year=`` as no year at all)."""

    def to_internal_value(self, data):
        empty = [
            name for name, field in self.fields.items()
            if name in data and data.get(name) == "" and not getattr(field, "allow_blank", False)
        ]
        if empty:
            raise serializers.ValidationError({empty[0]: ["Give a value, or leave the parameter out."]})
        return super().to_internal_value(data)
