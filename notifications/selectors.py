"""Read queries on clocks, notices and messages, always scoped to the reader.

A case's deadlines and notices are read only after the case itself was fetched
through ``cases.selectors.case_get_for_user``. The inbox and the bell are
scoped by the reader's agencies and by the recipient: nobody reads another
agency's notices or another person's messages, and a notice id of another
agency is a 404 like one that does not exist.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext

from agencies.models import Agency, AgencyKind, Membership, StaffRole
from agencies.people import display_name
from cases import keyset, permissions
from cases.models import Case, Party
from cases.selectors import case_get_for_user
from cases.vocabulary import PartyRole
from notifications.models import (
    MINOR_PARTY_ROLES, OPEN_STATES, RECORDABLE_EVENTS, Channel, Deadline, DeadlineRule, Notice, NoticeChannel,
    NoticeRoute, OutboxMessage, SatisfyEvent,
)
from privacy.audit import audit_record
from privacy.models import AuditAction

# --- A case's clocks and notices -------------------------------------------------------------


def rule_names(codes) -> dict[str, str]:
    """Rule code -> the rule's name in the current language, in one query."""
    return {rule.code: rule.name for rule in DeadlineRule.objects.filter(code__in=codes)}


def case_deadlines(case: Case) -> list[Deadline]:
    """The case's deadlines with their rule and party, soonest first."""
    return list(case.deadlines.select_related("rule", "party", "responsible_agency", "responsible_user")
                .order_by("due_at", "rule__code", "pk"))


def case_notices(case: Case):
    return case.notices.select_related("to_agency", "to_party", "from_agency").order_by("-sent_at", "-pk")


def notice_sender(user, case: Case) -> Agency | None:
    """The agency on whose behalf ``user`` sends notices about ``case``, or None.

    The case's school for whoever may change the case (its case team, the teacher who
    filed it); else an agency the case was notified to (and so shared with) whose case
    worker the user is, e.g. a police officer (KZ §19.5). Ombudsman offices work no cases.
    """
    if permissions.has_case_perm(user, permissions.CHANGE, case):
        # A case an agency opened: its case workers send for the agency (the school, once linked,
        # for its own staff).
        if case.is_agency_intake and (case.school_id is None or not user.memberships.filter(
                agency_id=case.school_id).exists()):
            return case.intake_agency
        return case.school
    notified = Notice.objects.filter(case=case, to_agency_id=OuterRef("agency_id"))
    memberships = (Membership.objects.filter(user=user, agency__jurisdiction_id=case.jurisdiction_id)
                   .exclude(agency_id=case.school_id).filter(Exists(notified))
                   .select_related("agency").order_by("agency__name", "agency_id"))
    for membership in memberships:
        if membership.works_cases and permissions.has_case_perm(user, permissions.VIEW, case):
            return membership.agency
    return None


@dataclass
class NoticeOptions:
    """Whom a user may notify about a case: the protocol's notice matrix applied to them."""

    sender: Agency | None
    agencies: list[Agency] = field(default_factory=list)
    routes: dict[str, NoticeRoute] = field(default_factory=dict)  # by recipient agency kind
    representatives: list[Party] = field(default_factory=list)
    minors: list[Party] = field(default_factory=list)  # whose parent a notice may name

    @property
    def may_send(self) -> bool:
        return bool(self.agencies or self.representatives or self.minors)


def notice_options(user, case: Case) -> NoticeOptions:
    """The one reading of the notice matrix (``NoticeRoute``): the browser form's choices and
    ``services.notices.notice_send``'s check both come from here, so no interface offers or accepts
    a recipient the protocol does not provide for (a school is never one)."""
    sender = notice_sender(user, case)
    if sender is None:
        return NoticeOptions(sender=None)
    routes = {route.recipient_kind: route for route in
              NoticeRoute.objects.filter(jurisdiction_id=case.jurisdiction_id, sender_kind=sender.kind)}
    agencies = Agency.objects.filter(jurisdiction_id=case.jurisdiction_id, kind__in=list(routes)).exclude(pk=sender.pk)
    # SPEC §1 (agencies form a geography): the case's own region's agencies, and the national ones.
    region_id = Agency.objects.filter(pk=case.school_id or case.intake_agency_id).values_list("region_id", flat=True).first()
    if region_id is not None:
        agencies = agencies.filter(Q(region_id=region_id) | Q(region__isnull=True))
    agencies = list(agencies.order_by("name"))
    options = NoticeOptions(sender=sender, agencies=agencies, routes=routes)
    if sender.pk == case.school_id:
        # UA I.6, II.2: the head tells at least one parent or legal representative of each minor party.
        options.representatives = list(Party.objects.filter(case=case, role=PartyRole.LEGAL_REPRESENTATIVE)
                                       .order_by("position"))
        options.minors = list(Party.objects.filter(case=case, is_minor=True, role__in=MINOR_PARTY_ROLES)
                              .order_by("position"))
    return options


def case_get_for_notice(user, case_id) -> tuple[Case, NoticeOptions]:
    """The case and the user's notice options, if they may send notices about it (its team, or
    staff of an agency it was notified to); else 404 like a case they may not see, audited."""
    case = case_get_for_user(user, case_id)
    options = notice_options(user, case)
    if not options.may_send:
        case_get_for_user(user, case_id, perm=permissions.CHANGE)  # raises the audited 404
    return case, options


def recordable_events(case: Case) -> list[str]:
    """The events a person can record that matter to some clock of the case's protocol."""
    used = set()
    rules = DeadlineRule.objects.filter(jurisdiction_id=case.jurisdiction_id, is_active=True)
    for start, satisfy in rules.values_list("start_event", "satisfy_event"):
        used.update((start, satisfy))
    return [event for event in RECORDABLE_EVENTS if event in used]


@dataclass
class Responsible:
    """Who answers for a deadline, for display: agency names (or the kind) and the role, or the
    owner person where the clock names one (a support plan item's owner)."""

    agency_kind: str
    agency_kind_label: str
    role: str
    role_label: str
    agencies: list[str] = field(default_factory=list)
    person: str = ""


def deadline_responsible(case: Case, deadlines: list[Deadline]) -> dict[int, Responsible]:
    """Responsible agency and role per deadline id, in one query for the whole case.

    Same choice of agencies as the escalation ladder: the case's own school, else the
    agencies of that kind in the case's region or national ones, else any of that kind.
    """
    kinds = {d.rule.responsible_agency_kind for d in deadlines} - {AgencyKind.SCHOOL}
    by_kind: dict[str, list[Agency]] = {}
    for agency in Agency.objects.filter(jurisdiction_id=case.jurisdiction_id, kind__in=kinds).order_by("name"):
        by_kind.setdefault(agency.kind, []).append(agency)
    # A support plan item's clock names its owner agency (support.clocks), an intake clock its
    # intake agency (services.clocks.deadlines_start).
    owners = {a.pk: a for a in Agency.objects.filter(pk__in={d.responsible_agency_id for d in deadlines} - {None})}
    result = {}
    for deadline in deadlines:
        rule = deadline.rule
        if deadline.responsible_agency_id in owners:
            agencies = [owners[deadline.responsible_agency_id]]
        elif rule.responsible_agency_kind == AgencyKind.SCHOOL:
            agencies = [case.school]
        else:
            candidates = by_kind.get(rule.responsible_agency_kind, [])
            regional = [a for a in candidates if a.region_id in (case.home_agency.region_id, None)]
            agencies = regional or candidates
        # The clock's own agency's kind, not the rule's default (an intake clock of the police).
        kind = agencies[0].kind if deadline.responsible_agency_id in owners else rule.responsible_agency_kind
        result[deadline.pk] = Responsible(
            agency_kind=kind, agency_kind_label=AgencyKind(kind).label,
            role=rule.responsible_role, role_label=StaffRole(rule.responsible_role).label,
            agencies=[a.name for a in agencies],
            person=display_name(deadline.responsible_user) if deadline.responsible_user_id else "",
        )
    return result


def user_is_head_somewhere(user) -> bool:
    """Only heads may waive (services.clocks.can_waive); lets a page skip the per-deadline check."""
    return Membership.objects.filter(user=user, role=StaffRole.HEAD).exists()


def deadline_get(deadline_id) -> Deadline:
    """A deadline by id, or 404. The caller then fetches its case through case_get_for_user."""
    deadline = Deadline.objects.select_related("rule", "party").filter(pk=deadline_id).first()
    if deadline is None:
        raise Http404
    return deadline


# --- The agency inbox ------------------------------------------------------------------------


def _user_agency_ids(user):
    return Membership.objects.filter(user=user).values("agency_id")


def inbox_for_user(user):
    """Notices to any of the user's agencies, newest first.

    ``case_visible`` tells whether the reader may open the case (the notice shared
    it with the agency's case workers; an ombudsman office sees only the notice).
    """
    return (
        Notice.objects.filter(to_agency_id__in=_user_agency_ids(user))
        .select_related("case__school", "case__jurisdiction", "to_agency")
        .annotate(case_visible=permissions.case_visible(user))
        .order_by("-sent_at", "-pk")
    )


def inbox_notice_get(user, notice_id) -> Notice:
    """A notice addressed to one of the user's agencies, or 404 (recorded as refused)."""
    notice = inbox_for_user(user).filter(pk=notice_id).first()
    if notice is None:
        case_id = Notice.objects.filter(pk=notice_id).values_list("case_id", flat=True).first()
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED, case_id=case_id,
                     detail={"notice": notice_id})
        raise Http404
    return notice


def inbox_page(qs, *, cursor: str | None, size: int):
    """One page of newest-first notices after ``cursor``; returns (notices, next cursor or None).

    Keyset pagination on (sent_at, id): no COUNT(*) and no OFFSET.
    """
    return keyset.page(qs, cursor=cursor, size=size, moment_field="sent_at")


# --- The bell: in-app messages ----------------------------------------------------------------


def _in_app(user):
    return OutboxMessage.objects.filter(recipient=user, channel=Channel.IN_APP)


def unread_in_app(user):
    """The user's in-app notices not read yet (the bell counts them: ``config.nav``)."""
    return _in_app(user).filter(read_at__isnull=True)


def unread_count(user) -> int:
    """One COUNT on the outbox by recipient (indexed foreign key)."""
    return unread_in_app(user).count()


def unread_messages(user, *, limit: int = 50) -> list[OutboxMessage]:
    return list(_in_app(user).filter(read_at__isnull=True)
                .select_related("case__school", "case__jurisdiction").order_by("-created_at")[:limit])


def recent_messages(user, *, limit: int = 50) -> list[OutboxMessage]:
    """The newest in-app messages, read or not (the bell's page).

    ``case_visible`` tells whether the reader may open the case: an escalation can
    reach an ombudsman office that sees no case detail.
    """
    return list(_in_app(user).select_related("case__school", "case__jurisdiction")
                .annotate(case_visible=permissions.case_visible(user)).order_by("-created_at")[:limit])



# --- What a recorded notice did not meet -----------------------------------------------------


def notice_channel_warnings(notice: Notice) -> dict[str, list[str]]:
    """Per field: the case's open clocks this notice would meet but for its channel.

    A notice by a channel a rule does not accept is recorded (it was sent, and the outgoing
    register keeps every letter, KZ §23–§24) but does not count for that rule, e.g. a paper
    letter to the child-rights committee is no KZ §25 rapid notice.
    """
    if notice.to_agency_id is None or notice.from_agency_id is None:
        return {}
    open_deadlines = (Deadline.objects.filter(case_id=notice.case_id, state__in=OPEN_STATES,
                                              rule__satisfy_event=SatisfyEvent.NOTICE_SENT,
                                              rule__responsible_agency_kind=notice.from_agency.kind)
                      .select_related("rule"))
    messages = []
    for deadline in open_deadlines:
        rule = deadline.rule
        if notice.to_agency.kind in rule.target_agency_kinds and rule.allowed_channels \
                and notice.channel not in rule.allowed_channels:
            channels = ", ".join(str(NoticeChannel(c).label) for c in rule.allowed_channels
                                 if c in NoticeChannel.values)
            messages.append(gettext(
                "Recorded, but a notice by this channel does not count for “%(rule)s” (%(source)s), "
                "which needs one of: %(channels)s. That deadline stays open."
            ) % {"rule": rule.name, "source": rule.source, "channels": channels})
    return {"channel": messages} if messages else {}
