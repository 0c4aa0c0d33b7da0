"""Shared fixtures: the demo world and named personas (Healthchecks-style).

Every test database gets the demo jurisdictions, agencies and users, so a test
reads like its scenario: ``kz_coordinator`` files a report, ``kz_coordinator_2``
(another school) must not see it.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.demo import USERS, load_demo
from agencies.models import Agency
from cases.services import PartyInput, case_register

DEMO_PASSWORD = "test-pass-2026"


def pytest_configure(config):
    from django.conf import settings

    # Hashing 20 demo passwords per test with PBKDF2 would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_keys(settings, tmp_path_factory):
    """Each test session uses its own generated field keys, never the developer's."""
    from privacy import crypto

    settings.LOCAL_KEY_FILE = tmp_path_factory.getbasetemp() / "keys" / "field-keys.json"
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.BLIND_INDEX_KEY = ""
    crypto.reset_keyring()
    yield
    crypto.reset_keyring()


@pytest.fixture(autouse=True)
def _isolated_evidence_storage(settings, tmp_path_factory):
    """Documents a test stores (evidence app, the demo story) go to a temporary directory, never var/."""
    settings.EVIDENCE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": str(tmp_path_factory.mktemp("evidence"))}}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """API throttle counts live in the process's cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    """Accounts (issue #11 §2): in tests no role must use a second factor, so force_login and the
    log-in form reach every page in one step as before. tests/accounts turns it on where it tests it."""
    settings.MFA_REQUIRED_ROLES = []


def _load_demo_world():
    """The demo world plus the shipped protocols: a transactional test (browser,
    faults) empties every table, the migrations' data included."""
    from agencies.models import Jurisdiction
    from commission.demo import load_commission_demo
    from notifications.models import DeadlineRule, NoticeRoute
    from notifications.protocols import load_notice_routes, load_protocols

    load_demo(password=DEMO_PASSWORD)
    if not DeadlineRule.objects.exists():
        load_protocols(DeadlineRule, Jurisdiction)
    if not NoticeRoute.objects.exists():
        load_notice_routes(NoticeRoute, Jurisdiction)
    load_commission_demo()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo world once; each test's transaction is rolled back over it."""
    with django_db_blocker.unblock():
        _load_demo_world()


@pytest.fixture
def demo(db):
    # Idempotent and cheap when the world is there; reloads it after a
    # transactional test (browser, faults) has emptied the database.
    _load_demo_world()


@pytest.fixture
def persona(demo):
    """persona("kz-coordinator") -> that demo user."""
    User = get_user_model()
    return lambda username: User.objects.get(username=username)


@pytest.fixture
def school(demo):
    return lambda code: Agency.objects.get(code=code)


def make_parties(victim_name=("Ахметов", "Ерлан"), with_representative=True):
    parties = [PartyInput(role="victim", family_name=victim_name[0], given_name=victim_name[1],
                          birth_date=dt.date(2013, 4, 2), class_name="6А", phone="+77010000001")]
    if with_representative:
        parties.append(PartyInput(role="legal_representative", family_name=victim_name[0],
                                  given_name="Сауле", is_minor=False, represents_index=0,
                                  phone="+77010000002", address="Қонаев, Абай к-сі 1"))
    return parties


@pytest.fixture
def file_case(demo):
    """file_case(user, school_code, **overrides) -> a case registered through the service."""

    def _file(user, school_code, **overrides):
        fields = dict(
            school=Agency.objects.get(code=school_code),
            received_at=timezone.now() - dt.timedelta(minutes=10),
            incident_at=timezone.now() - dt.timedelta(days=1),
            channel="self_report", kinds=["bullying"], forms=["psychological"],
            places=["classroom"], description="Сыныптастары мазақ етеді.",
            parties=make_parties(),
        )
        fields.update(overrides)
        return case_register(user=user, **fields)

    return _file


__all__ = ["USERS", "DEMO_PASSWORD", "make_parties"]
