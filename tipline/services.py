"""Writes of pupils' anonymous reports (SPEC R8; KZ §10; UA II.1-II.2; issue #11).

A pupil or parent reports with no account; what they write is encrypted, nothing about
them (IP address, user agent) is stored, and the logs carry nothing from the report. They
leave with a follow-up code (only its keyed hash is kept) and a passphrase of their own
(only its password hash is kept). Each write here is one transaction with its audit event.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencies.models import Agency
from cases.services import PartyInput, ScreeningInput, case_register
from cases.vocabulary import Channel, Place
from config.errors import InputError
from evidence import storage
from evidence.models import DocumentSource
from evidence.services import document_store
from privacy import crypto
from privacy.audit import audit_record
from privacy.models import AuditAction
from tipline import abuse, permissions
from tipline.models import (
    STATUS_ORDER, AlertChannel, Author, SchoolLink, Tip, TipAlert, TipFile, TipMessage, TipStatus,
)
from tipline.urgent import is_urgent

WHAT_MAX_LENGTH = 5000
SHORT_TEXT_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 100
CONTACT_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000
PASSPHRASE_MIN_LENGTH = 8
PASSPHRASE_MAX_LENGTH = 200
MAX_FILES = 3
# Crockford's base32: no I, L, O, U to misread. 20 symbols = 100 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
ALERT_TASK = "tipline.tasks.deliver_alerts"
# A hash to check a passphrase against when the code is wrong, so both take the same time.
_DUMMY_HASH = None


def _wrong_code_message() -> str:
    return _("The code or the passphrase is not right. Check them and try again.")


# --- The school's public link ------------------------------------------------------------------


@transaction.atomic
def school_link_ensure(*, school: Agency) -> SchoolLink:
    """The school's public report link, made on first use: a random token (192 bits), never its
    id, code or name, so the address tells nobody which school it is or how to find another."""
    link = SchoolLink.objects.filter(school=school).first()
    if link is None:
        link, _created = SchoolLink.objects.get_or_create(
            school=school, defaults={"token": secrets.token_urlsafe(24), "created_at": timezone.now()})
    return link


# --- Codes and passphrases ---------------------------------------------------------------------


def code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def code_normalise(code: str) -> str:
    text = (code or "").upper().translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))
    return "".join(c for c in text if c in CODE_ALPHABET)


def code_index(code: str) -> str:
    """The keyed hash the report is found by; the code itself is never stored."""
    return crypto.blind_index(code_normalise(code), "tipline_code")


def _passphrase_errors(passphrase: str, again: str) -> list[str]:
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        return [_("Choose a passphrase of at least %(n)d characters.") % {"n": PASSPHRASE_MIN_LENGTH}]
    if len(passphrase) > PASSPHRASE_MAX_LENGTH:
        return [_("The passphrase is too long.")]
    if passphrase != again:
        return [_("The two passphrases are not the same.")]
    return []


# --- Input checks ------------------------------------------------------------------------------


def _text_error(errors: dict, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(
            _("This is too long: at most %(n)d characters.") % {"n": limit})


def _files_prepare(errors: dict, files) -> list[storage.PreparedFile]:
    """Each file checked and cleaned (metadata stripped) by the evidence app; errors under "files"."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        errors.setdefault("files", []).append(_("Send at most %(n)d files.") % {"n": MAX_FILES})
        return []
    prepared = []
    for data in files:
        try:
            prepared.append(storage.file_prepare(data))
        except InputError as err:
            errors.setdefault("files", []).extend(err.errors.get("file", []))
    return prepared


def _files_save(*, tip: Tip, message: TipMessage | None, prepared: list[storage.PreparedFile]) -> list[TipFile]:
    saved = []
    number = (TipFile.objects.filter(tip=tip).aggregate(n=Max("number"))["n"] or 0)
    now = timezone.now()
    for item in prepared:
        number += 1
        tip_file = TipFile.objects.create(
            tip=tip, message=message, number=number, storage_key=storage.new_storage_key(),
            content_type=item.content_type, size=item.size, sha256=item.sha256,
            metadata_stripped=item.metadata_stripped, at=now)
        # Sealed with the file's own id bound in, like a case document's.
        storage.blob_put(key=tip_file.storage_key, document_id=tip_file.pk, data=item.data)
        saved.append(tip_file)
    return saved


def _too_many_reports() -> InputError:
    return InputError({"__all__": [_(
        "Too many reports reached this school in the last hour. Try again later. If someone is in "
        "danger now, call 112 (or 111, the children's line).")]})


# --- The reporter's side -----------------------------------------------------------------------


@transaction.atomic
def tip_submit(*, school: Agency, what: str, place: str = "", happened_on: dt.date | None = None, who: str = "",
               feeling: str = "", reporter_name: str = "", reporter_contact: str = "", files=(),
               passphrase: str = "", passphrase_again: str = "", honeypot: str = "") -> tuple[Tip, str]:
    """Receive a pupil's or parent's report for ``school`` (SPEC R8, KZ §10: the reporter may stay
    anonymous); returns the report and its follow-up code, which is shown once and kept nowhere.

    All or nothing: on any error (per field) nothing is saved. The school receives the report
    now: its ``received_at`` is the moment of receipt that a case made from it keeps (UA II.1-II.2,
    KZ §6, §25). Urgent words alert the head and coordinators at once (SPEC R6).
    """
    what, who, feeling = (what or "").strip(), (who or "").strip(), (feeling or "").strip()
    reporter_name, reporter_contact = (reporter_name or "").strip(), (reporter_contact or "").strip()
    abuse_kind, abuse_setting = abuse.SCHOOL_REPORTS
    if abuse.over(abuse_kind, str(school.pk), abuse_setting):
        raise _too_many_reports()
    abuse.hit(abuse_kind, str(school.pk))  # every attempt counts, refused ones too
    errors: dict = {}
    if honeypot:
        # A field people do not see: only a program fills it in.
        errors["__all__"] = [_("The report could not be sent. Reload the page and try again.")]
    if not what:
        errors["what"] = [_("Tell us what happened.")]
    _text_error(errors, "what", what, WHAT_MAX_LENGTH)
    _text_error(errors, "who", who, SHORT_TEXT_MAX_LENGTH)
    _text_error(errors, "feeling", feeling, SHORT_TEXT_MAX_LENGTH)
    _text_error(errors, "reporter_name", reporter_name, NAME_MAX_LENGTH)
    _text_error(errors, "reporter_contact", reporter_contact, CONTACT_MAX_LENGTH)
    if place and place not in Place.values:
        errors["place"] = [_("Choose from the list.")]
    today = school.jurisdiction.local_date(timezone.now())
    if happened_on and happened_on > today:
        errors["happened_on"] = [_("The date cannot be in the future.")]
    elif happened_on and happened_on < today - dt.timedelta(days=3 * 366):
        errors["happened_on"] = [_("The date is too long ago.")]
    passphrase_errors = _passphrase_errors(passphrase or "", passphrase_again or "")
    if passphrase_errors:
        errors["passphrase"] = passphrase_errors
    prepared = _files_prepare(errors, files)
    if errors:
        raise InputError(errors)

    now = timezone.now()
    urgent = is_urgent(what, who, feeling)
    number = (Tip.objects.select_for_update().filter(school=school).aggregate(n=Max("number"))["n"] or 0) + 1
    code = code_new()
    tip = Tip.objects.create(
        school=school, number=number, received_at=now, is_urgent=urgent, code_index=code_index(code),
        passphrase_hash=make_password(passphrase), language=(get_language() or "")[:8], what=what,
        place=place or "", happened_on=happened_on, who=who, feeling=feeling, reporter_name=reporter_name,
        reporter_contact=reporter_contact, last_activity_at=now, status=TipStatus.NEW,
        status_rank=STATUS_ORDER[TipStatus.NEW])
    saved = _files_save(tip=tip, message=None, prepared=prepared)
    audit_record(actor=None, action=AuditAction.TIP_RECEIVE, detail={
        "tip": str(tip.pk), "school": school.code, "number": number, "urgent": urgent, "files": len(saved)})
    if urgent:
        _alert(tip)
    return tip, code


def tip_follow_up_open(*, school: Agency, code: str, passphrase: str) -> Tip:
    """The report of this code and passphrase at this school, or one generic error (which of the
    two was wrong is not said). Failures are counted per school and per code, never per person."""
    global _DUMMY_HASH
    index = code_index(code or "")
    school_kind, school_setting = abuse.SCHOOL_FAILURES
    code_kind, code_setting = abuse.CODE_FAILURES
    if abuse.over(school_kind, str(school.pk), school_setting) or abuse.over(code_kind, index, code_setting):
        raise InputError({"__all__": [_(
            "Too many wrong tries. Wait an hour and try again; if you lost your code, send a new report.")]})
    tip = Tip.objects.filter(code_index=index, school=school).first()
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password("not-a-passphrase")
    hashed = tip.passphrase_hash if tip is not None else _DUMMY_HASH
    ok = check_password(passphrase or "", hashed) and tip is not None and len(passphrase or "") <= PASSPHRASE_MAX_LENGTH
    if not ok:
        abuse.hit(school_kind, str(school.pk))
        abuse.hit(code_kind, index)
        raise InputError({"__all__": [_wrong_code_message()]})
    return tip


@transaction.atomic
def tip_reporter_message(*, tip: Tip, body: str, files=()) -> TipMessage:
    """The reporter adds information or answers the school (two-way, KZ §10: still anonymous)."""
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    body = (body or "").strip()
    kind, setting = abuse.CODE_MESSAGES
    if abuse.over(kind, tip.code_index, setting):
        raise InputError({"__all__": [_("You sent many messages in the last hour. Try again later.")]})
    errors: dict = {}
    if tip.status == TipStatus.CLOSED:
        errors["__all__"] = [_("This report is closed. If something else happened, send a new report.")]
    _text_error(errors, "body", body, MESSAGE_MAX_LENGTH)
    prepared = _files_prepare(errors, files)
    if not body and not prepared and "files" not in errors:
        errors["body"] = [_("Write a message or add a file.")]
    if errors:
        raise InputError(errors)
    abuse.hit(kind, tip.code_index)
    now = timezone.now()
    urgent = is_urgent(body)
    message = TipMessage.objects.create(tip=tip, author=Author.REPORTER, body=body, at=now, is_urgent=urgent)
    saved = _files_save(tip=tip, message=message, prepared=prepared)
    tip.last_activity_at = now
    fields = ["last_activity_at"]
    if urgent and not tip.is_urgent:
        tip.is_urgent = True
        fields.append("is_urgent")
    if tip.status == TipStatus.ANSWERED:  # the pupil wrote back: it waits for the school again
        tip.status, tip.status_rank = TipStatus.NEW, STATUS_ORDER[TipStatus.NEW]
        fields += ["status", "status_rank"]
    tip.save(update_fields=fields)
    audit_record(actor=None, action=AuditAction.TIP_RECEIVE, case_id=tip.case_id, detail={
        "tip": str(tip.pk), "message": str(message.pk), "urgent": urgent, "files": len(saved)})
    if urgent:
        _alert(tip)
    return message


# --- Alerts ------------------------------------------------------------------------------------


def _alert(tip: Tip) -> int:
    """SPEC R6, KZ §9: an urgent report reaches the head and coordinators at once, in the system and
    by e-mail; the alert says "urgent report received" and links it, nothing from the report."""
    now = timezone.now()
    rows = []
    for user in permissions.alert_recipients(tip.school):
        rows.append(TipAlert(tip=tip, recipient=user, channel=AlertChannel.IN_APP, created_at=now, sent_at=now))
        if user.email:
            rows.append(TipAlert(tip=tip, recipient=user, channel=AlertChannel.EMAIL, created_at=now))
    TipAlert.objects.bulk_create(rows)
    transaction.on_commit(_send_alert_task)
    return len(rows)


def _send_alert_task() -> None:
    from celery import current_app

    try:
        current_app.send_task(ALERT_TASK)  # no arguments: the database says what is due
    except Exception:
        import logging

        logging.getLogger(__name__).warning("Could not enqueue urgent-report alerts; the periodic task will send them.")


def alert_link(tip: Tip) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("tipline:detail", args=[tip.pk])


def alerts_deliver(*, batch_size: int = 100) -> int:
    """Send pending e-mail alerts, each claimed under a row lock and marked sent once."""
    from django.core.mail import send_mail
    from django.utils import translation

    from notifications import messages as notification_messages

    sent, tried = 0, []
    while True:
        with transaction.atomic():
            # An e-mail that failed is tried again by the next run (at most five times), not in a loop now.
            alert = (TipAlert.objects.select_for_update(skip_locked=True).select_related("recipient", "tip")
                     .filter(sent_at__isnull=True, channel=AlertChannel.EMAIL, attempts__lt=5)
                     .exclude(pk__in=tried).order_by("created_at").first())
            if alert is None or sent >= batch_size:
                return sent
            alert.attempts += 1
            tried.append(alert.pk)
            with translation.override(notification_messages.language_for(alert.recipient)):
                subject = _("Urgent report received from a pupil")
                body = "\n\n".join([
                    subject,
                    _("Open it in the system: %(link)s") % {"link": alert_link(alert.tip)},
                    _("This message carries no personal data by design. Do not forward report details by "
                      "e-mail or messengers."),
                ])
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [alert.recipient.email])
            except Exception:
                import logging

                logging.getLogger(__name__).warning("E-mail delivery failed for tip alert %s", alert.pk)
                alert.save(update_fields=["attempts"])
                continue
            alert.sent_at = timezone.now()
            alert.save(update_fields=["attempts", "sent_at"])
            sent += 1


def alerts_mark_read(*, user, tip: Tip) -> int:
    return TipAlert.objects.filter(recipient=user, tip=tip, read_at__isnull=True).update(read_at=timezone.now())


# --- The school's side -------------------------------------------------------------------------


@transaction.atomic
def tip_read(*, user, tip: Tip, channel: str = "web") -> None:
    """Record that a staff member read the report (KZ §10: who saw a reporter's words is known)."""
    audit_record(actor=user, action=AuditAction.TIP_VIEW, case_id=tip.case_id,
                 detail={"tip": str(tip.pk), "via": channel})
    alerts_mark_read(user=user, tip=tip)


@transaction.atomic
def tip_file_content(*, user, tip_file: TipFile) -> bytes:
    """A file of the report, decrypted for staff who may read it; the download is recorded."""
    data = storage.blob_get(key=tip_file.storage_key, document_id=tip_file.pk)
    audit_record(actor=user, action=AuditAction.TIP_VIEW, case_id=tip_file.tip.case_id,
                 detail={"tip": str(tip_file.tip_id), "file": tip_file.number})
    return data


@transaction.atomic
def tip_reply(*, user, tip: Tip, body: str) -> TipMessage:
    """The school answers the reporter, who reads it with their code and passphrase (SPEC R8)."""
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    body = (body or "").strip()
    errors: dict = {}
    if not permissions.can_read(user, tip.school):
        errors["__all__"] = [_("You do not work this school's reports.")]
    if tip.status == TipStatus.CLOSED:
        errors["__all__"] = [_("This report is closed.")]
    if not body:
        errors["body"] = [_("Write the reply.")]
    _text_error(errors, "body", body, MESSAGE_MAX_LENGTH)
    if errors:
        raise InputError(errors)
    now = timezone.now()
    message = TipMessage.objects.create(tip=tip, author=Author.SCHOOL, by=user, body=body, at=now)
    tip.last_activity_at = now
    fields = ["last_activity_at"]
    if tip.status == TipStatus.NEW:
        tip.status, tip.status_rank = TipStatus.ANSWERED, STATUS_ORDER[TipStatus.ANSWERED]
        fields += ["status", "status_rank"]
    tip.save(update_fields=fields)
    audit_record(actor=user, action=AuditAction.TIP_REPLY, case_id=tip.case_id,
                 detail={"tip": str(tip.pk), "message": str(message.pk)})
    return message


@transaction.atomic
def tip_close(*, user, tip: Tip, reason: str) -> Tip:
    """Close the report with a reason the reporter reads (head or coordinator; KZ §5, UA II.1)."""
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    reason = (reason or "").strip()
    errors: dict = {}
    if not permissions.can_decide(user, tip.school):
        errors["__all__"] = [_("Only the head or the protection coordinator closes a report.")]
    elif tip.status in (TipStatus.CLOSED, TipStatus.CONVERTED):
        errors["__all__"] = [_("This report is already closed or turned into a case.")]
    if not reason:
        errors["reason"] = [_("Give the reason: the reporter reads it.")]
    _text_error(errors, "reason", reason, REASON_MAX_LENGTH)
    if errors:
        raise InputError(errors)
    now = timezone.now()
    tip.status, tip.status_rank = TipStatus.CLOSED, STATUS_ORDER[TipStatus.CLOSED]
    tip.close_reason, tip.closed_at, tip.closed_by, tip.last_activity_at = reason, now, user, now
    tip.save()
    audit_record(actor=user, action=AuditAction.TIP_CLOSE, detail={"tip": str(tip.pk)})
    return tip


def tip_case_description(tip: Tip) -> str:
    """The case's description prefilled from the report: the reporter's words, labelled."""
    parts = [tip.what]
    if tip.who:
        parts.append(_("Who: %(text)s") % {"text": tip.who})
    if tip.feeling:
        parts.append(_("How they feel: %(text)s") % {"text": tip.feeling})
    return "\n\n".join(parts)


@transaction.atomic
def tip_convert(*, user, tip: Tip, kinds: list[str], forms: list[str] = (), places: list[str] = (),
                incident_at: dt.datetime | None = None, description: str = "", parties: list[PartyInput],
                screening: ScreeningInput | None = None):
    """Turn the report into a case of its school (head or coordinator; KZ §5, UA II.1), filed through
    ``cases.services.case_register`` with the channel "anonymous online report".

    The statutory clocks count from RECEIPT, not from conversion: the case's ``received_at`` is the
    moment the report reached the school through its public page. The school "received" the report
    then (UA II.1: a report may be made in writing, electronically included; UA II.2: the head acts
    from receiving it; KZ §6: a pupil's report to the school; KZ §25 and SPEC §3: the clock starts
    when the report is received), and a triage delay must not lengthen the statutory terms.

    The report's files are copied as case documents (source "anonymous report"); the report keeps
    a link to the case, and its reporter keeps reading the school's replies.
    """
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if not permissions.can_decide(user, tip.school):
        raise InputError({"__all__": [_("Only the head or the protection coordinator turns a report into a case.")]})
    if tip.status in (TipStatus.CLOSED, TipStatus.CONVERTED):
        raise InputError({"__all__": [_("This report is already closed or turned into a case.")]})
    case = case_register(
        user=user, school=tip.school, received_at=tip.received_at, incident_at=incident_at,
        channel=Channel.ONLINE_ANONYMOUS, kinds=kinds, forms=forms, places=places, description=description or "",
        parties=parties, screening=screening)
    if tip.is_urgent and not case.is_urgent:
        case.is_urgent = True
        case.save(update_fields=["is_urgent"])
    copied = 0
    for tip_file in TipFile.objects.filter(tip=tip).order_by("number"):
        data = storage.blob_get(key=tip_file.storage_key, document_id=tip_file.pk)
        document = document_store(case=case, data=data, title=_("Sent with the anonymous report"),
                                  uploaded_by=None, agency=tip.school, source=DocumentSource.ANONYMOUS_REPORT)
        tip_file.document = document
        tip_file.save(update_fields=["document"])
        copied += 1
    now = timezone.now()
    tip.case, tip.converted_at, tip.last_activity_at = case, now, now
    tip.status, tip.status_rank = TipStatus.CONVERTED, STATUS_ORDER[TipStatus.CONVERTED]
    tip.save(update_fields=["case", "converted_at", "last_activity_at", "status", "status_rank"])
    audit_record(actor=user, action=AuditAction.TIP_CONVERT, case_id=case.pk,
                 detail={"tip": str(tip.pk), "documents": copied, "received_at": tip.received_at.isoformat()})
    return case
