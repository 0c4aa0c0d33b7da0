import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency
from cases import permissions
from cases.services import case_share_with_agency
from privacy.models import AuditEvent
from tests.api.clients import client_for

pytestmark = pytest.mark.django_db

LIST_FIELDS = {"id", "reference", "school", "jurisdiction", "received_at", "incident_at", "channel",
               "kinds", "forms", "places", "is_urgent", "status"}
IDENTITY_FIELDS = {"family_name", "given_name", "patronymic", "birth_date", "identity_number",
                   "class_name", "phone", "address"}


def detail_url(case):
    return f"/api/v1/cases/{case.pk}/"


def ids(response):
    return [item["id"] for item in response.json()["results"]]


def test_the_list_is_newest_first_page_by_page_without_personal_data(persona, file_case):
    coordinator = persona("kz-coordinator")
    now = timezone.now()
    cases = [file_case(coordinator, "kz-school-1", received_at=now - dt.timedelta(hours=h)) for h in (3, 1, 2)]
    client = client_for(coordinator)

    first = client.get("/api/v1/cases/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [c["id"] for c in first["results"] + second["results"]] == [str(cases[i].pk) for i in (1, 2, 0)]
    assert second["next"] is None and "count" not in first
    item = first["results"][0]
    assert set(item) == LIST_FIELDS
    assert item["jurisdiction"] == "KZ" and item["school"] == cases[1].school_id
    assert item["kinds"] == ["bullying"] and item["channel"] == "self_report"


def test_each_school_lists_only_its_own_cases(persona, file_case):
    own = file_case(persona("kz-coordinator"), "kz-school-1")
    other = file_case(persona("kz-coordinator-2"), "kz-school-2")

    assert ids(client_for(persona("kz-coordinator")).get("/api/v1/cases/")) == [str(own.pk)]
    assert ids(client_for(persona("kz-coordinator-2")).get("/api/v1/cases/")) == [str(other.pk)]
    assert ids(client_for(persona("ua-coordinator")).get("/api/v1/cases/")) == []
    assert ids(client_for(persona("kz-ombudsman")).get("/api/v1/cases/")) == []


def test_a_class_teacher_sees_only_the_cases_they_filed(persona, file_case):
    mine = file_case(persona("kz-teacher"), "kz-school-1")
    not_mine = file_case(persona("kz-coordinator"), "kz-school-1")
    teacher = client_for(persona("kz-teacher"))

    assert ids(teacher.get("/api/v1/cases/")) == [str(mine.pk)]
    assert teacher.get(detail_url(mine)).status_code == 200
    assert teacher.get(detail_url(not_mine)).status_code == 404
    assert set(ids(client_for(persona("kz-coordinator")).get("/api/v1/cases/"))) == {str(mine.pk), str(not_mine.pk)}


def test_listing_costs_the_same_queries_for_5_or_40_cases(persona, file_case):
    coordinator = persona("kz-coordinator")
    client = client_for(coordinator)

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/cases/").status_code == 200
        return len(queries)

    for _ in range(5):
        file_case(coordinator, "kz-school-1")
    with_5 = queries_for_list()
    for _ in range(35):
        file_case(coordinator, "kz-school-1")
    with_40 = queries_for_list()

    assert with_5 == with_40 <= 4


def test_the_detail_shows_the_facts_the_description_and_who_is_involved(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    response = client_for(persona("kz-psychologist")).get(detail_url(case))

    assert response.status_code == 200
    assert response.data["reference"] == case.reference
    assert response.data["description"] == "Сыныптастары мазақ етеді."
    victim, parent = response.data["parties"]
    assert (victim["role"], victim["family_name"], victim["class_name"]) == ("victim", "Ахметов", "6А")
    assert victim["birth_date"] == "2013-04-02"
    assert parent["represents"] == victim["id"]


@pytest.mark.parametrize("outsider", ["kz-coordinator-2", "ua-coordinator", "kz-police", "kz-ombudsman"])
def test_an_outsider_gets_404_and_the_attempt_is_recorded(persona, file_case, outsider):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    client = client_for(persona(outsider))

    assert client.get(detail_url(case)).status_code == 404
    assert client.get(f"{detail_url(case)}parties/").status_code == 404
    assert AuditEvent.objects.filter(action="access_refused", case_id=case.pk, actor=persona(outsider)).count() == 2
    assert not AuditEvent.objects.filter(action="case_view", case_id=case.pk).exists()


def test_the_police_see_a_case_with_identities_once_it_is_shared_with_them(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    police = client_for(persona("kz-police"))
    assert police.get(detail_url(case)).status_code == 404

    case_share_with_agency(case=case, agency=Agency.objects.get(code="kz-police"), by=persona("kz-coordinator"))

    response = police.get(detail_url(case))
    assert response.status_code == 200
    assert response.data["parties"][0]["family_name"] == "Ахметов"
    assert ids(police.get("/api/v1/cases/")) == [str(case.pk)]


def test_a_reader_without_the_identity_permission_sees_roles_only(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    ombudsman = persona("kz-regional-ombudsman")
    permissions.grant_to_user(case, ombudsman, codenames=(permissions.VIEW,))
    client = client_for(ombudsman)

    detail = client.get(detail_url(case))
    parties = client.get(f"{detail_url(case)}parties/")

    assert detail.status_code == 200 and parties.status_code == 200
    for party in detail.data["parties"] + parties.data:
        assert set(party) == {"id", "role", "is_minor"}
    assert not AuditEvent.objects.filter(action="identity_view", case_id=case.pk).exists()


def test_reading_a_case_is_audited(persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    head = persona("kz-head")
    client_for(head).get(detail_url(case))

    view = AuditEvent.objects.get(action="case_view", case_id=case.pk)
    assert (view.actor, view.detail) == (head, {"via": "api"})
    assert AuditEvent.objects.filter(action="identity_view", case_id=case.pk, actor=head).count() == 1


def test_an_unknown_case_is_404(persona):
    client = client_for(persona("kz-coordinator"))
    assert client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/api/v1/cases/not-a-uuid/").status_code == 404
