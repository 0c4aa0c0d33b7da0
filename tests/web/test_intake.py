"""Filing a report in the browser forms (the HTML path; the browser test drives Chromium)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Party

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def report_post(school, **overrides):
    now = timezone.localtime()
    data = {
        "school": school.pk, "received_at": (now - dt.timedelta(minutes=5)).strftime(LOCAL),
        "incident_at": (now - dt.timedelta(hours=3)).strftime(LOCAL), "channel": "self_report",
        "kinds": ["bullying"], "form_types": ["psychological"], "places": ["classroom"],
        "description": "Мазақ етеді", "signs": [],
        "party-TOTAL_FORMS": "2", "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0", "party-MAX_NUM_FORMS": "1000",
        "party-0-role": "victim", "party-0-family_name": "Ахметов", "party-0-given_name": "Ерлан",
        "party-0-birth_date": "2013-04-02", "party-0-is_minor": "on",
        "party-1-role": "legal_representative", "party-1-family_name": "Ахметова",
        "party-1-given_name": "Сауле", "party-1-represents_number": "1",
    }
    data.update(overrides)
    return data


def test_coordinator_files_a_report_and_lands_on_the_case_page(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    response = client.post(reverse("cases:new"), report_post(school("kz-school-1")))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    page = client.get(response.url).content.decode()
    assert case.reference in page and "Ахметов Ерлан" in page
    assert case.parties.get(role="legal_representative").represents.role == "victim"


def test_ticking_suicidal_signs_marks_the_case_urgent(client, persona, school):
    client.force_login(persona("kz-teacher"))
    client.post(reverse("cases:new"), report_post(school("kz-school-1"), signs=["suicidal"]))
    assert Case.objects.get().is_urgent


@pytest.mark.parametrize("overrides, message", [
    ({"received_at": (timezone.now() + dt.timedelta(days=2)).strftime(LOCAL)}, "cannot be received in the future"),
    ({"incident_at": (timezone.now() + dt.timedelta(days=1)).strftime(LOCAL)}, "cannot happen after"),
    ({"party-0-role": "witness"}, "Add at least one victim"),
    ({"party-0-family_name": ""}, "Enter the family name"),
    ({"party-0-identity_number": "123456789012"}, "not valid"),
    ({"party-0-birth_date": "2001-01-01"}, "18 or older"),
])
def test_bad_input_shows_a_message_and_saves_nothing(client, persona, school, overrides, message):
    client.force_login(persona("kz-coordinator"))
    response = client.post(reverse("cases:new"), report_post(school("kz-school-1"), **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_a_school_the_user_does_not_belong_to_is_refused(client, persona, school):
    client.force_login(persona("kz-coordinator-2"))
    response = client.post(reverse("cases:new"), report_post(school("kz-school-1")))
    assert response.status_code == 400 and Case.objects.count() == 0


def test_messages_are_in_the_users_language(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    client.cookies["django_language"] = "ru"
    response = client.post(reverse("cases:new"), report_post(school("kz-school-1"), **{"party-0-role": "witness"}))
    assert "Add at least one victim" not in response.content.decode()


def _list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cases:list")).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_list_costs_the_same_number_of_queries_for_5_or_40_cases(client, persona, file_case):
    coordinator = persona("kz-coordinator")
    client.force_login(coordinator)
    for _ in range(5):
        file_case(coordinator, "kz-school-1")
    few = _list_queries(client)
    for _ in range(35):
        file_case(coordinator, "kz-school-1")
    assert _list_queries(client) == few
