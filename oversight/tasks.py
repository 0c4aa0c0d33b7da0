"""Celery tasks of the oversight app: thin wrappers over services (they carry no data)."""

from celery import shared_task
from django.conf import settings

from oversight.services import tally_drain_all


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def drain_tallies() -> int:
    """Bring the summary tables up to date: drain dirty cases until none is left or the budget is spent.

    The database holds the dirty cases (oversight.models.TallyDirty), so a lost or late
    message changes nothing but latency; beat runs this every TALLY_DRAIN_INTERVAL_SECONDS.
    """
    return tally_drain_all(budget_seconds=max(settings.TALLY_DRAIN_INTERVAL_SECONDS - 2, 1))


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_daily_summaries() -> int:
    """KZ §19.6: each country's summary of the previous local day, once its morning hour has passed.

    Beat runs this every few minutes; ``oversight.summary`` makes it exactly once per country
    and day, however often it runs and from how many workers.
    """
    from oversight.summary import daily_summaries_run

    return len(daily_summaries_run())
