"""Pages of the API's lists: ``page`` is a whole number from 1, as the schema says."""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_PATTERN = r"^[1-9][0-9]*$"


def read_page(value):
    """The page a query string asks for: 1 when absent; a 400 for anything but 1, 2, 3, …"""
    if value is None:
        return 1
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ValidationError({"page": ["Give a page number from 1."]})
    return int(value)


class ArchivePagination(PageNumberPagination):
    """DRF's page numbers, without its ``page=last`` and its 404 for ``page=0``."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        number = read_page(request.query_params.get(self.page_query_param))
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(f"There is no page {number}: the last is {paginator.num_pages}.") from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": f"Page number, from 1 ({self.page_size} a page).",
                "schema": {"type": "integer", "minimum": 1},
            }
        ]
