"""The quarterly briefing pack's page, download and API (KZ §31; issue #10 item 6). Thin: find
the scope (``oversight.scopes.scope_get_for_user``: a user with no dashboard, or a scope they may
not see, gets 404), parse the quarter (messages per field: the page again with 400, or 400 in the
API), call ``oversight.pack.quarterly_pack`` (audited), send the file.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight import pack as packs
from oversight.scopes import scope_choices_for_user, scope_get_for_user


def _file(made: packs.Pack) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _make(request, scope, *, format_param: str = "format"):
    """(pack, errors) for the request's ``year``, ``quarter`` and format (``format_param``)."""
    quarter, errors = packs.quarter_parse(request.GET.get("year"), request.GET.get("quarter"), scope=scope)
    fmt = request.GET.get(format_param, "")
    if fmt not in packs.PACK_FORMATS:
        errors = {**errors, format_param: [_("Choose PDF or XLSX.")]}
    if errors:
        return None, errors
    return packs.quarterly_pack(user=request.user, scope=scope, quarter=quarter, fmt=fmt), {}


@login_required
@require_GET
def pack(request):
    """The scope's packs of the last quarters, and any quarter on demand (``year``, ``quarter``,
    ``format``): the file, or the page again with the messages (400)."""
    scope = scope_get_for_user(request.user, request.GET.get("scope"))
    errors = {}
    if "format" in request.GET or "year" in request.GET or "quarter" in request.GET:
        made, errors = _make(request, scope)
        if made is not None:
            return _file(made)
    context = {
        "scope": scope, "scopes": scope_choices_for_user(request.user, scope),
        "quarters": [(q, urlencode({"scope": scope.token, "year": q.year, "quarter": q.number}))
                     for q in packs.recent_quarters(scope)],
        "errors": errors, "query": request.GET, "scope_query": urlencode({"scope": scope.token}),
    }
    return render(request, "oversight/pack.html", context, status=400 if errors else 200)


class DashboardPackApi(APIView):
    @extend_schema(
        summary="The quarterly briefing pack of a scope (KZ §31), as a PDF or an XLSX file",
        description=("The dashboard's figures over the quarter's three months, small counts suppressed "
                     "(SPEC D4), no personal data; every download is audited."),
        parameters=[
            OpenApiParameter("scope", str, description="`country:<id>`, `region:<id>` or `agency:<id>`; "
                                                       "default: your first."),
            OpenApiParameter("year", int, required=True, description="The quarter's year, e.g. 2026."),
            OpenApiParameter("quarter", int, required=True, enum=[1, 2, 3, 4]),
            # Not "format": the API reads that one as the response's renderer.
            OpenApiParameter("file", str, required=True, enum=list(packs.PACK_FORMATS)),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                   (200, packs.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
                   400: OpenApiResponse(description="Messages per field: `{field: [message]}`."),
                   404: OpenApiResponse(description="You have no dashboard, or may not see this scope.")},
    )
    def get(self, request):
        scope = scope_get_for_user(request.user, request.query_params.get("scope"))
        made, errors = _make(request, scope, format_param="file")
        if errors:
            return Response(errors, status=400)
        return _file(made)
