"""The permission matrix for support plans: every route × every persona → the exact status.

One KZ case of school 1, notified to the police (who then hold it), with a victim's plan and
one item. Readers of the case (the school's case team and the police officers) get 200 on
pages and lists and 400 on an empty POST (the form or the service refuses it, nothing saved);
everyone else gets 404 for GET and POST, and the 404 changes nothing and shows nothing.
What an insider may DO (owner, plan's agency…) is tested in tests/support.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.demo import USERS
from agencies.models import Agency
from notifications.services.notices import notice_send
from support import services
from support.models import PlanItem, ProgressNote, SupportPlan

pytestmark = pytest.mark.django_db

READERS = {"kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue",
           "kz-police", "kz-police-2", "kz-police-duty", "kz-police-head"}
DETAIL = "Бесіда з Ерланом"


SCHOOL_TEAM = {"kz-head", "kz-coordinator", "kz-psychologist", "kz-social-pedagogue"}


def readers(status: int):
    return lambda username: status if username in READERS else 404


def done_by(status: int):
    """The item's owner agency (the school) and the plan's may mark it done (an empty note is fine);
    the police hold the case but neither own the item nor drew up the plan: 400."""
    return lambda username: status if username in SCHOOL_TEAM else 400 if username in READERS else 404


# (url name, method, which ids the URL takes, expected status by persona)
ROUTES = [
    ("support:case_plans", "get", "case", readers(200)),
    ("support:plan_new", "post", "case", readers(400)),
    ("support:plan_agree", "post", "plan", readers(400)),
    ("support:plan_review", "post", "plan", readers(400)),
    ("support:plan_close", "post", "plan", readers(400)),
    ("support:plan_from_commission", "post", "plan", readers(400)),
    ("support:item_new", "post", "plan", readers(400)),
    ("support:item_edit", "post", "item", readers(400)),
    ("support:item_progress", "post", "item", readers(400)),
    ("support:item_done", "post", "item", done_by(302)),
    ("api-support-plans", "get", "case", readers(200)),
    ("api-support-plans", "post", "case", readers(400)),
    ("api-support-plan-items", "post", "plan", readers(400)),
    ("api-support-plan-review", "post", "plan", readers(400)),
    ("api-support-plan-agree", "post", "plan", readers(400)),
    ("api-support-item", "patch", "item", readers(400)),
    ("api-support-item-progress", "post", "item", readers(400)),
    ("api-support-item-done", "post", "item", done_by(200)),
]
# Lists of the user's own items: 200 for everyone, showing only their own.
LIST_ROUTES = ["support:my_items", "api-support-my-items"]
COVERED_NAMES = {name for name, *_ in ROUTES} | set(LIST_ROUTES)


@pytest.fixture
def world(persona, file_case):
    """The case, notified to the police, with a victim's plan and one item."""
    coordinator = persona("kz-coordinator")
    case = file_case(coordinator, "kz-school-1")
    notice_send(user=persona("kz-head"), case=case, channel="phone", to_agency=Agency.objects.get(code="kz-police"))
    plan = services.plan_create(user=coordinator, case=case, party=case.parties.get(role="victim"),
                                kind="victim_rehabilitation")
    item = services.plan_item_add(
        user=coordinator, plan=plan, measure="home_visit", detail=DETAIL, owner_agency=case.school,
        owner=persona("kz-social-pedagogue"),
        due_on=case.jurisdiction.local_date(timezone.now()) + dt.timedelta(days=5))
    return {"case": case, "plan": plan, "item": item}


def _args(kind, world):
    return {"case": [world["case"].pk], "plan": [world["case"].pk, world["plan"].pk],
            "item": [world["case"].pk, world["item"].pk]}[kind]


def _state():
    return (SupportPlan.objects.count(), PlanItem.objects.count(), ProgressNote.objects.count(),
            PlanItem.objects.filter(done_at__isnull=False).count())


def _check(client, username, world, route) -> str | None:
    name, method, kind, expect = route
    url = reverse(name, args=_args(kind, world))
    before = _state()
    response = client.get(url) if method == "get" else getattr(client, method)(url, {})
    expected, got = expect(username), response.status_code
    if got != expected:
        return f"{method.upper()} {name}: expected {expected}, got {got}"
    if got == 404:
        if _state() != before:
            return f"{method.upper()} {name}: a 404 changed the plans"
        if DETAIL in response.content.decode():
            return f"{method.upper()} {name}: a 404 showed the plan"
    if method != "get" and got == 400 and _state() != before:
        return f"{method.upper()} {name}: an empty POST changed the plans"
    return None


@pytest.mark.parametrize("username", list(USERS))
def test_every_support_route_for(world, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    mismatches = []
    for route in ROUTES:
        with transaction.atomic():
            problem = _check(client, username, world, route)
            transaction.set_rollback(True)
        if problem:
            mismatches.append(problem)
    assert not mismatches, f"{username}: " + "; ".join(mismatches)


@pytest.mark.parametrize("username", list(USERS))
def test_my_plan_items_show_only_the_personas_own(world, persona, username):
    client = APIClient()
    client.force_login(persona(username))
    page = client.get(reverse("support:my_items"))
    api = client.get(reverse("api-support-my-items"))
    assert page.status_code == 200 and api.status_code == 200
    owns = username == "kz-social-pedagogue"
    assert (str(world["item"].pk) in {row["id"] for row in api.json()}) == owns
    assert (world["case"].reference in page.content.decode()) == owns
