"""Benchmark of the oversight dashboards (issue #10 item 4): page cost against the number of cases,
and the aggregator's drain rate.

    .venv/bin/python bench/dashboards.py            # full run: 100k then 1M generated cases
    .venv/bin/python bench/dashboards.py --quick    # fast check: 10k then 100k

Each size gets a PostgreSQL database of its own, named after --database-url /
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/childsafe_bench) and the
size (e.g. childsafe_bench_100k), recreated each run. For each size it loads the demo
world and:

1. files 2,000 cases through the real service (``case_register``: parties with birth
   dates and sexes, clocks, grants; the triggers mark them dirty) and times the
   aggregator (``oversight.services.tally_drain``) taking them: cases per second.
2. generates cases in SQL (bench/_generate.py) over two years in six schools of
   five regions of both countries, and fills the summary tables for them with one
   set-based SQL statement that computes what the aggregator computes for such a case
   (the generated parties have no birth date and no sex, so their age band and sex are
   "unknown", and they have no placements or commission decisions). A size of at most
   20,000 cases (any size with ``--verify``) compares the tables with ``tally_rebuild()``:
   they must be equal.
3. closes the 2,000 service cases (one UPDATE: the triggers mark them) and times the
   drain again, with the tables at that size.

Then it times the dashboard page (``oversight:home``) and its API (``/api/v1/dashboards/``)
through the in-process test client, for the national office (the country), the regional
ombudsman (a region) and a school head (an organisation), with the default period (the
last 12 months), from the cache and cold, and the selector alone. The sizes are measured
side by side: ``--rounds`` rounds, each switching between the sizes' databases, so that
other load on the machine for a while weighs on every size alike (on a 2-core virtual
machine, the same page measured ten minutes apart moved by up to 30%).

Targets: the page ≤ 50 ms at the large size, and ≤ 1.2× its time at the small size.
Results go to the terminal and to bench/results.md (its "Dashboards benchmark"
section; the other sections are kept).
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

TARGET_MS, TARGET_RATIO = 50.0, 1.2
SERVICE_CASES = 2_000
SPAN = dt.timedelta(days=730)  # generated cases: one every few minutes over the last two years
# (school, share of the cases, agency the case is shared with, every n-th case)
SCHOOLS = (
    ("kz-school-1", 0.40, "kz-police", 10),
    ("kz-ast-school-1", 0.20, "kz-ast-police", 10),
    ("kz-krg-school-1", 0.15, "kz-krg-police", 10),
    ("kz-school-2", 0.10, "kz-guardianship", 20),
    ("ua-school-1", 0.10, "ua-police", 10),
    ("ua-lviv-school-1", 0.05, "ua-lviv-police", 10),
)
# persona, label, how the scope is found
PERSONAS = (
    ("kz-ombudsman", "national office: Kazakhstan", "country"),
    ("kz-regional-ombudsman", "regional ombudsman: the region of school №1", "region"),
    ("kz-head", "school head: school №1", "agency"),
)


def log(message: str) -> None:
    print(message, flush=True)


# --- The aggregator's drain rate ---------------------------------------------------------------

def seed_service_cases(count: int) -> list:
    """``count`` cases filed through the real service, over the last weeks, in four schools."""
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from agencies.models import Agency
    from cases.services import PartyInput, case_register

    rng = random.Random(10)
    users = {"kz-school-1": "kz-coordinator", "kz-school-2": "kz-coordinator-2", "ua-school-1": "ua-coordinator",
             "ua-school-2": "ua-coordinator-2"}
    User = get_user_model()
    filers = {code: (User.objects.get(username=name), Agency.objects.get(code=code)) for code, name in users.items()}
    now, ids = timezone.now(), []
    for i in range(count):
        user, school = filers[list(filers)[i % len(filers)]]
        received = now - dt.timedelta(minutes=10 + rng.randrange(60 * 24 * 40))
        born = dt.date(2009 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28))
        case = case_register(
            user=user, school=school, received_at=received, incident_at=received - dt.timedelta(hours=3),
            channel=rng.choice(["self_report", "pupil_report", "staff_report", "parent_report"]),
            kinds=[rng.choice(["bullying", "violence", "cyberbullying"])], forms=["psychological"],
            places=[rng.choice(["classroom", "corridor", "online"])], description="bench",
            parties=[PartyInput(role="victim", family_name="Bench", given_name=f"Child {i}", birth_date=born,
                                sex=rng.choice(["female", "male", ""]), class_name="6A")])
        ids.append(case.pk)
        if (i + 1) % 500 == 0:
            log(f"  {i + 1}/{count} cases filed")
    return ids


def timed_drain() -> tuple[int, float]:
    from oversight.services import tally_drain_all

    started = time.perf_counter()
    taken = tally_drain_all(batch=500)
    return taken, time.perf_counter() - started


def redrain(case_ids, *, close: bool) -> tuple[int, float]:
    """Change the service cases' status (the triggers mark them) and time the drain."""
    _lib.sql("UPDATE cases_case SET status = %s WHERE id = ANY(%s::uuid[])",
             ["closed" if close else "open", [str(pk) for pk in case_ids]])
    return timed_drain()


# --- Generated cases and their tallies -----------------------------------------------------------

def fill(gen, *, have: int, level: int) -> float:
    started = time.perf_counter()
    newest = gen.now - dt.timedelta(hours=1)
    for school, share, shared_with, every in SCHOOLS:
        first, count = int(have * share), int(level * share) - int(have * share)
        step = SPAN / max(int(level * share), 1)
        gen.add_cases(school=school, count=count, first=first, newest=newest, step=step, filed_by="bench-filer",
                      shared_with=(shared_with, every))
    return time.perf_counter() - started


FILL_SQL = """
CREATE TEMP TABLE bench_fill ON COMMIT DROP AS
SELECT c.id, c.jurisdiction_id, c.school_id, c.intake_agency_id, c.channel, c.kinds, c.forms, c.places, c.status,
       c.outcome, home.region_id, j.time_zone AS tz,
       date_trunc('month', c.received_at AT TIME ZONE j.time_zone)::date AS month
  FROM cases_case c
  JOIN agencies_jurisdiction j ON j.id = c.jurisdiction_id
  JOIN agencies_agency home ON home.id = coalesce(c.school_id, c.intake_agency_id)
 WHERE c.merged_into_id IS NULL AND c.id IN (SELECT case_id FROM oversight_tallydirty);

CREATE TEMP TABLE bench_holder ON COMMIT DROP AS
SELECT DISTINCT f.id, a.id AS agency, a.kind
  FROM bench_fill f JOIN cases_caseaccess ca ON ca.case_id = f.id AND ca.group_id IS NOT NULL
  JOIN agencies_agency a ON a.case_group_id = ca.group_id;

ANALYZE bench_fill;

ANALYZE bench_holder;

CREATE TEMP TABLE bench_clock ON COMMIT DROP AS
SELECT f.id, f.jurisdiction_id, f.region_id, r.code, d.state,
       date_trunc('month', d.due_at AT TIME ZONE f.tz)::date AS month,
       coalesce(d.responsible_agency_id, hk.agency, f.school_id, f.intake_agency_id) AS agency,
       CASE WHEN d.responsible_agency_id IS NOT NULL THEN ra.kind ELSE r.responsible_agency_kind END AS kind,
       CASE WHEN d.state IN ('met', 'met_late') AND d.met_at IS NOT NULL THEN
            coalesce((SELECT min(b)::text FROM unnest(%s::int[]) b
                       WHERE extract(epoch FROM d.met_at - d.started_at) / 60 <= b), 'inf') END AS bucket
  FROM bench_fill f
  JOIN notifications_deadline d ON d.case_id = f.id
  JOIN notifications_deadlinerule r ON r.id = d.rule_id
  -- the case's agency of the rule's kind, the lowest id if several hold it
  LEFT JOIN (SELECT id, kind, min(agency) AS agency FROM bench_holder GROUP BY id, kind) hk
         ON hk.id = f.id AND hk.kind = r.responsible_agency_kind
  LEFT JOIN agencies_agency ra ON ra.id = d.responsible_agency_id;

ANALYZE bench_clock;

INSERT INTO oversight_tally (scope_type, scope_id, month, metric, key, n)
SELECT scope_type, scope_id, month, metric, key, count(*) FROM (
    -- the case in its country, its region and each agency holding it
    SELECT s.scope_type, s.scope_id, f.month, k.metric, k.key
      FROM bench_fill f
      JOIN (SELECT id, 'country' AS scope_type, jurisdiction_id AS scope_id FROM bench_fill
            UNION ALL SELECT id, 'region', region_id FROM bench_fill WHERE region_id IS NOT NULL
            UNION ALL SELECT id, 'agency', agency FROM bench_holder) s ON s.id = f.id
      JOIN (SELECT id, 'cases' AS metric, '' AS key FROM bench_fill
            UNION ALL SELECT id, 'channel', channel FROM bench_fill
            UNION ALL SELECT id, 'status', status FROM bench_fill
            UNION ALL SELECT id, 'outcome', outcome FROM bench_fill WHERE status = 'closed' AND outcome <> ''
            UNION ALL SELECT id, 'kind', k FROM bench_fill, jsonb_array_elements_text(kinds) k
            UNION ALL SELECT id, 'form', k FROM bench_fill, jsonb_array_elements_text(forms) k
            UNION ALL SELECT id, 'place', k FROM bench_fill, jsonb_array_elements_text(places) k
            UNION ALL SELECT p.case_id, m.metric, 'unknown'
                        FROM bench_fill f2 JOIN cases_party p ON p.case_id = f2.id
                             AND p.role = 'victim' AND p.is_minor,
                             (VALUES ('victim_age'), ('victim_sex')) m(metric)) k ON k.id = f.id
    UNION ALL
    SELECT 'country', jurisdiction_id, month, 'case_region', coalesce(region_id::text, '') FROM bench_fill
    UNION ALL
    -- clocks: the country, the region and the responsible agency
    SELECT s.scope_type, s.scope_id, c.month, m.metric, m.key
      FROM bench_clock c,
           LATERAL (VALUES ('country', c.jurisdiction_id), ('region', c.region_id), ('agency', c.agency))
                   s(scope_type, scope_id),
           LATERAL (VALUES ('clock', c.code || '|' || c.state),
                           ('clock_kind', c.code || '|' || c.kind || '|' || c.state),
                           ('clock_time', c.code || '|' || c.bucket)) m(metric, key)
     WHERE s.scope_id IS NOT NULL AND m.key IS NOT NULL
    UNION ALL
    SELECT 'country', jurisdiction_id, month, 'clock_region', coalesce(region_id::text, '') || '|' || state
      FROM bench_clock
    UNION ALL
    SELECT 'region', region_id, month, 'clock_agency', agency || '|' || state FROM bench_clock
     WHERE region_id IS NOT NULL
) x
GROUP BY scope_type, scope_id, month, metric, key
ON CONFLICT (scope_type, scope_id, month, metric, key) DO UPDATE SET n = oversight_tally.n + EXCLUDED.n;

DELETE FROM oversight_tallydirty d USING bench_fill f WHERE d.case_id = f.id;
"""


def fill_tallies() -> float:
    """The summary tables for every dirty (generated) case, in one SQL pass (see FILL_SQL)."""
    from django.db import transaction

    from oversight import metrics

    started = time.perf_counter()
    opened = _lib.sql("""SELECT count(*) FROM oversight_tallydirty d JOIN cases_party p ON p.case_id = d.case_id
                          WHERE p.birth_date IS NOT NULL OR p.sex <> ''""")[0][0]
    if opened:
        raise SystemExit("a dirty case has a party with a birth date or a sex: drain it with the aggregator")
    with transaction.atomic():
        for statement in FILL_SQL.split(";\n\n"):
            if statement.strip():  # only the clocks' statement takes a parameter: the time buckets
                _lib.sql(statement, [list(metrics.TIME_BUCKETS)] if "%s" in statement else None)
    _lib.vacuum_analyze("oversight_tally", "oversight_tallydirty")
    return time.perf_counter() - started


def tally_snapshot() -> list:
    return _lib.sql("SELECT scope_type, scope_id, month, metric, key, n FROM oversight_tally "
                    "ORDER BY scope_type, scope_id, month, metric, key")


def verify_against_rebuild() -> dict:
    from oversight.services import tally_rebuild

    before = tally_snapshot()
    started = time.perf_counter()
    cases = tally_rebuild()
    seconds = time.perf_counter() - started
    after = tally_snapshot()
    equal = before == after
    log(f"  SQL fill {'equals' if equal else 'DIFFERS FROM'} tally_rebuild() ({len(after):,} rows; "
        f"rebuild of {cases:,} cases in {seconds:.1f} s)")
    if not equal:
        diff = sorted(set(before) ^ set(after))[:10]
        log("  first differences: " + "; ".join(map(str, diff)))
    return {"equal": equal, "rows": len(after), "cases": cases, "seconds": seconds}


# --- Requests ----------------------------------------------------------------------------------

SERIES = ("browser", "browser_cold", "api", "api_cold", "selector")


def scope_token(username: str, kind: str) -> str:
    from django.contrib.auth import get_user_model

    from oversight.scopes import scopes_for_user

    user = get_user_model().objects.get(username=username)
    return next(s.token for s in scopes_for_user(user) if s.type == kind)


def clients(username: str):
    """A signed-in browser (a session in the current database) and an API client with its own
    token: each request loads its user afresh, as on a real server."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    user = get_user_model().objects.get(username=username)
    browser = Client()
    browser.force_login(user)
    api = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return browser, api


def request_times(client, url: str, params: dict, reps: int, *, cold: bool = False) -> list[float]:
    """The times of ``reps`` requests after one warm-up. ``cold``: the cache is emptied before each
    (outside the timing), as for the first view after the aggregator changed a figure; otherwise the
    drawn figures come from the cache, as for every other view until the next change."""
    from django.core.cache import cache

    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _rep in range(reps):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times


def selector_times(username: str, token: str, reps: int) -> list[float]:
    """The selector alone (scope, period, figures), without the request and the template."""
    from django.contrib.auth import get_user_model

    from oversight import selectors
    from oversight.scopes import scope_get_for_user

    user = get_user_model().objects.get(username=username)
    times = []
    for _rep in range(reps + 1):
        started = time.perf_counter()
        scope = scope_get_for_user(user, token)
        period, _errors = selectors.period_parse({}, jurisdiction=scope.jurisdiction)
        selectors.dashboard_figures(scope, period)
        times.append(time.perf_counter() - started)
    return times[1:]


def measure_round(size: dict, reps: int, samples: dict) -> None:
    """One round of every figure on one size's database (this process is pointed at it)."""
    from django.core.cache import cache
    from django.urls import reverse

    cache.clear()  # the other database's figures may sit under the same version number
    page = reverse("oversight:home")
    for username, _label, _kind in PERSONAS:
        browser, api, token = size["clients"][username]
        mine = samples.setdefault(size["level"], {}).setdefault(username, {k: [] for k in SERIES})
        mine["browser"] += request_times(browser, page, {"scope": token}, reps)
        mine["browser_cold"] += request_times(browser, page, {"scope": token}, reps, cold=True)
        mine["api"] += request_times(api, "/api/v1/dashboards/", {"scope": token}, reps)
        mine["api_cold"] += request_times(api, "/api/v1/dashboards/", {"scope": token}, reps, cold=True)
        mine["selector"] += selector_times(username, token, reps)


def measure_side_by_side(sizes: list[dict], reps: int, rounds: int) -> list[dict]:
    """Every figure of every size, in ``rounds`` rounds that switch between the sizes' databases
    (the order alternating), so that whatever else slows the machine for a while slows each size
    alike. Returns per size: per persona, the median and the fastest of each series."""
    samples: dict = {}
    per_round = max(1, -(-reps // rounds))
    for number in range(rounds):
        for size in (sizes if number % 2 == 0 else sizes[::-1]):
            _lib.use_database(size["url"])
            measure_round(size, per_round, samples)
        log(f"  round {number + 1}/{rounds} done")
    results = []
    for size in sizes:
        pages = {}
        for username, _label, _kind in PERSONAS:
            series = samples[size["level"]][username]
            pages[username] = {k: _lib.median(v) for k, v in series.items()}
            pages[username]["fastest"] = {k: min(v) for k, v in series.items()}
            pages[username]["token"] = size["clients"][username][2]
            pages[username]["rows"] = size["rows"][username]
            pages[username]["n"] = len(series["browser"])
            log(f"  {size['level']:,}: {username}: page {pages[username]['browser'] * 1000:.1f} ms "
                f"(cold {pages[username]['browser_cold'] * 1000:.1f}), API {pages[username]['api'] * 1000:.1f} ms "
                f"(cold {pages[username]['api_cold'] * 1000:.1f}), selector {pages[username]['selector'] * 1000:.1f} ms")
        results.append({**size, "pages": pages})
    return results


# --- One size, in a database of its own ---------------------------------------------------------

def build_size(level: int, url: str, args) -> dict:
    """A database at ``level`` generated cases (plus the service-filed ones), the aggregator's
    drain timed on it, and the clients that will read its dashboards."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django_otp import devices_for_user

    import _generate
    from agencies.demo import load_demo

    log(f"Building {url} with {level:,} generated cases ...")
    _lib.use_database(url)  # closes the connection first: the database is dropped and made again
    _lib.recreate_database(url)
    call_command("migrate", verbosity=0)
    load_demo(password=_lib.BENCH_PASSWORD)
    # The bench signs in with force_login and tokens: the demo logins' authenticators would ask for a code.
    for user in get_user_model().objects.all():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
    log(f"  filing {SERVICE_CASES:,} cases through the service ...")
    service_ids = seed_service_cases(SERVICE_CASES)
    first_drain = timed_drain()
    log(f"  aggregator: {first_drain[0]:,} cases in {first_drain[1]:.1f} s, "
        f"{first_drain[0] / first_drain[1]:.0f} cases/s")
    gen = _generate.Generator()
    generated = fill(gen, have=0, level=level)
    filled = fill_tallies()
    _generate.settle()
    log(f"  generated in {generated:.0f} s, summary tables filled in SQL in {filled:.0f} s")
    check = verify_against_rebuild() if (level <= 20_000 or args.verify) else None
    drain = redrain(service_ids, close=True)
    log(f"  drain of {drain[0]:,} changed service cases: {drain[1]:.1f} s, {drain[0] / drain[1]:.0f} cases/s")
    _generate.settle()
    size = {"level": level, "url": url, "first_drain": first_drain, "drain": drain, "check": check,
            "fill_s": generated + filled, "clients": {}, "rows": {},
            "tally_rows": _lib.sql("SELECT count(*) FROM oversight_tally")[0][0],
            "counts": {t: _lib.sql(f"SELECT count(*) FROM {t}")[0][0] for t in
                       ("cases_case", "cases_party", "notifications_deadline", "cases_caseaccess",
                        "oversight_tally")}}
    for username, _label, kind in PERSONAS:
        token = scope_token(username, kind)
        size["clients"][username] = (*clients(username), token)
        size["rows"][username] = _lib.sql(
            "SELECT count(*) FROM oversight_tally WHERE scope_type = %s AND scope_id = %s", token.split(":"))[0][0]
    return size


def explain_scope(token: str) -> str:
    kind, pk = token.split(":")
    rows = _lib.sql("""EXPLAIN (ANALYZE, BUFFERS)
                       SELECT month, metric, key, n FROM oversight_tally
                        WHERE scope_type = %s AND scope_id = %s
                          AND month >= (date_trunc('month', now()) - interval '11 months')::date
                          AND month <= date_trunc('month', now())::date""", [kind, int(pk)])
    return "\n".join(r[0] for r in rows)


# --- Report ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report(info, args, levels, check, plan, elapsed) -> str:
    small, large = levels[0], levels[-1]
    counts = large["counts"]
    lines = [
        "# Dashboards benchmark",
        "",
        f"Latest run: {info['date']}{' (--quick)' if args.quick else ''}, {elapsed / 60:.1f} min, "
        f"`{info['command']}`. Machine: {info['nproc']} CPU ({info['cpu']}), load average at start "
        f"{info['load']}, PostgreSQL {info['postgresql']}, Python {info['python']}, Django {info['django']}. "
        "Produced by `bench/dashboards.py`; rerun to refresh.",
        "",
        f"Data: {SERVICE_CASES:,} cases filed through the real service (parties with birth dates and sexes), "
        f"then {small['level']:,} and {large['level']:,} cases generated in SQL (bench/_generate.py), each size in a "
        "database of its own, over the last two years in six schools of five regions of both countries ("
        + ", ".join(f"{school} {share:.0%}" for school, share, _a, _e in SCHOOLS) + "), each shared with an "
        "agency every 10th or 20th case, two clocks each in every state. "
        "**The summary tables of the generated cases are filled by one set-based SQL statement equivalent to "
        "the aggregator** (`FILL_SQL` in the script: the same scopes, months, metrics and keys; generated "
        "parties have no birth date or sex, so \"unknown\"); the service-filed cases go through the aggregator "
        "itself. "
        + (f"Check at {check['cases']:,} cases: the SQL-filled tables {'**equal**' if check['equal'] else '**DIFFER FROM**'} "
           f"`tally_rebuild()` ({check['rows']:,} rows; the rebuild took {check['seconds']:.1f} s). "
           if check else "Not compared with `tally_rebuild()` in this run (`--verify` to do it). ")
        + f"At {large['level']:,}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + ". "
        "Generation and SQL fill: " + ", ".join(f"{lvl['level']:,} in {lvl['fill_s']:.0f} s" for lvl in levels) + ".",
        "",
        "## The aggregator's drain rate",
        "",
        "| what | cases | time | cases/s |",
        "|---|---:|---:|---:|",
    ]
    for level in levels:
        taken, seconds = level["first_drain"]
        lines.append(f"| {SERVICE_CASES:,} newly filed cases, empty tables (the {level['level']:,} database, before "
                     f"its generated cases) | {taken:,} | {seconds:.1f} s | {taken / seconds:.0f} |")
    for level in levels:
        t, s = level["drain"]
        lines.append(f"| the same cases' status changed (one UPDATE), tables at {level['level']:,} generated "
                     f"cases ({level['tally_rows']:,} tally rows) | {t:,} | {s:.1f} s | {t / s:.0f} |")
    lines += [
        "",
        "Batches of 500 cases, one transaction each (`tally_drain`: claim, read the cases with their parties, "
        "clocks, grants and decisions in six queries, recompute, diff against `CaseFact`, one upsert into "
        "`Tally`).",
        "",
        f"## The dashboard at {large['level']:,} ÷ at {small['level']:,} (target ≤ {TARGET_MS:.0f} ms at "
        f"{large['level']:,} and ratio ≤ {TARGET_RATIO})",
        "",
        f"Median of {large['pages'][PERSONAS[0][0]]['n']} requests per figure and size, in-process Django test client "
        "(without the test environment's instrumentation of template rendering, which copies each template's "
        "context; the API with a token of its own, so each request loads its user), measured side by side: "
        f"{args.rounds} rounds, each switching this process between the two databases (the order alternating) "
        "and emptying the cache at each switch, so that other load on the machine for a while weighs on both "
        "sizes alike. The default "
        "period (the last 12 months). *Page* and *API*: the drawn figures come from the cache, as for every "
        "view until the aggregator next changes a figure (`figures_cache_key`); *cold*: the cache emptied "
        "before each request, as for the first view after such a change. *Selector* is "
        "`oversight.selectors.dashboard_figures` with the scope and period parsing, without the request, "
        "the cache and the template. The verdicts are on the medians; the last column compares the fastest "
        "request at each size, which moves less with other load on the machine.",
        "",
        f"| scope | | {small['level']:,} | {large['level']:,} | ratio | ≤ {TARGET_MS:.0f} ms | ratio ≤ {TARGET_RATIO} "
        "| fastest: ratio |",
        "|---|---|---:|---:|---:|:---:|:---:|---:|",
    ]
    for username, label, _kind in PERSONAS:
        for what, name in (("browser", "page"), ("browser_cold", "page, cold"), ("api", "API"),
                           ("api_cold", "API, cold"), ("selector", "selector")):
            a, b = small["pages"][username][what], large["pages"][username][what]
            fa, fb = small["pages"][username]["fastest"][what], large["pages"][username]["fastest"][what]
            lines.append(f"| {label} ({username}, `{large['pages'][username]['token']}`) | {name} | "
                         f"{a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.2f} | {verdict(b * 1000 <= TARGET_MS)} | "
                         f"{verdict(b / a <= TARGET_RATIO)} | {fb / fa:.2f} ({fa * 1000:.1f} : {fb * 1000:.1f} ms) |")
    lines += [
        "",
        f"Tally rows per scope at {large['level']:,}: "
        + ", ".join(f"{u} {large['pages'][u]['rows']:,}" for u, _l, _k in PERSONAS)
        + f"; the whole table {large['tally_rows']:,}. A page reads its scope's months only (the unique "
        "index on scope, month, metric, key), so its cost follows the number of distinct keys, not of cases.",
        "",
        "## The national office's period query at the large size, EXPLAIN ANALYZE",
        "",
        "```",
        plan,
        "```",
        "",
    ]
    return "\n".join(lines)


def size_url(database_url: str, level: int) -> str:
    """The database of one size: the given one's name with the size, e.g. childsafe_bench_100k."""
    name = database_url.rstrip("/").rsplit("/", 1)
    return f"{name[0]}/{name[1]}_{level // 1000}k" if level >= 1000 else f"{name[0]}/{name[1]}_{level}"


def main(argv=None) -> int:
    global SERVICE_CASES
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k then 100k cases (a few minutes)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", _lib.DEFAULT_DATABASE_URL),
                        help="each size gets a database of its own, named after this one and the size")
    parser.add_argument("--reps", type=int, default=33, help="requests per figure and size (median; at least 11)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds switching between the sizes' databases")
    parser.add_argument("--levels", help="comma-separated sizes instead of the mode's, e.g. 2000,5000")
    parser.add_argument("--verify", action="store_true", help="compare the SQL fill with tally_rebuild() "
                                                              "at every size, whatever its size")
    parser.add_argument("--service-cases", type=int, default=SERVICE_CASES)
    parser.add_argument("--results", default=str(Path(__file__).resolve().parent / "results.md"))
    args = parser.parse_args(argv)
    args.reps = max(args.reps, 11)
    args.rounds = max(args.rounds, 1)
    levels = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    if args.levels:
        levels = [int(n) for n in args.levels.split(",")]

    SERVICE_CASES = args.service_cases
    began = time.perf_counter()
    os.environ["MFA_REQUIRED_ROLES"] = ""
    urls = [size_url(args.database_url, level) for level in levels]
    _lib.fresh_database(database_url=urls[0], log=log)
    # The test client without setup_test_environment(): no test-only instrumentation of template
    # rendering (it copies every template's context for assertions), as on a real server.
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    info = _lib.machine_info("bench/dashboards.py " + " ".join(sys.argv[1:] if argv is None else argv))

    sizes = [build_size(level, url, args) for level, url in zip(levels, urls)]
    log("Measuring the sizes side by side ...")
    results = measure_side_by_side(sizes, args.reps, args.rounds)
    _lib.use_database(sizes[-1]["url"])
    plan = explain_scope(results[-1]["pages"]["kz-ombudsman"]["token"])
    check = next((size["check"] for size in sizes if size["check"]), None)
    text = report(info, args, results, check, plan, time.perf_counter() - began)
    _lib.write_section(Path(args.results), "# Dashboards benchmark", text)
    log("\n" + text)
    log(f"Written to {args.results}")
    if any(size["check"] is not None and not size["check"]["equal"] for size in sizes):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
