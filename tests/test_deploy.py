"""Deployment plumbing: production settings pass Django's deploy checks, refuse to
start without their secrets, and the compose file and Dockerfile say what they must."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


def production_env(tmp_path, **overrides) -> dict:
    # A production process never runs with the browser tests' async override.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.org",
        FIELD_ENCRYPTION_KEYS=f"k2:{base64.b64encode(secrets.token_bytes(32)).decode()},"
                              f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        BLIND_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        VAR_DIR=str(tmp_path / "var"),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_settings_are_secure_by_default(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS == ['example.org'], "
        "'Manifest' in s.STORAGES['staticfiles']['BACKEND'], s.EMAIL_BACKEND.endswith('smtp.EmailBackend'))"
    )
    env = production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT=None, DJANGO_HSTS_SECONDS=None,
                         EMAIL_BACKEND=None, DJANGO_DEBUG="true")
    result = manage(env, "shell", "--verbosity", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True", "True", "True"]


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"]
)
def test_production_settings_refuse_to_start_without_a_secret(tmp_path, missing):
    result = manage(production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_beat_postgres_and_redis_with_healthchecks(compose):
    services = compose["services"]
    for name in (*APP_SERVICES, "postgres", "redis"):
        assert name in services, name
        assert services[name]["healthcheck"]["test"], name
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_compose_app_services_share_production_settings_and_required_secrets(compose):
    for name in (*APP_SERVICES, "migrate"):
        service = compose["services"][name]
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings_production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        # Secrets have no defaults: compose stops with a message when one is unset.
        for secret in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
            assert env[secret].startswith("${" + secret + ":?"), (name, secret)
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        assert compose["services"][name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_healthcheck_script_exists_for_the_checks_it_names(compose):
    for name in ("web", "beat"):
        test = compose["services"][name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "bin/healthcheck"] and test[3] == name
    assert os.access(ROOT / "bin" / "healthcheck", os.X_OK)


def test_compose_scales_web_and_worker_with_exactly_one_beat(compose):
    """`docker compose up --scale web=3 --scale worker=3` (issue #8): a scaled service with a
    container name or a host port of its own cannot start its second replica."""
    services = compose["services"]
    for name in ("web", "worker"):
        assert "container_name" not in services[name], name
        assert not services[name].get("ports"), f"{name} publishes a host port: replicas would clash"
    # The way in is one proxy that spreads requests over every web replica.
    proxy = services["proxy"]
    assert proxy["ports"] == ["${WEB_PORT:-8000}:8080"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "dynamic a web 8000" in caddyfile and ":8080" in caddyfile
    assert any(v.startswith("./deploy/Caddyfile:") for v in proxy["volumes"])
    # Beat runs in its own service only, never inside a worker.
    beats = [n for n, s in services.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"]
    assert not any(flag in services["worker"]["command"] for flag in ("-B", "--beat"))


def test_dockerfile_builds_on_python_311_slim_and_collects_static_files():
    text = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in text
    assert "pip install -r /tmp/requirements.txt" in text
    assert "collectstatic --noinput" in text
    assert "config.settings_production" in text
    assert "USER app" in text


def test_healthcheck_beat_reads_the_schedule_file_age(tmp_path):
    env = dict(os.environ, VAR_DIR=str(tmp_path))
    check = [sys.executable, str(ROOT / "bin" / "healthcheck"), "beat"]
    assert subprocess.run(check, env=env, capture_output=True).returncode == 1  # no schedule yet
    schedule = tmp_path / "celerybeat-schedule.dat"
    schedule.write_bytes(b"")
    assert subprocess.run(check, env=env, capture_output=True).returncode == 0
    os.utime(schedule, (0, 0))
    assert subprocess.run(check, env=env, capture_output=True).returncode == 1  # stale
