"""The lists' access table follows every grant and revocation, and a page is an index range.

DESIGN §4: lists read ``CaseAccess`` (one row per grantee and case, ordered like the
lists), merged over the user's few grantees; single cases are still checked by guardian.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency
from cases import permissions
from cases.models import Case, CaseAccess
from cases.selectors import CaseListFilters, case_page
from cases.vocabulary import CaseStatus
from commission import services as commission
from notifications.models import DeadlineState
from notifications.services.clocks import deadline_waive
from notifications.services.notices import notice_send
from notifications.services.sweep import deadlines_sweep
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def listed(user, **filters) -> list:
    """Every case of the user's list, following the cursors, 2 per page."""
    cases, cursor = [], None
    while True:
        rows, cursor = case_page(user, filters=CaseListFilters(**filters), cursor=cursor, size=2)
        cases += rows
        if cursor is None:
            return cases


def grantees_of(case) -> set:
    return {(row.group_id and f"group:{row.group_id}") or f"user:{row.user_id}"
            for row in CaseAccess.objects.filter(case=case)}


def test_filing_gives_the_school_team_and_a_reporting_teacher_their_rows(persona, file_case):
    case = file_case(persona("kz-teacher"), "kz-school-1")
    school = Agency.objects.get(code="kz-school-1")
    assert grantees_of(case) == {f"group:{school.case_group_id}", f"user:{persona('kz-teacher').pk}"}
    row = CaseAccess.objects.filter(case=case).first()
    assert (row.received_at, row.status, row.is_urgent, row.is_overdue) == (case.received_at, "open", False, False)


def test_a_class_teacher_lists_only_what_they_filed(persona, file_case):
    mine = file_case(persona("kz-teacher"), "kz-school-1")
    file_case(persona("kz-coordinator"), "kz-school-1")
    assert listed(persona("kz-teacher")) == [mine]
    assert len(listed(persona("kz-coordinator"))) == 2
    assert listed(persona("kz-coordinator-2")) == [] and listed(persona("ua-coordinator")) == []


def test_a_notice_shares_the_case_and_the_agency_lists_it(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    officer = persona("kz-guardianship")
    assert listed(officer) == []
    notice_send(user=persona("kz-head"), case=case, channel="phone",
                to_agency=Agency.objects.get(code="kz-guardianship"))
    notice_send(user=persona("kz-head"), case=case, channel="email",
                to_agency=Agency.objects.get(code="kz-guardianship"))
    assert listed(officer) == [case]
    assert client_for(officer).get("/api/v1/cases/").json()["results"][0]["id"] == str(case.pk)


def test_a_closed_meetings_invitee_no_longer_lists_the_case(persona, file_case):
    case = file_case(persona("ua-coordinator"), "ua-school-1", received_at=NOW - dt.timedelta(minutes=5))
    secretary, police = persona("ua-secretary"), persona("ua-police")
    # Soon enough to be opened now (COMMISSION_OPEN_GRACE_MINUTES), so on short notice (UA IV.6).
    meeting = commission.meeting_schedule(user=secretary, school=case.school,
                                          starts_at=timezone.now() + dt.timedelta(minutes=10),
                                          place="Кабінет 12", cases=[case],
                                          short_notice_reason="Термінове засідання.")
    commission.invitation_add(user=secretary, meeting=meeting, case=case, invitee=police, consent_recorded=True)
    assert listed(police) == [case]
    for name in ("ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue",
                 "ua-teacher"):
        commission.attendance_mark(user=secretary, meeting=meeting, member=persona(name), present=True)
    commission.meeting_open(user=secretary, meeting=meeting)
    commission.meeting_close(user=secretary, meeting=meeting)

    assert listed(police) == []
    assert not police.has_perm("cases.view_case", case)
    # Members keep the materials of their agenda (UA III.5); the school team keeps its case.
    assert listed(persona("ua-teacher")) == [case] and listed(persona("ua-coordinator")) == [case]


def test_revoking_a_user_grant_keeps_what_their_group_sees(persona, file_case):
    coordinator = persona("kz-coordinator")
    case = file_case(coordinator, "kz-school-1")
    permissions.grant_to_user(case, coordinator, (permissions.VIEW,))
    assert listed(coordinator) == [case]  # one row, though two grantees hold it
    permissions.revoke_from_user(case, coordinator, (permissions.VIEW,))
    assert listed(coordinator) == [case]
    assert not CaseAccess.objects.filter(case=case, user=coordinator).exists()


def test_equal_received_at_pages_by_id_without_gaps_or_repeats(persona, file_case):
    same = NOW - dt.timedelta(hours=1)
    cases = [file_case(persona("kz-coordinator"), "kz-school-1", received_at=same) for _ in range(5)]
    newer = file_case(persona("kz-coordinator"), "kz-school-1", received_at=same + dt.timedelta(seconds=1))
    older = file_case(persona("kz-coordinator"), "kz-school-1", received_at=same - dt.timedelta(seconds=1))
    expected = [newer, *sorted(cases, key=lambda c: c.pk, reverse=True), older]
    assert listed(persona("kz-coordinator")) == expected


def test_a_bad_cursor_starts_from_the_top(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    for cursor in ("garbage", "bm90IGEgY3Vyc29y", ""):
        assert case_page(persona("kz-coordinator"), cursor=cursor)[0] == [case]


def test_filters_status_urgent(persona, file_case):
    coordinator = persona("kz-coordinator")
    plain = file_case(coordinator, "kz-school-1")
    urgent = file_case(coordinator, "kz-school-1")
    Case.objects.filter(pk=urgent.pk).update(is_urgent=True)
    urgent.refresh_from_db()
    permissions.access_sync(urgent)
    closed = file_case(coordinator, "kz-school-1")
    closed.status = CaseStatus.CLOSED
    closed.save(update_fields=["status"])
    permissions.access_sync(closed)

    assert listed(coordinator, urgent=True) == [urgent]
    assert listed(coordinator, status="closed") == [closed]
    assert listed(coordinator, status="open") == [urgent, plain]
    assert listed(coordinator, status="open", urgent=True) == [urgent]
    client = client_for(coordinator)
    assert [c["id"] for c in client.get("/api/v1/cases/", {"urgent": "true"}).json()["results"]] == [str(urgent.pk)]
    assert client.get("/api/v1/cases/", {"status": "lost"}).status_code == 400


def test_a_breached_clock_marks_the_case_overdue_until_the_last_breach_is_waived(persona, file_case):
    coordinator, head = persona("kz-coordinator"), persona("kz-head")
    late = file_case(coordinator, "kz-school-1", received_at=NOW - dt.timedelta(hours=2))
    file_case(coordinator, "kz-school-1")
    assert listed(coordinator, overdue=True) == []
    deadlines_sweep()
    late.refresh_from_db()
    assert late.is_overdue and listed(coordinator, overdue=True) == [late]

    client = client_for(coordinator)
    assert [c["id"] for c in client.get("/api/v1/cases/", {"overdue": "1"}).json()["results"]] == [str(late.pk)]
    breached = list(late.deadlines.filter(state=DeadlineState.BREACHED))
    assert len(breached) >= 2
    deadline_waive(user=head, deadline=breached[0], reason="Recorded on paper.")
    assert listed(coordinator, overdue=True) == [late]
    for deadline in breached[1:]:
        deadline_waive(user=head, deadline=deadline, reason="Recorded on paper.")
    late.refresh_from_db()
    assert not late.is_overdue and listed(coordinator, overdue=True) == []


def test_the_browser_list_filters_and_keeps_the_filter_on_the_next_page(client, persona, file_case):
    coordinator = persona("kz-coordinator")
    urgent = [file_case(coordinator, "kz-school-1", received_at=NOW - dt.timedelta(minutes=m)) for m in range(1, 53)]
    Case.objects.filter(pk__in=[c.pk for c in urgent]).update(is_urgent=True)
    CaseAccess.objects.filter(case__in=urgent).update(is_urgent=True)
    file_case(coordinator, "kz-school-1")
    client.force_login(coordinator)
    html = client.get("/cases/", {"urgent": "1"}).content.decode()
    assert html.count('class="urgent"') == 50
    older = re.search(r'href="\?cursor=([^"&]+)&amp;urgent=1"', html)
    assert older, "the Older link keeps the filter"
    html = client.get(f"/cases/?cursor={older.group(1)}&urgent=1").content.decode()
    assert html.count('class="urgent"') == 2


def page_queries(user, size=50):
    with CaptureQueriesContext(connection) as queries:
        rows, _ = case_page(user, size=size)
        [(c.reference, c.jurisdiction.code) for c in rows]
    return len(queries), queries


def test_a_page_costs_the_same_queries_however_many_cases_the_grantees_hold(persona, file_case):
    coordinator = persona("kz-coordinator")
    file_case(coordinator, "kz-school-1")
    few, _ = page_queries(coordinator)
    for _ in range(12):
        file_case(coordinator, "kz-school-1")
    many, _ = page_queries(coordinator, size=5)
    assert few == many <= 2  # the user's groups, then the page with its cases joined


def test_the_api_list_has_a_bounded_number_of_queries(persona, file_case, django_assert_max_num_queries):
    coordinator = persona("kz-coordinator")
    for _ in range(6):
        file_case(coordinator, "kz-school-1")
    client = client_for(coordinator)
    client.get("/api/v1/cases/")  # warm caches (content types, permissions)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/cases/", {"page_size": 4}).json()
    assert len(body["results"]) == 4 and body["next"] and body["previous"] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner under test is PostgreSQL's")
def test_the_page_query_is_an_index_range_per_grantee(persona, file_case):
    """With many grants in the table, the page reads the per-grantee index, never a scan
    of the grants or a hashed subplan over them (the OR-of-EXISTS shape it replaced)."""
    coordinator = persona("kz-coordinator")
    case = file_case(coordinator, "kz-school-1")
    group_id = Agency.objects.get(code="kz-school-1").case_group_id
    with connection.cursor() as cur:  # 30,000 more cases of the school, straight in SQL
        cur.execute("""
            WITH generated AS (
                INSERT INTO cases_case (id, school_id, intake_agency_id, jurisdiction_id, register_year,
                                        register_number, received_at,
                                        channel, kinds, forms, places, description, is_urgent, is_overdue, status,
                                        created_by_id, created_at, updated_at)
                SELECT gen_random_uuid(), school_id, intake_agency_id, jurisdiction_id, register_year, 100000 + s,
                       received_at - s * interval '1 minute', channel, kinds, forms, places, '', s %% 7 = 0,
                       false, status, created_by_id, created_at, updated_at
                  FROM cases_case, generate_series(1, 30000) s WHERE id = %s
                RETURNING id, received_at, is_urgent)
            INSERT INTO cases_caseaccess (case_id, group_id, received_at, status, is_urgent, is_overdue)
            SELECT id, %s, received_at, 'open', is_urgent, false FROM generated""", [case.pk, group_id])
        cur.execute("ANALYZE cases_caseaccess")
        cur.execute("ANALYZE cases_case")
    for filters in (CaseListFilters(), CaseListFilters(status="open"), CaseListFilters(urgent=True)):
        with CaptureQueriesContext(connection) as queries:
            case_page(coordinator, filters=filters, cursor=None, size=50)
        page_sql = queries.captured_queries[-1]["sql"]
        with connection.cursor() as cur:
            cur.execute("EXPLAIN " + page_sql)
            plan = "\n".join(row[0] for row in cur.fetchall())
        assert "case_access_group" in plan and "Index" in plan, plan
        assert "Seq Scan on cases_caseaccess" not in plan, plan
        assert "SubPlan" not in plan, plan
    assert case_page(coordinator, size=50)[0][0] == case
