"""Browser pages of the oversight dashboards (issue #10; SPEC O1, O2, D4). Thin: find the
scope through ``oversight.scopes.scope_get_for_user`` (a user with no dashboard, or a scope
they may not see, gets 404), parse the period, call a selector, render.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from oversight import exports, selectors
from oversight.charts import chart_for, table_html
from oversight.scopes import scope_choices_for_user, scope_get_for_user

# The page's order of tables; a scope shows those it has (by region for a country, by agency for a region).
SECTIONS = (
    ("compliance", ("compliance_rule", "compliance_agency_kind", "compliance_region", "compliance_agency",
                    "time_to_meet")),
    ("cases", ("trend", "regions", "kinds", "forms", "places", "channels", "status", "outcomes")),
    ("victims", ("victim_age", "victim_sex")),
    ("decisions", ("commission", "placement")),
)


def _context(request, scope, period, errors):
    query = {"scope": scope.token, **(period.query if period else {})}
    return {"scope": scope, "scopes": scope_choices_for_user(request.user, scope), "period": period,
            "errors": errors, "presets": selectors.PRESETS, "query": request.GET, "base_query": urlencode(query),
            "scope_query": urlencode({"scope": scope.token})}


def _figures_html(request, scope, period, base_query) -> str:
    """The page's figures, tables and charts. Drawn once per scope, period and language, then
    cached until the aggregator next changes the summary tables (``figures_cache_key``)."""
    key = selectors.figures_cache_key("page", scope, period)
    html = cache.get(key)
    if html is None:
        figures = selectors.dashboard_figures(scope, period)
        # A region's row of a country's table opens that region's dashboard for the same period.
        drill_url = reverse("oversight:home") + "?" + urlencode({"scope": "__scope__", **period.query})
        sections = []
        for name, slugs in SECTIONS:
            tables = [(figures.tables[slug], chart_for(figures.tables[slug]),
                       table_html(figures.tables[slug], drill_url=drill_url))
                      for slug in slugs if slug in figures.tables]
            if tables:
                sections.append((name, tables))
        html = render_to_string("oversight/_figures.html", {
            "figures": figures, "sections": sections, "k": figures.k, "period": period, "base_query": base_query,
        }, request=request)
        cache.set(key, str(html), settings.DASHBOARD_CACHE_SECONDS)
    return mark_safe(html)  # drawn by our own template, escaped there


@login_required
@require_GET
def dashboard(request):
    scope = scope_get_for_user(request.user, request.GET.get("scope"))
    period, errors = selectors.period_parse(request.GET, jurisdiction=scope.jurisdiction)
    context = _context(request, scope, period, errors)
    if errors:
        return render(request, "oversight/dashboard.html", context, status=400)
    context["body"] = _figures_html(request, scope, period, context["base_query"])
    return render(request, "oversight/dashboard.html", context)


@login_required
@require_GET
def overdue(request):
    scope = scope_get_for_user(request.user, request.GET.get("scope"))
    page = selectors.overdue_list(scope, cursor=request.GET.get("cursor"))
    with timezone.override(scope.jurisdiction.zone):
        return render(request, "oversight/overdue.html", {
            "scope": scope, "scopes": scope_choices_for_user(request.user, scope), "page": page,
            "first_page": not request.GET.get("cursor")})


@login_required
@require_GET
def export(request):
    scope = scope_get_for_user(request.user, request.GET.get("scope"))
    period, errors = selectors.period_parse(request.GET, jurisdiction=scope.jurisdiction)
    if not errors:
        try:
            made = exports.dashboard_export(user=request.user, scope=scope, period=period,
                                            table=request.GET.get("table", ""), fmt=request.GET.get("format", ""))
        except exports.ExportInputError as err:
            errors = err.errors
        else:
            response = HttpResponse(made.content, content_type=made.content_type)
            response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "oversight/dashboard.html", _context(request, scope, period, errors), status=400)
