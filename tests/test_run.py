"""`make run`'s script (bin/run) really starts the web app, a Celery worker and Celery
beat on the embedded default, prints the address and the demo logins, and Ctrl-C
(SIGINT to its process group, as a terminal sends it) stops every one of them.

It runs in a private VAR_DIR (its own SQLite database, file-system broker and keys)
on a free port, so it touches neither the developer's data nor a running `make run`.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 180
STOP_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_members(pgid: int) -> dict[int, str]:
    """pid -> command line of every live process in the process group."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                members[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
    return members


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status
    except OSError:
        return None


def signed_in_pages(base: str, username: str, password: str, paths: list[str]) -> dict[str, tuple[int, str]]:
    """Log in through the form as a person would, then fetch each path: {path: (status, html)}."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": password}).encode()
    request = urllib.request.Request(base + "/login/", data=data, headers={"Referer": base + "/login/"})
    landed = opener.open(request, timeout=10)
    if "/account/verify/" in landed.url:
        # Issue #11: a login with a second factor; bin/run shows the demo login's current code.
        page = landed.read().decode()
        code = re.search(r"Demo account: the current code is (\d{6})", page).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": code}).encode()
        opener.open(urllib.request.Request(landed.url, data=data, headers={"Referer": landed.url}), timeout=10)
    pages = {}
    for path in paths:
        try:
            with opener.open(base + path, timeout=20) as response:
                pages[path] = (response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            pages[path] = (error.code, "")
    return pages


def wait_for(predicate, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def test_run_starts_web_worker_and_beat_and_ctrl_c_stops_them_all(tmp_path):
    port = free_port()
    login = f"http://127.0.0.1:{port}/login/"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port), PY=sys.executable,
               DEMO_PASSWORD="run-test-pass-1", STOP_TIMEOUT="30")
    log_path = tmp_path / "run.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(["bin/run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    pgid = proc.pid
    log_text = lambda: log_path.read_text(errors="replace")  # noqa: E731
    try:
        started = wait_for(lambda: proc.poll() is not None or status_of(login) == 200, START_TIMEOUT)
        assert started and proc.poll() is None, f"bin/run did not come up:\n{log_text()[-4000:]}"
        assert status_of(login) == 200
        ready = wait_for(lambda: "==> Open" in log_text() and " ready." in log_text()
                         and "beat: Starting" in log_text(), 60)
        assert ready, log_text()[-4000:]

        text = log_text()
        assert f"http://127.0.0.1:{port}/" in text
        assert "Demo logins (password for all: run-test-pass-1)" in text
        assert "kz-coordinator" in text
        assert f"== Database: SQLite under {tmp_path / 'var'}/" in text

        # A new user's first minutes on the embedded default (SQLite): the demo cases are listed
        # and open, and the bell and inbox answer.
        base = f"http://127.0.0.1:{port}"
        pages = signed_in_pages(base, "kz-coordinator", "run-test-pass-1", ["/cases/", "/notifications/", "/inbox/"])
        assert {path: status for path, (status, _) in pages.items()} == {
            "/cases/": 200, "/notifications/": 200, "/inbox/": 200}, log_text()[-4000:]
        case_links = re.findall(r'href="(/cases/[0-9a-f-]{36}/)"', pages["/cases/"][1])
        assert len(case_links) >= 5, "the demo cases are not listed"
        opened = signed_in_pages(base, "kz-police", "run-test-pass-1", ["/cases/"])["/cases/"]
        police_links = re.findall(r'href="(/cases/[0-9a-f-]{36}/)"', opened[1])
        assert police_links, "no demo case is shared with the police"
        assert signed_in_pages(base, "kz-police", "run-test-pass-1", police_links[:1])[police_links[0]][0] == 200

        commands = list(group_members(pgid).values())
        assert any("config worker" in c for c in commands), commands
        assert any("config beat" in c for c in commands), commands
        assert any("runserver" in c for c in commands), commands

        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C in the terminal does
        proc.wait(timeout=STOP_TIMEOUT)
        assert wait_for(lambda: not group_members(pgid), 15), group_members(pgid)
        assert status_of(login) is None
        assert "== Stopped." in log_text()
    finally:
        if group_members(pgid):
            os.killpg(pgid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=10)
