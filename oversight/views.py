"""Browser pages of the oversight dashboards (issue #10; SPEC O1, O2, D4). Thin: find the
scope through ``oversight.scopes.scope_get_for_user`` (a user with no dashboard, or a scope
they may not see, gets 404), parse the period, call a selector, render.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
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


@login_required
@require_GET
def dashboard(request):
    scope = scope_get_for_user(request.user, request.GET.get("scope"))
    period, errors = selectors.period_parse(request.GET, jurisdiction=scope.jurisdiction)
    context = _context(request, scope, period, errors)
    if errors:
        return render(request, "oversight/dashboard.html", context, status=400)
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
    context.update({"figures": figures, "sections": sections, "k": figures.k})
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
