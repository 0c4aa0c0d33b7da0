"""Notices to agencies and parents (KZ §19–§26, UA II.2): sending, numbering, acknowledging.

A notice may add a parent to the case and shares the case with the receiving
agency, so this module builds on ``cases.services``; it meets clocks through
``notifications.services.clocks`` and tells people through ``outbox``.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, Membership
from agencies.numbering import next_number
from cases.lifecycle import refuse_if_closed
from cases.models import Case, Party
from cases.services import PartyInput, case_share_with_agency, party_add
from cases.vocabulary import PartyRole
from config.errors import InputError
from notifications import messages, selectors
from notifications.models import Channel, NoticeChannel, Notice, OutboxMessage, OutgoingCounter, StartEvent
from notifications.services.clocks import deadlines_satisfy_from_history, deadlines_start
from notifications.services.outbox import agency_members, outbox_write
from privacy.audit import audit_record
from privacy.models import AuditAction


def _next_outgoing_number(agency: Agency, year: int) -> str:
    """The agency's next outgoing number of the year (KZ §23), e.g. KZ-SCHOOL-1/2026/0007."""
    return f"{agency.code.upper()}/{year}/{next_number(OutgoingCounter, agency=agency, year=year):04d}"


def _notice_errors(*, options, case: Case, channel: str, sent_at: dt.datetime, to_agency, to_party,
                   new_representative: PartyInput | None, represents: Party | None) -> dict:
    now = timezone.now()
    errors: dict = {}
    chosen = [r for r in (to_agency, to_party, new_representative) if r is not None]
    if options.sender is None:
        errors["__all__"] = [_("You may not send notices about this case.")]
    elif len(chosen) != 1:
        errors["recipient"] = [_("Choose one recipient: an agency or a legal representative.")]
    elif to_agency is not None and to_agency not in options.agencies:
        # The protocol's notice matrix (NoticeRoute), e.g. KZ §21–§26, UA II.2: never another school.
        errors["to_agency"] = [_("The protocol does not provide for a notice from your agency to this one: "
                                 "choose a recipient from the list.")]
    elif to_party is not None:
        if to_party not in options.representatives:
            errors["to_party"] = [_("Choose a legal representative of this case.")]
        elif to_party.is_alleged_perpetrator:
            # DESIGN §7, a design rule rather than a paragraph of the sources: the law asks for
            # "at least one" parent (UA I.6, II.2), so another one is told; violence by a parent
            # goes to the guardianship authority and the mobile group instead (KZ §19.5).
            errors["to_party"] = [_("This person is the alleged perpetrator and must not be notified.")]
    elif new_representative is not None:
        if not options.minors:
            errors["recipient"] = [_("Only the case's school notifies parents.")]
        representative_errors = _new_representative_errors(new_representative, represents, options)
        if representative_errors:
            errors["new_representative"] = representative_errors
    if channel not in NoticeChannel.values:
        errors["channel"] = [_("Choose a channel.")]
    if sent_at > now:
        errors["sent_at"] = [_("The time cannot be in the future.")]
    elif sent_at < case.received_at:
        errors["sent_at"] = [_("The time cannot be before the report was received.")]
    return errors


def _new_representative_errors(data: PartyInput, represents: Party | None, options) -> dict:
    errors: dict = {}
    if not (data.family_name or "").strip():
        errors["family_name"] = [_("Enter the family name.")]
    if not (data.given_name or "").strip():
        errors["given_name"] = [_("Enter the given name.")]
    if represents is None or represents not in options.minors:
        errors["represents"] = [_("Choose the minor this person represents.")]
    return errors


def _start_family_violence_clock(case: Case) -> None:
    """KZ §19.5: once the police know of a case whose alleged perpetrator is a parent or guardian
    (a legal representative flagged so), they must tell the guardianship authority and the mobile
    group. Idempotent: the clock is unique per case and rule."""
    first_police_notice = (case.notices.filter(to_agency__kind=AgencyKind.POLICE)
                           .order_by("sent_at").values_list("sent_at", flat=True).first())
    if first_police_notice is None:
        return
    if not case.parties.filter(role=PartyRole.LEGAL_REPRESENTATIVE, is_alleged_perpetrator=True).exists():
        return
    deadlines_start(case=case, event=StartEvent.POLICE_NOTIFIED_OF_FAMILY_VIOLENCE, at=first_police_notice)


@transaction.atomic
def notice_send(*, user, case: Case, channel: str, sent_at: dt.datetime | None = None,
                to_agency: Agency | None = None, to_party: Party | None = None,
                new_representative: PartyInput | None = None, represents: Party | None = None) -> Notice:
    """Record a notice (KZ §23–§24, UA II.2): numbers it, shares the case, meets its clocks.

    Only to a recipient the protocol's notice matrix allows the sender's agency
    (``selectors.notice_options``), whatever the interface. A notice to a parent not yet
    in the case names them (``new_representative``, representing the minor ``represents``):
    they are added as a legal representative in the same transaction.
    """
    refuse_if_closed(case)  # a closed case takes no new notice (cases.lifecycle)
    sent_at = sent_at or timezone.now()
    options = selectors.notice_options(user, case)
    errors = _notice_errors(options=options, case=case, channel=channel, sent_at=sent_at, to_agency=to_agency,
                            to_party=to_party, new_representative=new_representative, represents=represents)
    if errors:
        raise InputError(errors)
    if new_representative is not None:
        data = PartyInput(role=PartyRole.LEGAL_REPRESENTATIVE, is_minor=False,
                          family_name=new_representative.family_name, given_name=new_representative.given_name,
                          patronymic=new_representative.patronymic, phone=new_representative.phone)
        try:
            to_party = party_add(user=user, case=case, data=data, represents=represents)
        except InputError as err:
            raise InputError({"new_representative": err.errors}) from err

    sender = options.sender
    notice = Notice.objects.create(
        case=case, sent_by=user, from_agency=sender, to_agency=to_agency, to_party=to_party, channel=channel,
        # Each agency numbers its outgoing notices in its own register, by its local year (KZ §23).
        sent_at=sent_at, outgoing_number=_next_outgoing_number(sender, case.jurisdiction.local_year(sent_at)),
    )
    if to_agency is not None:
        case_share_with_agency(case=case, agency=to_agency, by=user)
        outbox_write(recipients=agency_members(to_agency), case=case, key=messages.NOTICE_RECEIVED,
                     params={"number": notice.outgoing_number}, notice=notice)
    audit_record(actor=user, action=AuditAction.NOTICE_SEND, case_id=case.pk, detail={
        "notice": notice.pk, "number": notice.outgoing_number, "channel": channel, "from_agency": sender.code,
        "to_agency": to_agency.code if to_agency else None, "to_party": str(to_party.pk) if to_party else None,
    })
    _start_family_violence_clock(case)
    deadlines_satisfy_from_history(case=case)
    return notice


@transaction.atomic
def notice_acknowledge(*, user, notice: Notice) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.to_agency_id is None or not Membership.objects.filter(user=user, agency_id=notice.to_agency_id).exists():
        raise InputError({"__all__": [_("Only the receiving agency can acknowledge this notice.")]})
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), user
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=user, action=AuditAction.NOTICE_ACKNOWLEDGE, case_id=notice.case_id,
                     detail={"notice": notice.pk})
    # The agency has the notice: its members' bell entries for it are done with.
    OutboxMessage.objects.filter(notice=notice, channel=Channel.IN_APP, read_at__isnull=True) \
        .update(read_at=timezone.now())
    return notice
