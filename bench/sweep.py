"""Benchmark of the deadline sweep (DESIGN §2): cost against table size, and lateness.

    .venv/bin/python bench/sweep.py            # full run: 1k / 100k / 500k pending clocks
    .venv/bin/python bench/sweep.py --quick    # fast check: 1k / 10k / 50k
    .venv/bin/python bench/sweep.py --catch-up 10000 --no-lateness   # the outage figure alone (and section 1)

It recreates its own PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/childsafe_bench, or --database-url /
BENCH_DATABASE_URL) and uses Redis database 8 on 127.0.0.1:6379 for the
worker and beat it starts. Results go to the terminal and to bench/results.md.

1. Sweep cost: with N pending clocks of which 100 are due, how long does one
   ``deadlines_sweep()`` take? Median of several repetitions (the same 100 rows
   are made due again before each one), at each N. Target: the largest N costs
   at most 1.5x the smallest.
2. Lateness: 1,000 clocks fall due at the same moment while a real worker and
   beat run; lateness = Escalation.created_at - due_at. Target: p99 at most
   the sweep interval + 30 s.
3. Catch-up after an outage (issue #8): 10,000 clocks (2,000 with --quick) fell
   due over the last 30 minutes while nothing swept; one sweep process works
   the backlog off. Target: at least 300 escalations per second, and each of
   those clocks has exactly one breach escalation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _lib  # noqa: E402  (bench/_lib.py, next to this file)

TARGET_COST_RATIO = 1.5
LATENESS_MARGIN_S = 30
TARGET_CATCH_UP_RATE = 300  # escalations per second
OUTAGE = dt.timedelta(minutes=30)
DUE_ROWS = 100
CASES = 250  # filed through the real service: one clock per KZ rule started on receipt (six today)


def log(message: str) -> None:
    print(message, flush=True)


# --- 1. Sweep cost against the number of pending clocks ----------------------------------------

def make_due(ids, at) -> None:
    from notifications.models import Deadline, Escalation

    Escalation.objects.filter(deadline_id__in=ids).delete()  # and their outbox messages
    Deadline.objects.filter(pk__in=ids).update(state="pending", due_at=at, next_check_at=at,
                                               reminders_sent=0, met_at=None)


def claim_query(moment):
    """The sweep's claim query, exactly as deadlines_sweep builds it."""
    from notifications.models import Deadline, DeadlineState
    from notifications.services.sweep import SWEEP_BATCH

    return (Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("rule", "case__school", "case__jurisdiction")
            .filter(state=DeadlineState.PENDING, next_check_at__lte=moment)
            .order_by("next_check_at")[:SWEEP_BATCH])


def measure_level(ids, reps: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from notifications.services import sweep

    sweeps, claims = [], []
    for rep in range(reps + 1):  # the first one warms the caches and is not counted
        make_due(ids, timezone.now() - dt.timedelta(minutes=1))
        with transaction.atomic():  # the claim alone (rolled back), then the real sweep
            started = time.perf_counter()
            claimed = len(list(claim_query(timezone.now())))
            claim_s = time.perf_counter() - started
            transaction.set_rollback(True)
        started = time.perf_counter()
        handled = sweep.deadlines_sweep()
        sweep_s = time.perf_counter() - started
        if handled != len(ids) or claimed != len(ids):
            raise RuntimeError(f"expected {len(ids)} due clocks, claimed {claimed}, swept {handled}")
        if rep:
            sweeps.append(sweep_s)
            claims.append(claim_s)
    make_due(ids, timezone.now() - dt.timedelta(minutes=1))
    with transaction.atomic():
        plan = claim_query(timezone.now()).explain(analyze=True)
        transaction.set_rollback(True)
    make_due(ids, timezone.now() + dt.timedelta(days=30))  # parked again: pending, not due
    return {"sweep_s": _lib.median(sweeps), "claim_s": _lib.median(claims), "sweeps": sweeps, "claims": claims,
            "index": "deadline_due_idx" in plan,
            "plan_ms": next((float(line.split(":")[1].split()[0]) for line in plan.splitlines()
                             if line.strip().startswith("Execution Time")), float("nan"))}


def due_rows() -> list[int]:
    from notifications.models import Deadline

    return list(Deadline.objects.order_by("id").values_list("pk", flat=True)[:DUE_ROWS])


def bench_level(level: int, reps: int, *, label: str = "") -> dict:
    from notifications.services import sweep

    sweep.delivery_enqueue = lambda: None  # measure the sweep, not the broker
    started = time.perf_counter()
    pending = _lib.top_up_pending(level)
    log(f"  {pending:>9,} pending clocks{label} (seeded in {time.perf_counter() - started:.1f} s); "
        f"sweeping {DUE_ROWS} due x {reps} ...")
    result = measure_level(due_rows(), reps)
    result["pending"], result["label"] = pending, label
    log(f"    sweep median {result['sweep_s'] * 1000:.0f} ms, claim query median "
        f"{result['claim_s'] * 1000:.1f} ms, partial index used: {result['index']}")
    return result


# --- 3. Catch-up after an outage -------------------------------------------------------------

def bench_catch_up(count: int) -> dict:
    """``count`` clocks fell due during a 30-minute outage; one process sweeps until none is due."""
    from collections import Counter

    from django.utils import timezone

    from notifications.models import Escalation, OutboxMessage
    from notifications.services import sweep
    from privacy.models import AuditEvent

    sweep.delivery_enqueue = lambda: None  # the sweep's own cost; delivery is another process
    ids = [row[0] for row in _lib.sql(
        "SELECT id FROM notifications_deadline WHERE state = 'pending' AND subject LIKE 'bench-%%' "
        "ORDER BY md5(id::text) LIMIT %s", [count])]
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} generated pending clocks to make due, {count} wanted")
    now = timezone.now()
    # Due times spread evenly over the outage, oldest first, as a stopped beat leaves them.
    _lib.sql("""UPDATE notifications_deadline d
                   SET due_at = %s + (v.i * %s) * interval '1 microsecond', next_check_at = NULL
                  FROM unnest(%s::bigint[]) WITH ORDINALITY AS v(id, i)
                 WHERE d.id = v.id""",
             [now - OUTAGE, int(OUTAGE.total_seconds() * 1e6 / count), ids])
    _lib.sql("UPDATE notifications_deadline SET next_check_at = due_at WHERE id = ANY(%s)", [ids])
    _lib.settle()
    events_before = AuditEvent.objects.filter(action="deadline_breach").count()
    log(f"  {count:,} clocks fell due over the last {OUTAGE.seconds // 60} min; sweeping the backlog ...")
    handled, sweeps = 0, 0
    started = time.perf_counter()
    while True:
        swept = sweep.deadlines_sweep()
        sweeps += 1
        handled += swept
        if not swept:
            break
    elapsed = time.perf_counter() - started
    per_deadline = Counter(Escalation.objects.filter(deadline_id__in=ids, kind="breach")
                           .values_list("deadline_id", flat=True))
    result = {
        "count": count, "handled": handled, "seconds": elapsed, "rate": count / elapsed, "sweeps": sweeps,
        "once": sum(1 for i in ids if per_deadline.get(i) == 1),
        "missing": sum(1 for i in ids if i not in per_deadline),
        "doubled": sum(1 for n in per_deadline.values() if n > 1),
        "messages": OutboxMessage.objects.filter(escalation__deadline_id__in=ids).count(),
        "audit": AuditEvent.objects.filter(action="deadline_breach").count() - events_before,
    }
    log(f"    {count:,} escalated in {elapsed:.1f} s = {result['rate']:.0f} escalations/s "
        f"({result['messages']:,} outbox messages); exactly once: {result['once']:,}/{count:,}")
    return result


# --- 2. Lateness with a real worker and beat -------------------------------------------------

def bench_lateness(env: dict, var_dir: Path, *, count: int, interval: int, broker_url: str) -> dict:
    from django.db.models import Max
    from django.utils import timezone

    from notifications.models import Deadline, Escalation, OutboxMessage

    _lib.flush_broker_db(broker_url)
    ids = [row[0] for row in _lib.sql(
        "SELECT id FROM notifications_deadline WHERE state = 'pending' AND subject LIKE 'bench-%%' "
        "ORDER BY md5(id::text) LIMIT %s", [count])]
    worker_env = {**env, "SWEEP_INTERVAL_SECONDS": str(interval)}
    procs = _lib.Processes(worker_env, var_dir)
    try:
        procs.start("worker", ["worker", "--pool=prefork", f"--concurrency={os.cpu_count() or 2}", "-l", "INFO",
                               "-n", f"bench-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
                               "--without-heartbeat"], ready=" ready.")
        procs.start("beat", ["beat", "-l", "INFO", "-s", str(var_dir / "beat-schedule")],
                    ready="beat: Starting")
        due = timezone.now() + dt.timedelta(seconds=5)
        Deadline.objects.filter(pk__in=ids).update(due_at=due, next_check_at=due)
        log(f"  {count} clocks fall due at {due:%H:%M:%S} UTC; worker x{os.cpu_count()}, beat every {interval} s")

        seen: dict[int, dt.datetime] = {}  # when each escalation was first visible (committed)
        limit = time.monotonic() + interval + 600
        while len(seen) < count:
            if time.monotonic() > limit:
                raise RuntimeError(f"only {len(seen)}/{count} escalated; see {var_dir}/worker.log")
            now = timezone.now()
            for deadline_id in Escalation.objects.filter(deadline_id__in=ids, kind="breach").values_list(
                    "deadline_id", flat=True):
                seen.setdefault(deadline_id, now)
            time.sleep(0.25)
        messages = OutboxMessage.objects.filter(escalation__deadline_id__in=ids)
        limit = time.monotonic() + 600
        while messages.exclude(status="sent").exists():
            if time.monotonic() > limit:
                raise RuntimeError(f"outbox not delivered; see {var_dir}/worker.log")
            time.sleep(0.5)
    finally:
        procs.stop()

    escalations = {e.deadline_id: e for e in Escalation.objects.filter(deadline_id__in=ids, kind="breach")}
    delivered = dict(messages.order_by().values_list("escalation__deadline_id").annotate(last=Max("sent_at")))
    created = [(escalations[i].created_at - due).total_seconds() for i in ids]
    visible = [(seen[i] - due).total_seconds() for i in ids]
    sent = [(delivered[i] - due).total_seconds() for i in ids]
    doubled = Escalation.objects.filter(deadline_id__in=ids, kind="breach").count() - count
    return {
        "count": count, "interval": interval, "doubled": doubled,
        "created": {p: _lib.percentile(created, p) for p in (50, 99, 100)},
        "visible": {p: _lib.percentile(visible, p) for p in (50, 99, 100)},
        "delivered": {p: _lib.percentile(sent, p) for p in (50, 99, 100)},
    }


# --- Report ----------------------------------------------------------------------------------

def report(info: dict, args, cost: list[dict], lateness: dict | None, elapsed: float,
           catch_up: dict | None = None) -> str:
    # The smallest N is measured first and again at the end (after the big rows are
    # deleted), so drift from other load on the machine shows; the ratio uses both.
    baseline = [row for row in cost if row["pending"] == cost[0]["pending"]]
    last = max(cost, key=lambda row: row["pending"])
    first = {"pending": cost[0]["pending"],
             "sweep_s": _lib.median([s for row in baseline for s in row["sweeps"]]),
             "claim_s": _lib.median([s for row in baseline for s in row["claims"]])}
    ratio = last["sweep_s"] / first["sweep_s"]
    claim_ratio = last["claim_s"] / first["claim_s"]
    min_ratio = min(last["sweeps"]) / min(s for row in baseline for s in row["sweeps"])
    lines = [
        "# Sweep benchmark",
        "",
        f"Latest run: {info['date']}{' (--quick)' if args.quick else ''}, {elapsed / 60:.1f} min. "
        f"Machine: {info['nproc']} CPU ({info['cpu']}), load average at start {info['load']}, "
        f"PostgreSQL {info['postgresql']}, Python {info['python']}, Django {info['django']}, "
        f"Celery {info['celery']}. Produced by `bench/sweep.py`; rerun to refresh.",
        "",
        f"## 1. Sweep cost: {DUE_ROWS} due clocks among N pending",
        "",
        f"Median of {args.reps} sweeps per N (after one warm-up); the same {DUE_ROWS} rows are made due "
        "again before each. *Claim* is the sweep's `SELECT … FOR UPDATE SKIP LOCKED` alone.",
        "",
        "| pending clocks | sweep (median) | sweep (min) | per due clock | claim query (median) | "
        "EXPLAIN ANALYZE | partial index |",
        "|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for row in cost:
        lines.append(f"| {row['pending']:,}{row['label']} | {row['sweep_s'] * 1000:.0f} ms | "
                     f"{min(row['sweeps']) * 1000:.0f} ms | "
                     f"{row['sweep_s'] * 1000 / DUE_ROWS:.1f} ms | {row['claim_s'] * 1000:.1f} ms | "
                     f"{row['plan_ms']:.1f} ms | {'yes' if row['index'] else 'NO'} |")
    verdict = "meets" if ratio <= TARGET_COST_RATIO else "MISSES"
    lines += [
        "",
        f"**Ratio {last['pending']:,} : {first['pending']:,} pending = {ratio:.2f}x** for the sweep "
        f"({last['sweep_s'] * 1000:.0f} ms : {first['sweep_s'] * 1000:.0f} ms, the latter pooled over both "
        f"{first['pending']:,} runs) "
        f"(target ≤ {TARGET_COST_RATIO}x: {verdict}); {min_ratio:.2f}x comparing the fastest sweeps "
        f"(less sensitive to other load on the machine); {claim_ratio:.2f}x for the claim query alone.",
        "",
    ]
    if lateness:
        interval, limit = lateness["interval"], lateness["interval"] + LATENESS_MARGIN_S
        p99 = lateness["created"][99]
        lines += [
            f"## 2. Lateness: {lateness['count']:,} clocks due at the same moment "
            f"(with {last['pending']:,} pending), real worker and beat",
            "",
            f"Beat sweep interval {interval} s; one worker with {info['nproc']} processes; Redis broker.",
            "",
            "| lateness after due_at | p50 | p99 | max |",
            "|---|---:|---:|---:|",
        ]
        for key, label in (("created", "escalation written (`Escalation.created_at`)"),
                           ("visible", "escalation committed (seen by a poller, ±0.25 s)"),
                           ("delivered", "its last outbox message sent")):
            values = lateness[key]
            lines.append(f"| {label} | {values[50]:.1f} s | {values[99]:.1f} s | {values[100]:.1f} s |")
        verdict = "meets" if p99 <= limit else "MISSES"
        lines += [
            "",
            f"**p99 {p99:.1f} s** (target ≤ interval + {LATENESS_MARGIN_S} s = {limit} s: {verdict}). "
            f"Breaches written twice: {lateness['doubled']}.",
            "",
        ]
    if catch_up:
        rate, ok = catch_up["rate"], catch_up["once"] == catch_up["count"]
        verdict = "meets" if rate >= TARGET_CATCH_UP_RATE and ok else "MISSES"
        lines += [
            f"## 3. Catch-up: {catch_up['count']:,} clocks due after a {OUTAGE.seconds // 60}-minute outage "
            f"(with {last['pending']:,} pending)",
            "",
            "Their due times are spread over the outage; one process calls `deadlines_sweep()` until nothing "
            "is due (batches of 200, each one transaction). Delivery is not part of the figure.",
            "",
            "| clocks | time | escalations/s | outbox messages | audit events | sweep calls | "
            "exactly one breach | none | more than one |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {catch_up['count']:,} | {catch_up['seconds']:.1f} s | {rate:.0f} | {catch_up['messages']:,} | "
            f"{catch_up['audit']:,} | {catch_up['sweeps']} | {catch_up['once']:,} | {catch_up['missing']} | "
            f"{catch_up['doubled']} |",
            "",
            f"**{rate:.0f} escalations/s** (target ≥ {TARGET_CATCH_UP_RATE}/s, each clock escalated exactly "
            f"once: {verdict}).",
            "",
        ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="1k/10k/50k pending, 200 lateness clocks, a catch-up of 2,000")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", _lib.DEFAULT_DATABASE_URL))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_BROKER_URL", _lib.DEFAULT_BROKER_URL))
    parser.add_argument("--reps", type=int, default=None, help="sweeps per level (default 15, quick 5)")
    parser.add_argument("--sweep-interval", type=int, default=None,
                        help="beat's sweep interval in s for the lateness run (default: the settings' default)")
    parser.add_argument("--no-lateness", action="store_true", help="skip the worker/beat lateness run")
    parser.add_argument("--catch-up", type=int, default=None,
                        help="clocks due after the outage (default 10,000; quick 2,000; 0 skips)")
    parser.add_argument("--results", default=str(Path(__file__).resolve().parent / "results.md"))
    args = parser.parse_args(argv)
    args.reps = args.reps or (5 if args.quick else 15)
    levels = [1_000, 10_000, 50_000] if args.quick else [1_000, 100_000, 500_000]
    lateness_count = 200 if args.quick else 1_000
    catch_up_count = args.catch_up if args.catch_up is not None else (2_000 if args.quick else 10_000)

    began = time.perf_counter()
    env = _lib.fresh_database(database_url=args.database_url, broker_url=args.broker_url, log=log)
    from django.conf import settings

    interval = args.sweep_interval or settings.SWEEP_INTERVAL_SECONDS
    if not args.no_lateness:
        try:
            _lib.flush_broker_db(args.broker_url)
        except Exception as exc:
            log(f"Redis at {args.broker_url} is not reachable ({exc.__class__.__name__}); start it with\n"
                '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n'
                "or pass --no-lateness.")
            return 2
    info = _lib.machine_info()

    log(f"Filing {CASES} cases through the service ...")
    _lib.seed_cases(CASES, progress=log)
    _lib.park_all_deadlines()
    log("1. Sweep cost against pending clocks")
    cost = [bench_level(level, args.reps) for level in levels]
    lateness = None
    if not args.no_lateness:
        log("2. Lateness with a real worker and beat")
        lateness = bench_lateness(env, _lib.VAR_DIR, count=lateness_count, interval=interval,
                                  broker_url=args.broker_url)
    catch_up = None
    if catch_up_count:  # after the lateness run: its outbox backlog would delay that run's deliveries
        log("3. Catch-up after an outage")
        catch_up = bench_catch_up(catch_up_count)
    log("1b. Sweep cost at the smallest size again (drift check)")
    _lib.remove_generated()
    cost.append(bench_level(levels[0], args.reps, label=" (again)"))
    text = report(info, args, cost, lateness, time.perf_counter() - began, catch_up)
    _lib.write_section(Path(args.results), "# Sweep benchmark", text)
    log("\n" + text)
    log(f"Written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
