"""Two sweeps (and two deliveries) at the same moment on the real PostgreSQL (DESIGN §2).

``SELECT … FOR UPDATE SKIP LOCKED`` lets each sweep claim rows the other has
not; neither escalates a deadline the other did, and both make progress. Two
threads of this process, two worker processes, and a sweep racing a notice
that meets the clock it is escalating.
"""

import re
import threading
import time

import pytest
from django.db import connection

from notifications.services import notices, outbox, sweep

SWEEP = "notifications.tasks.sweep_deadlines"
pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def run_together(*funcs) -> list:
    """Call each function in its own thread, released together; their results."""
    barrier = threading.Barrier(len(funcs))
    results, errors = [None] * len(funcs), []

    def run(slot):
        try:
            barrier.wait(timeout=10)
            results[slot] = funcs[slot]()
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection to the test database

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(len(funcs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors
    return results


def run_at_once(func, count=2, **kwargs) -> list:
    """Call ``func(**kwargs)`` in ``count`` threads released together; their results."""
    return run_together(*[lambda: func(**kwargs)] * count)


def test_two_sweeps_at_once_escalate_each_deadline_once(world, mail_dir, settings, monkeypatch):
    from notifications.models import OutboxMessage

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    # No broker in this test: delivery is called directly below.
    monkeypatch.setattr(sweep, "delivery_enqueue", lambda: None)
    ids = world.open_cases(30)
    world.make_due(ids)

    handled = run_at_once(sweep.deadlines_sweep, batch_size=10)
    assert sum(handled) == len(ids), handled
    assert all(h > 0 for h in handled), f"both sweeps should have claimed rows: {handled}"
    assert run_at_once(sweep.deadlines_sweep) == [0, 0]

    total = OutboxMessage.objects.filter(escalation__deadline_id__in=ids).count()
    delivered = run_at_once(outbox.outbox_deliver, batch_size=10)
    assert sum(delivered) == total, delivered
    assert all(d > 0 for d in delivered), f"both deliveries should have sent messages: {delivered}"
    world.assert_exactly_once(ids, mail_dir)


def test_two_sweep_processes_at_once(world, celery_procs, redis_server, mail_dir):
    """Two worker processes each running a sweep (then a delivery) at the same time."""
    from tests.faults.harness import send_task, wait_for

    ids = world.open_cases(60)  # 240 clocks: more than one sweep batch (200)
    world.make_due(ids)
    celery_procs.start_worker("worker-a", pool="solo")
    celery_procs.start_worker("worker-b", pool="solo")
    for _ in range(2):
        send_task(redis_server.url(), SWEEP)
    wait_for(lambda: world.breaches(ids) == len(ids), timeout=60, what="the escalations",
             on_fail=celery_procs.logs)
    for _ in range(2):
        send_task(redis_server.url(), "notifications.tasks.deliver_outbox")
    wait_for(lambda: world.delivered(ids), timeout=60, what="the deliveries", on_fail=celery_procs.logs)

    # Each process claimed its own part of the due clocks.
    def swept(name):
        log = (celery_procs.workdir / f"{name}.1.log").read_text()
        return [int(n) for n in re.findall(r"sweep_deadlines\[[^]]+\] succeeded in [^:]+: (\d+)", log)]

    wait_for(lambda: len(swept("worker-a") + swept("worker-b")) == 2, timeout=10,
             what="both sweeps to report", on_fail=celery_procs.logs)
    a, b = swept("worker-a"), swept("worker-b")
    assert sum(a) + sum(b) == len(ids) and sum(a) > 0 and sum(b) > 0, (a, b)
    world.assert_exactly_once(ids, mail_dir)


def test_a_notice_recorded_while_the_sweep_escalates_its_case(world, persona, monkeypatch):
    """The sweep and notice_send take their locks in the same order: no deadlock, both succeed.

    notice_send writes its audit event (locking the audit chain) before it locks
    the case's clocks; a sweep that locked the clocks first and then wanted the
    audit chain deadlocked with it, and PostgreSQL aborted the notice.
    """
    from agencies.models import Agency
    from notifications.models import Deadline, DeadlineState, Escalation, Notice

    monkeypatch.setattr(sweep, "delivery_enqueue", lambda: None)
    ids = world.open_cases(1)
    world.make_due(ids)
    clock = Deadline.objects.select_related("case").get(pk__in=ids, rule__code="kz.guardianship_notice")
    claimed, original = threading.Event(), sweep._batch_process

    def slow_process(batch, now):
        if not claimed.is_set():
            claimed.set()
            time.sleep(1.5)  # the rows are claimed; the notice is being recorded meanwhile
        original(batch, now)

    monkeypatch.setattr(sweep, "_batch_process", slow_process)

    def notice():
        assert claimed.wait(timeout=20)
        return notices.notice_send(user=persona("kz-head"), case=clock.case, channel="phone",
                                    to_agency=Agency.objects.get(code="kz-guardianship"))

    swept, sent = run_together(sweep.deadlines_sweep, notice)
    assert swept == len(ids)
    assert Notice.objects.filter(pk=sent.pk).exists()
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET_LATE
    assert Escalation.objects.filter(deadline=clock, kind="breach").count() == 1
