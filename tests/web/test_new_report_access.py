"""Only people who can file a report are offered "New report" (issue: police, guardianship,
the ombudsman and the commission secretary were shown a form with an empty school list)."""

import re

import pytest
from django.urls import reverse

from agencies.demo import USERS

pytestmark = pytest.mark.django_db

FILERS = {
    "kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue", "kz-teacher", "kz-coordinator-2",
    "ua-head", "ua-coordinator", "ua-psychologist", "ua-social-pedagogue", "ua-teacher", "ua-teacher-2",
    "ua-coordinator-2",
}
# Issue #9: the agencies that open cases themselves (KZ §18, §20; UA II.1) get the same form for their agency.
AGENCY_FILERS = {
    "kz-police", "kz-police-2", "kz-police-duty", "kz-police-head", "kz-health", "kz-social", "kz-111",
    "ua-police", "ua-children-service", "ua-children-service-head", "ua-social-centre",
}
NEW_REPORT_LINK = f'href="{reverse("cases:new")}"'


@pytest.mark.parametrize("username", list(USERS))
def test_new_report_is_offered_only_to_those_who_can_file(client, persona, username):
    client.force_login(persona(username))
    case_list = client.get(reverse("cases:list")).content.decode()
    form_page = client.get(reverse("cases:new"))
    html = form_page.content.decode()
    if username in FILERS:
        assert NEW_REPORT_LINK in case_list  # in the header and as the list's button
        assert form_page.status_code == 200 and 'class="intake"' in html
        assert re.search(r'<select name="school"[^>]*>.*?<option value="\d+"', html, re.S), "a school to file for"
    elif username in AGENCY_FILERS:
        assert NEW_REPORT_LINK in case_list
        assert form_page.status_code == 200 and 'class="intake"' in html
        assert re.search(r'<select name="intake_agency"[^>]*>.*?<option value="\d+"', html, re.S), "an agency"
    else:
        assert NEW_REPORT_LINK not in case_list
        assert NEW_REPORT_LINK not in html
        assert form_page.status_code == 403
        assert 'class="intake"' not in html and "You do not file reports" in html


def test_a_post_from_someone_who_cannot_file_is_refused_without_a_form(client, persona, school):
    from cases.models import Case
    from tests.web.test_intake import report_post

    client.force_login(persona("kz-guardianship"))
    response = client.post(reverse("cases:new"), report_post(school("kz-school-1")))
    assert response.status_code == 403 and Case.objects.count() == 0
