"""Benchmark of the case lists (DESIGN §4, issue #8): page cost against table size.

    .venv/bin/python bench/lists.py            # full run: 100k then 1M cases of school №2
    .venv/bin/python bench/lists.py --quick    # fast check: 10k then 100k

It recreates its own PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/childsafe_bench, or --database-url /
BENCH_DATABASE_URL), fills it in SQL (bench/_generate.py) and times requests
through the in-process Django test client (all middleware, session or token
auth, templates and serializers). Results go to the terminal and to
bench/results.md (its "Lists benchmark" section; the other sections are kept).

Personas: (a) kz-coordinator-2 sees every case of school №2 (the table's
size); (b) kz-teacher sees the 60 oldest cases of the table, which they filed
(personal grants); (c) the same with a status filter (30 of them); (d)-(g) persona
(a) with the filters the lists offer: my cases, unassigned, a common kind and a
rare one (each a range of the access table, filtered inside it).

P2: page 1 at the large size ÷ at the small size ≤ 1.2, for (a) to (g),
    browser and API (median of ≥ 11 requests each).
P4: the 200th page (following the cursors) ÷ page 1 ≤ 1.5, for (a).
P1: a bare JSON view (same middleware and token auth, a constant answer) ÷ API
    page 1 ≥ 0.10 at the large size: the list costs at most 10× the framework floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _lib  # noqa: E402  (bench/_lib.py, next to this file)

TARGET_P2, TARGET_P4, TARGET_P1 = 1.2, 1.5, 0.10
DEEP_PAGE = 200
TEACHER_CASES = 60
SCHOOL_STEP = dt.timedelta(minutes=5)  # school №2: 1M cases span about ten years
OTHER_SHARE = 20
ASSIGNED_EVERY = 10  # kz-coordinator-2 holds every 10th case of school №2  # school №1 and a UA school get 1/20 of school №2's count each, over the same years
PERSONAS = {
    "a": ("kz-coordinator-2", {}, "sees all cases of school №2"),
    "b": ("kz-teacher", {}, f"sees the {TEACHER_CASES} oldest cases (personal grants)"),
    "c": ("kz-teacher", {"status": "open"}, f"(b) with status=open ({TEACHER_CASES // 2} cases)"),
    # Issue #8 asks the filters that lists need to stay flat too (issue #9 adds assignment).
    "d": ("kz-coordinator-2", {"mine": "1"}, f"(a), my cases (holds 1 in {ASSIGNED_EVERY})"),
    "e": ("kz-coordinator-2", {"unassigned": "1"}, "(a), unassigned"),
    "f": ("kz-coordinator-2", {"kind": "cyberbullying"}, "(a), kind cyberbullying (1 in 4 cases)"),
    "g": ("kz-coordinator-2", {"kind": "domestic_violence"}, "(a), kind domestic violence (1 in 50 cases)"),
}


def log(message: str) -> None:
    print(message, flush=True)


# --- Data --------------------------------------------------------------------------------------

def fill(gen, *, have: int, level: int) -> None:
    import _generate

    started = time.perf_counter()
    newest = gen.now - dt.timedelta(hours=1)
    gen.add_cases(school="kz-school-2", count=level - have, first=have, newest=newest, step=SCHOOL_STEP,
                  filed_by="kz-coordinator-2", shared_with=("kz-police", 100), user_grants=("bench-invitee", 200),
                  assigned_to=("kz-coordinator-2", ASSIGNED_EVERY))
    for school, filer in (("kz-school-1", "kz-coordinator"), ("ua-school-1", "ua-coordinator")):
        gen.add_cases(school=school, count=(level - have) // OTHER_SHARE, first=have // OTHER_SHARE,
                      newest=newest, step=SCHOOL_STEP * OTHER_SHARE, filed_by=filer)
    generated = time.perf_counter() - started
    _generate.settle()
    log(f"  filled to {level:,} cases of school №2 in {generated:.0f} s (+{time.perf_counter() - started - generated:.0f} s"
        " vacuum/analyze)")


def table_counts() -> dict:
    return {t: _lib.sql(f"SELECT count(*) FROM {t}")[0][0] for t in
            ("cases_case", "cases_caseaccess", "cases_casegroupobjectpermission", "cases_caseuserobjectpermission",
             "notifications_deadline", "privacy_auditevent", "cases_party")}


# --- Requests ----------------------------------------------------------------------------------

def install_bare_view() -> None:
    """A constant JSON answer behind the same middleware and DRF auth: the framework's floor."""
    from django.conf import settings
    from django.urls import clear_url_caches, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    import config.urls

    class BareView(APIView):
        def get(self, request):
            return Response({"ok": True})

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench/bare/", BareView.as_view()), *config.urls.urlpatterns]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def clients(username: str):
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


def timed(client, url: str, params: dict, reps: int) -> tuple[float, object]:
    """Median seconds of ``reps`` requests (after one warm-up) and the last response."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _rep in range(reps):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return _lib.median(times), response


def api_count(response) -> int:
    return len(response.json()["results"])


def measure_level(level: int, reps: int) -> dict:
    result = {"level": level, "pages": {}}
    for key, (username, filters, _label) in PERSONAS.items():
        browser, api = clients(username)
        b_s, b_resp = timed(browser, "/cases/", filters, reps)
        a_s, a_resp = timed(api, "/api/v1/cases/", filters, reps)
        result["pages"][key] = {"browser": b_s, "api": a_s, "rows": api_count(a_resp)}
        log(f"  ({key}) {username} {filters or ''}: browser {b_s * 1000:.1f} ms, API {a_s * 1000:.1f} ms, "
            f"{api_count(a_resp)} rows")
    _browser, api = clients("kz-coordinator-2")
    result["bare"], _ = timed(api, "/bench/bare/", {}, reps)
    log(f"  bare view {result['bare'] * 1000:.2f} ms")
    result["plan"] = explain_page("kz-coordinator-2")
    return result


def explain_page(username: str) -> dict:
    """EXPLAIN ANALYZE of the page statement exactly as case_page sends it."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.selectors import case_page

    user = get_user_model().objects.get(username=username)
    with CaptureQueriesContext(connection) as queries:
        case_page(user, size=50)
    plan = [row[0] for row in _lib.sql("EXPLAIN (ANALYZE, BUFFERS) " + queries.captured_queries[-1]["sql"])]
    text = "\n".join(plan)
    return {"ms": float(plan[-1].split(":")[1].split()[0]), "index": "case_access_group_idx" in text,
            "seq_scan": "Seq Scan on cases_caseaccess" in text, "subplan": "SubPlan" in text, "text": text}


def measure_deep(reps: int) -> dict:
    """Page 1 and page DEEP_PAGE of (a), following ``next`` (API) and the Older link (browser)."""
    import re

    browser, api = clients("kz-coordinator-2")
    body, cursor = api.get("/api/v1/cases/").json(), None
    for _page in range(DEEP_PAGE - 1):
        cursor = body["next"].split("cursor=")[1].split("&")[0]
        body = api.get("/api/v1/cases/", {"cursor": cursor}).json()
    from urllib.parse import unquote

    cursor = unquote(cursor)
    api_deep, response = timed(api, "/api/v1/cases/", {"cursor": cursor}, reps)
    api_first, _ = timed(api, "/api/v1/cases/", {}, reps)
    html = browser.get("/cases/").content.decode()
    for _page in range(DEEP_PAGE - 1):
        browser_cursor = unquote(re.search(r'href="\?cursor=([^"&]+)', html).group(1))
        html = browser.get("/cases/", {"cursor": browser_cursor}).content.decode()
    browser_deep, _ = timed(browser, "/cases/", {"cursor": browser_cursor}, reps)
    browser_first, _ = timed(browser, "/cases/", {}, reps)
    starts_at = response.json()["results"][0]["received_at"]
    log(f"  page {DEEP_PAGE}: API {api_deep * 1000:.1f} ms (page 1 {api_first * 1000:.1f} ms), "
        f"browser {browser_deep * 1000:.1f} ms (page 1 {browser_first * 1000:.1f} ms); starts at {starts_at}")
    return {"api": (api_first, api_deep), "browser": (browser_first, browser_deep), "starts_at": starts_at}


# --- Report ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report(info: dict, args, levels: list[dict], deep: dict, counts: dict, fill_s: dict, elapsed: float) -> str:
    small, large = levels[0], levels[-1]
    lines = [
        "# Lists benchmark",
        "",
        f"Latest run: {info['date']}{' (--quick)' if args.quick else ''}, {elapsed / 60:.1f} min, "
        f"`{info['command']}`. Machine: {info['nproc']} CPU ({info['cpu']}), load average at start "
        f"{info['load']}, PostgreSQL {info['postgresql']}, Python {info['python']}, Django {info['django']}. "
        "Produced by `bench/lists.py`; rerun to refresh.",
        "",
        f"Data (bench/_generate.py, SQL): school №2 holds {small['level']:,} then {large['level']:,} cases, "
        f"one every {int(SCHOOL_STEP.total_seconds() // 60)} min back in time; school №1 and a UA school "
        f"1/{OTHER_SHARE} of that each; {TEACHER_CASES} cases filed by a class teacher are the oldest in the "
        "table. Every case: one victim, two statutory clocks (met, late, waived, breached, pending), audit "
        "events, guardian grants and access rows; 1% shared with the police, 0.5% with an invited person; "
        f"kinds: a quarter cyberbullying, one in 50 domestic violence; kz-coordinator-2 holds every {ASSIGNED_EVERY}th. "
        f"At {large['level']:,}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + ". "
        "Generation: " + ", ".join(f"{lvl:,} in {s:.0f} s" for lvl, s in fill_s.items()) + ".",
        "",
        f"Median of {args.reps} requests (after one warm-up), in-process Django test client.",
        "",
        f"## P2: page 1 at {large['level']:,} ÷ at {small['level']:,} (target ≤ {TARGET_P2})",
        "",
        f"| persona | list | {small['level']:,} | {large['level']:,} | ratio | |",
        "|---|---|---:|---:|---:|:---:|",
    ]
    for key, (username, filters, label) in PERSONAS.items():
        for kind in ("browser", "api"):
            a, b = small["pages"][key][kind], large["pages"][key][kind]
            ratio = b / a
            lines.append(f"| ({key}) {username}: {label} | {'browser' if kind == 'browser' else 'API'} | "
                         f"{a * 1000:.1f} ms | {b * 1000:.1f} ms | {ratio:.2f} | {verdict(ratio <= TARGET_P2)} |")
    api_first, api_deep = deep["api"]
    browser_first, browser_deep = deep["browser"]
    bare_ratio = large["bare"] / large["pages"]["a"]["api"]
    lines += [
        "",
        f"## P4: page {DEEP_PAGE} ÷ page 1 at {large['level']:,}, persona (a) (target ≤ {TARGET_P4})",
        "",
        "| list | page 1 | page 200 | ratio | |",
        "|---|---:|---:|---:|:---:|",
        f"| API | {api_first * 1000:.1f} ms | {api_deep * 1000:.1f} ms | {api_deep / api_first:.2f} | "
        f"{verdict(api_deep / api_first <= TARGET_P4)} |",
        f"| browser | {browser_first * 1000:.1f} ms | {browser_deep * 1000:.1f} ms | "
        f"{browser_deep / browser_first:.2f} | {verdict(browser_deep / browser_first <= TARGET_P4)} |",
        "",
        f"## P1: bare view ÷ API page 1 at {large['level']:,}, persona (a) (target ≥ {TARGET_P1})",
        "",
        f"Bare view {large['bare'] * 1000:.2f} ms, API page 1 {large['pages']['a']['api'] * 1000:.1f} ms: "
        f"**{bare_ratio:.2f}** ({verdict(bare_ratio >= TARGET_P1)}).",
        "",
        "## The page statement of persona (a), EXPLAIN ANALYZE",
        "",
        "| cases of school №2 | execution | per-grantee index | Seq Scan on the grants | SubPlan |",
        "|---:|---:|:---:|:---:|:---:|",
    ]
    for level in levels:
        plan = level["plan"]
        lines.append(f"| {level['level']:,} | {plan['ms']:.2f} ms | {'yes' if plan['index'] else 'NO'} | "
                     f"{'YES' if plan['seq_scan'] else 'no'} | {'YES' if plan['subplan'] else 'no'} |")
    lines += ["", "```", large["plan"]["text"], "```", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k then 100k cases (a few minutes)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", _lib.DEFAULT_DATABASE_URL))
    parser.add_argument("--reps", type=int, default=11, help="requests per figure (median; at least 11)")
    parser.add_argument("--levels", help="comma-separated sizes instead of the mode's, e.g. 1000,5000")
    parser.add_argument("--results", default=str(Path(__file__).resolve().parent / "results.md"))
    args = parser.parse_args(argv)
    args.reps = max(args.reps, 11)
    levels = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    if args.levels:
        levels = [int(n) for n in args.levels.split(",")]

    began = time.perf_counter()
    _lib.fresh_database(database_url=args.database_url, log=log)
    from django.test.utils import setup_test_environment

    import _generate
    from agencies.demo import load_demo

    setup_test_environment()
    install_bare_view()
    info = _lib.machine_info("bench/lists.py " + " ".join(sys.argv[1:] if argv is None else argv))
    load_demo(password=_lib.BENCH_PASSWORD)
    gen = _generate.Generator()
    gen.add_cases(school="kz-school-1", count=TEACHER_CASES, newest=gen.now - dt.timedelta(days=12 * 365),
                  step=dt.timedelta(hours=1), filed_by="kz-teacher", reporter_grant=True, closed_every=2)

    results, have, fill_s = [], 0, {}
    for level in levels:
        log(f"Filling to {level:,} cases of school №2 ...")
        started = time.perf_counter()
        fill(gen, have=have, level=level)
        fill_s[level] = time.perf_counter() - started
        have = level
        log(f"Measuring at {level:,}")
        results.append(measure_level(level, args.reps))
    log(f"Page {DEEP_PAGE} at {levels[-1]:,}")
    deep = measure_deep(args.reps)
    text = report(info, args, results, deep, table_counts(), fill_s, time.perf_counter() - began)
    _lib.write_section(Path(args.results), "# Lists benchmark", text)
    log("\n" + text)
    log(f"Written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
