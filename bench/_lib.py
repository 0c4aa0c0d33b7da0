"""Helpers for the benchmarks in bench/ (not an entry point: run bench/sweep.py or bench/lists.py).

Everything that touches Django is imported lazily, after ``configure()`` has
put the benchmark's own database, broker and keys into the environment.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/childsafe_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/8"  # db 0 belongs to others
BENCH_PASSWORD = "bench-pass-2026"
VAR_DIR = BASE_DIR / "var" / "bench"  # the benchmarks' keys, broker files and worker logs


# --- Environment, database -------------------------------------------------------------------

def configure(*, database_url: str, broker_url: str, var_dir: Path) -> dict:
    """Point this process (and the workers it starts) at the benchmark's own resources."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(var_dir),
        # Fresh keys per run: the database is recreated per run too.
        "FIELD_ENCRYPTION_KEYS": "bench1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    return dict(os.environ)


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark database (never the app's: the name must say bench)."""
    import psycopg2

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    conn = psycopg2.connect(host=url.hostname or "127.0.0.1", port=url.port or 5432,
                            user=url.username or "postgres", password=url.password or None, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def use_database(database_url: str) -> None:
    """Point this process's connection at another database of the same server (a benchmark that
    keeps each size in a database of its own and measures them side by side)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = urlparse(database_url).path.lstrip("/")


def django_setup() -> None:
    import os

    import django

    # The benches sign in with force_login and tokens: no second-factor step (accounts app).
    os.environ["MFA_REQUIRED_ROLES"] = ""
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


def vacuum_analyze(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:  # autocommit outside atomic(): VACUUM is allowed
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")


def settle() -> None:
    """After a bulk change: fresh statistics, and its dirty pages written out before timing."""
    vacuum_analyze("notifications_deadline")
    try:
        sql("CHECKPOINT")
    except Exception:  # not a superuser: the background writer will catch up meanwhile
        time.sleep(5)


# --- Seeding ---------------------------------------------------------------------------------

def seed_cases(count: int, progress=None) -> list:
    """``count`` KZ cases filed through the real service (each opens four 1-hour clocks)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from agencies.demo import load_demo
    from agencies.models import Agency
    from cases.services import PartyInput, case_register

    load_demo(password=BENCH_PASSWORD)
    user = get_user_model().objects.get(username="kz-coordinator")
    school = Agency.objects.get(code="kz-school-1")
    received = timezone.now() - dt.timedelta(minutes=10)
    cases = []
    for i in range(count):
        cases.append(case_register(
            user=user, school=school, received_at=received, incident_at=None, channel="self_report",
            kinds=["bullying"], forms=["psychological"], places=["classroom"], description="bench",
            parties=[PartyInput(role="victim", family_name="Bench", given_name=f"Child {i}",
                                class_name="6A")],
        ))
        if progress and (i + 1) % 250 == 0:
            progress(f"  {i + 1}/{count} cases")
    return cases


def park_all_deadlines() -> None:
    """Move every pending clock weeks ahead, so only what a measurement makes due is due."""
    sql("""UPDATE notifications_deadline
              SET due_at = now() + interval '20 days' + (id % 43200) * interval '1 minute',
                  next_check_at = now() + interval '20 days' + (id % 43200) * interval '1 minute'
            WHERE state = 'pending'""")


def top_up_pending(target: int) -> int:
    """Insert generated pending deadlines (spread over the cases and KZ rules) up to ``target``.

    One INSERT … SELECT over generate_series; each row gets a distinct subject
    so the (case, rule, subject) constraint holds. Their next checks are spread
    over the coming weeks, as open clocks are in real life.
    """
    have = sql("SELECT count(*) FROM notifications_deadline WHERE state = 'pending'")[0][0]
    missing = target - have
    if missing <= 0:
        return have
    start = sql("SELECT count(*) FROM notifications_deadline")[0][0]
    sql("""
        WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM cases_case),
             nc AS (SELECT count(*) AS n FROM cases_case),
             r AS (SELECT r.id, row_number() OVER (ORDER BY r.code) - 1 AS i
                     FROM notifications_deadlinerule r JOIN agencies_jurisdiction j ON j.id = r.jurisdiction_id
                    WHERE j.code = 'KZ' AND r.start_event = 'case_received'),
             nr AS (SELECT count(*) AS n FROM r),
             g AS (SELECT s, now() + interval '1 day' + (s %% 43200) * interval '1 minute' AS at
                     FROM generate_series(%s, %s) s)
        INSERT INTO notifications_deadline
               (case_id, rule_id, party_id, anchor_at, started_at, due_at, state, met_at, next_check_at,
                reminders_sent, waived_reason, waived_by_id, subject)
        SELECT c.id, r.id, NULL, g.at - interval '1 hour', g.at - interval '1 hour', g.at, 'pending', NULL, g.at,
               0, '', NULL, 'bench-' || g.s
          FROM g CROSS JOIN nc CROSS JOIN nr
          JOIN c ON c.i = g.s %% nc.n
          JOIN r ON r.i = (g.s / nc.n) %% nr.n
    """, [start, start + missing - 1])
    settle()
    return sql("SELECT count(*) FROM notifications_deadline WHERE state = 'pending'")[0][0]


def remove_generated() -> None:
    """Delete the generated clocks (and what sweeps wrote for them), back to the filed cases' own."""
    from notifications.models import Escalation

    Escalation.objects.filter(deadline__subject__startswith="bench-").delete()  # and their messages
    sql("DELETE FROM notifications_deadline WHERE subject LIKE 'bench-%%'", [])
    settle()


# --- Worker and beat ---------------------------------------------------------------------------

class Processes:
    """Celery worker and beat subprocesses, each in its own process group."""

    def __init__(self, env: dict, var_dir: Path):
        self.env, self.var_dir, self.procs = env, var_dir, []

    def start(self, name: str, args: list[str], ready: str, timeout: float = 60):
        log = self.var_dir / f"{name}.log"
        log.write_text("")
        with log.open("ab") as out:
            proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *args], cwd=BASE_DIR,
                                    env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        limit = time.monotonic() + timeout
        while ready not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > limit:
                raise RuntimeError(f"{name} did not start; see {log}")
            time.sleep(0.1)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs = []


def flush_broker_db(broker_url: str) -> None:
    """Empty the benchmark's own Redis database (stale messages of an earlier run)."""
    import redis

    client = redis.Redis.from_url(broker_url)
    client.ping()
    client.flushdb()


# --- Figures -----------------------------------------------------------------------------------

def percentile(values, p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def median(values) -> float:
    return statistics.median(values)


def write_section(path: Path, heading: str, text: str) -> None:
    """Put ``text`` (which starts with ``heading``, a top-level "# …" line) into the results
    file in place of that section, keeping the other benchmarks' sections."""
    old = path.read_text() if path.exists() else ""
    sections, current = [], []
    for line in old.splitlines():
        if line.startswith("# ") and current:
            sections.append(current)
            current = []
        current.append(line)
    if current:
        sections.append(current)
    body = [s for s in ("\n".join(lines).strip() for lines in sections) if s]
    kept = [s for s in body if not s.startswith(heading)]
    position = next((i for i, s in enumerate(body) if s.startswith(heading)), len(body))
    kept.insert(min(position, len(kept)), text.strip())
    path.write_text("\n\n".join(kept) + "\n")


def fresh_database(*, database_url: str, broker_url: str = DEFAULT_BROKER_URL, log=print) -> dict:
    """Every benchmark's start: its own environment, its database recreated and migrated, Django
    set up. Returns the environment for the workers it may start."""
    env = configure(database_url=database_url, broker_url=broker_url, var_dir=VAR_DIR)
    log(f"Recreating {database_url} and migrating ...")
    recreate_database(database_url)
    django_setup()
    return env


def machine_info(command: str = "") -> dict:
    """Where and when the figures were measured, the load average at the start and the command."""
    import celery
    import django

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "postgresql": sql("SHOW server_version")[0][0],
        "python": platform.python_version(),
        "django": django.get_version(),
        "load": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "command": command,
        "celery": celery.__version__,
        "host": platform.node(),
    }


if __name__ == "__main__":
    print("bench/_lib.py holds helpers; the benchmarks are bench/sweep.py and bench/lists.py")
