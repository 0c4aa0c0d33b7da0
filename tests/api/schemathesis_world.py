"""Real objects and signed-in roles for the schemathesis test (tests/api/test_schemathesis.py).

Case A is filed by school №1's coordinator and notified to the police and the national
ombudsman: the coordinator and the police officer work on it (an ombudsman office is told, but
reads aggregates, not cases). It has a support plan with an item, a document, a takedown request
and a police action. Case B is school №2's: none of the three may see it, so each id of it must
be a 404.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency
from cases.services import case_register
from conftest import DEMO_PASSWORD, _load_demo_world, make_parties

ROLES = ["kz-coordinator", "kz-police", "kz-ombudsman"]

# A 1×1 PNG: a screenshot as small as can be.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@dataclass
class World:
    tokens: dict[str, str]
    # ("the path segment before the parameter", "parameter name") -> real ids; the segment is
    # "*" where the parameter's name says which object it is.
    ids: dict[tuple[str, str], list] = field(default_factory=dict)
    evidence_storage: dict | None = None
    turns: Counter = field(default_factory=Counter)

    def ids_for(self, path: str, name: str) -> list:
        match = re.search(r"/([^/{}]+)/\{" + re.escape(name) + r"\}", path)
        segment = match.group(1) if match else ""
        return self.ids.get((segment, name)) or self.ids.get(("*", name)) or []

    def next_turn(self, key: str) -> int:
        """0, 1, 2, 0, ... per operation: whose turn it is to send an invalid request."""
        self.turns[key] += 1
        return (self.turns[key] - 1) % len(ROLES)


def _token(username: str) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD},
                                format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _file(user, school_code: str):
    return case_register(
        user=user, school=Agency.objects.get(code=school_code),
        received_at=timezone.now() - dt.timedelta(minutes=10), incident_at=timezone.now() - dt.timedelta(days=1),
        channel="self_report", kinds=["bullying"], forms=["psychological"], places=["classroom"],
        description="Сыныптастары мазақ етеді.", parties=make_parties())


def build_world() -> World:
    from casework.models import ActionKind
    from casework.services.actions import action_record
    from commission.models import Meeting
    from directory.models import HelpOrganisation
    from evidence import services as evidence
    from notifications.models import Deadline, Notice
    from notifications.services.notices import notice_send
    from support import services as support

    _load_demo_world()
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[*ROLES, "kz-head", "kz-coordinator-2"])}
    coordinator = users["kz-coordinator"]
    a = _file(coordinator, "kz-school-1")
    b = _file(users["kz-coordinator-2"], "kz-school-2")
    for code in ("kz-police", "kz-bku"):
        notice_send(user=users["kz-head"], case=a, channel="phone", to_agency=Agency.objects.get(code=code))
    victim = a.parties.get(role="victim")
    plan = support.plan_create(user=coordinator, case=a, party=victim, kind="victim_rehabilitation")
    item = support.plan_item_add(user=coordinator, plan=plan, measure="home_visit", detail="Үйге бару.",
                                 owner_agency=Agency.objects.get(code="kz-school-1"), owner=coordinator,
                                 due_on=timezone.localdate() + dt.timedelta(days=30))
    document = evidence.document_upload(user=coordinator, case=a, data=PNG, original_name="screen.png")
    takedown = evidence.takedown_request(user=coordinator, case=a, platform="instagram",
                                         content_url="https://www.instagram.com/p/abc/")
    action = action_record(user=users["kz-police"], case=a, kind=ActionKind.PREVENTIVE_TALK,
                           values={"talked_with": ["parents"], "notes": "Әңгіме өтті."})

    world = World(tokens={role: _token(role) for role in ROLES})
    world.ids[("*", "case_id")] = [str(a.pk), str(b.pk)]
    world.ids[("*", "party_id")] = [str(victim.pk), str(b.parties.first().pk)]
    world.ids[("*", "plan_id")] = [plan.pk]
    world.ids[("*", "item_id")] = [item.pk]
    world.ids[("*", "document_id")] = [str(document.pk)]
    world.ids[("*", "takedown_id")] = [str(takedown.pk)]
    world.ids[("actions", "id")] = [action.pk]
    world.ids[("deadlines", "id")] = [
        Deadline.objects.filter(case=a).order_by("pk").values_list("pk", flat=True).first(),
        Deadline.objects.filter(case=b).order_by("pk").values_list("pk", flat=True).first()]
    world.ids[("inbox", "id")] = list(Notice.objects.filter(case=a).order_by("pk").values_list("pk", flat=True))
    world.ids[("help-organisations", "id")] = list(
        HelpOrganisation.objects.order_by("pk").values_list("pk", flat=True)[:2])
    world.ids[("*", "meeting_id")] = list(Meeting.objects.order_by("pk").values_list("pk", flat=True)[:2])
    # Issue #11: a pupil's report to school 1 (its coordinator's; the others get 404) and one to school 2.
    from tipline.services import tip_submit

    world.ids[("*", "tip_id")] = [
        tip_submit(school=Agency.objects.get(code=code), what="Мазақ етеді.", passphrase="world-pass",
                   passphrase_again="world-pass")[0].pk for code in ("kz-school-1", "kz-school-2")]
    for key, ids in list(world.ids.items()):
        # As a client sends them: an integer, or a UUID's text.
        world.ids[key] = [i if isinstance(i, int) else str(i) for i in ids if i is not None]
    return world
