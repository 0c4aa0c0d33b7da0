"""Schemathesis against the live OpenAPI schema, for three roles (issue #11, section 3).

Every operation the schema holds when the test runs is called, in process through Django's
WSGI handler, by a school coordinator, a police officer and an ombudsman office member, each
signed in with a token from ``/api/v1/auth/token/``. The requests come from the schema's
examples, its coverage cases (boundary values, missing fields, wrong types) and a few
generated ones, seeded so that CI sends the same requests every run. Every answer must pass
the checks in ``CHECKS``: no server error, only documented status codes and content types,
bodies and headers as the schema describes them, schema-invalid input refused and
schema-valid input not refused by a 400.

A valid read goes out as each of the three roles; a write, or an invalid read, as one role in
turn (the coverage phase alone makes some 4,500 requests: sending each three times would triple
the run, and input is validated the same whoever sends it). Path parameters naming a known kind of object (a case, a party, a plan, ...) are pointed
at real ones about two times out of three: an object of case A, which the coordinator and the
police officer work on, or one of another school's case B, which is a 404 to all three
(tests/api/schemathesis_world.py; ``test_the_roles_read_the_shared_case_and_not_the_other``).

Nothing a request changes is seen by the next one: each runs in a savepoint rolled back after
it, inside the module's transaction (the world), which is rolled back at the end.
"""

from __future__ import annotations

import json
import re
import uuid
import zlib
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

from tests.api.schemathesis_world import ROLES, build_world

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.negative_data_rejection,
    # Not positive_data_acceptance: a schema-valid request is still refused, with its documented
    # per-field 400, when it breaks a rule the schema cannot express (a school, party or recipient
    # the user may not name, a time after now, a notice the protocol's matrix does not provide for).
]


def _live_schema() -> dict:
    """The schema as ``/api/schema/`` serves it (JSON), generated in process; request bodies are
    sent as JSON wherever JSON is documented. DRF also parses form encodings there, but they
    cannot carry a null, a list of objects or an empty list, so a schema-valid body would not
    survive the encoding; a form encoding is sent where it is the only one (a file upload)."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    for operations in document["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content:
                for media_type in [m for m in content if m != "application/json"]:
                    del content[media_type]
    return document


CONFIG = schemathesis.Config.from_dict({
    "seed": 20261201,
    "generation": {"max-examples": 5, "deterministic": True, "database": "none", "no-shrink": True},
    "phases": {
        "stateful": {"enabled": False},
        # Methods the schema does not list are Django's and DRF's (405), not the project's.
        "coverage": {"unexpected-methods": []},
    },
})

schema = schemathesis.openapi.from_dict(_live_schema(), config=CONFIG)
schema.app = WSGIHandler()


@contextmanager
def _connection_kept_open():
    """A real server closes the database connection after each request; here that connection
    holds the test's transaction, so it stays open (as with Django's test client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects and the roles' tokens, in a transaction rolled back after the module.

    Built once (filing cases takes time); the same keys as conftest's ``_isolated_keys``, and
    its own evidence directory, which each request is pointed at again."""
    from privacy import crypto

    evidence = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path_factory.mktemp("schemathesis-evidence"))}}
    isolated = override_settings(
        LOCAL_KEY_FILE=tmp_path_factory.getbasetemp() / "keys" / "field-keys.json", FIELD_ENCRYPTION_KEYS=[],
        BLIND_INDEX_KEY="", EVIDENCE_STORAGE=evidence, MFA_REQUIRED_ROLES=[])
    with django_db_blocker.unblock(), isolated:
        crypto.reset_keyring()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            built.evidence_storage = evidence
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            crypto.reset_keyring()


def _looks_valid(value, sample) -> bool:
    """Whether a generated path value has the form of a real id (a negated one is kept)."""
    if isinstance(sample, int):
        return isinstance(value, int) and not isinstance(value, bool)
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _point_at_real_objects(case, world) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        options = world.ids_for(case.operation.path, name)
        if not options or not _looks_valid(value, options[0]):
            continue
        index = zlib.crc32(repr(value).encode()) % (len(options) + 1)
        if index < len(options):
            case.path_parameters[name] = options[index]


@schema.parametrize()
# The world is shared by every input on purpose: each request runs in a savepoint rolled back
# after it, so every generated input meets the same objects.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_documented(case, world):
    _point_at_real_objects(case, world)
    if case.method.upper() == "GET" and (case.meta is None or case.meta.generation.mode.is_positive):
        roles = ROLES
    else:
        roles = [ROLES[world.next_turn(case.operation.label)]]
    for role in roles:
        # Throttling is a bound on hammering, not what this test is about.
        cache.clear()
        with _connection_kept_open(), override_settings(EVIDENCE_STORAGE=world.evidence_storage), \
                transaction.atomic():
            try:
                case.call_and_validate(headers={"Authorization": f"Token {world.tokens[role]}"}, checks=CHECKS)
            except FailureGroup as exc:
                exc.add_note(f"As {role}.")
                raise
            except Exception as exc:
                exc.add_note(f"As {role}.")
                raise
            finally:
                transaction.set_rollback(True)


def _case_reads(document: dict) -> list[str]:
    """The schema's reads of one case's own data: paths whose only parameter is the case."""
    return sorted(path for path, operations in document["paths"].items()
                  if "get" in operations and re.findall(r"\{(\w+)\}", path) == ["case_id"])


# What each role gets reading case A's data and case B's. An ombudsman office is told of a case
# but does not work cases (agencies.models.Membership.works_cases): it reads the aggregates.
READS = {"kz-coordinator": (200, 404), "kz-police": (200, 404), "kz-ombudsman": (404, 404)}


def test_the_roles_read_the_shared_case_and_not_the_other(world):
    """The world the generated requests meet is real: the coordinator and the police officer
    read case A's data (200), and everyone gets a 404 for school №2's case B, on every read of
    one case the schema lists."""
    client = Client()
    visible, other = world.ids[("*", "case_id")]
    paths = _case_reads(schema.raw_schema)
    assert "/api/v1/cases/{case_id}/" in paths
    answers = {}
    for role in ROLES:
        auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens[role]}"}
        for path in paths:
            with override_settings(EVIDENCE_STORAGE=world.evidence_storage):
                answers[role, path] = (client.get(path.replace("{case_id}", visible), **auth).status_code,
                                       client.get(path.replace("{case_id}", other), **auth).status_code)
    assert {key: got for key, got in answers.items() if got != READS[key[0]]} == {}
