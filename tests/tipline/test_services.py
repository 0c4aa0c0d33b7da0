"""Pupils' anonymous reports: receiving, following up, answering, closing, converting (issue #11)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case
from config.errors import InputError
from conftest import make_parties
from evidence.models import Document, DocumentSource
from evidence.services import document_content
from notifications.models import Deadline
from privacy.models import AuditEvent
from tests.tipline.conftest import PASSPHRASE, png_bytes
from tipline import services
from tipline.models import Author, Tip, TipAlert, TipFile, TipMessage, TipStatus

pytestmark = pytest.mark.django_db


def _counts():
    return (Tip.objects.count(), TipMessage.objects.count(), TipFile.objects.count(), TipAlert.objects.count())


# --- Receiving ---------------------------------------------------------------------------------


def test_a_report_gets_a_random_code_that_names_neither_school_nor_child(submit, school):
    tip, code = submit(reporter_name="Айгерім")
    other, other_code = submit()
    assert code != other_code and len(services.code_normalise(code)) == 20  # 100 random bits
    assert set(services.code_normalise(code)) <= set(services.CODE_ALPHABET)
    # The school's id and the report's number are one digit each here, which a random code may
    # hold by chance: the 20 random characters above are what shows they are not in it.
    for text in ("kz-school-1", "school", "Айгерім", school("kz-school-1").name):
        assert text.lower() not in code.lower()
    stored = Tip.objects.get(pk=tip.pk)
    assert stored.code_index == services.code_index(code) and code not in stored.code_index
    assert stored.passphrase_hash != PASSPHRASE and stored.status == TipStatus.NEW
    assert AuditEvent.objects.filter(action="tip_receive", detail__tip=str(tip.pk)).exists()


def test_free_text_is_encrypted_in_the_database(submit):
    from django.db import connection

    tip, _code = submit(who="Бекзат, 7Б", reporter_contact="+77015550000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT what, who, feeling, reporter_contact FROM tipline_tip WHERE id = %s", [tip.pk])
        row = " ".join(cursor.fetchone())
    assert "мазақ" not in row and "Бекзат" not in row and "+7701" not in row
    assert Tip.objects.get(pk=tip.pk).who == "Бекзат, 7Б"


def test_bad_input_gets_a_message_per_field_and_saves_nothing(submit):
    before = _counts()
    with pytest.raises(InputError) as err:
        submit(what="", place="roof", passphrase="short", passphrase_again="short", who="x" * 1001,
               happened_on=timezone.now().date() + dt.timedelta(days=3), files=[b"\x00\x01binary"])
    assert set(err.value.errors) == {"what", "place", "passphrase", "who", "happened_on", "files"}
    assert _counts() == before


def test_passphrases_must_match(submit):
    with pytest.raises(InputError) as err:
        submit(passphrase="long enough one", passphrase_again="long enough two")
    assert err.value.errors["passphrase"] == ["The two passphrases are not the same."]


def test_the_honeypot_refuses_and_saves_nothing(submit):
    before = _counts()
    with pytest.raises(InputError) as err:
        submit(honeypot="http://spam.example")
    assert "__all__" in err.value.errors and _counts() == before


def test_a_screenshot_is_stored_sealed_without_its_metadata(submit, settings):
    tip, _code = submit(files=[png_bytes(text="Secret location")])
    stored = TipFile.objects.get(tip=tip)
    assert stored.metadata_stripped and stored.content_type == "image/png"
    from evidence import storage

    data = storage.blob_get(key=stored.storage_key, document_id=stored.pk)
    assert data.startswith(b"\x89PNG") and b"Secret location" not in data
    assert b"\x89PNG" not in storage.blob_read_sealed(stored.storage_key)  # encrypted at rest


def test_per_school_rate_limit(submit, settings):
    settings.TIPLINE_REPORTS_PER_SCHOOL_PER_HOUR = 2
    submit()
    submit()
    with pytest.raises(InputError) as err:
        submit()
    assert "Too many reports" in err.value.errors["__all__"][0]
    assert Tip.objects.count() == 2
    submit("kz-school-2")  # another school is not held back


# --- Urgent words ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I want to kill myself", "Он принёс в школу нож", "Хочу покончить с собой", "Він погрожує ножем",
    "Не хочу жити", "Ол мектепке пышақ әкелді", "Өзімді өлтіргім келеді",
])
def test_urgent_words_in_any_language_mark_the_report_and_alert_head_and_coordinator(submit, persona, text,
                                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        tip, _code = submit(what=text)
    assert Tip.objects.get(pk=tip.pk).is_urgent
    recipients = set(TipAlert.objects.filter(tip=tip).values_list("recipient__username", flat=True))
    assert recipients == {"kz-head", "kz-coordinator"}


def test_a_calm_report_is_not_urgent_and_alerts_nobody(submit):
    tip, _code = submit(what="Менің сөмкемді тығып қойды, ніжний day.")
    assert not Tip.objects.get(pk=tip.pk).is_urgent and not TipAlert.objects.exists()


def test_the_alert_email_carries_a_link_and_no_text_from_the_report(submit, persona):
    persona("kz-coordinator").__class__.objects.filter(username__in=["kz-head", "kz-coordinator"]).update(
        email="staff@school.example")
    tip, _code = submit(what="Асан пышақ әкелді, мен қорқамын")
    sent = services.alerts_deliver()
    assert sent == 2 and len(mail.outbox) == 2
    for message in mail.outbox:
        assert str(tip.pk) in message.body and "Асан" not in message.body + message.subject
        assert "пышақ" not in message.body
    assert services.alerts_deliver() == 0  # sent once


def test_an_urgent_follow_up_message_makes_the_report_urgent(submit):
    tip, _code = submit()
    assert not tip.is_urgent
    services.tip_reporter_message(tip=tip, body="Сегодня он сказал, что принесёт пистолет")
    assert Tip.objects.get(pk=tip.pk).is_urgent and TipAlert.objects.filter(tip=tip).exists()


# --- Following up ------------------------------------------------------------------------------


def test_code_and_passphrase_open_the_report_at_its_school_only(submit, school):
    tip, code = submit()
    assert services.tip_follow_up_open(school=school("kz-school-1"), code=code, passphrase=PASSPHRASE) == tip
    assert services.tip_follow_up_open(school=school("kz-school-1"), code=code.lower().replace("-", " "),
                                       passphrase=PASSPHRASE) == tip
    for args in ((school("kz-school-1"), code, "wrong passphrase"), (school("kz-school-1"), "AAAA-BBBB", PASSPHRASE),
                 (school("kz-school-2"), code, PASSPHRASE)):
        with pytest.raises(InputError) as err:
            services.tip_follow_up_open(school=args[0], code=args[1], passphrase=args[2])
        assert err.value.errors == {"__all__": ["The code or the passphrase is not right. Check them and try again."]}


def test_wrong_tries_are_limited_per_code(submit, school, settings):
    settings.TIPLINE_FAILED_FOLLOW_UPS_PER_CODE_PER_HOUR = 3
    tip, code = submit()
    for _i in range(3):
        with pytest.raises(InputError):
            services.tip_follow_up_open(school=school("kz-school-1"), code=code, passphrase="guess guess")
    with pytest.raises(InputError) as err:  # even the right passphrase waits now
        services.tip_follow_up_open(school=school("kz-school-1"), code=code, passphrase=PASSPHRASE)
    assert "Too many wrong tries" in err.value.errors["__all__"][0]


def test_wrong_tries_are_limited_per_school(submit, school, settings):
    settings.TIPLINE_FAILED_FOLLOW_UPS_PER_SCHOOL_PER_HOUR = 3
    tip, code = submit()
    for i in range(3):
        with pytest.raises(InputError):
            services.tip_follow_up_open(school=school("kz-school-1"), code=f"ZZZZ-{i}", passphrase="guess guess")
    with pytest.raises(InputError) as err:
        services.tip_follow_up_open(school=school("kz-school-1"), code=code, passphrase=PASSPHRASE)
    assert "Too many wrong tries" in err.value.errors["__all__"][0]


def test_messages_per_code_are_limited(submit, settings):
    settings.TIPLINE_MESSAGES_PER_CODE_PER_HOUR = 2
    tip, _code = submit()
    services.tip_reporter_message(tip=tip, body="one")
    services.tip_reporter_message(tip=tip, body="two")
    with pytest.raises(InputError):
        services.tip_reporter_message(tip=tip, body="three")
    assert TipMessage.objects.filter(tip=tip).count() == 2


def test_two_way_messages_and_status(submit, persona):
    tip, _code = submit()
    coordinator = persona("kz-coordinator")
    services.tip_reply(user=coordinator, tip=tip, body="Рахмет. Ертең кабинетке кел.")
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.ANSWERED
    message = services.tip_reporter_message(tip=tip, body="Жарайды", files=[png_bytes()])
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW  # waits for the school again
    assert [m.author for m in tip.messages.all()] == [Author.SCHOOL, Author.REPORTER]
    assert message.files.count() == 1
    assert AuditEvent.objects.filter(action="tip_reply", actor=coordinator, detail__tip=str(tip.pk)).exists()


def test_an_empty_message_or_reply_is_refused(submit, persona):
    tip, _code = submit()
    with pytest.raises(InputError) as err:
        services.tip_reporter_message(tip=tip, body="  ")
    assert "body" in err.value.errors
    with pytest.raises(InputError) as err:
        services.tip_reply(user=persona("kz-coordinator"), tip=tip, body="")
    assert "body" in err.value.errors and not TipMessage.objects.exists()


# --- Closing -----------------------------------------------------------------------------------


def test_closing_needs_a_reason_the_reporter_reads(submit, persona):
    tip, _code = submit()
    with pytest.raises(InputError) as err:
        services.tip_close(user=persona("kz-coordinator"), tip=tip, reason="")
    assert "reason" in err.value.errors
    with pytest.raises(InputError):  # the psychologist reads and replies, the head and coordinator decide
        services.tip_close(user=persona("kz-psychologist"), tip=tip, reason="Шешілді")
    services.tip_close(user=persona("kz-head"), tip=tip, reason="Сынып жетекшісімен сөйлестік.")
    tip.refresh_from_db()
    assert tip.status == TipStatus.CLOSED and tip.close_reason == "Сынып жетекшісімен сөйлестік."
    with pytest.raises(InputError):
        services.tip_reporter_message(tip=tip, body="ещё")
    assert AuditEvent.objects.filter(action="tip_close", detail__tip=str(tip.pk)).exists()


# --- Converting --------------------------------------------------------------------------------


def test_convert_files_a_case_whose_clocks_count_from_receipt(submit, persona):
    tip, _code = submit(files=[png_bytes()])
    services.tip_reporter_message(tip=tip, body="тағы бір скриншот", files=[png_bytes((12, 12))])
    tip.refresh_from_db()
    received = tip.received_at - dt.timedelta(hours=5)
    Tip.objects.filter(pk=tip.pk).update(received_at=received)  # it waited in the queue for five hours
    tip.refresh_from_db()
    coordinator = persona("kz-coordinator")
    case = services.tip_convert(user=coordinator, tip=tip, kinds=["bullying"], places=["corridor"],
                                description=services.tip_case_description(tip), parties=make_parties())
    assert case.channel == "online_anonymous" and case.school.code == "kz-school-1"
    assert case.received_at == received  # UA II.1-II.2, KZ §25: the clocks count from receipt
    starts = set(Deadline.objects.filter(case=case).values_list("started_at", flat=True))
    assert starts == {received}
    tip.refresh_from_db()
    assert tip.status == TipStatus.CONVERTED and tip.case == case
    documents = Document.objects.filter(case=case).order_by("number")
    assert documents.count() == 2 and {d.source for d in documents} == {DocumentSource.ANONYMOUS_REPORT}
    assert document_content(user=coordinator, document=documents[0], channel="web").startswith(b"\x89PNG")
    assert set(TipFile.objects.filter(tip=tip).values_list("document_id", flat=True)) == {d.pk for d in documents}
    assert AuditEvent.objects.filter(action="tip_convert", case_id=case.pk).exists()
    assert "мазақ" in Case.objects.get(pk=case.pk).description


def test_convert_with_missing_facts_saves_nothing(submit, persona):
    tip, _code = submit(files=[png_bytes()])
    cases_before, documents_before = Case.objects.count(), Document.objects.count()
    with pytest.raises(InputError) as err:
        services.tip_convert(user=persona("kz-coordinator"), tip=tip, kinds=[], parties=[])
    assert "kinds" in err.value.errors
    assert (Case.objects.count(), Document.objects.count()) == (cases_before, documents_before)
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.NEW


def test_an_urgent_report_makes_an_urgent_case(submit, persona):
    tip, _code = submit(what="Он сказал, что убьёт себя")
    case = services.tip_convert(user=persona("kz-head"), tip=tip, kinds=["bullying"], parties=make_parties())
    assert case.is_urgent


def test_only_head_or_coordinator_converts(submit, persona):
    tip, _code = submit()
    with pytest.raises(InputError):
        services.tip_convert(user=persona("kz-social-pedagogue"), tip=tip, kinds=["bullying"],
                             parties=make_parties())
    assert Tip.objects.get(pk=tip.pk).case is None


def test_the_school_link_is_random_and_stable(school):
    first = services.school_link_ensure(school=school("kz-school-1"))
    again = services.school_link_ensure(school=school("kz-school-1"))
    other = services.school_link_ensure(school=school("kz-school-2"))
    assert first.token == again.token != other.token and len(first.token) >= 32
    assert "kz" not in first.token.lower() or "school" not in first.token.lower()
    assert str(school("kz-school-1").pk) != first.token


def test_a_failed_alert_email_is_tried_again_by_the_next_run_not_in_a_loop(submit, persona):
    from unittest import mock

    persona("kz-head").__class__.objects.filter(username="kz-head").update(email="head@school.example")
    tip, _code = submit(what="Ол пышақ әкелді")
    with mock.patch("django.core.mail.send_mail", side_effect=OSError("smtp down")):
        assert services.alerts_deliver() == 0
    alert = TipAlert.objects.get(tip=tip, channel="email")
    assert alert.attempts == 1 and alert.sent_at is None
    assert services.alerts_deliver() == 1 and len(mail.outbox) == 1
