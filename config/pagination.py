"""Pages for every list in the API, and query parameters read strictly.

DRF ignores a page size that is not a number and answers a cursor or page number it cannot
read with a 404, as if the list did not exist. Here both are a 400 naming the parameter, like
any other bad input (config/errors.py), and the schema says what is accepted. A filter
serializer that mixes in ``StrictQueryMixin`` refuses an empty value (``?status=``) instead of
reading it as absent.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

BAD_QUERY = OpenApiResponse(description="Messages per query parameter, in the request's language: "
                                        "`{parameter: [message]}` (a filter, the page size, the cursor or page).")


def page_size_from(request, *, param: str, default: int, maximum: int) -> int:
    """The page size asked for (at most ``maximum``), ``default`` when none; a 400 when not 1 or more."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise ValidationError({param: [_("Give a whole number of items per page, at least 1.")]})
    return min(size, maximum)


def _page_size_schema(parameters: list, param: str, maximum: int) -> list:
    for parameter in parameters:
        if parameter.get("name") == param:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            parameter["description"] = _("Items per page (at most %(maximum)d; more is read as %(maximum)d).") % {
                "maximum": maximum}
    return parameters


class StrictCursorPagination(CursorPagination):
    """Cursor pages; a page size or cursor it cannot read is a 400 naming it."""

    page_size_query_param = "page_size"

    def get_page_size(self, request):
        return page_size_from(request, param=self.page_size_query_param, default=self.page_size,
                              maximum=self.max_page_size)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [
                _("This is not a cursor of this list: follow the list's `next` link.")]}) from None

    def get_schema_operation_parameters(self, view):
        return _page_size_schema(super().get_schema_operation_parameters(view), self.page_size_query_param,
                                 self.max_page_size)


class StrictPageNumberPagination(PageNumberPagination):
    """Numbered pages; a page size or page number it cannot read (or past the last page) is a 400."""

    page_size_query_param = "page_size"

    def get_page_size(self, request):
        return page_size_from(request, param=self.page_size_query_param, default=self.page_size,
                              maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view=view)
        except NotFound:
            raise ValidationError({self.page_query_param: [
                _("There is no such page: pages are numbered from 1 to the last one.")]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = _page_size_schema(super().get_schema_operation_parameters(view), self.page_size_query_param,
                                       self.max_page_size)
        for parameter in parameters:
            if parameter.get("name") == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class StrictQueryMixin:
    """For a serializer of query parameters: an empty value (``?status=``) is refused like any
    other value the field does not take, not read as if the parameter were absent (DRF's
    reading of an HTML form)."""

    def to_internal_value(self, data):
        errors = {}
        for name, field in self.fields.items():
            if hasattr(data, "getlist") and name in data and data.get(name) == "" \
                    and not getattr(field, "allow_blank", False):
                errors[name] = [serializers.CharField.default_error_messages["blank"]]
        if errors:
            raise ValidationError(errors)
        return super().to_internal_value(data)
