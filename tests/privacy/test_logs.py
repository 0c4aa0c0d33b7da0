"""No personal data in logs: not in application logs, not even in the SQL sent (DESIGN §5, §6)."""

import logging

import pytest
from django.db import connection
from django.urls import reverse

from cases import selectors
from tests.privacy.helpers import DESCRIPTION, VICTIM, valid_iin, victim

pytestmark = pytest.mark.django_db

PERSONAL = [VICTIM["family_name"], VICTIM["given_name"], VICTIM["patronymic"], VICTIM["phone"],
            VICTIM["address"], valid_iin(), DESCRIPTION]


@pytest.fixture
def sql_logged(caplog):
    """Log every query with its parameters (django.db.backends at DEBUG), as DEBUG=True would."""
    caplog.set_level(logging.DEBUG, logger="django")
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = False


def _assert_no_personal_data(caplog):
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for value in PERSONAL:
        assert value not in logged, f"{value!r} was logged"


def test_filing_and_reading_a_case_logs_no_personal_data(persona, file_case, caplog, sql_logged):
    caplog.set_level(logging.DEBUG)
    coordinator = persona("kz-coordinator")
    case = file_case(coordinator, "kz-school-1", description=DESCRIPTION, parties=[victim()])

    case = selectors.case_get_for_user(coordinator, case.id)
    assert selectors.case_read(coordinator, case, channel="web")
    party = selectors.case_parties(case).get()
    assert party.full_name.startswith(VICTIM["family_name"]) and party.phone == VICTIM["phone"]
    assert list(selectors.case_by_identity_number(coordinator, valid_iin())) == [case]
    assert any(r.name == "django.db.backends" for r in caplog.records)
    _assert_no_personal_data(caplog)


def test_the_case_page_logs_no_personal_data(client, persona, file_case, caplog, sql_logged):
    coordinator = persona("kz-coordinator")
    case = file_case(coordinator, "kz-school-1", description=DESCRIPTION, parties=[victim()])
    client.force_login(coordinator)
    caplog.set_level(logging.DEBUG)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200 and VICTIM["family_name"] in response.content.decode()
    _assert_no_personal_data(caplog)


def test_an_unreadable_value_is_reported_without_any_personal_data(persona, file_case, caplog):
    from cases.models import Party
    from privacy.fields import Sealed

    case = file_case(persona("kz-coordinator"), "kz-school-1", description=DESCRIPTION, parties=[victim()])
    party = case.parties.get()
    stolen = Party.objects.filter(pk=party.pk).values_list("address", flat=True).get()
    Party.objects.filter(pk=party.pk).update(phone=Sealed(stolen))
    caplog.set_level(logging.DEBUG)
    party = Party.objects.get(pk=party.pk)
    assert [party.phone, party.address, party.family_name] == [None, VICTIM["address"], VICTIM["family_name"]]
    _assert_no_personal_data(caplog)
