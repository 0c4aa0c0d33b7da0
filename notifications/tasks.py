"""Celery tasks: thin wrappers over services. They carry no data, only the wish to run.

The database says what is due, so a lost, repeated or late message changes
nothing but latency: the beat schedule runs both tasks every few seconds.
"""

from celery import shared_task

from notifications import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_deadlines() -> int:
    return services.deadlines_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_outbox() -> int:
    return services.outbox_deliver()
