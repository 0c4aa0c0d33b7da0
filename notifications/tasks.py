"""Celery tasks: thin wrappers over services. They carry no data, only the wish to run.

The database says what is due, so a lost, repeated or late message changes
nothing but latency: the beat schedule runs both tasks every few seconds.
"""

from celery import shared_task

from notifications.services.outbox import outbox_deliver
from notifications.services.sweep import deadlines_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_deadlines() -> int:
    return deadlines_sweep()


# Enqueued by name (notifications.services.outbox.DELIVER_TASK), so services need not import tasks.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_outbox() -> int:
    return outbox_deliver()
