"""The permission matrix of the oversight dashboards (issue #10; SPEC O1, O2): every route ×
every persona × their own scope and scopes they may not see → the exact status.

A national office (the child-rights ombudsman, the committee, the education ministry; the
education ombudsman in UA) sees its country and any region of it; a regional office (the
regional ombudsman, the akimat, the education authority, the local self-government) its
region; the head of an agency or school their own organisation. Everyone else — a school's
coordinator, a teacher, an officer of any other agency — gets 404 on every dashboard route,
as if it did not exist. A scope one may not see is a 404 too. An export is a write (it is
audited): a refusal writes no audit event.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.demo import AGENCIES, USERS
from agencies.models import Agency, Jurisdiction, Region, StaffRole
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

# Who has a dashboard among the demo personas, and which kind of scope is their first.
COUNTRY = {"kz-ombudsman", "ua-ombudsman"}
REGION = {"kz-regional-ombudsman"}
HEADS = {"kz-head", "kz-police-head", "kz-guardianship-head", "ua-head", "ua-children-service-head"}
# For a persona added later (e.g. an akimat's officer): the kinds of office that see a country or a region.
NATIONAL_KINDS = {"national_ombudsman", "child_rights_committee", "education_ministry", "education_ombudsman"}
REGIONAL_KINDS = {"regional_ombudsman", "local_executive", "education_authority", "local_self_government"}
KIND_OF = {code: kind for agencies in AGENCIES.values() for code, kind, _name in agencies}

ROUTES = [
    ("oversight:home", {}),
    ("oversight:home", {"preset": "this_year"}),
    ("oversight:overdue", {}),
    ("oversight:export", {"table": "channels", "format": "csv"}),
    ("oversight:export", {"table": "all", "format": "xlsx"}),
    ("oversight:export", {"table": "overdue", "format": "csv"}),
    ("api-dashboard", {}),
    ("api-dashboard-scopes", {}),
    ("api-dashboard-overdue", {}),
]
COVERED_NAMES = {name for name, _query in ROUTES}
# A scope one may not see: every route that takes a scope (the scopes list takes none).
SCOPED_ROUTES = [ROUTES[0], ROUTES[2], ROUTES[3], ROUTES[5], ROUTES[6], ROUTES[8]]


def first_scope_type(username: str) -> str | None:
    if username in COUNTRY:
        return "country"
    if username in REGION:
        return "region"
    if username in HEADS:
        return "agency"
    code, role = USERS[username]
    kind = str(Agency.objects.get(code=code).kind) if code not in KIND_OF else str(KIND_OF[code])
    if kind in NATIONAL_KINDS:
        return "country"
    if kind in REGIONAL_KINDS:
        return "region"
    return "agency" if role == StaffRole.HEAD else None


def foreign_scopes(username: str) -> list[str]:
    """Scopes this persona may not see: the other country, its regions, another organisation."""
    code, _role = USERS[username]
    own = Agency.objects.get(code=code)
    other_country = Jurisdiction.objects.exclude(pk=own.jurisdiction_id).first()
    scopes = [f"country:{other_country.pk}", f"agency:{Agency.objects.exclude(pk=own.pk).first().pk}",
              "country:999999", "region:999999", "agency:999999", "bogus", "region:x"]
    scopes += [f"region:{r.pk}" for r in Region.objects.filter(jurisdiction=other_country)]
    if first_scope_type(username) != "country":
        scopes.append(f"country:{own.jurisdiction_id}")
    return scopes


def _exports():
    return AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT).count()


@pytest.mark.parametrize("username", list(USERS))
def test_every_dashboard_route_for(demo, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    expected = 200 if first_scope_type(username) else 404
    mismatches = []
    for name, query in ROUTES:
        before = _exports()
        response = client.get(reverse(name), query)
        if response.status_code != expected:
            mismatches.append(f"{name} {query}: expected {expected}, got {response.status_code}")
        if expected == 404 and _exports() != before:
            mismatches.append(f"{name}: a refusal was audited as an export")
    if expected == 200:
        data = client.get(reverse("api-dashboard")).json()
        if data["scope"]["type"] != first_scope_type(username):
            mismatches.append(f"first scope is {data['scope']['type']}")
        for token in foreign_scopes(username):
            for name, query in SCOPED_ROUTES:
                response = client.get(reverse(name), {**query, "scope": token})
                if response.status_code != 404:
                    mismatches.append(f"{name} scope={token}: expected 404, got {response.status_code}")
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", sorted(COUNTRY))
def test_a_national_office_opens_every_region_of_its_country(demo, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    own = Agency.objects.get(code=USERS[username][0]).jurisdiction
    for region in Region.objects.filter(jurisdiction=own):
        for name, query in ROUTES:
            response = client.get(reverse(name), {**query, "scope": f"region:{region.pk}"})
            assert response.status_code == 200, (name, region.pk, response.status_code)


def test_an_anonymous_visitor_is_sent_to_log_in(demo):
    client = APIClient()
    for name, query in ROUTES:
        response = client.get(reverse(name), query)
        if name.startswith("api-"):
            assert response.status_code == 401, name
        else:
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
