"""The permission matrix of the quarterly briefing pack (KZ §31; issue #10 item 6): its page, its
downloads and its API × every persona × their own scope and scopes they may not see.

Who may download a scope's pack is who may see its dashboard: a national office its country and
any region of it, a regional office (regional ombudsman, akimat, education authority, local
self-government) its region, the head of an agency or school their own organisation; everyone else
gets 404 on every route, as if it did not exist, and a refusal writes no audit entry.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import Agency, Jurisdiction, Region, StaffRole
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

NATIONAL_KINDS = {"national_ombudsman", "child_rights_committee", "education_ministry", "education_ombudsman"}
REGIONAL_KINDS = {"regional_ombudsman", "local_executive", "education_authority", "local_self_government"}


def _quarter() -> dict:
    today = Jurisdiction.objects.get(code="KZ").local_date(timezone.now())
    return {"year": today.year, "quarter": (today.month - 1) // 3 + 1}


def routes() -> list[tuple[str, dict]]:
    quarter = _quarter()
    return [
        ("oversight:pack", {}),
        ("oversight:pack", {**quarter, "format": "pdf"}),
        ("oversight:pack", {**quarter, "format": "xlsx"}),
        ("api-dashboard-pack", {**quarter, "file": "pdf"}),
    ]


COVERED_NAMES = {"oversight:pack", "api-dashboard-pack"}


def sees_a_dashboard(username: str) -> bool:
    code, role = USERS[username]
    kind = Agency.objects.get(code=code).kind
    return kind in NATIONAL_KINDS or kind in REGIONAL_KINDS or role == StaffRole.HEAD


def foreign_scopes(username: str) -> list[str]:
    """Scopes this persona may not see: the other country and its regions, another organisation."""
    code, _role = USERS[username]
    own = Agency.objects.get(code=code)
    other = Jurisdiction.objects.exclude(pk=own.jurisdiction_id).first()
    scopes = [f"country:{other.pk}", f"agency:{Agency.objects.exclude(pk=own.pk).first().pk}",
              "region:999999", "bogus"]
    scopes += [f"region:{r.pk}" for r in Region.objects.filter(jurisdiction=other)]
    if own.kind not in NATIONAL_KINDS:
        scopes.append(f"country:{own.jurisdiction_id}")
    return scopes


def _packs() -> int:
    return AuditEvent.objects.filter(action=AuditAction.QUARTERLY_PACK).count()


@pytest.mark.parametrize("username", list(USERS))
def test_every_pack_route_for(demo, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    allowed = sees_a_dashboard(username)
    mismatches = []
    for name, query in routes():
        before = _packs()
        response = client.get(reverse(name), query)
        expected = 200 if allowed else 404
        if response.status_code != expected:
            mismatches.append(f"{name} {query}: expected {expected}, got {response.status_code}")
        downloads = 1 if allowed and ("format" in query or "file" in query) else 0
        if _packs() - before != downloads:
            mismatches.append(f"{name} {query}: {_packs() - before} audit entries, expected {downloads}")
    if allowed:
        for token in foreign_scopes(username):
            for name, query in routes()[1:]:
                before = _packs()
                response = client.get(reverse(name), {**query, "scope": token})
                if response.status_code != 404 or _packs() != before:
                    mismatches.append(f"{name} scope={token}: got {response.status_code}")
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", ["kz-ombudsman", "ua-ombudsman"])
def test_a_national_office_downloads_the_pack_of_every_region(demo, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    own = Agency.objects.get(code=USERS[username][0]).jurisdiction
    for region in Region.objects.filter(jurisdiction=own):
        for name, query in routes()[1:]:
            response = client.get(reverse(name), {**query, "scope": f"region:{region.pk}"})
            assert response.status_code == 200, (name, region.pk, response.status_code)


def test_an_anonymous_visitor_is_sent_to_log_in(demo):
    client = APIClient()
    for name, query in routes():
        response = client.get(reverse(name), query)
        if name.startswith("api-"):
            assert response.status_code == 401, name
        else:
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert _packs() == 0
