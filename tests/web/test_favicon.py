"""Browsers ask every site for /favicon.ico: it must not answer 404 on every page."""

import pytest
from django.contrib.staticfiles import finders


def test_favicon_ico_leads_to_the_shipped_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302)
    assert response.url.endswith("favicon.ico") and response.url != "/favicon.ico"
    assert finders.find("favicon.ico") and finders.find("favicon.svg")


@pytest.mark.django_db
def test_pages_link_the_icon(client):
    html = client.get("/login/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
