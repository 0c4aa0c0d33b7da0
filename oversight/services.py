"""Keeping the summary tables right (issue #10 item 4; SPEC O1–O2, D4).

``tally_drain`` is the aggregator: it takes cases the database triggers marked
dirty (migration 0002), recomputes what each contributes (``oversight.tally``),
and applies the difference from what it contributed last time (``CaseFact``) to
``Tally`` — all in one transaction, so the tables are never half-updated and a
crash simply leaves the cases dirty for the next run. Recomputing an unchanged
case changes nothing (idempotent). ``tally_rebuild`` recomputes everything.

These write derived counts only: no personal data, no case content, nothing a
person did — the changes they follow are audited where they are made (every
case, party, clock and decision service). They are therefore not audited
themselves; a rebuild, run by an operator, is logged by its command.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case
from oversight.models import CaseFact, Tally, TallyDirty, TallyVersion
from oversight.tally import Context, case_contributions, load_cases

CELL = ("scope_type", "scope_id", "month", "metric", "key")
AGGREGATOR_LOCK = 0x7A11E5  # pg advisory lock key of tally_drain


def _contributions(case_ids, ctx: Context) -> dict:
    """case id -> Counter of its contributions now (empty for a deleted or merged case)."""
    cases = load_cases(case_ids)
    ctx.prepare(cases)
    found = {case.id: Counter(case_contributions(case, ctx)) for case in cases}
    return {case_id: found.get(case_id, Counter()) for case_id in case_ids}


def _apply(delta: Counter) -> None:
    """Add ``delta`` to Tally (``n = n + delta``, one upsert), then drop the cells that reach 0.

    Cells are written in sorted order, so two aggregators never lock them in opposite orders.
    """
    cells = sorted((cell, n) for cell, n in delta.items() if n)
    if not cells:
        return
    table = Tally._meta.db_table
    with connection.cursor() as cursor:
        # Cached dashboard pages are keyed by this number (oversight.selectors.tally_version).
        cursor.execute(f"""INSERT INTO {TallyVersion._meta.db_table} (id, n, changed_at) VALUES (1, 1, %s)
                           ON CONFLICT (id) DO UPDATE SET n = {TallyVersion._meta.db_table}.n + 1,
                                                          changed_at = EXCLUDED.changed_at""", [timezone.now()])
        if connection.vendor == "postgresql":
            columns = [list(col) for col in zip(*(cell for cell, _n in cells))]
            params = [*columns, [n for _cell, n in cells]]
            cursor.execute(
                f"""INSERT INTO {table} (scope_type, scope_id, month, metric, key, n)
                    SELECT * FROM unnest(%s::varchar[], %s::bigint[], %s::date[], %s::varchar[], %s::varchar[],
                                         %s::bigint[])
                    ON CONFLICT (scope_type, scope_id, month, metric, key) DO UPDATE SET n = {table}.n + EXCLUDED.n""",
                params)
            if any(n < 0 for _cell, n in cells):
                shrunk = [list(col) for col in zip(*(cell for cell, n in cells if n < 0))]
                cursor.execute(
                    f"""DELETE FROM {table} t
                         USING unnest(%s::varchar[], %s::bigint[], %s::date[], %s::varchar[], %s::varchar[])
                               AS c(scope_type, scope_id, month, metric, key)
                         WHERE t.scope_type = c.scope_type AND t.scope_id = c.scope_id AND t.month = c.month
                           AND t.metric = c.metric AND t.key = c.key AND t.n = 0""", shrunk)
        else:
            cursor.executemany(
                f"""INSERT INTO {table} (scope_type, scope_id, month, metric, key, n) VALUES (%s, %s, %s, %s, %s, %s)
                    ON CONFLICT (scope_type, scope_id, month, metric, key) DO UPDATE SET n = n + excluded.n""",
                [(*cell, n) for cell, n in cells])
            cursor.executemany(
                f"""DELETE FROM {table} WHERE scope_type = %s AND scope_id = %s AND month = %s AND metric = %s
                       AND key = %s AND n = 0""", [cell for cell, n in cells if n < 0])


def _store_facts(current: dict, now: dt.datetime) -> None:
    kept = [CaseFact(case_id=case_id, contributions=[list(c) for c in sorted(counter.elements())], computed_at=now)
            for case_id, counter in current.items() if counter]
    if kept:
        CaseFact.objects.bulk_create(kept, update_conflicts=True, unique_fields=["case_id"],
                                     update_fields=["contributions", "computed_at"])
    gone = [case_id for case_id, counter in current.items() if not counter]
    if gone:
        CaseFact.objects.filter(case_id__in=gone).delete()


def _aggregator_lock() -> bool:
    """One aggregator at a time (PostgreSQL: a transaction-level advisory lock, not waited
    for): two would read the same stored contributions and apply a change twice.
    SQLite has one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [AGGREGATOR_LOCK])
        return cursor.fetchone()[0]


def tally_drain(*, batch: int = 500) -> int:
    """Recompute up to ``batch`` dirty cases and apply the change to Tally; returns how many were taken.

    SPEC O1–O2, D4 (issue #10 item 4): figures from summary tables kept by an idempotent
    aggregator. One aggregator at a time (``_aggregator_lock``); it reads the oldest
    marks, recomputes their cases and deletes exactly the marks it read, so a change
    that commits meanwhile leaves a mark for the next run (migration 0002).
    """
    with transaction.atomic():
        if not _aggregator_lock():
            return 0  # another aggregator is at work; the marks wait for it
        marks = list(TallyDirty.objects.order_by("id").values_list("id", "case_id")[:batch])
        if not marks:
            return 0
        claimed = list(dict.fromkeys(case_id for _id, case_id in marks))
        current = _contributions(claimed, Context())
        delta = Counter()
        for fact in CaseFact.objects.filter(case_id__in=claimed).only("case_id", "contributions"):
            delta.subtract(Counter(tuple(c) for c in fact.contributions))
        for counter in current.values():
            delta.update(counter)
        _apply(delta)
        _store_facts(current, timezone.now())
        TallyDirty.objects.filter(id__in=[mark_id for mark_id, _case in marks]).delete()
    return len(claimed)


def tally_drain_all(*, batch: int = 500, budget_seconds: float | None = None) -> int:
    """Drain until no case is dirty (or the time budget is spent); returns how many were taken."""
    import time

    started, total = time.monotonic(), 0
    while True:
        taken = tally_drain(batch=batch)
        total += taken
        if not taken or (budget_seconds is not None and time.monotonic() - started >= budget_seconds):
            return total


def tally_rebuild(*, batch: int = 2000) -> int:
    """Empty the summary tables and recompute them from every case; returns the number of cases read.

    SPEC O1–O2, D4 (issue #10 item 4): the rebuild command. One transaction: readers
    see the old figures until the new ones are complete. A change committed meanwhile
    marks its case dirty again, and the next drain takes it.
    """
    now = timezone.now()
    total, seen, last = Counter(), 0, None
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # waits for a running aggregator
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AGGREGATOR_LOCK])
            for model in (TallyDirty, CaseFact, Tally):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
        ctx = Context()
        while True:
            ids = Case.objects.order_by("id")
            if last is not None:
                ids = ids.filter(id__gt=last)
            ids = list(ids.values_list("id", flat=True)[:batch])
            if not ids:
                break
            last = ids[-1]
            current = _contributions(ids, ctx)
            for counter in current.values():
                total.update(counter)
            _store_facts({k: v for k, v in current.items() if v}, now)
            seen += len(ids)
        _apply(total)
    return seen
