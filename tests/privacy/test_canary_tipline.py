"""The canary (issue #11, section 3): a child's name typed into the anonymous form, into a follow-up
message and then into the case the report became appears in no log record, no e-mail, no broker
message and no database column in plain text.

Everything runs through the real pages (the test client) and services, with every logger at DEBUG
and every SQL statement logged with its parameters; the Celery messages are captured where kombu
publishes them (the broker itself is whatever CELERY_BROKER_URL names: Redis in CI); the e-mails
are those the alert and outbox deliverers send.
"""

import logging
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from kombu.messaging import Producer
from rest_framework.test import APIClient

from notifications.services.outbox import outbox_deliver
from tests.tipline.conftest import PASSPHRASE, png_bytes
from tipline import services
from tipline.models import Tip

pytestmark = pytest.mark.django_db

GIVEN, FAMILY = "Жұлдызай", "Канарейкина"
CHILD = f"{GIVEN} {FAMILY}"
CANARIES = [CHILD, GIVEN, FAMILY, "+77019998877"]


@pytest.fixture
def published():
    """Every message kombu publishes (Celery's task messages), captured before it is sent."""
    sent = []
    original = Producer.publish

    def capture(self, body, *args, **kwargs):
        sent.append({"body": body, "headers": kwargs.get("headers") or {}})
        return original(self, body, *args, **kwargs)

    with mock.patch.object(Producer, "publish", capture):
        yield sent


def _find_in_database(text: str) -> list[str]:
    """Tables with a row whose text form holds ``text`` (every column of every table, as stored)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE strpos(t::text, %s) > 0', [text])
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def test_a_childs_name_leaves_no_trace_in_plain_text(client, persona, school, caplog, published,
                                                    django_capture_on_commit_callbacks, settings):
    caplog.set_level(logging.DEBUG)  # every logger
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # every SQL statement with its parameters
    get_user_model().objects.filter(username__in=["kz-head", "kz-coordinator"]).update(email="staff@school.example")
    token = services.school_link_ensure(school=school("kz-school-1")).token
    try:
        with django_capture_on_commit_callbacks(execute=True):
            # The pupil's report: the name in what happened (with an urgent word), who, the contact, and a file.
            sent = client.post(reverse("tipline:report", args=[token]), {
                "what": f"{CHILD} мектепке пышақ әкелді деп айтты, {GIVEN} қорқады.", "place": "corridor",
                "who": CHILD, "feeling": f"{GIVEN} жылайды", "reporter_name": FAMILY,
                "reporter_contact": "+77019998877", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE,
                "website": "",
                "files": [SimpleUploadedFile("note.txt", f"{CHILD}\n".encode(), "text/plain"),
                          SimpleUploadedFile("shot.png", png_bytes(text=CHILD), "image/png")]})
        assert sent.status_code == 201
        code = re.search(r'id="tip-code">([0-9A-Z-]+)<', sent.content.decode()).group(1)
        # A refused follow-up form re-shown with the name in it: nothing of it kept either.
        client.post(reverse("tipline:report", args=[token]), {"what": CHILD, "passphrase": "x"})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("tipline:follow_up", args=[token]), {"code": code, "passphrase": PASSPHRASE})
            client.post(reverse("tipline:thread", args=[token]), {"body": f"{GIVEN} бүгін де келмеді, асылып"})
        tip = Tip.objects.get()
        coordinator = APIClient()
        coordinator.force_login(persona("kz-coordinator"))
        with django_capture_on_commit_callbacks(execute=True):
            assert coordinator.get(reverse("tipline:detail", args=[tip.pk])).status_code == 200
            coordinator.post(reverse("tipline:reply", args=[tip.pk]), {"body": f"{GIVEN}, кабинетке кел."})
            converted = coordinator.post(reverse("tipline:convert", args=[tip.pk]), {
                "kinds": ["bullying"], "places": ["corridor"], "description": f"{CHILD}: {tip.what}",
                "party-TOTAL_FORMS": "1", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "0",
                "party-MAX_NUM_FORMS": "1000", "party-0-role": "victim", "party-0-family_name": FAMILY,
                "party-0-given_name": GIVEN, "party-0-phone": "+77019998877", "party-0-is_minor": "on"})
            assert converted.status_code == 302
            assert coordinator.get(converted["Location"]).status_code == 200
        tip.refresh_from_db()
        assert tip.case is not None and tip.case.parties.get().given_name == GIVEN
        assert services.alerts_deliver() >= 2
        outbox_deliver()
    finally:
        connection.force_debug_cursor = False

    # Logs: nothing from the report, whatever the logger and level.
    assert any(r.name == "django.db.backends" for r in caplog.records), "SQL was not logged: proves nothing"
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '')}" for r in caplog.records)
    for canary in CANARIES:
        assert canary not in logged, f"{canary!r} was logged"

    # E-mails: the urgent alerts went out, with a link and no text.
    assert mail.outbox, "no e-mail was sent: proves nothing"
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}\n{message.alternatives!r}"
        for canary in CANARIES:
            assert canary not in text, f"{canary!r} in an e-mail"

    # Broker: the tasks were published, carrying no data.
    tasks = {m["headers"].get("task") for m in published}
    assert "tipline.tasks.deliver_alerts" in tasks, f"the urgent alert was not enqueued ({tasks}): proves nothing"
    for message in published:
        text = repr(message)
        for canary in CANARIES:
            assert canary not in text, f"{canary!r} in a broker message"
        args = message["body"][0] if isinstance(message["body"], (list, tuple)) else []
        assert all(isinstance(a, (int, str)) and len(str(a)) <= 40 for a in args), message

    if settings.CELERY_BROKER_URL.startswith("redis://"):
        # And as the broker holds them: every list in its Redis database (CI's broker).
        import redis

        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        queued = b"".join(b"".join(broker.lrange(key, 0, -1)) for key in broker.keys("*")
                          if broker.type(key) == b"list")
        for canary in CANARIES:
            assert canary.encode() not in queued, f"{canary!r} in the Redis broker"

    # Database: no table holds the name in plain text, in any column (sessions included).
    for canary in CANARIES:
        assert _find_in_database(canary) == [], f"{canary!r} stored in plain text"
    assert _find_in_database(str(tip.pk)), "the scan finds what is there: the report's id is"
    assert "cases_party" in _find_in_database(tip.case.parties.get().__dict__["given_name"])  # as stored: sealed

    # The files, as stored: sealed, the name in neither the text file nor the PNG's metadata.
    from pathlib import Path

    root = Path(settings.EVIDENCE_STORAGE["OPTIONS"]["location"])
    stored = [p.read_bytes() for p in root.rglob("*") if p.is_file()]
    assert len(stored) >= 4  # two report files and their two case documents
    for blob in stored:
        assert CHILD.encode() not in blob and GIVEN.encode() not in blob
