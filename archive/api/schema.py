"""How the OpenAPI schema describes every operation's answers besides its 200.

Each operation documents the error shape for 400 (a parameter it cannot read) when it
takes parameters and for 404 (no such object or page), and the 301 of an address that
moved (a transcript's old slug, a merged speaker).
"""

from drf_spectacular.openapi import AutoSchema

from archive.api.errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "A parameter the API cannot read; `field` names it.",
    "404": "No such object, page or address.",
    "503": "The search ran past its time limit and was stopped; narrow it (`code` is `timeout`).",
}
MOVED = {"description": "The object moved: `Location` gives its address now.", "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}}}


class ArchiveAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the statuses every API view can answer."""

    # Views whose objects can move answer 301 at their old address.
    moves = False

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        statuses = ["404"]
        if any(parameter["in"] == "query" for parameter in self._get_parameters()):
            statuses.insert(0, "400")
        if getattr(self.view, "can_time_out", False):
            statuses.append("503")
        for status in statuses:
            responses.setdefault(
                status, {"content": {"application/json": {"schema": error}}, "description": ERROR_DESCRIPTIONS[status]}
            )
        if getattr(self.view, "moves", False):
            responses.setdefault("301", MOVED)
        return dict(sorted(responses.items()))
