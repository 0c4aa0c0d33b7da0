"""Reports of one incident from several channels (SPEC §2, multi-channel dedup): the same identity
number (blind index) and close dates propose a merge; readers see only what they may see."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from cases import permissions
from cases.models import Case, DuplicateCandidate
from cases.services import PartyInput, case_link_school, case_merge, party_add
from config.errors import InputError
from notifications.models import Deadline, DeadlineState
from privacy.models import AuditEvent
from tests.api.clients import client_for
from tests.cases.test_intake_agency import applicant

pytestmark = pytest.mark.django_db

IIN = "130502500127"


def victim(number=IIN):
    return PartyInput(role="victim", family_name="Ахметов", given_name="Ерлан", identity_number=number,
                      birth_date=dt.date(2013, 5, 2))


def school_case(persona, file_case, *, number=IIN, days_ago=1, user="kz-coordinator", school="kz-school-1"):
    return file_case(persona(user), school, parties=[victim(number)],
                     incident_at=timezone.now() - dt.timedelta(days=days_ago))


def agency_case(persona, file_case, *, number=IIN, days_ago=1):
    return file_case(persona("kz-111"), None, intake_agency=Agency.objects.get(code="kz-111"),
                     channel="contact_centre_111", parties=[victim(number), applicant()],
                     incident_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def file_case(file_case):
    """file_case with ``school_code=None`` for a case opened by an agency."""
    from cases.services import case_register

    def _file(user, school_code, **overrides):
        if school_code is None:
            fields = dict(school=None, received_at=timezone.now() - dt.timedelta(minutes=10),
                          kinds=["violence"], forms=[], places=[])
            fields.update(overrides)
            return case_register(user=user, **fields)
        return file_case(user, school_code, **overrides)

    return _file


def test_the_same_child_and_close_dates_make_a_candidate_once(persona, file_case):
    older = school_case(persona, file_case, days_ago=2)
    newer = school_case(persona, file_case, days_ago=1)
    school_case(persona, file_case, days_ago=20)           # too far apart
    school_case(persona, file_case, number="130502500137")  # another child
    assert list(DuplicateCandidate.objects.values_list("case", "other")) == [(newer.pk, older.pk)]


def test_a_party_added_later_is_checked_too(persona, file_case):
    older = school_case(persona, file_case)
    newer = school_case(persona, file_case, number="")
    assert not DuplicateCandidate.objects.exists()
    party_add(user=persona("kz-coordinator"), case=newer,
              data=PartyInput(role="witness", family_name="Ахметов", given_name="Ерлан", identity_number=IIN))
    assert DuplicateCandidate.objects.filter(case=newer, other=older).exists()


def test_another_agencys_duplicate_is_shown_without_its_reference(client, persona, file_case):
    school = school_case(persona, file_case, days_ago=2)
    hotline = agency_case(persona, file_case, days_ago=1)
    assert DuplicateCandidate.objects.filter(case=hotline, other=school).exists()
    client.force_login(persona("kz-coordinator"))
    page = client.get(reverse("cases:detail", args=[school.pk])).content.decode()
    assert "A possible duplicate is held by another agency." in page
    assert hotline.reference not in page and "KZ-111" not in page
    client.force_login(persona("kz-111"))
    page = client.get(reverse("cases:detail", args=[hotline.pk])).content.decode()
    assert school.reference not in page and "A possible duplicate is held by another agency." in page


def test_merging_closes_the_newer_with_its_clocks_and_shares_the_older(persona, file_case):
    older = school_case(persona, file_case, days_ago=2)
    newer = agency_case(persona, file_case, days_ago=1)
    # Linked to the school, the 111 case is the school's to work too: its team may change both.
    newer = case_link_school(user=persona("kz-111"), case=newer, school=Agency.objects.get(code="kz-school-1"))
    assert Deadline.objects.filter(case=newer, state=DeadlineState.PENDING).exists()
    kept = case_merge(user=persona("kz-coordinator"), case=newer, other=older)
    assert kept == older
    newer.refresh_from_db()
    assert (newer.status, newer.outcome, newer.merged_into_id) == ("closed", "merged", older.pk)
    clocks = Deadline.objects.filter(case=newer)
    assert all(d.state == DeadlineState.WAIVED and older.reference in d.waived_reason for d in clocks)
    # The 111 centre keeps working the incident, in the case kept.
    assert permissions.has_case_perm(persona("kz-111"), permissions.CHANGE, older)
    assert DuplicateCandidate.objects.get().resolved_at is not None
    events = AuditEvent.objects.filter(action="case_merge")
    assert {e.case_id for e in events} == {older.pk, newer.pk}
    assert all("Ахметов" not in str(e.detail) for e in events)


def test_merging_needs_change_on_both_and_changes_nothing_otherwise(persona, file_case):
    school = school_case(persona, file_case, days_ago=2)
    hotline = agency_case(persona, file_case, days_ago=1)
    with pytest.raises(InputError) as err:
        case_merge(user=persona("kz-coordinator"), case=school, other=hotline)
    assert "other" in err.value.errors
    unrelated = school_case(persona, file_case, number="130502500137")
    with pytest.raises(InputError):
        case_merge(user=persona("kz-coordinator"), case=school, other=unrelated)
    assert set(Case.objects.values_list("status", flat=True)) == {"open"}
    assert not AuditEvent.objects.filter(action="case_merge").exists()


def test_merge_in_the_browser_and_the_api(client, persona, file_case):
    older = school_case(persona, file_case, days_ago=2)
    newer = school_case(persona, file_case, days_ago=1)
    client.force_login(persona("kz-coordinator-2"))
    assert client.post(reverse("cases:merge", args=[newer.pk]), {"other": older.pk}).status_code == 404
    client.force_login(persona("kz-head"))
    page = client.get(reverse("cases:detail", args=[newer.pk])).content.decode()
    assert older.reference in page and reverse("cases:merge", args=[newer.pk]) in page
    assert client.post(reverse("cases:merge", args=[newer.pk]), {"other": "nonsense"}).status_code == 400
    response = client_for(persona("kz-head")).post(f"/api/v1/cases/{newer.pk}/merge/", {"other": str(older.pk)},
                                                   format="json")
    assert response.status_code == 200 and response.data["id"] == str(older.pk)
    assert Case.objects.get(pk=newer.pk).merged_into_id == older.pk
