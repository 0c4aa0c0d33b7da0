"""REST API of the oversight dashboards (issue #10; SPEC O2, D4). Thin, like the pages:
find the scope (``oversight.scopes.scope_get_for_user``: a user with no dashboard, or a
scope they may not see, gets 404), parse the period (400 with messages per field), call a
selector, serialize. The figures are the page's, suppressed the same way: a hidden figure
is ``{"value": null, "suppressed": true}``; nothing here ever holds a name.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.pagination import StrictQueryMixin
from oversight import selectors
from oversight.scopes import Scope, scope_choices_for_user, scope_get_for_user

BAD_INPUT = OpenApiResponse(description="Messages per field, in the request's language: `{field: [message]}`.")
NOT_FOUND = OpenApiResponse(description="You have no dashboard, or may not see this scope.")
SCOPE_HELP = ("`country:<id>`, `region:<id>` or `agency:<id>`, as `/dashboards/scopes/` lists them; "
              "default: your first.")


class ScopeSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The value of the `scope` parameter.")
    type = serializers.ChoiceField(choices=["country", "region", "agency"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(help_text="The jurisdiction's code.")


class PeriodSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="The first month, YYYY-MM.")
    end = serializers.CharField(help_text="The last month, YYYY-MM (included).")
    preset = serializers.CharField(allow_blank=True, help_text="The preset asked for, if any.")


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text=(
        "The count (an integer) or rate (0 to 1); null when suppressed, or for a figure given as text only."))
    text = serializers.CharField(help_text="The figure as the page shows it: `12`, `<5`, `•`, `75%`, `≤ 2 h`.")
    suppressed = serializers.BooleanField(help_text="Hidden: a count below the minimum cell size, or a figure "
                                                    "that would let a total reveal one (SPEC D4).")


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class RowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A code, an id or a month (YYYY-MM): never a name.")
    label = serializers.CharField()
    note = serializers.CharField(allow_blank=True, help_text="The rule's legal source, where the table has one.")
    scope = serializers.CharField(allow_blank=True, help_text="A scope to drill down to (a region of a country).")
    cells = FigureSerializer(many=True)


class TableSerializer(serializers.Serializer):
    slug = serializers.ChoiceField(choices=list(selectors.TABLE_SLUGS))
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    totals = RowSerializer(allow_null=True)


class CardSerializer(serializers.Serializer):
    label = serializers.CharField()
    figure = FigureSerializer()


class DashboardSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    period = PeriodSerializer()
    min_cell = serializers.IntegerField(help_text="Counts from 1 to this minus one are suppressed.")
    cards = CardSerializer(many=True)
    tables = TableSerializer(many=True)


class DashboardQuerySerializer(StrictQueryMixin, serializers.Serializer):
    scope = serializers.CharField(required=False, max_length=40, help_text=SCOPE_HELP)
    preset = serializers.ChoiceField(choices=list(selectors.PRESETS), required=False,
                                     help_text="Default: last_12_months. `start` and `end` win over it.")
    start = serializers.CharField(required=False, max_length=7, help_text="The first month, YYYY-MM.")
    end = serializers.CharField(required=False, max_length=7, help_text="The last month, YYYY-MM.")


class OverdueQuerySerializer(StrictQueryMixin, serializers.Serializer):
    scope = serializers.CharField(required=False, max_length=40, help_text=SCOPE_HELP)
    cursor = serializers.CharField(required=False, max_length=60, help_text="`next_cursor` of the previous page.")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class OverdueItemSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="The case reference: no personal data.")
    rule = serializers.CharField(source="rule_code")
    rule_name = serializers.CharField()
    source = serializers.CharField(source="rule_source", help_text="The rule's legal citation.")
    responsible = serializers.CharField(source="agency", help_text="The responsible agency (or its kind).")
    due_at = serializers.DateTimeField()
    overdue_for = serializers.CharField()


class OverduePageSerializer(serializers.Serializer):
    results = OverdueItemSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


def _scope_json(scope: Scope) -> dict:
    return {"token": scope.token, "type": scope.type, "id": scope.id, "name": scope.name,
            "country": scope.jurisdiction.code}


def _figure(cell) -> dict:
    if hasattr(cell, "as_json"):
        data = cell.as_json()
        return {"value": data["value"], "text": cell.display, "suppressed": data["suppressed"]}
    return {"value": None, "text": str(cell), "suppressed": False}


def _row(row) -> dict:
    return {"key": row.key, "label": row.label, "note": row.note, "scope": row.link,
            "cells": [_figure(cell) for cell in row.cells]}


def dashboard_json(figures: selectors.Dashboard) -> dict:
    """The dashboard as the API gives it (and tests compare with the page)."""
    return {
        "scope": _scope_json(figures.scope),
        "period": figures.period.as_json(),
        "min_cell": figures.k,
        "cards": [{"label": card.label, "figure": _figure(card.figure)} for card in figures.cards],
        "tables": [{"slug": t.slug, "title": t.title,
                    "columns": [{"key": c.key, "label": c.label} for c in t.columns],
                    "rows": [_row(r) for r in t.rows], "totals": _row(t.totals) if t.totals else None}
                   for t in figures.tables.values()],
    }


class DashboardScopesApi(APIView):
    @extend_schema(responses={200: ScopeSerializer(many=True), 404: NOT_FOUND},
                   description="The dashboards you may open: your country, region or organisation, and for a "
                               "national office every region of its country.")
    def get(self, request):
        current = scope_get_for_user(request.user)
        return Response([_scope_json(s) for s in scope_choices_for_user(request.user, current)])


class DashboardApi(APIView):
    @extend_schema(parameters=[DashboardQuerySerializer],
                   responses={200: DashboardSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Every figure of a dashboard for a period of whole months, read from the summary "
                               "tables and suppressed like the page (SPEC D4).")
    def get(self, request):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = scope_get_for_user(request.user, query.validated_data.get("scope"))
        period, errors = selectors.period_parse(request.query_params, jurisdiction=scope.jurisdiction)
        if errors:
            raise serializers.ValidationError(errors)
        key = selectors.figures_cache_key("api", scope, period)
        data = cache.get(key)
        if data is None:
            data = dashboard_json(selectors.dashboard_figures(scope, period))
            cache.set(key, data, settings.DASHBOARD_CACHE_SECONDS)
        return Response(data)


class DashboardOverdueApi(APIView):
    @extend_schema(parameters=[OverdueQuerySerializer],
                   responses={200: OverduePageSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Statutory deadlines breached and still not met in the scope now, longest overdue "
                               "first: case reference, rule, citation, responsible agency — never a name.")
    def get(self, request):
        query = OverdueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = scope_get_for_user(request.user, data.get("scope"))
        cursor = data.get("cursor")
        if cursor and selectors.cursor_parse(cursor) is None:
            raise serializers.ValidationError({"cursor": [_("Use the next_cursor of the previous page.")]})
        page = selectors.overdue_list(scope, cursor=cursor, limit=data["limit"])
        return Response({"results": OverdueItemSerializer(page.items, many=True).data,
                         "next_cursor": page.next_cursor})
