"""Celery tasks of pupils' reports: thin, and they carry no data (no ids, no text)."""

from celery import shared_task

from tipline.services import alerts_deliver


# Enqueued by name (tipline.services.ALERT_TASK) after the report's commit, and by beat.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_alerts() -> int:
    return alerts_deliver()
