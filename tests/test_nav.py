"""The navigation's links (config/nav.py): each shown exactly when the page behind it has
something for the user, as its own app's selector decides, with one query beside the user's
memberships (which the request has read already)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.selectors import memberships_of, schools_for_intake
from cases.intake import agencies_for_intake
from commission.models import Invitation
from commission.selectors import commission_schools_for_user
from config.nav import nav_links
from directory.permissions import reader_jurisdictions
from notifications.selectors import unread_count
from oversight.scopes import user_sees_dashboards
from tipline.permissions import triage_schools

pytestmark = pytest.mark.django_db


def _per_app(user) -> dict:
    """What each app's own selector says, one query at a time (the links' source of truth)."""
    return {
        "new_report": schools_for_intake(user).exists() or agencies_for_intake(user).exists(),
        "commission": (commission_schools_for_user(user).exists()
                       or Invitation.objects.filter(user=user, revoked_at__isnull=True).exists()),
        "triage": triage_schools(user).exists(),
        "directory": reader_jurisdictions(user).exists(),
        "dashboards": user_sees_dashboards(user),
        "unread": unread_count(user),
    }


def test_every_demo_login_sees_the_links_its_apps_allow_in_one_query_beside_its_memberships(demo):
    get_user_model().objects.create_user("nav-outsider", password="nav-outsider-pass-2026")  # works nowhere
    users = list(get_user_model().objects.order_by("username"))
    assert len(users) > 20
    seen = {field: set() for field in ("new_report", "commission", "triage", "directory", "dashboards")}
    for user in users:
        expected = _per_app(user)
        user = get_user_model().objects.get(pk=user.pk)  # nothing remembered from the line above
        memberships_of(user)  # read by the time-zone middleware before any page renders
        with CaptureQueriesContext(connection) as queries:
            links = nav_links(user)
            assert nav_links(user) is links  # asked again by the page: no second query
        assert len(queries.captured_queries) == 1, user.username
        assert vars(links) == expected, user.username
        for field in seen:
            seen[field].add(getattr(links, field))
    # The demo has users on both sides of every link, so the comparison above means something.
    assert all(values == {True, False} for values in seen.values()), seen


def test_the_page_shows_the_links_of_its_user(client, persona):
    client.force_login(persona("kz-coordinator"))
    html = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("cases:new")}"' in html and f'href="{reverse("tipline:queue")}"' in html
    client.force_login(persona("kz-ombudsman"))
    html = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("cases:new")}"' not in html and f'href="{reverse("tipline:queue")}"' not in html
    assert f'href="{reverse("oversight:home")}"' in html


def test_nobody_signed_in_sees_no_links(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("cases:new")}"' not in html and f'href="{reverse("cases:list")}"' not in html
