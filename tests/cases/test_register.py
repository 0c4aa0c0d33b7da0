import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, Party
from cases.services import PartyInput
from config.errors import InputError

pytestmark = pytest.mark.django_db


def test_coordinator_files_a_report_with_a_register_number_per_school_and_year(persona, file_case):
    first = file_case(persona("kz-coordinator"), "kz-school-1")
    second = file_case(persona("kz-coordinator"), "kz-school-1")
    other_school = file_case(persona("kz-coordinator-2"), "kz-school-2")
    assert (first.register_number, second.register_number, other_school.register_number) == (1, 2, 1)
    assert first.reference == f"KZ-SCHOOL-1-{timezone.now().year}-0001"
    representative = first.parties.get(role="legal_representative")
    assert representative.represents == first.parties.get(role="victim")


def test_self_harm_sign_marks_the_case_urgent(persona, file_case):
    from cases.services import ScreeningInput

    case = file_case(persona("kz-teacher"), "kz-school-1",
                     screening=ScreeningInput(checklist="kz_teacher", signs=["absences", "self_harm"]))
    assert case.is_urgent
    assert case.screenings.get().signs == ["absences", "self_harm"]


@pytest.mark.parametrize("overrides, field", [
    ({"received_at": timezone.now() + dt.timedelta(hours=1)}, "received_at"),
    ({"incident_at": timezone.now()}, "incident_at"),
    ({"parties": [PartyInput(role="witness", family_name="А", given_name="Б")]}, "__all__"),
    ({"kinds": []}, "kinds"),
])
def test_bad_case_input_names_the_field_and_saves_nothing(persona, file_case, overrides, field):
    with pytest.raises(InputError) as err:
        file_case(persona("kz-coordinator"), "kz-school-1", **overrides)
    assert field in err.value.errors
    assert Case.objects.count() == 0 and Party.objects.count() == 0


@pytest.mark.parametrize("party, field", [
    (PartyInput(role="victim", family_name="", given_name="Ерлан"), "family_name"),
    (PartyInput(role="victim", family_name="Ахметов", given_name="Ерлан", identity_number="130402500127"),
     "identity_number"),
    (PartyInput(role="victim", family_name="Ахметов", given_name="Ерлан", birth_date=dt.date(2000, 1, 1)),
     "birth_date"),
])
def test_bad_party_input_is_reported_against_that_party(persona, file_case, party, field):
    with pytest.raises(InputError) as err:
        file_case(persona("kz-coordinator"), "kz-school-1", parties=[party])
    assert field in err.value.errors["parties"][0]
    assert Case.objects.count() == 0


def test_a_valid_iin_is_accepted_and_found_by_blind_index(persona, file_case):
    from cases.identity_numbers import iin_check_digit
    from cases.selectors import case_by_identity_number

    first11 = "13040250012"
    iin = first11 + str(iin_check_digit(first11))
    parties = [PartyInput(role="victim", family_name="Ахметов", given_name="Ерлан", identity_number=iin)]
    case = file_case(persona("kz-coordinator"), "kz-school-1", parties=parties)
    assert list(case_by_identity_number(persona("kz-coordinator"), iin)) == [case]
    assert list(case_by_identity_number(persona("kz-coordinator-2"), iin)) == []


def test_a_user_cannot_file_for_a_school_they_do_not_work_in(persona, file_case):
    with pytest.raises(InputError) as err:
        file_case(persona("kz-coordinator-2"), "kz-school-1")
    assert "school" in err.value.errors
