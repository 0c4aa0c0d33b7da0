"""Fixtures for the fault tests: a private Redis, real Celery processes, the test's world.

These tests need PostgreSQL (row locks, SKIP LOCKED, a database that another
process can reach). On a developer machine without DATABASE_URL they are
deselected with a printed line; under CI (env CI set) they run, and fail
loudly when PostgreSQL is missing.
"""

import datetime as dt
import email.header
import os
import shutil
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.faults.harness import CeleryProcesses, RedisServer, local_keys, read_mails, wait_for

HERE = Path(__file__).resolve().parent
NEEDS_POSTGRES = "fault tests need PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/childsafe)"
SWEEP_INTERVAL = 2
# The demo users have no e-mail address; these get one so the e-mail channel is exercised.
EMAIL_USERS = {"kz-head": "head@school1.example", "kz-regional-ombudsman": "ombudsman@region.example"}


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    if not ours or _vendor() == "postgresql" or os.environ.get("CI"):
        return
    config.hook.pytest_deselected(items=ours)
    items[:] = [item for item in items if item not in ours]
    line = (f"tests/faults: deselected {len(ours)} fault tests ({NEEDS_POSTGRES}; "
            "with CI set they run and fail instead)")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line, yellow=True, bold=True)
    else:
        print(line)


@pytest.fixture(autouse=True)
def _fault_preconditions():
    if _vendor() != "postgresql":
        pytest.fail(NEEDS_POSTGRES, pytrace=False)
    if shutil.which("redis-server") is None:
        pytest.fail("fault tests need the redis-server binary on PATH", pytrace=False)


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class FaultWorld:
    """The demo world plus cases whose clocks the test makes due, and the checks on them."""

    def __init__(self, persona, file_case):
        self.persona, self.file_case = persona, file_case
        User = get_user_model()
        for username, address in EMAIL_USERS.items():
            User.objects.filter(username=username).update(email=address)

    def open_cases(self, count: int) -> list[int]:
        """File ``count`` KZ cases (one clock per KZ rule started on receipt); returns their deadline ids."""
        from notifications.models import Deadline, DeadlineRule

        coordinator = self.persona("kz-coordinator")
        cases = [self.file_case(coordinator, "kz-school-1") for _ in range(count)]
        ids = list(Deadline.objects.filter(case__in=cases).values_list("pk", flat=True))
        per_case = DeadlineRule.objects.filter(jurisdiction__code="KZ", start_event="case_received",
                                               is_active=True).count()
        assert len(ids) == per_case * count, "every KZ case opens its clocks on receipt"
        return ids

    def make_due(self, ids, at: dt.datetime | None = None) -> None:
        from notifications.models import Deadline

        at = at or timezone.now() - dt.timedelta(seconds=1)
        Deadline.objects.filter(pk__in=ids).update(due_at=at, next_check_at=at)

    def expected_messages(self, deadline_id) -> set:
        """(recipient, channel) pairs a breach of this deadline must produce."""
        from notifications.models import Deadline, EscalationStep
        from notifications.services.sweep import ladder_recipients

        deadline = Deadline.objects.select_related("rule", "case__school").get(pk=deadline_id)
        users = ladder_recipients(deadline, deadline.rule.escalation_ladder or [EscalationStep.RESPONSIBLE])
        assert {u.username for u in users if u.email} == set(EMAIL_USERS), "e-mail channel not exercised"
        return {(u.pk, "in_app") for u in users} | {(u.pk, "email") for u in users if u.email}

    # --- the end state ---------------------------------------------------------------------

    def breaches(self, ids) -> int:
        from notifications.models import Escalation

        return Escalation.objects.filter(deadline_id__in=ids, kind="breach").count()

    def delivered(self, ids) -> bool:
        """All due clocks breached and every message of theirs sent."""
        from notifications.models import OutboxMessage

        rows = OutboxMessage.objects.filter(escalation__deadline_id__in=ids)
        return self.breaches(ids) >= len(ids) and rows.exists() and not rows.exclude(status="sent").exists()

    def assert_exactly_once(self, ids, mail_dir: Path, *, allowed_repeated_mails: int = 0) -> dict:
        """Every due deadline escalated once; every message written once, sent once, none missing."""
        from notifications.models import Deadline, Escalation, OutboxMessage

        ids = set(ids)
        per_deadline = Counter(Escalation.objects.filter(deadline_id__in=ids, kind="breach")
                               .values_list("deadline_id", flat=True))
        doubled = {d: n for d, n in per_deadline.items() if n > 1}
        missing = ids - set(per_deadline)
        assert not doubled, f"deadlines escalated more than once: {doubled}"
        assert not missing, f"{len(missing)} due deadlines never escalated"
        assert sum(per_deadline.values()) == len(ids)
        not_breached = Deadline.objects.filter(pk__in=ids).exclude(state="breached").count()
        assert not_breached == 0, f"{not_breached} deadlines not marked breached"

        rows = list(OutboxMessage.objects.filter(escalation__deadline_id__in=ids)
                    .values_list("escalation__deadline_id", "escalation_id", "recipient_id", "channel", "status",
                                 "recipient__email", "pk"))
        triples = Counter((r[1], r[2], r[3]) for r in rows)
        assert len(triples) == len(rows), "an outbox message was written twice"
        expected = self.expected_messages(next(iter(ids)))
        got = defaultdict(set)
        for deadline_id, _esc, recipient, channel, *_ in rows:
            got[deadline_id].add((recipient, channel))
        wrong = {d: got.get(d, set()) for d in ids if got.get(d, set()) != expected}
        assert not wrong, f"{len(wrong)} escalations lack or exceed their messages"
        unsent = [r for r in rows if r[4] != "sent"]
        assert not unsent, f"{len(unsent)} outbox messages not sent"

        email_rows = [r for r in rows if r[3] == "email"]
        mails = read_mails(mail_dir)
        keys = Counter((m["To"], str(email.header.make_header(email.header.decode_header(m["Subject"]))))
                       for m in mails)
        repeated = sum(n - 1 for n in keys.values() if n > 1)
        assert len(keys) == len(email_rows), (
            f"{len(email_rows)} e-mail outbox rows but {len(keys)} distinct e-mails written")
        assert repeated <= allowed_repeated_mails, f"{repeated} e-mails were sent twice"
        assert len(mails) == len(email_rows) + repeated
        return {"deadlines": len(ids), "messages": len(rows), "emails": len(mails), "repeated": repeated}


@pytest.fixture
def world(persona, file_case, settings):
    from agencies.models import Jurisdiction
    from notifications.models import DeadlineRule
    from notifications.protocols import load_protocols

    # A transactional test before this one flushed the tables the migrations had filled.
    load_protocols(DeadlineRule, Jurisdiction)
    return FaultWorld(persona, file_case)


@pytest.fixture
def celery_procs(world, redis_server, mail_dir, tmp_path, settings):
    """Start/stop workers and beat against the test database and the private Redis.

    Depends on ``world`` (hence the database) so it is torn down first: no
    worker is left writing while pytest-django flushes the tables.
    """
    from privacy import crypto

    crypto.keyring()  # make sure the session's key file exists
    var = tmp_path / "var"
    var.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_server.url(),
        "VAR_DIR": str(var),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
        **local_keys(Path(settings.LOCAL_KEY_FILE)),
    }
    procs = CeleryProcesses(env=env, workdir=tmp_path)
    yield procs
    procs.stop_all()


__all__ = ["FaultWorld", "wait_for", "SWEEP_INTERVAL"]
