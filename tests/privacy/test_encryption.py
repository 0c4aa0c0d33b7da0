"""Personal data is encrypted at rest, bound to its row, and never overwritten when unreadable (DESIGN §5)."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test.utils import isolate_apps

from cases.models import Case, Party
from privacy import crypto
from privacy.fields import Sealed
from tests.privacy.helpers import DESCRIPTION, VICTIM, new_key, raw_rows, raw_values, use_keys, valid_iin, victim

pytestmark = pytest.mark.django_db

SECRETS = [
    VICTIM["family_name"], VICTIM["given_name"], VICTIM["patronymic"], VICTIM["phone"],
    VICTIM["address"], VICTIM["birth_date"].isoformat(), valid_iin(), DESCRIPTION,
]


def _file(persona, file_case, **victim_overrides):
    return file_case(persona("kz-coordinator"), "kz-school-1", description=DESCRIPTION,
                     parties=[victim(**victim_overrides)])


def test_no_personal_data_is_stored_in_plain_text(persona, file_case):
    case = _file(persona, file_case)

    stored = [str(value) for table in ("cases_case", "cases_party") for row in raw_rows(table)
              for value in row.values()]
    for secret in SECRETS:
        assert not any(secret in value for value in stored), f"{secret!r} is stored in plain text"
    assert all(v.startswith("v1:") for v in raw_values("cases_party", "family_name"))
    assert all(v.startswith("v1:") for v in raw_values("cases_case", "description"))

    party = Party.objects.get(case=case)
    assert (party.family_name, party.given_name, party.patronymic) == (
        VICTIM["family_name"], VICTIM["given_name"], VICTIM["patronymic"])
    assert (party.birth_date, party.identity_number, party.phone, party.address, party.class_name) == (
        VICTIM["birth_date"], valid_iin(), VICTIM["phone"], VICTIM["address"], VICTIM["class_name"])
    assert Case.objects.get(pk=case.pk).description == DESCRIPTION


def test_the_same_value_is_sealed_differently_each_time(persona, file_case):
    _file(persona, file_case)
    _file(persona, file_case)
    first, second = raw_values("cases_party", "family_name")
    assert first != second  # a fresh nonce each time: equal names are not visible as equal


@pytest.mark.parametrize("source, target", [
    (("family_name", "victim_a"), ("family_name", "victim_b")),  # another row
    (("family_name", "victim_a"), ("given_name", "victim_a")),   # another field
    (("description", "case_a"), ("address", "victim_b")),        # another model
])
def test_a_ciphertext_moved_elsewhere_does_not_decrypt_and_is_never_overwritten(
    persona, file_case, caplog, source, target
):
    case_a = _file(persona, file_case)
    case_b = _file(persona, file_case, family_name="Бекова", given_name="Дана")
    rows = {"case_a": case_a, "victim_a": case_a.parties.get(), "victim_b": case_b.parties.get()}
    source_field, source_obj = source[0], rows[source[1]]
    target_field, target_obj = target[0], rows[target[1]]
    moved = type(source_obj).objects.filter(pk=source_obj.pk).values_list(source_field, flat=True).get()
    Party.objects.filter(pk=target_obj.pk).update(**{target_field: moved})

    party = Party.objects.get(pk=target_obj.pk)
    field = Party._meta.get_field(target_field)
    with caplog.at_level(logging.ERROR, logger="privacy.fields"):
        assert getattr(party, target_field) is None
    assert field.is_unavailable(party)
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert "Cannot decrypt" in caplog.text and str(party.pk) in caplog.text
    for secret in SECRETS + ["Бекова", "Дана"]:
        assert secret not in caplog.text

    # Saving (and echoing back the None it reads as) keeps the stored bytes.
    setattr(party, target_field, None)
    party.save()
    party.refresh_from_db()
    party.save()
    assert Party.objects.filter(pk=party.pk).values_list(target_field, flat=True).get() == moved
    assert field.is_unavailable(Party.objects.get(pk=party.pk))


def test_an_unreadable_name_shows_as_unavailable(persona, file_case):
    case = _file(persona, file_case)
    party_id = Party.objects.get(case=case).pk
    Party.objects.filter(pk=party_id).update(family_name=Sealed("v1:gone:AAAA"))
    party = Party.objects.get(pk=party_id)
    assert party.full_name == "(unavailable)"


def test_a_value_under_a_dropped_key_is_unavailable_and_comes_back_with_the_key(settings, persona, file_case):
    old, new, blind = f"k1:{new_key()}", f"k2:{new_key()}", new_key()
    use_keys(settings, old, blind_index_key=blind)
    case = _file(persona, file_case)
    use_keys(settings, new)
    party = Party.objects.get(case=case)
    assert party.phone is None and Party._meta.get_field("phone").is_unavailable(party)
    party.save()  # must not destroy what the old key still opens
    use_keys(settings, new, old)
    assert Party.objects.get(case=case).phone == VICTIM["phone"]


def test_plain_values_cannot_reach_the_database_past_save(persona, file_case):
    case = _file(persona, file_case)
    party = case.parties.get()
    with pytest.raises(ValueError) as err, transaction.atomic():
        Party.objects.filter(pk=party.pk).update(phone="+77019998877")
    assert "+77019998877" not in str(err.value)
    party.phone = "+77019998877"
    with pytest.raises(ValueError), transaction.atomic():
        Party.objects.bulk_update([party], ["phone"])
    with pytest.raises(ValueError), transaction.atomic():
        list(Party.objects.filter(family_name=VICTIM["family_name"]))
    assert Party.objects.get(pk=party.pk).phone == VICTIM["phone"]


def test_deferred_fields_are_loaded_and_opened(persona, file_case):
    case = _file(persona, file_case)
    party = Party.objects.only("id").get(case=case)
    assert party.family_name == VICTIM["family_name"]
    assert party.birth_date == VICTIM["birth_date"]
    assert Case.objects.defer("description").get(pk=case.pk).description == DESCRIPTION


def test_a_full_clean_keeps_the_birth_date_a_date(persona, file_case):
    case = _file(persona, file_case)
    party = Party.objects.get(case=case)
    party.full_clean()
    party.save()
    assert Party.objects.get(pk=party.pk).birth_date == VICTIM["birth_date"]


def test_a_stale_key_value_is_rewritten_with_the_newest_key_on_save(settings, persona, file_case):
    old, new, blind = f"k1:{new_key()}", f"k2:{new_key()}", new_key()
    use_keys(settings, old, blind_index_key=blind)
    case = _file(persona, file_case)
    use_keys(settings, new, old)
    Party.objects.get(case=case).save()
    assert all(v.startswith("v1:k2:") for v in raw_values("cases_party", "family_name"))


def test_a_proxy_model_reads_the_same_values(persona, file_case):
    case = _file(persona, file_case)
    with isolate_apps("cases"):
        class CaseProxy(Case):
            class Meta:
                proxy = True
                app_label = "cases"

        assert CaseProxy.objects.get(pk=case.pk).description == DESCRIPTION


def test_an_encrypted_field_needs_a_primary_key_known_before_saving():
    from django.db import models

    from privacy.fields import EncryptedTextField

    with isolate_apps("privacy"):
        class Numbered(models.Model):
            note = EncryptedTextField()

            class Meta:
                app_label = "privacy"

        assert [e.id for e in Numbered.check()] == ["privacy.E001"]
    assert not [e for e in Party.check() if e.id == "privacy.E001"]


class TestKeyConfiguration:
    def test_keys_are_id_colon_base64_and_errors_do_not_repeat_them(self, settings):
        key = new_key()
        for entries in ([key], [f"k1:{key[:-4]}"], [f"k:1:{key}"], [f"k1:{key}", f"k1:{new_key()}"]):
            use_keys(settings, *entries, blind_index_key=new_key())
            with pytest.raises(ImproperlyConfigured) as err:
                crypto.keyring()
            assert key not in str(err.value) and key[:-4] not in str(err.value)

    def test_the_newest_key_writes_and_all_keys_read(self, settings):
        old, new = f"k1:{new_key()}", f"k2:{new_key()}"
        use_keys(settings, old, blind_index_key=new_key())
        token = crypto.seal("x", "ad")
        use_keys(settings, f" {new} ", old, "")
        assert crypto.keyring().newest_id == "k2"
        assert crypto.open_sealed(token, "ad") == "x"
        assert crypto.key_id_of(crypto.seal("y", "ad")) == "k2"

    def test_keys_may_be_given_as_one_comma_separated_string(self, settings):
        old, new = f"k1:{new_key()}", f"k2:{new_key()}"
        settings.BLIND_INDEX_KEY = new_key()
        settings.FIELD_ENCRYPTION_KEYS = f"{new}, {old},"
        crypto.reset_keyring()
        assert crypto.keyring().newest_id == "k2" and set(crypto.keyring().keys) == {"k1", "k2"}

    @pytest.mark.parametrize("token", [
        "plain text", "v1:k1", "v1:k1:!!!", "v1:k1:AAAA", "v2:k1:AAAA", "Ахметов:Ерлан:Сауле",
    ])
    def test_anything_but_a_good_sealed_value_is_a_decryption_error(self, token):
        with pytest.raises(crypto.DecryptionError) as err:
            crypto.open_sealed(token, "ad")
        assert "Ахметов" not in str(err.value)

    def test_the_local_key_file_is_generated_once_and_kept(self, settings, tmp_path):
        settings.LOCAL_KEY_FILE = tmp_path / "keys" / "field-keys.json"
        crypto.reset_keyring()
        token = crypto.seal("x", "ad")
        crypto.reset_keyring()
        assert crypto.open_sealed(token, "ad") == "x"
        assert settings.LOCAL_KEY_FILE.stat().st_mode & 0o077 == 0
        assert not [p for p in settings.LOCAL_KEY_FILE.parent.iterdir() if p.name.startswith(".")]


# --- The commission's free text (issue #7, item 3) -------------------------------------------

COMMISSION_CANARY = "Канарка-Зоряна-7731"


def _every_stored_value() -> list[str]:
    """Every value of every column of every table, as the database holds it."""
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return [str(value) for table in tables for row in raw_rows(table) for value in row.values()
            if value is not None]


def test_the_commissions_free_text_is_not_stored_in_plain_text(persona, file_case):
    """A distinctive string written through the commission's services as the meeting's place,
    the reasons for a late date and a short notice, and a monitoring measure, appears in no
    column of any table; read back through the models it is whole."""
    import datetime as dt

    from django.utils import timezone

    from commission import services
    from commission.models import Meeting, MonitoringItem

    case = file_case(persona("ua-coordinator"), "ua-school-1")
    secretary = persona("ua-secretary")
    meeting = services.meeting_schedule(
        user=secretary, school=case.school, starts_at=timezone.now() + dt.timedelta(minutes=10),
        place=f"Кабінет психолога, {COMMISSION_CANARY} place", cases=[case],
        late_reason=f"{COMMISSION_CANARY} late", short_notice_reason=f"{COMMISSION_CANARY} short")
    for name in ("ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue",
                 "ua-teacher"):
        services.attendance_mark(user=secretary, meeting=meeting, member=persona(name), present=True)
    meeting = services.meeting_open(user=secretary, meeting=meeting)
    question = meeting.agenda.get().questions.get()
    for name in ("ua-head", "ua-coordinator", "ua-secretary", "ua-psychologist", "ua-social-pedagogue"):
        services.vote_cast(user=persona(name), question=question, choice="for")
    services.question_close(user=secretary, question=question)
    services.decision_record(
        user=secretary, agenda_item=meeting.agenda.get(),
        texts={name: "—" for name in services.DECISION_TEXT_FIELDS},
        monitoring=[{"description": f"{COMMISSION_CANARY} measure", "owner": persona("ua-psychologist"),
                     "due_date": timezone.localdate() + dt.timedelta(days=30)}])

    stored = _every_stored_value()
    assert not [value for value in stored if COMMISSION_CANARY in value]
    assert all(v.startswith("v1:") for v in raw_values("commission_meeting", "place"))
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.place, meeting.late_reason, meeting.short_notice_reason) == (
        f"Кабінет психолога, {COMMISSION_CANARY} place", f"{COMMISSION_CANARY} late", f"{COMMISSION_CANARY} short")
    assert MonitoringItem.objects.get().description == f"{COMMISSION_CANARY} measure"
