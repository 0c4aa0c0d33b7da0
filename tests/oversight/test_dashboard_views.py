"""The dashboard pages, API and exports as each office sees them (issue #10; SPEC O1, O2, D4)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from agencies.models import Agency, Region
from conftest import make_parties
from notifications.models import Deadline, DeadlineRule, DeadlineState
from oversight import metrics as M
from oversight.models import ScopeType, Tally
from oversight.scopes import scope_get_for_user
from oversight.selectors import period_preset
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(persona):
    def _client(username):
        client = APIClient()
        client.force_login(persona(username))
        return client
    return _client


def put(scope_type, scope_id, metric, key, n, month=None):
    Tally.objects.create(scope_type=scope_type, scope_id=scope_id, metric=metric, key=key, n=n,
                         month=month or timezone.now().date().replace(day=1))


@pytest.fixture
def kz_figures(demo, persona):
    scope = scope_get_for_user(persona("kz-ombudsman"))
    put(scope.type, scope.id, M.CHANNEL, "self_report", 12)
    put(scope.type, scope.id, M.CHANNEL, "parent_report", 2)
    put(scope.type, scope.id, M.CHANNEL, "staff_report", 7)
    put(scope.type, scope.id, M.CLOCK, "kz.police_notice|met", 25)
    put(scope.type, scope.id, M.CLOCK, "kz.police_notice|breached", 6)
    return scope


def test_the_national_office_sees_its_country_with_tables_and_charts(client_for, kz_figures):
    response = client_for("kz-ombudsman").get(reverse("oversight:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Қазақстан Республикасы" in body
    assert 'role="img"' in body and "<svg" in body  # server-side charts
    assert "KZ §18.2, §26.1" in body  # the rule's citation
    assert "&lt;5" in body  # the 2 is hidden
    # Its regions are offered to drill down to.
    region = Agency.objects.get(code="kz-bkou").region
    assert f'value="region:{region.pk}"' in body


def test_a_national_office_drills_down_to_a_region(client_for, kz_figures):
    region = Agency.objects.get(code="kz-bkou").region
    put(ScopeType.REGION, region.pk, M.CHANNEL, "self_report", 9)
    response = client_for("kz-ombudsman").get(reverse("oversight:home"), {"scope": f"region:{region.pk}"})
    assert response.status_code == 200
    assert region.name in response.content.decode()


def test_the_regional_office_sees_its_region_only(client_for, kz_figures):
    region = Agency.objects.get(code="kz-bkou").region
    client = client_for("kz-regional-ombudsman")
    assert client.get(reverse("oversight:home")).status_code == 200
    country = kz_figures.token
    assert client.get(reverse("oversight:home"), {"scope": country}).status_code == 404
    assert client.get(reverse("api-dashboard"), {"scope": country}).status_code == 404
    other = Region.objects.exclude(pk=region.pk).first()
    assert client.get(reverse("oversight:home"), {"scope": f"region:{other.pk}"}).status_code == 404


def test_a_school_head_sees_the_school_and_no_other(client_for, demo):
    client = client_for("kz-head")
    school = Agency.objects.get(code="kz-school-1")
    response = client.get(reverse("oversight:home"))
    assert response.status_code == 200 and school.name in response.content.decode()
    other = Agency.objects.get(code="kz-school-2")
    assert client.get(reverse("oversight:home"), {"scope": f"agency:{other.pk}"}).status_code == 404


@pytest.mark.parametrize("query, field", [
    ({"start": "2026-13", "end": "2026-03"}, "start"),
    ({"start": "2026-05", "end": "2026-03"}, "end"),
    ({"preset": "forever"}, "preset"),
])
def test_a_bad_period_is_refused_field_by_field(client_for, kz_figures, query, field):
    client = client_for("kz-ombudsman")
    page = client.get(reverse("oversight:home"), query)
    assert page.status_code == 400
    assert f'id="id_{field}_error"' in page.content.decode()
    api = client.get(reverse("api-dashboard"), query)
    assert api.status_code == 400 and field in api.json()


def test_the_api_gives_the_pages_figures_with_null_for_a_hidden_one(client_for, kz_figures):
    data = client_for("kz-ombudsman").get(reverse("api-dashboard"), {"preset": "this_month"}).json()
    channels = next(t for t in data["tables"] if t["slug"] == "channels")
    figures = {row["key"]: row["cells"][0] for row in channels["rows"]}
    assert figures["self_report"] == {"value": 12, "text": "12", "suppressed": False}
    assert figures["parent_report"] == {"value": None, "text": "<5", "suppressed": True}
    assert figures["staff_report"]["suppressed"]  # the complement: 21 - 12 would give the 2 away
    assert channels["totals"]["cells"][0]["value"] == 21
    assert data["min_cell"] == 5 and data["scope"]["token"] == kz_figures.token


def test_scopes_api_lists_the_regions_for_a_national_office(client_for, demo):
    data = client_for("kz-ombudsman").get(reverse("api-dashboard-scopes")).json()
    assert data[0]["type"] == "country"
    assert {"region"} <= {s["type"] for s in data}
    assert client_for("kz-coordinator").get(reverse("api-dashboard-scopes")).status_code == 404


def test_a_csv_export_holds_the_suppressed_table_and_is_audited(client_for, kz_figures):
    before = AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT).count()
    response = client_for("kz-ombudsman").get(reverse("oversight:export"),
                                              {"preset": "this_month", "table": "channels", "format": "csv"})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"dashboard-country-{kz_figures.id}-" in disposition and disposition.endswith('-channels.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label = {row[0]: row[1:] for row in rows if row}
    assert by_label["Self-report by the pupil"] == ["12"]
    assert by_label["Total"] == ["21"]
    assert "2" not in [cell for row in rows for cell in row]
    event = AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT).latest("id")
    assert AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT).count() == before + 1
    period = period_preset("this_month", jurisdiction=kz_figures.jurisdiction)
    assert event.detail == {"scope": kz_figures.token, "period": period.as_json(), "table": "channels",
                            "format": "csv"}


def test_an_xlsx_export_of_every_table(client_for, kz_figures):
    response = client_for("kz-ombudsman").get(reverse("oversight:export"),
                                              {"preset": "this_month", "table": "all", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"compliance_rule", "channels", "trend"} <= set(book.sheetnames)
    values = [c for row in book["channels"].iter_rows(values_only=True) for c in row if c is not None]
    assert 12 in values and "<5" in values and 2 not in values


def test_a_bad_export_request_is_refused_and_not_audited(client_for, kz_figures):
    before = AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT).count()
    client = client_for("kz-ombudsman")
    assert client.get(reverse("oversight:export"), {"table": "nope", "format": "csv"}).status_code == 400
    assert client.get(reverse("oversight:export"), {"table": "channels", "format": "pdf"}).status_code == 400
    assert client.get(reverse("oversight:export"), {"table": "all", "format": "csv"}).status_code == 400
    assert AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT).count() == before


def test_the_overdue_list_shows_references_and_rules_never_names(client_for, file_case, persona):
    case = file_case(persona("kz-coordinator"), "kz-school-1",
                     parties=make_parties(victim_name=("Канареечкина", "Зульфия")))
    rule = DeadlineRule.objects.get(code="kz.police_notice")
    deadline = Deadline.objects.get(case=case, rule=rule)
    Deadline.objects.filter(pk=deadline.pk).update(state=DeadlineState.BREACHED,
                                                   due_at=timezone.now() - dt.timedelta(hours=30))
    for username in ("kz-ombudsman", "kz-regional-ombudsman", "kz-head"):
        client = client_for(username)
        body = client.get(reverse("oversight:overdue")).content.decode()
        assert case.reference in body, username
        assert "Канареечкина" not in body and "Зульфия" not in body
        assert "1 d 6 h" in body
        assert "№1 жалпы білім беретін мектеп" in body  # a school's clock: its school answers for it
        data = client.get(reverse("api-dashboard-overdue")).json()
        assert [item["reference"] for item in data["results"]] == [case.reference]
        assert data["results"][0]["source"] == rule.source
    # The whole list downloads as a file, by reference only, and the download is audited.
    response = client_for("kz-ombudsman").get(reverse("oversight:export"), {"table": "overdue", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('-overdue.csv"')
    assert case.reference in text and rule.source in text and "Канареечкина" not in text
    assert AuditEvent.objects.filter(action=AuditAction.DASHBOARD_EXPORT, detail__table="overdue").exists()
    # The other country's office and the other school's head do not see it.
    assert case.reference not in client_for("ua-ombudsman").get(reverse("oversight:overdue")).content.decode()


def test_the_overdue_list_pages_by_cursor(client_for, file_case, persona):
    cases = [file_case(persona("kz-coordinator"), "kz-school-1") for _ in range(3)]
    now = timezone.now()
    for i, case in enumerate(cases):
        Deadline.objects.filter(case=case, rule__code="kz.police_notice").update(
            state=DeadlineState.BREACHED, due_at=now - dt.timedelta(hours=10 - i))
    client = client_for("kz-ombudsman")
    first = client.get(reverse("api-dashboard-overdue"), {"limit": 2}).json()
    assert [r["reference"] for r in first["results"]] == [cases[0].reference, cases[1].reference]
    second = client.get(reverse("api-dashboard-overdue"), {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [r["reference"] for r in second["results"]] == [cases[2].reference]
    assert second["next_cursor"] is None
    assert client.get(reverse("api-dashboard-overdue"), {"cursor": "junk"}).status_code == 400


def test_the_nav_links_the_dashboards_for_offices_and_heads_only(client_for, demo):
    link = reverse("oversight:home")
    assert f'href="{link}"' in client_for("kz-ombudsman").get(reverse("cases:list")).content.decode()
    assert f'href="{link}"' in client_for("kz-head").get(reverse("cases:list")).content.decode()
    assert f'href="{link}"' not in client_for("kz-coordinator").get(reverse("cases:list")).content.decode()


def test_a_cached_dashboard_shows_new_figures_once_the_aggregator_has_counted_them(
        client_for, persona, settings, drain_tallies):
    """The drawn figures are cached (DASHBOARD_CACHE_SECONDS), but only until the summary tables change."""
    from cases.services import PartyInput, case_register

    settings.DASHBOARD_MIN_CELL = 1  # single cases visible, to count them one by one

    def file_one():
        now = timezone.now()
        case_register(user=persona("kz-coordinator"), school=Agency.objects.get(code="kz-school-1"),
                      received_at=now, incident_at=now - dt.timedelta(hours=1), channel="citizen_reception",
                      kinds=["bullying"], forms=["psychological"], places=["classroom"], description="",
                      parties=[PartyInput(role="victim", family_name="A", given_name="B")])

    def citizen_reception_cases(client):
        data = client.get("/api/v1/dashboards/").json()
        channels = next(t for t in data["tables"] if t["slug"] == "channels")
        row = next(r for r in channels["rows"] if r["key"] == "citizen_reception")
        return row["cells"][0]["value"]

    client = client_for("kz-ombudsman")
    file_one()
    drain_tallies()
    assert citizen_reception_cases(client) == 1
    page = client.get(reverse("oversight:home")).content.decode()

    file_one()
    assert citizen_reception_cases(client) == 1  # not counted yet: the aggregator has not run
    drain_tallies()
    assert citizen_reception_cases(client) == 2
    assert client.get(reverse("oversight:home")).content.decode() != page
