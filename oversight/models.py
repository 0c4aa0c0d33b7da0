"""Summary tables for the oversight dashboards (issue #10, SPEC O1–O2, D4).

No row here holds personal data: only counts of cases, victims and clocks by
scope, month and a coded key (see ``oversight.metrics`` for every metric and its
key format). Dashboards read these tables and never scan cases on page load.

How the tables stay right:

* Database triggers (migration 0002) put the id of every case whose data
  changes — the case, its parties, clocks, grants, actions, commission decisions —
  into ``TallyDirty`` in the same transaction as the change.
* The aggregator (``oversight.services.tally_drain``, a Celery beat task) takes
  dirty cases, recomputes each case's contributions, and applies the difference
  from the contributions it stored last time (``CaseFact``) to ``Tally``, all in
  one transaction. Recomputing an unchanged case changes nothing (idempotent).
* ``manage.py rebuild_tallies`` recomputes everything from the cases; a test
  shows that it equals the incremental result.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Jurisdiction


class ScopeType(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    AGENCY = "agency", _("Organisation")


class Tally(models.Model):
    """How many cases (victims, clocks…) of one scope and month have ``key`` for ``metric``."""

    id = models.BigAutoField(primary_key=True)
    scope_type = models.CharField(max_length=8, choices=ScopeType.choices)
    scope_id = models.BigIntegerField()  # a Jurisdiction, Region or Agency id, by scope_type
    month = models.DateField()  # the first day of the month, in the jurisdiction's local time
    metric = models.CharField(max_length=24)
    key = models.CharField(max_length=120, blank=True, default="")
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope_type", "scope_id", "month", "metric", "key"],
                                    name="oversight_tally_cell"),
        ]
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self):
        return f"{self.scope_type}:{self.scope_id} {self.month:%Y-%m} {self.metric}[{self.key}]={self.n}"


class CaseFact(models.Model):
    """What one case contributed to ``Tally`` when the aggregator last looked at it.

    ``contributions`` is a list of ``[scope_type, scope_id, "YYYY-MM-01", metric, key]``,
    each counting one. A plain case id, not a foreign key: a purged case's
    contributions must still be taken back.
    """

    case_id = models.UUIDField(primary_key=True)
    contributions = models.JSONField(default=list)
    computed_at = models.DateTimeField()


class TallyDirty(models.Model):
    """A mark that a case's contributions may have changed (written by database triggers).

    Append-only, several per case allowed: a writer never waits for another writer or
    for the aggregator on this table (no unique key to conflict on), and the aggregator
    deletes only the marks it read, so a change committed meanwhile leaves a new mark.
    """

    id = models.BigAutoField(primary_key=True)
    case_id = models.UUIDField(db_index=True)
    marked_at = models.DateTimeField()


class TallyVersion(models.Model):
    """One row counting the aggregator's changes to ``Tally``: pages cache their figures
    under this number, so a cached page lasts exactly until the figures change."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    n = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)


class DailySummary(models.Model):
    """The no-personal-data summary of one local day for one country (KZ §19.6); one per day."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="oversight_one_summary_a_day"),
        ]
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
