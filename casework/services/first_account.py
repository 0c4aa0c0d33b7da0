"""The child's first account (KZ §35, SPEC H4): recorded once, verbatim, read on its own page.

KZ §35.5: the child is never asked to repeat what they said; so the account is recorded once
per child and every agency with the identity permission reads it instead of interviewing
again. It is never edited; every read is audited.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from casework.action_selectors import child_parties, holding_agencies, may_record_first_account
from casework.models import FirstAccount, FirstAccountAddendum
from cases.lifecycle import refuse_if_closed
from config import limits
from config.errors import InputError
from privacy.audit import audit_record
from privacy.models import AuditAction

TEXT_MAX = limits.FIRST_ACCOUNT_MAX_LENGTH


def _time(value):
    if value is None or value == "":
        return timezone.now()
    moment = value if hasattr(value, "tzinfo") else parse_datetime(str(value))
    if moment is None:
        raise InputError({"spoken_at": [_("Enter a valid date and time.")]})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@transaction.atomic
def first_account_record(*, user, case, party_id, place: str, present: str, words: str,
                         spoken_at=None) -> FirstAccount:
    refuse_if_closed(case)
    errors = {}
    if not may_record_first_account(user, case):
        raise InputError({"__all__": [_("Only someone who may see the parties' identities records the "
                                        "child's account.")]})
    party = None
    try:
        party = child_parties(case).filter(pk=uuid.UUID(str(party_id))).first()
    except ValueError:
        pass
    if party is None:
        errors["party"] = [_("Choose a child of this case.")]
    elif FirstAccount.objects.filter(case=case, party=party).exists():
        errors["party"] = [_("This child's first account is already recorded: read it instead of asking again.")]
    spoken_at = _time(spoken_at)
    if spoken_at > timezone.now():
        errors["spoken_at"] = [_("The time cannot be in the future.")]
    texts = {"place": place, "present": present, "words": words}
    for name, value in texts.items():
        value = value.strip() if isinstance(value, str) else ""
        texts[name] = value
        if not value:
            errors[name] = [_("This field is required.")]
        elif len(value) > TEXT_MAX:
            errors[name] = [_("Keep it under %(limit)s characters.") % {"limit": TEXT_MAX}]
    if errors:
        raise InputError(errors)
    agencies = holding_agencies(user, case)
    account = FirstAccount(case=case, party=party, agency=agencies[0] if agencies else None,
                           spoken_at=spoken_at, recorded_by=user, **texts)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # recorded by someone else a moment ago
        raise InputError({"party": [_("This child's first account is already recorded: read it instead of "
                                      "asking again.")]}) from None
    audit_record(actor=user, action=AuditAction.FIRST_ACCOUNT_RECORD, case_id=case.pk,
                 detail={"account": str(account.pk), "party": str(party.pk)})
    return account


@transaction.atomic
def first_account_addendum_add(*, user, account: FirstAccount, text: str) -> FirstAccountAddendum:
    """Append to the account (what the child added later, a correction of a slip): the account
    itself is never edited. What the child adds later is new work: the case must be open."""
    refuse_if_closed(account.case)
    if not may_record_first_account(user, account.case):
        raise InputError({"__all__": [_("Only someone who may see the parties' identities adds to the "
                                        "child's account.")]})
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise InputError({"text": [_("This field is required.")]})
    if len(text) > TEXT_MAX:
        raise InputError({"text": [_("Keep it under %(limit)s characters.") % {"limit": TEXT_MAX}]})
    addendum = FirstAccountAddendum.objects.create(account=account, text=text, recorded_by=user)
    audit_record(actor=user, action=AuditAction.FIRST_ACCOUNT_RECORD, case_id=account.case_id, detail={
        "account": str(account.pk), "party": str(account.party_id), "addendum": str(addendum.pk)})
    return addendum


def first_account_read(*, user, account: FirstAccount, channel: str) -> FirstAccount:
    """Record that the user read the child's words (the caller checked the identity permission)."""
    audit_record(actor=user, action=AuditAction.FIRST_ACCOUNT_VIEW, case_id=account.case_id,
                 detail={"account": str(account.pk), "party": str(account.party_id), "via": channel})
    return account
