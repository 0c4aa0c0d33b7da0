"""No template syntax leaks onto a page (a comment left open shows its text to every user)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["login", "cases:list", "cases:new", "notifications:inbox", "notifications:bell"]


@pytest.mark.parametrize("name", PAGES)
def test_no_template_syntax_reaches_the_page(client, persona, name):
    if name != "login":
        client.force_login(persona("kz-coordinator"))
    html = client.get(reverse(name)).content.decode()
    for token in ("{#", "#}", "{%", "%}", "{{", "}}"):
        assert token not in html, f"{token!r} shows on {name}"
