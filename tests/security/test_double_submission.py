"""Double submission (issue #7, item 5): the same report sent twice — a double
click, a retry after a timeout, two requests at the same moment — files one
case with one set of clocks. The browser form carries a one-time key; an API
client sends an ``Idempotency-Key`` header.
"""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from notifications.models import Deadline
from tests.api.clients import client_for
from tests.web.test_intake import report_post


def api_report(school, **overrides):
    return {
        "school": school.pk, "received_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "channel": "self_report", "kinds": ["bullying"], "description": "Мазақ етеді",
        "parties": [{"role": "victim", "family_name": "Ахметов", "given_name": "Ерлан", "birth_date": "2013-04-02"}],
        **overrides,
    }


def in_parallel(*calls):
    """Run the calls in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db
def test_an_api_retry_with_the_same_key_answers_the_first_case(persona, school):
    client = client_for(persona("kz-coordinator"))
    body = api_report(school("kz-school-1"))
    first = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["reference"] == first.json()["reference"]
    assert Case.objects.count() == 1
    # Without a key, or with another one, it is another report.
    assert client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-2").status_code == 201
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_key_reused_for_a_different_report_is_refused(persona, school):
    client = client_for(persona("kz-coordinator"))
    client.post("/api/v1/cases/", api_report(school("kz-school-1")), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = api_report(school("kz-school-1"), description="Басқа оқиға")
    response = client.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400
    assert "different report" in response.json()["submission_key"][0]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_user(persona, school):
    body = api_report(school("kz-school-1"))
    first = client_for(persona("kz-coordinator")).post("/api/v1/cases/", body, format="json",
                                                       HTTP_IDEMPOTENCY_KEY="shared")
    second = client_for(persona("kz-head")).post("/api/v1/cases/", body, format="json",
                                                 HTTP_IDEMPOTENCY_KEY="shared")
    assert first.status_code == second.status_code == 201 and first.json()["id"] != second.json()["id"]


@pytest.mark.django_db
def test_a_refused_report_does_not_use_up_its_key(persona, school):
    client = client_for(persona("kz-coordinator"))
    bad = api_report(school("kz-school-1"), parties=[{"role": "witness", "family_name": "А", "given_name": "Б"}])
    assert client.post("/api/v1/cases/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    fixed = api_report(school("kz-school-1"))
    assert client.post("/api/v1/cases/", fixed, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


@pytest.mark.django_db
def test_the_browser_form_sent_twice_files_one_case_and_shows_it(client, persona, school):
    client.force_login(persona("kz-coordinator"))
    page = client.get(reverse("cases:new"))
    key = str(page.context["form"]["submission_key"].value())
    assert f'type="hidden" name="submission_key" value="{key}"' in page.content.decode()
    data = report_post(school("kz-school-1"), submission_key=key)
    first = client.post(reverse("cases:new"), data)
    again = client.post(reverse("cases:new"), data)
    case = Case.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == reverse("cases:detail", args=[case.pk])


@pytest.mark.django_db
def test_each_showing_of_the_form_has_its_own_key(client, persona):
    client.force_login(persona("kz-coordinator"))
    keys = {client.get(reverse("cases:new")).context["form"]["submission_key"].value() for _ in range(2)}
    assert len(keys) == 2 and all(uuid.UUID(str(k)) for k in keys)


@pytest.mark.django_db(transaction=True)
def test_two_api_requests_at_the_same_moment_file_one_case_with_one_set_of_clocks(persona, school):
    user, body = persona("kz-coordinator"), api_report(school("kz-school-1"))

    def send():
        return client_for(user).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="double-click")

    results = in_parallel(send, send)
    assert [r.status_code for r in results] == [201, 201], results
    assert results[0].json()["id"] == results[1].json()["id"]
    case = Case.objects.get()
    assert Deadline.objects.exclude(case=case).count() == 0
    single = Deadline.objects.filter(case=case)
    assert single.count() > 0
    assert single.values("rule", "party").distinct().count() == single.count()


@pytest.mark.django_db(transaction=True)
def test_the_browser_form_sent_twice_at_once_files_one_case(persona, school):
    user = persona("kz-coordinator")
    data = report_post(school("kz-school-1"), submission_key=str(uuid.uuid4()))

    def send():
        browser = Client()
        browser.force_login(user)
        return browser.post(reverse("cases:new"), data)

    results = in_parallel(send, send)
    case = Case.objects.get()
    assert [r.status_code for r in results] == [302, 302], results
    assert {r.url for r in results} == {reverse("cases:detail", args=[case.pk])}
    assert Deadline.objects.exclude(case=case).count() == 0
