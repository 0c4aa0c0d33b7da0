"""Faults with a real Celery worker and beat, a real Redis and the real PostgreSQL (DESIGN §2).

A dead worker, a stopped or flushed Redis, or a task delivered twice changes
nothing but latency: every due deadline is escalated exactly once and every
outbox message is sent once, none missing.
"""

import datetime as dt
import re
import time
import uuid

import pytest
from django.utils import timezone

from tests.faults.conftest import SWEEP_INTERVAL
from tests.faults.harness import read_mails, send_task, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SWEEP = "notifications.tasks.sweep_deadlines"
DELIVER = "notifications.tasks.deliver_outbox"
END_STATE_TIMEOUT = 60


def wait_until_delivered(world, ids, procs, timeout=END_STATE_TIMEOUT):
    wait_for(lambda: world.delivered(ids), timeout=timeout, interval=0.25,
             what=f"{len(ids)} deadlines escalated and their messages sent",
             on_fail=lambda: f"breaches: {world.breaches(ids)}/{len(ids)}\n{procs.logs()}")
    # Let any late duplicate (a redelivered task, a second sweep) surface before checking.
    time.sleep(SWEEP_INTERVAL + 0.5)


def test_sigkill_while_the_worker_escalates_then_restart(world, celery_procs, mail_dir):
    ids = world.open_cases(75)  # 300 clocks: the sweep commits batches of 200
    celery_procs.start_worker(pool="solo")
    world.make_due(ids)
    celery_procs.start_beat()

    # Kill as soon as the first batch is committed: the worker is inside the next one.
    escalated = wait_for(lambda: world.breaches(ids), timeout=30, interval=0.01,
                         what="the sweep to start escalating", on_fail=celery_procs.logs)
    celery_procs.kill("worker")
    assert escalated < len(ids), "the sweep finished before the kill: make it longer"
    after_kill = world.breaches(ids)
    assert after_kill < len(ids), "the killed batch must have been rolled back, not committed"

    celery_procs.start_worker(pool="solo")
    wait_until_delivered(world, ids, celery_procs)
    world.assert_exactly_once(ids, mail_dir)


def test_sigkill_while_the_worker_delivers_then_restart(world, celery_procs, mail_dir):
    """A crash between handing an e-mail over and recording it may repeat that one e-mail, no more.

    (E-mail cannot be exactly-once across a crash: the message in hand when the
    worker dies is either lost or repeated; the outbox repeats it, and only it.)
    """
    from notifications.models import OutboxMessage

    ids = world.open_cases(30)  # 120 clocks, 480 messages, 240 e-mails
    world.make_due(ids)
    celery_procs.start_worker(pool="solo")
    celery_procs.start_beat()
    # Kill once a few e-mails are written: the worker is in the middle of a delivery batch.
    wait_for(lambda: len(read_mails(mail_dir)) >= 5, timeout=30, interval=0.005, what="e-mails to be written",
             on_fail=celery_procs.logs)
    celery_procs.kill("worker")
    written = len(read_mails(mail_dir))
    recorded = OutboxMessage.objects.filter(escalation__deadline_id__in=ids, channel="email", status="sent").count()
    assert recorded < 2 * len(ids), "delivery finished before the kill: make it longer"

    celery_procs.start_worker(pool="solo")
    wait_until_delivered(world, ids, celery_procs)
    result = world.assert_exactly_once(ids, mail_dir, allowed_repeated_mails=1)
    print(f"killed with {written} e-mails written, {recorded} recorded as sent; after restart: {result}")


def test_redis_stopped_while_deadlines_fall_due(world, celery_procs, redis_server, mail_dir):
    ids = world.open_cases(15)
    celery_procs.start_worker(pool="solo")
    celery_procs.start_beat()
    due = timezone.now() + dt.timedelta(seconds=2)
    world.make_due(ids, at=due)
    redis_server.stop()
    # The clocks fall due while the broker is away; worker and beat must ride it out.
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 2 * SWEEP_INTERVAL)
    assert celery_procs.alive("worker") and celery_procs.alive("beat")
    assert world.breaches(ids) == 0, "nothing should have been swept while the broker was down"

    redis_server.start()
    wait_until_delivered(world, ids, celery_procs)
    assert celery_procs.alive("worker") and celery_procs.alive("beat")
    world.assert_exactly_once(ids, mail_dir)


def test_flushall_loses_queued_tasks_but_no_clock(world, celery_procs, redis_server, mail_dir):
    # 1) The worker is down, beat queues sweeps, then everything queued is flushed.
    first = world.open_cases(15)
    celery_procs.start_beat()
    world.make_due(first)
    wait_for(lambda: redis_server.queued() >= 2, timeout=20, what="beat to queue sweeps",
             on_fail=celery_procs.logs)
    redis_server.flushall()
    assert redis_server.queued() == 0
    celery_procs.start_worker(pool="solo")
    wait_until_delivered(world, first, celery_procs)
    world.assert_exactly_once(first, mail_dir)

    # 2) Flushed right after the escalations are written: the queued deliveries are lost.
    second = world.open_cases(15)
    world.make_due(second)
    wait_for(lambda: world.breaches(second) == len(second), timeout=30, interval=0.01,
             what="the second escalations", on_fail=celery_procs.logs)
    redis_server.flushall()
    wait_until_delivered(world, second, celery_procs)
    world.assert_exactly_once(first + second, mail_dir)


def succeeded(procs, task_id) -> list[int]:
    """What each run of the task with this id returned, from the worker logs."""
    return [int(n) for n in re.findall(rf"{task_id}\] succeeded in [^:]+: (\d+)", procs.logs(lines=100_000))]


def test_the_same_task_delivered_twice(world, celery_procs, redis_server, mail_dir, monkeypatch):
    from notifications.models import OutboxMessage
    from notifications.services import sweep

    celery_procs.start_worker(pool="prefork", concurrency=2)  # both copies run at once

    # The sweep message twice (same task id).
    swept = world.open_cases(30)
    world.make_due(swept)
    sweep_id = str(uuid.uuid4())
    send_task(redis_server.url(), SWEEP, task_id=sweep_id)
    send_task(redis_server.url(), SWEEP, task_id=sweep_id)
    wait_for(lambda: len(succeeded(celery_procs, sweep_id)) == 2, timeout=60,
             what="both copies of the sweep to run", on_fail=celery_procs.logs)
    assert sum(succeeded(celery_procs, sweep_id)) == len(swept), "each clock is swept by one copy only"
    wait_until_delivered(world, swept, celery_procs)

    # The delivery message twice, with nothing else delivering: escalate here, without the broker.
    delivered = world.open_cases(20)
    world.make_due(delivered)
    monkeypatch.setattr(sweep, "delivery_enqueue", lambda: None)
    assert sweep.deadlines_sweep() == len(delivered)
    pending = OutboxMessage.objects.filter(status="pending").count()
    deliver_id = str(uuid.uuid4())
    send_task(redis_server.url(), DELIVER, task_id=deliver_id)
    send_task(redis_server.url(), DELIVER, task_id=deliver_id)
    wait_for(lambda: len(succeeded(celery_procs, deliver_id)) == 2, timeout=60,
             what="both copies of the delivery to run", on_fail=celery_procs.logs)
    assert sum(succeeded(celery_procs, deliver_id)) == pending, "each message is sent by one copy only"
    wait_until_delivered(world, delivered, celery_procs)
    world.assert_exactly_once(swept + delivered, mail_dir)
