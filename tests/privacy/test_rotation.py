"""Key rotation re-encrypts everything with the newest key and loses no edit (DESIGN §5)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cases.models import Case, Party
from privacy import crypto, rotation
from privacy.fields import Sealed, associated_data
from privacy.models import AuditAction, AuditEvent
from tests.privacy.helpers import DESCRIPTION, VICTIM, new_key, raw_values, use_keys, victim

PARTY_COLUMNS = ["family_name", "given_name", "patronymic", "birth_date", "identity_number",
                 "class_name", "phone", "address"]


@pytest.fixture
def keys(settings):
    """Two keys, k1 (old) and k2 (new), and a fixed blind-index key; starts with k1 only."""
    k = {"k1": f"k1:{new_key()}", "k2": f"k2:{new_key()}"}
    use_keys(settings, k["k1"], blind_index_key=new_key())

    def switch(*ids):
        use_keys(settings, *(k[i] for i in ids))

    return switch


def _file(persona, file_case):
    return file_case(persona("kz-coordinator"), "kz-school-1", description=DESCRIPTION, parties=[victim()])


def _stored_key_ids() -> set[str]:
    values = raw_values("cases_case", "description")
    for column in PARTY_COLUMNS:
        values += raw_values("cases_party", column)
    return {crypto.key_id_of(v) for v in values if v}


def _rotate() -> str:
    out = StringIO()
    call_command("rotate_keys", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_rewrites_every_value_with_the_new_key_and_the_old_key_can_go(keys, persona, file_case):
    case = _file(persona, file_case)
    assert _stored_key_ids() == {"k1"}

    keys("k2", "k1")
    output = _rotate()
    assert _stored_key_ids() == {"k2"}
    assert all(v.startswith("v1:k2:") for v in raw_values("cases_party", "family_name"))
    assert "cases.Party: 1 row(s) re-encrypted" in output
    assert AuditEvent.objects.filter(action=AuditAction.KEYS_ROTATED).exists()

    keys("k2")
    party = Party.objects.get(case=case)
    assert (party.family_name, party.birth_date, party.phone) == (
        VICTIM["family_name"], VICTIM["birth_date"], VICTIM["phone"])
    assert Case.objects.get(pk=case.pk).description == DESCRIPTION
    # The blind index does not depend on the field keys.
    from cases.selectors import case_by_identity_number
    assert list(case_by_identity_number(persona("kz-coordinator"), party.identity_number)) == [case]


@pytest.mark.django_db
def test_a_second_rotation_has_nothing_to_do(keys, persona, file_case):
    _file(persona, file_case)
    keys("k2", "k1")
    _rotate()
    assert "cases.Party: 0 row(s) re-encrypted" in _rotate()


@pytest.mark.django_db
def test_an_edit_made_after_loading_and_before_rotation_survives(keys, persona, file_case):
    case = _file(persona, file_case)
    loaded_before = Case.objects.get(pk=case.pk)
    editor_copy = Case.objects.get(pk=case.pk)
    editor_copy.description = "Толықтырылған сипаттама."
    editor_copy.save()

    keys("k2", "k1")
    _rotate()
    keys("k2")
    assert Case.objects.get(pk=case.pk).description == "Толықтырылған сипаттама."
    assert loaded_before.description is None  # its k1 copy is unreadable now, and was never written


@pytest.mark.django_db
def test_rotation_rereads_each_row_rather_than_a_snapshot(keys, persona, file_case, monkeypatch):
    """An edit committed between the batch query and the row's turn is what gets re-encrypted."""
    case = _file(persona, file_case)
    keys("k2", "k1")
    original = rotation._rotate_row

    def edit_then_rotate(model, names, pk, newest):
        if model is Case:
            keys("k1")  # the editing process still writes with the old key
            editor_copy = Case.objects.get(pk=pk)
            editor_copy.description = "Жаңа мәлімет."
            editor_copy.save()
            keys("k2", "k1")
        return original(model, names, pk, newest)

    monkeypatch.setattr(rotation, "_rotate_row", edit_then_rotate)
    _rotate()
    keys("k2")
    assert Case.objects.get(pk=case.pk).description == "Жаңа мәлімет."


@pytest.mark.django_db
def test_a_row_loaded_before_rotation_and_saved_after_does_not_bring_back_the_old_key(
    keys, persona, file_case
):
    case = _file(persona, file_case)
    loaded_before = Party.objects.get(case=case)  # holds k1 ciphertexts, not yet opened
    keys("k2", "k1")
    _rotate()
    loaded_before.is_alleged_perpetrator = False
    loaded_before.save()
    assert _stored_key_ids() == {"k2"}
    keys("k2")
    assert Party.objects.get(pk=loaded_before.pk).family_name == VICTIM["family_name"]


@pytest.mark.django_db
def test_unreadable_values_are_reported_and_left_alone(keys, persona, file_case):
    case = _file(persona, file_case)
    party = case.parties.get()
    Party.objects.filter(pk=party.pk).update(phone=Sealed("v1:k0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
    keys("k2", "k1")
    err = StringIO()
    call_command("rotate_keys", stdout=StringIO(), stderr=err)
    assert "cases.Party: 1 value(s) could not be decrypted" in err.getvalue()
    assert raw_values("cases_party", "phone") == ["v1:k0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
    keys("k2")
    assert Party.objects.get(pk=party.pk).family_name == VICTIM["family_name"]


@pytest.mark.django_db
def test_rotation_in_small_batches_covers_every_row(keys, persona, file_case):
    cases = [_file(persona, file_case) for _ in range(5)]
    keys("k2", "k1")
    rotation.keys_rotate(batch_size=2)
    keys("k2")
    assert [Case.objects.get(pk=c.pk).description for c in cases] == [DESCRIPTION] * 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks and concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_rotation_waits_for_a_concurrent_edit_and_keeps_it(keys, persona, file_case):
    case = _file(persona, file_case)
    field = Case._meta.get_field("description")
    edited_with_old_key = crypto.seal("Түзетілген мәтін.", associated_data(case, field))
    keys("k2", "k1")
    locked, release = threading.Event(), threading.Event()

    def editor():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                Case.objects.filter(pk=case.pk).update(description=Sealed(edited_with_old_key))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=editor)
    thread.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()
    _rotate()  # blocks on the case row until the editor commits
    thread.join(10)

    keys("k2")
    assert raw_values("cases_case", "description")[0].startswith("v1:k2:")
    assert Case.objects.get(pk=case.pk).description == "Түзетілген мәтін."
