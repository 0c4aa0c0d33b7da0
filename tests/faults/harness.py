"""Real processes for the fault tests: a private redis-server, Celery workers and beat.

Everything here is started in its own process group and killed by the fixtures
in tests/faults/conftest.py, whatever the test did.
"""

from __future__ import annotations

import email
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition", on_fail=None):
    """Poll ``predicate`` until it returns a truthy value; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{on_fail()}" if on_fail else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(interval)


def _die_with_parent() -> None:
    """In the child, before exec: start a new session and get SIGKILL if the test process dies."""
    os.setsid()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the fixtures' finalizers still kill the process group


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_group(proc: subprocess.Popen, sig=signal.SIGKILL, timeout: float = 10) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"({path} not written)"
    return f"--- last lines of {path.name} ---\n" + "\n".join(text[-lines:])


class RedisServer:
    """A redis-server of the test's own on a free port: it may be stopped and flushed at will."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "redis.log"

    def url(self, db: int = 7) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)],
                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            )
        wait_for(self.ping, timeout=10, interval=0.05, what=f"redis-server on port {self.port}",
                 on_fail=lambda: _tail(self.log))

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc, signal.SIGTERM)
            self.proc = None

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5).ping()
        except Exception:
            return False

    def flushall(self) -> None:
        import redis

        redis.Redis(host="127.0.0.1", port=self.port).flushall()

    def queued(self, queue: str = "celery", db: int = 7) -> int:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=db).llen(queue)


@dataclass
class CeleryProcesses:
    """Workers and beat of the project (``celery -A config``) against the test database."""

    env: dict
    workdir: Path
    procs: dict = field(default_factory=dict)
    starts: Counter = field(default_factory=Counter)

    def _start(self, name: str, args: list[str], ready: str) -> subprocess.Popen:
        self.starts[name] += 1
        log = self.workdir / f"{name}.{self.starts[name]}.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *args],
                cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        self.procs[name] = (proc, log)
        wait_for(lambda: proc.poll() is not None or ready in log.read_text(errors="replace"),
                 timeout=45, interval=0.1, what=f"{name} to start", on_fail=self.logs)
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited with {proc.returncode}\n{self.logs()}")
        return proc

    def start_worker(self, name: str = "worker", *, pool: str = "solo", concurrency: int = 1):
        args = ["worker", f"--pool={pool}", "-l", "INFO", "-n", f"{name}-{os.getpid()}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat"]
        if pool != "solo":
            args.append(f"--concurrency={concurrency}")
        return self._start(name, args, ready=" ready.")

    def start_beat(self):
        schedule = self.workdir / "beat-schedule"
        return self._start("beat", ["beat", "-l", "INFO", "-s", str(schedule)], ready="beat: Starting")

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc, _log = self.procs[name]
        _kill_group(proc, sig)

    def alive(self, name: str) -> bool:
        proc, _log = self.procs[name]
        return proc.poll() is None

    def stop_all(self) -> None:
        for proc, _log in self.procs.values():
            _kill_group(proc, signal.SIGKILL)

    def logs(self, lines: int = 40) -> str:
        """The end of every log file of this test's processes (restarted ones too)."""
        return "\n".join(_tail(log, lines) for log in sorted(self.workdir.glob("*.log")))


def read_mails(mail_dir: Path) -> list[email.message.Message]:
    """Every e-mail Django's file-based backend wrote (several may share a file)."""
    mails = []
    if not mail_dir.exists():
        return mails
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                mails.append(email.message_from_bytes(chunk))
    return mails


def local_keys(path: Path) -> dict:
    """The test session's generated field keys, as the environment a worker needs."""
    data = json.loads(path.read_text())
    return {"FIELD_ENCRYPTION_KEYS": ",".join(data["field_keys"]), "BLIND_INDEX_KEY": data["blind_index_key"]}


def send_task(broker_url: str, name: str, *, task_id: str | None = None) -> None:
    """Publish one task message through the broker, as beat or the app would."""
    from celery import Celery

    # Celery lets CELERY_BROKER_URL in the environment (set by CI) win over the broker
    # argument; this message must go to the test's own Redis.
    saved = os.environ.pop("CELERY_BROKER_URL", None)
    app = Celery("faults-sender", broker=broker_url, set_as_current=False)
    app.conf.task_serializer = "json"
    try:
        app.send_task(name, task_id=task_id)
    finally:
        app.close()
        if saved is not None:
            os.environ["CELERY_BROKER_URL"] = saved
