"""People are shown by full name, never by login (a login is half a credential)."""

import re

import pytest
from django.urls import reverse

from agencies.demo import NAMES, USERS
from agencies.models import Agency
from notifications.services.notices import notice_send

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def logins_in(text: str) -> list[str]:
    # Longest first, and whole words only: "kz-coordinator" is part of "kz-coordinator-2".
    return [u for u in sorted(USERS, key=len, reverse=True) if re.search(rf"(?<![\w-]){re.escape(u)}(?![\w-])", text)]


@pytest.fixture
def ua_case(persona, file_case):
    """Filed by the coordinator, so the head's timeline shows another person's action."""
    return file_case(persona("ua-coordinator"), "ua-school-1")


@pytest.mark.parametrize("username", ["ua-head", "ua-coordinator", "kz-coordinator"])
def test_school_pages_name_people_and_show_no_login(client, persona, file_case, username):
    school = "ua-school-1" if username.startswith("ua") else "kz-school-1"
    case = file_case(persona("ua-coordinator" if school == "ua-school-1" else "kz-coordinator"), school)
    user = persona(username)
    client.force_login(user)
    given, family = NAMES[username]
    for url in (reverse("cases:list"), reverse("cases:new"), reverse("cases:detail", args=[case.pk]),
                reverse("notifications:inbox"), reverse("notifications:bell"), "/cases/no-such-page/"):
        text = visible_text(client.get(url))
        assert f"{given} {family}" in text, url  # the header names the user
        assert logins_in(text) == [], url


def test_the_timeline_names_who_filed_the_case(client, persona, ua_case):
    client.force_login(persona("ua-head"))
    text = visible_text(client.get(reverse("cases:detail", args=[ua_case.pk])))
    timeline = text[text.index("Timeline"):]
    assert "Ігор Шевчук" in timeline and "ua-coordinator" not in timeline


def test_an_agency_inbox_names_its_officer(client, persona, file_case):
    case = file_case(persona("kz-coordinator"), "kz-school-1")
    notice_send(user=persona("kz-head"), case=case, channel="phone",
                to_agency=Agency.objects.get(code="kz-guardianship"))
    client.force_login(persona("kz-guardianship"))
    for url in (reverse("notifications:inbox"), reverse("notifications:bell"), reverse("cases:list")):
        text = visible_text(client.get(url))
        assert "Жанар Әбдірахманова" in text and logins_in(text) == [], url
