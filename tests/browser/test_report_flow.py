"""A coordinator files a report in Kazakh; a coordinator of another school cannot open it."""

import pytest
from django.utils import timezone

from cases.models import Case
from conftest import DEMO_PASSWORD
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_files_a_report_in_kazakh_and_another_school_gets_not_found(
    live_server, demo, new_page, screenshot,
):
    page = new_page()
    log_in(page, live_server.url, "kz-coordinator", DEMO_PASSWORD)
    page.select_option("#language", "kk")
    page.wait_for_selector("html[lang=kk]")
    page.goto(f"{live_server.url}/cases/new/")
    assert page.locator("html").get_attribute("lang") == "kk"

    now = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(5 * 60))
    page.fill("#id_received_at", now.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_incident_at", (now - timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_channel", "self_report")
    page.check("input[name=kinds][value=bullying]")
    page.check("input[name=form_types][value=psychological]")
    page.check("input[name=places][value=classroom]")
    page.fill("#id_description", "Сыныптастары күнде мазақ етеді.")
    page.fill("#id_party-0-family_name", "Ахметов")
    page.fill("#id_party-0-given_name", "Ерлан")
    page.fill("#id_party-0-birth_date", "2013-04-02")
    page.fill("#id_party-1-family_name", "Ахметова")
    page.fill("#id_party-1-given_name", "Сауле")
    page.check("input[name=signs][value=self_harm]")
    screenshot(page, "intake-kk")
    page.click("form.intake button[type=submit]")

    page.wait_for_url(f"{live_server.url}/cases/*/")
    case = Case.objects.get()
    assert case.is_urgent and case.parties.count() == 2
    assert case.reference in page.inner_text("h1")
    assert "Ахметов Ерлан" in page.content()
    screenshot(page, "case-page-kk")

    outsider = new_page()
    log_in(outsider, live_server.url, "kz-coordinator-2", DEMO_PASSWORD)
    response = outsider.goto(page.url)
    assert response.status == 404
    assert "Ахметов" not in outsider.content()
    assert case.reference not in outsider.content()
    screenshot(outsider, "outsider-404")
