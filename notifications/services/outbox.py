"""The outbox: writing the messages people receive, delivering them once, marking them read.

Messages carry a case reference, a rule code or a notice number and a link, never
personal data (DESIGN §6). Writing is part of the caller's transaction; delivery
is asked for by task name after the commit, so no service imports the tasks.
"""

import logging
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from agencies.models import Agency
from cases.models import Case
from notifications import messages
from notifications.models import Channel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

DELIVER_TASK = "notifications.tasks.deliver_outbox"


def agency_members(agency: Agency) -> list:
    """Every active member of an agency, case worker or not: an ombudsman office's staff
    are not in its case group but must hear of a notice to it."""
    return list(get_user_model().objects.filter(memberships__agency=agency, is_active=True).distinct())


def outbox_rows(*, recipients: Iterable[tuple[int, str]], case_id, key: str, params: dict, now,
                escalation=None, notice=None) -> list[OutboxMessage]:
    """Unsaved messages for (user id, e-mail address) pairs: in the system, and by e-mail where
    the person has an address."""
    rows = []
    for user_id, email in recipients:
        rows.append(OutboxMessage(escalation=escalation, notice=notice, recipient_id=user_id, channel=Channel.IN_APP,
                                  case_id=case_id, subject_key=key, params=params, created_at=now))
        if email:
            rows.append(OutboxMessage(escalation=escalation, notice=notice, recipient_id=user_id,
                                      channel=Channel.EMAIL, case_id=case_id, subject_key=key, params=params,
                                      created_at=now))
    return rows


def outbox_write(*, recipients, case: Case, key: str, params: dict, escalation=None, notice=None) -> int:
    rows = outbox_rows(recipients=[(u.pk, u.email) for u in recipients], case_id=case.pk, key=key,
                       params=params, now=timezone.now(), escalation=escalation, notice=notice)
    # The unique constraints (once per escalation or notice, recipient, channel) decide.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def users_notify(*, recipients, case: Case, key: str, params: dict) -> int:
    """Tell people about a case in the system (and by e-mail): reference and link only."""
    return outbox_write(recipients=recipients, case=case, key=key, params=params)


# --- Delivering ------------------------------------------------------------------------------

def delivery_enqueue() -> None:
    """Ask a worker to deliver the outbox once this transaction commits (a latency hint: the
    periodic delivery sends whatever this misses)."""
    transaction.on_commit(_send_delivery_task)


def _send_delivery_task() -> None:
    try:
        current_app.send_task(DELIVER_TASK)
    except Exception:  # the broker may be down: the periodic delivery will pick the messages up
        log.warning("Could not enqueue outbox delivery; the periodic task will deliver.")


def _pending(channel: str):
    return (OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case__school", "recipient")
            .filter(status=OutboxStatus.PENDING, channel=channel).order_by("created_at"))


def outbox_deliver(*, batch_size: int = 100, max_batches: int = 50) -> int:
    """Send pending outbox messages; each is claimed under a row lock and marked sent once.

    In-app messages are claimed and marked in one transaction per batch. An e-mail
    leaves the system, so each is claimed and committed on its own right after it is
    handed over: a worker killed mid-batch repeats at most the one e-mail it had in
    hand (tests/faults/test_worker_faults.py). E-mails are never claimed with the
    in-app batch: a claim released at that batch's commit let two deliverers take the
    same e-mails into their batches, each spending its budget on messages the other sent.
    """
    sent, tried = 0, []
    for _batch in range(max_batches):
        with transaction.atomic():
            in_app = list(_pending(Channel.IN_APP)[:batch_size])
            for message in in_app:
                _deliver_one(message)
        sent += len(in_app)
        emails = 0
        while emails < batch_size:
            with transaction.atomic():
                # An e-mail that failed is tried again by the next run, not in a loop now.
                message = _pending(Channel.EMAIL).exclude(pk__in=tried).first()
                if message is None:  # none left, or the others are in another deliverer's hands
                    break
                tried.append(message.pk)
                sent += _deliver_one(message)
            emails += 1
        if len(in_app) < batch_size and emails < batch_size:
            break
    return sent


def _deliver_one(message: OutboxMessage) -> bool:
    message.attempts += 1
    if message.channel == Channel.EMAIL:
        language = messages.language_for(message.recipient)
        with translation.override(language):
            subject, body = messages.render(message)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.recipient.email])
        except Exception:
            log.warning("E-mail delivery failed for outbox message %s", message.pk)
            if message.attempts >= 5:
                message.status = OutboxStatus.FAILED
            message.save(update_fields=["attempts", "status"])
            return False
    message.status, message.sent_at = OutboxStatus.SENT, timezone.now()
    message.save(update_fields=["attempts", "status", "sent_at"])
    return True


def outbox_mark_read(*, user, message_ids) -> int:
    """Mark the user's own in-app messages read (someone else's ids are ignored)."""
    if not message_ids:
        return 0
    return OutboxMessage.objects.filter(pk__in=message_ids, recipient=user, read_at__isnull=True) \
        .update(read_at=timezone.now())
