"""Benchmark of what privacy costs a case read (issue #8): decryption, the audit trail, the sweep.

    .venv/bin/python bench/audit.py            # full run
    .venv/bin/python bench/audit.py --quick    # fast check (a few minutes)

It recreates its own PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/childsafe_bench_audit, or --database-url /
BENCH_AUDIT_DATABASE_URL; not the other benchmarks' database, so they may run
at the same time), files its cases through the real service and times
requests through the in-process Django test client (all middleware, token
auth, serializers). Results go to the terminal and to bench/results.md (its
"Audit benchmark" section; the other sections are kept). No broker is needed:
the sweep's hand-over to delivery (``delivery_enqueue``) is a no-op here.

P7: the real ``CaseDetailApi`` (decrypts every party field and the
    description, writes ``case_read``'s two audit events) ÷ the same view path
    with neither (the parties' stored ciphertext serialized as is, ``case_read``'s
    permission check without its audit writes) ≤ 1.25. Same case, median of
    ≥ 31 requests each, interleaved.
Readers: 8 processes, each with its own connection, read case details for a
    fixed time; throughput with the audit writes ÷ without ≥ 0.8 (off: only
    ``audit_record`` is patched to a no-op in the readers; decryption stays on).
Sweep: a reader's p99 latency while ``deadlines_sweep()`` handles 1,000 due
    clocks in another process ÷ its p99 with nothing else running ≤ 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _lib  # noqa: E402  (bench/_lib.py, next to this file)

TARGET_P7, TARGET_READERS, TARGET_SWEEP = 1.25, 0.8, 2.0
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/childsafe_bench_audit"
READER = "kz-coordinator"  # school team of kz-school-1: view_case and view_case_identity on every case
READERS = 8
SWEEP_DUE = 1_000
UNREACHED_RATE = "100000/second"
WARM_UP = 3  # requests per reader process before its window opens
PLAIN_URL = "/bench/plain-case/{}/"
API_URL = "/api/v1/cases/{}/"
DESCRIPTION = ("Сыныптастары үзіліс кезінде мазақ етеді, телефонын тартып алады және әлеуметтік желіде "
               "суреттерін таратады. Сынып жетекшісі ата-анасымен сөйлесті.")


def log(message: str) -> None:
    print(message, flush=True)


# --- Data --------------------------------------------------------------------------------------

def valid_iin(birth: dt.date, serial: int) -> str:
    from cases.identity_numbers import iin_check_digit

    while True:
        first11 = f"{birth:%y%m%d}5{serial % 10000:04d}"  # 5: a girl born in the 2000s
        check = iin_check_digit(first11)
        if check is not None:
            return first11 + str(check)
        serial += 1


def seed(count: int) -> list:
    """``count`` KZ cases filed through the real service: a victim with every identity field and
    a legal representative, and a description: 14 encrypted values per case."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from agencies.demo import load_demo
    from agencies.models import Agency
    from cases.services import PartyInput, case_register

    load_demo(password=_lib.BENCH_PASSWORD)
    user = get_user_model().objects.get(username="kz-coordinator")
    school = Agency.objects.get(code="kz-school-1")
    received = timezone.now() - dt.timedelta(minutes=10)
    cases = []
    for i in range(count):
        birth = dt.date(2012, 1, 1) + dt.timedelta(days=i * 3)
        victim = PartyInput(role="victim", family_name="Ахметова", given_name=f"Айару {i}", patronymic="Серікқызы",
                            birth_date=birth, identity_number=valid_iin(birth, i), class_name="6А",
                            phone=f"+7 701 555 {i % 100:02d} {i % 97:02d}",
                            address=f"Алматы, Абай даңғылы {i % 200 + 1}, {i % 90 + 1}-пәтер")
        parent = PartyInput(role="legal_representative", family_name="Ахметова", given_name="Гүлнар",
                            patronymic="Бекқызы", phone=f"+7 702 444 {i % 100:02d} {i % 89:02d}",
                            address=f"Алматы, Абай даңғылы {i % 200 + 1}, {i % 90 + 1}-пәтер", is_minor=False,
                            represents_index=0)
        cases.append(case_register(
            user=user, school=school, received_at=received, incident_at=None, channel="parent_report",
            kinds=["bullying"], forms=["psychological"], places=["classroom"], description=DESCRIPTION,
            parties=[victim, parent]))
        if (i + 1) % 100 == 0:
            log(f"  {i + 1}/{count} cases")
    return cases


def sweep_rows() -> list[int]:
    """SWEEP_DUE pending clocks of the filed cases (topped up with generated ones if too few)."""
    from notifications.models import Deadline

    if Deadline.objects.filter(state="pending").count() < SWEEP_DUE:
        _lib.top_up_pending(SWEEP_DUE)
    _lib.park_all_deadlines()
    return list(Deadline.objects.filter(state="pending").order_by("id").values_list("pk", flat=True)[:SWEEP_DUE])


def make_due(ids) -> None:
    """The clocks pending again and due a minute ago; what earlier sweeps wrote for them removed."""
    from django.utils import timezone

    from notifications.models import Deadline, Escalation

    at = timezone.now() - dt.timedelta(minutes=1)
    Escalation.objects.filter(deadline_id__in=ids).delete()  # and their outbox messages
    Deadline.objects.filter(pk__in=ids).update(state="pending", due_at=at, next_check_at=at, reminders_sent=0,
                                               met_at=None)


# --- The view without decryption and audit ------------------------------------------------------

def install_plain_view() -> None:
    """``CaseDetailApi``'s path without its privacy work, at PLAIN_URL.

    Same access helper and the same permission check as ``case_read``, but not its
    audit writes; the same serializer shapes, but each encrypted field is the stored
    ciphertext as loaded (never opened).
    """
    from django.conf import settings
    from django.urls import clear_url_caches, path
    from rest_framework import serializers
    from rest_framework.response import Response
    from rest_framework.views import APIView

    import config.urls
    from cases import permissions
    from cases.api import CaseDetailSerializer, CaseListItemSerializer, PartyFactsSerializer
    from cases.selectors import case_get_for_user, case_parties

    class StoredText(serializers.Field):
        """The column's text as loaded, bypassing the decrypting attribute."""

        def __init__(self, **kwargs):
            super().__init__(read_only=True, **kwargs)

        def get_attribute(self, instance):
            return instance.__dict__.get(self.source)

        def to_representation(self, value):
            return str(value)

    class StoredPartySerializer(PartyFactsSerializer):
        is_alleged_perpetrator = serializers.BooleanField()
        represents = serializers.UUIDField(source="represents_id", allow_null=True)
        family_name = StoredText()
        given_name = StoredText()
        patronymic = StoredText()
        birth_date = StoredText()
        identity_number = StoredText()
        class_name = StoredText()
        phone = StoredText()
        address = StoredText()

    class StoredCaseSerializer(CaseListItemSerializer):
        description = StoredText()
        parties = serializers.SerializerMethodField()

        class Meta(CaseListItemSerializer.Meta):
            fields = CaseDetailSerializer.Meta.fields

        def get_parties(self, case):
            return StoredPartySerializer(case_parties(case), many=True).data

    class PlainCaseDetail(APIView):
        def get(self, request, case_id):
            case = case_get_for_user(request.user, case_id)
            permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)  # case_read's check
            return Response(StoredCaseSerializer(case).data)

    module = types.ModuleType("bench_audit_urls")
    module.urlpatterns = [path("bench/plain-case/<uuid:case_id>/", PlainCaseDetail.as_view()),
                          *config.urls.urlpatterns]
    sys.modules["bench_audit_urls"] = module
    settings.ROOT_URLCONF = "bench_audit_urls"
    clear_url_caches()


def audit_off() -> None:
    """Make the audit writes no-ops in this process (the readers' own, nothing else)."""
    import cases.selectors
    import privacy.audit

    def no_audit(**_kwargs):
        return None

    privacy.audit.audit_record = no_audit
    cases.selectors.audit_record = no_audit  # case_read calls it by the name it imported


def api_client(token: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def reader_token() -> str:
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=get_user_model().objects.get(username=READER))
    return token


def get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return elapsed


# --- P7: one request, with and without the privacy work -----------------------------------------

def check_variants(client, case) -> dict:
    """What one request of each does: values opened, audit events written, what the parties read as."""
    from privacy import fields
    from privacy.models import AuditEvent

    real_open = fields.crypto.open_sealed
    opened = {"n": 0}

    def counting_open(*args, **kwargs):
        opened["n"] += 1
        return real_open(*args, **kwargs)

    fields.crypto.open_sealed = counting_open
    try:
        result = {}
        for kind, url in (("real", API_URL), ("plain", PLAIN_URL)):
            opened["n"], before = 0, AuditEvent.objects.count()
            body = client.get(url.format(case.pk)).json()
            victim = next(p for p in body["parties"] if p["role"] == "victim")
            result[kind] = {"opened": opened["n"], "audit": AuditEvent.objects.count() - before,
                            "parties": len(body["parties"]), "family_name": victim["family_name"][:24],
                            "bytes": len(client.get(url.format(case.pk)).content)}
    finally:
        fields.crypto.open_sealed = real_open
    if result["real"]["opened"] < 10 or result["plain"]["opened"] or not result["real"]["audit"] \
            or result["plain"]["audit"]:
        raise RuntimeError(f"the two views do not differ as intended: {result}")
    return result


def bench_p7(token: str, case, reps: int) -> dict:
    client = api_client(token)
    check = check_variants(client, case)
    real_url, plain_url = API_URL.format(case.pk), PLAIN_URL.format(case.pk)
    for _warm in range(5):
        get(client, real_url)
        get(client, plain_url)
    real, plain = [], []
    for rep in range(reps):  # interleaved, the order swapped every other pair: drift hits both alike
        first, second = (real, real_url), (plain, plain_url)
        if rep % 2:
            first, second = second, first
        first[0].append(get(client, first[1]))
        second[0].append(get(client, second[1]))
    result = {"real": _lib.median(real), "plain": _lib.median(plain), "reps": reps, "check": check,
              "real_min": min(real), "plain_min": min(plain)}
    result["ratio"] = result["real"] / result["plain"]
    log(f"  real {result['real'] * 1000:.2f} ms, plain {result['plain'] * 1000:.2f} ms (median of {reps}): "
        f"ratio {result['ratio']:.2f}; opened {check['real']['opened']} values and wrote "
        f"{check['real']['audit']} audit events per request")
    return result


# --- Readers: throughput of 8 processes with and without audit writes ---------------------------

def _reader(audit_on: bool, seconds: float, urls: list[str], token: str, offset: int, barrier, out) -> None:
    from django.db import connections

    if not audit_on:
        audit_off()
    client = api_client(token)
    for url in urls[offset:offset + WARM_UP]:
        get(client, url)
    barrier.wait()
    done, i, limit = 0, offset, time.perf_counter() + seconds
    while time.perf_counter() < limit:
        get(client, urls[i % len(urls)])
        done, i = done + 1, i + 1
    out.put(done)
    connections.close_all()


def readers_window(ctx, audit_on: bool, seconds: float, urls: list[str], token: str) -> int:
    from django.db import connections

    connections.close_all()  # the children open their own; none may share the parent's socket
    barrier, out = ctx.Barrier(READERS), ctx.Queue()
    procs = [ctx.Process(target=_reader, args=(audit_on, seconds, urls, token, k * len(urls) // READERS,
                                               barrier, out))
             for k in range(READERS)]
    for proc in procs:
        proc.start()
    counts = [out.get(timeout=seconds + 120) for _proc in procs]
    for proc in procs:
        proc.join(timeout=30)
        if proc.exitcode != 0:
            raise RuntimeError(f"a reader process failed (exit code {proc.exitcode})")
    return sum(counts)


def bench_readers(ctx, token: str, urls: list[str], *, rounds: int, seconds: float) -> dict:
    from privacy.models import AuditEvent

    done = {True: [], False: []}
    events_before = AuditEvent.objects.count()
    for rnd in range(rounds):
        for audit_on in (False, True, True, False) if rnd % 2 == 0 else (True, False, False, True):
            n = readers_window(ctx, audit_on, seconds, urls, token)
            done[audit_on].append(n)
            log(f"  audit {'on ' if audit_on else 'off'}: {n:,} reads in {seconds:.0f} s = {n / seconds:.0f}/s")
    windows = len(done[True])
    result = {"on": sum(done[True]) / (windows * seconds), "off": sum(done[False]) / (windows * seconds),
              "windows": windows, "seconds": seconds, "events": AuditEvent.objects.count() - events_before,
              "reads_on": sum(done[True]) + windows * READERS * WARM_UP}
    result["ratio"] = result["on"] / result["off"]
    log(f"  throughput on {result['on']:.0f}/s, off {result['off']:.0f}/s: ratio {result['ratio']:.2f}")
    return result


# --- Sweep: read latency while deadlines_sweep() runs in another process ------------------------

def _sweeper(conn) -> None:
    from notifications.services import sweep

    sweep.delivery_enqueue = lambda: None  # the hand-over to the delivery worker; no broker here
    while conn.recv() == "sweep":
        started = time.monotonic()
        handled = sweep.deadlines_sweep()
        conn.send((handled, started, time.monotonic()))
    from django.db import connections

    connections.close_all()


def read_until(client, urls: list[str], start: int, stop) -> tuple[list[float], int]:
    latencies, i = [], start
    while not stop():
        latencies.append(get(client, urls[i % len(urls)]))
        i += 1
    return latencies, i


def bench_sweep(ctx, token: str, urls: list[str], ids: list[int], *, rounds: int) -> dict:
    from django.db import connections

    connections.close_all()
    parent, child = ctx.Pipe()
    sweeper = ctx.Process(target=_sweeper, args=(child,))
    sweeper.start()
    client = api_client(token)
    idle, busy, sweeps, i, window = [], [], [], 0, 3.0
    try:
        for rnd in range(rounds + 1):  # round 0 warms the sweeper and the reader; not counted
            make_due(ids)
            order = ("idle", "sweep") if rnd % 2 == 0 else ("sweep", "idle")
            for phase in order:
                if phase == "idle":
                    limit = time.monotonic() + window
                    got, i = read_until(client, urls, i, lambda: time.monotonic() >= limit)
                    if rnd:
                        idle += got
                else:
                    parent.send("sweep")
                    got, i = read_until(client, urls, i, parent.poll)
                    handled, started, ended = parent.recv()
                    if handled != len(ids):
                        raise RuntimeError(f"the sweep handled {handled} clocks, {len(ids)} were due")
                    took = ended - started
                    window = max(2.0, took)  # idle windows as long as a sweep
                    if rnd:
                        busy += got
                        sweeps.append(took)
            log(f"  round {rnd}{' (warm-up)' if not rnd else ''}: sweep of {len(ids):,} took {took:.1f} s; "
                f"reads so far idle {len(idle)}, during sweeps {len(busy)}")
    finally:
        parent.send("stop")
        sweeper.join(timeout=60)
    result = {"idle_p99": _lib.percentile(idle, 99), "busy_p99": _lib.percentile(busy, 99),
              "idle_p50": _lib.percentile(idle, 50), "busy_p50": _lib.percentile(busy, 50),
              "idle_n": len(idle), "busy_n": len(busy), "sweeps": sweeps, "rounds": rounds}
    result["ratio"] = result["busy_p99"] / result["idle_p99"]
    log(f"  p99 idle {result['idle_p99'] * 1000:.1f} ms ({len(idle)} reads), during sweeps "
        f"{result['busy_p99'] * 1000:.1f} ms ({len(busy)} reads): ratio {result['ratio']:.2f}")
    return result


# --- Report ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report(info: dict, args, p7: dict, readers: dict, sweep: dict, elapsed: float) -> str:
    check = p7["check"]
    lines = [
        "# Audit benchmark",
        "",
        f"Latest run: {info['date']}{' (--quick)' if args.quick else ''}, {elapsed / 60:.1f} min, "
        f"`{info['command']}`. Machine: {info['nproc']} CPU ({info['cpu']}), load average at start "
        f"{info['load']}, at the end {info['load_end']} (a shared machine: other jobs ran meanwhile), "
        f"PostgreSQL {info['postgresql']}, Python {info['python']}, Django {info['django']}. "
        "Produced by `bench/audit.py`; rerun to refresh.",
        "",
        f"Data: {args.cases} KZ cases filed through `case_register` by kz-coordinator (school №1), each with a "
        "victim (family name, given name, patronymic, birth date, IIN, class, phone, address), a legal "
        "representative (family name, given name, patronymic, phone, address) and a description: "
        f"{check['real']['opened']} encrypted values per case. The reader is {READER} (school team: "
        "`view_case` and `view_case_identity`), token auth, in-process Django test client. DRF's user "
        f"throttle still runs on every request, but at {UNREACHED_RATE} (`API_THROTTLE_USER`) instead of "
        "600/minute, which a benchmark reader would exceed. All three figures are measured in the same run.",
        "",
        f"## P7: the case detail with decryption and audit ÷ without (target ≤ {TARGET_P7})",
        "",
        f"Same case; median of {p7['reps']} requests each, interleaved (order swapped every pair), after 5 "
        "warm-ups each. *With*: the real `CaseDetailApi` (`GET /api/v1/cases/<id>/`). *Without*: a view in "
        "`bench/audit.py` on the same path through `case_get_for_user` and `case_read`'s permission check, "
        "serializing the stored ciphertext of every encrypted field unopened and writing no audit event.",
        "",
        "| view | values opened | audit events written | response | median | fastest |",
        "|---|---:|---:|---:|---:|---:|",
        f"| with (real `CaseDetailApi`) | {check['real']['opened']} | {check['real']['audit']} | "
        f"{check['real']['bytes']:,} B | {p7['real'] * 1000:.2f} ms | {p7['real_min'] * 1000:.2f} ms |",
        f"| without (bench variant) | {check['plain']['opened']} | {check['plain']['audit']} | "
        f"{check['plain']['bytes']:,} B | {p7['plain'] * 1000:.2f} ms | {p7['plain_min'] * 1000:.2f} ms |",
        "",
        f"**Ratio {p7['ratio']:.2f}** (target ≤ {TARGET_P7}: {verdict(p7['ratio'] <= TARGET_P7)}); "
        f"{p7['real_min'] / p7['plain_min']:.2f} comparing the fastest requests. The variant's answer is "
        "larger (base64 ciphertext is longer than the plaintext), so it renders a little more JSON: if "
        "anything, that flatters the ratio slightly.",
        "",
        f"## Audit readers: {READERS} concurrent readers, throughput with audit writes ÷ without "
        f"(target ≥ {TARGET_READERS})",
        "",
        f"{READERS} processes (forked, each with its own database connection and test client) read the "
        f"{args.cases} cases' details through the real `CaseDetailApi` for {readers['seconds']:.0f} s per window; "
        f"{readers['windows']} windows each way, in the order off, on, on, off, (on, off, off, on, …). "
        "*Off*: `privacy.audit.audit_record` is patched to a no-op in the reader processes only (also under "
        "the name `cases.selectors` imported it by); decryption, permission checks and everything else stay "
        f"on. With audit on, {readers['events']:,} audit events were written for {readers['reads_on']:,} reads "
        "(warm-ups included: two per read, `case_view` and `identity_view`).",
        "",
        "| audit writes | reads/s (all readers) |",
        "|---|---:|",
        f"| on | {readers['on']:.0f} |",
        f"| off (patched out) | {readers['off']:.0f} |",
        "",
        f"**Ratio {readers['ratio']:.2f}** (target ≥ {TARGET_READERS}: "
        f"{verdict(readers['ratio'] >= TARGET_READERS)}).",
        "",
        f"## Read latency during a sweep of {SWEEP_DUE:,} due clocks (target p99 ≤ {TARGET_SWEEP} × idle)",
        "",
        f"One reader (this process, the real `CaseDetailApi`, audit on) reads the cases' details back to back; "
        f"another process calls `deadlines_sweep()` on {SWEEP_DUE:,} clocks of those cases made due a minute "
        "ago (escalations, outbox rows, breach audit events, overdue flags; `delivery_enqueue` is a no-op: "
        "no broker). Reads are counted as *during* from the sweep's start to its end, and *idle* over a "
        f"window as long as the last sweep with nothing else running; {sweep['rounds']} rounds (idle then "
        "sweep, then sweep then idle, …) after one warm-up round. Sweep durations: "
        + ", ".join(f"{s:.1f} s" for s in sweep["sweeps"]) + ".",
        "",
        "| reads | count | p50 | p99 |",
        "|---|---:|---:|---:|",
        f"| idle | {sweep['idle_n']:,} | {sweep['idle_p50'] * 1000:.1f} ms | {sweep['idle_p99'] * 1000:.1f} ms |",
        f"| during the sweep | {sweep['busy_n']:,} | {sweep['busy_p50'] * 1000:.1f} ms | "
        f"{sweep['busy_p99'] * 1000:.1f} ms |",
        "",
        f"**Ratio {sweep['ratio']:.2f}** (target ≤ {TARGET_SWEEP}: {verdict(sweep['ratio'] <= TARGET_SWEEP)}). "
        f"On {info['nproc']} CPUs the sweeper, the reader and PostgreSQL share the cores, so part of this is "
        "CPU contention rather than locking.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter windows (a few minutes)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_AUDIT_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--cases", type=int, default=None, help="cases to file (default 400; quick 250)")
    parser.add_argument("--reps", type=int, default=None, help="P7 requests per view (default 101; quick 31)")
    parser.add_argument("--results", default=str(Path(__file__).resolve().parent / "results.md"))
    args = parser.parse_args(argv)
    args.cases = args.cases or (250 if args.quick else 400)
    args.reps = max(args.reps or (31 if args.quick else 101), 31)
    reader_rounds, reader_seconds = (2, 8.0) if args.quick else (3, 20.0)
    sweep_rounds = 8 if args.quick else 16

    began = time.perf_counter()
    # DRF's per-user throttle (600/minute by default) would answer 429 to one benchmark reader;
    # it still runs on every request, with a rate no reader reaches.
    os.environ["API_THROTTLE_USER"] = UNREACHED_RATE
    _lib.fresh_database(database_url=args.database_url, log=log)
    from django.test.utils import setup_test_environment

    setup_test_environment()
    install_plain_view()
    info = _lib.machine_info("bench/audit.py " + " ".join(sys.argv[1:] if argv is None else argv))
    log(f"Filing {args.cases} cases through the service (load average {info['load']}) ...")
    cases = seed(args.cases)
    ids = sweep_rows()
    from _generate import settle

    settle()
    token = reader_token()
    urls = [API_URL.format(case.pk) for case in cases]
    ctx = multiprocessing.get_context("fork")

    log("P7: case detail with decryption and audit vs without")
    p7 = bench_p7(token, cases[len(cases) // 2], args.reps)
    log(f"Readers: {READERS} processes, audit writes on vs off")
    readers = bench_readers(ctx, token, urls, rounds=reader_rounds, seconds=reader_seconds)
    log(f"Sweep: read latency while {len(ids):,} due clocks are swept in another process")
    sweep = bench_sweep(ctx, token, urls, ids, rounds=sweep_rounds)

    info["load_end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(info, args, p7, readers, sweep, time.perf_counter() - began)
    _lib.write_section(Path(args.results), "# Audit benchmark", text)
    log("\n" + text)
    log(f"Written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
