"""The commission's actions (UA III–IV): each one transactional, validated and audited.

Errors are raised as ``cases.services.CaseInputError`` ({field: [messages]}),
like every other service, so the browser and the API show them per field.
"""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from agencies.models import AgencyKind, Membership, StaffRole
from cases import permissions
from cases.models import Case
from cases.services import CaseInputError
from cases.vocabulary import CaseStatus
from commission import rules
from commission.models import (
    AgendaItem, Attendance, Commission, Composition, CompositionMember, Decision, Invitation, Meeting,
    MeetingStatus, MonitoringItem, Position, Question, Speciality, Substitution, SubstitutionBasis, Vote,
    VoteChoice,
)
from notifications.models import Deadline, DeadlineState, SatisfyEvent, StartEvent
from notifications.services import deadlines_satisfy, deadlines_start, users_notify
from privacy.audit import audit_record
from privacy.models import AuditAction

# UA IV.3: the first question on every report (stored in the language of the session; shown in the reader's).
BULLYING_QUESTION = gettext_lazy("Is the bullying reported confirmed?")
MIN_MEMBERS = 5  # UA III.1: at least five members besides the chair, deputy and secretary
MEMBER_READ_PERMS = (permissions.VIEW, permissions.VIEW_IDENTITY)
SCHOOL_SPECIALITY_ROLES = {
    Speciality.HEAD: {StaffRole.HEAD},
    Speciality.PSYCHOLOGIST: {StaffRole.PSYCHOLOGIST},
    Speciality.SOCIAL_PEDAGOGUE: {StaffRole.SOCIAL_PEDAGOGUE},
}
AGENCY_SPECIALITY_KINDS = {
    Speciality.CHILDREN_SERVICE: AgencyKind.CHILDREN_SERVICE,
    Speciality.SOCIAL_CENTRE: AgencyKind.SOCIAL_SERVICES_CENTRE,
}


def _fail(field: str, message) -> None:
    raise CaseInputError({field: [str(message)]})


def _is_head(user, school) -> bool:
    return Membership.objects.filter(user=user, agency=school, role=StaffRole.HEAD).exists()


# --- Composition -----------------------------------------------------------------------------

def commission_for_school(school) -> Commission:
    commission, _ = Commission.objects.get_or_create(school=school)
    return commission


def _composition_errors(school, members: list[tuple]) -> list[str]:
    errors = []
    users = [m[0] for m in members]
    if len(set(u.pk for u in users)) != len(users):
        errors.append(_("A person can hold only one place in the composition."))
    by_position = {p: [m for m in members if m[1] == p] for p in Position.values}
    for position, label in ((Position.CHAIR, _("chair")), (Position.DEPUTY_CHAIR, _("deputy chair")),
                            (Position.SECRETARY, _("secretary"))):
        if len(by_position[position]) != 1:
            errors.append(_("The composition needs exactly one %(position)s.") % {"position": label})
    if len(by_position[Position.MEMBER]) < MIN_MEMBERS:
        errors.append(_("The composition needs at least five members besides the chair, deputy and secretary."))
    chairs = by_position[Position.CHAIR]
    if chairs and not _is_head(chairs[0][0], school):
        errors.append(_("The chair must be the school head (UA III.3)."))
    specialities = {m[2] for m in members}
    if Speciality.PSYCHOLOGIST not in specialities or Speciality.SOCIAL_PEDAGOGUE not in specialities:
        errors.append(_("The composition must include the practical psychologist and the social pedagogue."))
    for user, _position, speciality in members:
        if speciality in AGENCY_SPECIALITY_KINDS:
            ok = Membership.objects.filter(user=user, agency__kind=AGENCY_SPECIALITY_KINDS[speciality],
                                           agency__jurisdiction_id=school.jurisdiction_id).exists()
        else:
            roles = SCHOOL_SPECIALITY_ROLES.get(speciality)
            qs = Membership.objects.filter(user=user, agency=school)
            ok = qs.filter(role__in=roles).exists() if roles else qs.exists()
        if not ok:
            errors.append(_("%(user)s does not work where their place in the composition says.")
                          % {"user": user.username})
    return errors


@transaction.atomic
def composition_approve(*, user, school, order_number: str, order_date: dt.date, in_force_from: dt.date,
                        members: list[tuple]) -> Composition:
    """Approve a composition by the head's order (UA III.1–III.3). ``members``: (user, position, speciality)."""
    errors: dict = {}
    if not _is_head(user, school):
        errors["__all__"] = [_("Only the school head approves the commission's composition.")]
    if not (order_number or "").strip():
        errors["order_number"] = [_("Enter the number of the head's order.")]
    member_errors = _composition_errors(school, members)
    if member_errors:
        errors["members"] = member_errors
    if errors:
        raise CaseInputError(errors)
    composition = Composition.objects.create(
        commission=commission_for_school(school), order_number=order_number.strip(), order_date=order_date,
        in_force_from=in_force_from, approved_by=user)
    CompositionMember.objects.bulk_create([
        CompositionMember(composition=composition, user=u, position=p, speciality=s) for u, p, s in members])
    return composition


def composition_in_force(commission: Commission, on: dt.date) -> Composition | None:
    return commission.compositions.filter(in_force_from__lte=on).order_by("-in_force_from", "-id").first()


def _member(meeting: Meeting, user) -> CompositionMember | None:
    return meeting.composition.members.filter(user=user).first()


def _holder(meeting: Meeting, position: str):
    member = meeting.composition.members.filter(position=position).select_related("user").first()
    return member.user if member else None


def chairing(meeting: Meeting):
    """Who chairs the meeting: the acting chair if one was recorded, else the chair."""
    return meeting.acting_chair or _holder(meeting, Position.CHAIR)


def minuting(meeting: Meeting):
    return meeting.acting_secretary or _holder(meeting, Position.SECRETARY)


def can_run_meeting(user, meeting: Meeting) -> bool:
    """The secretary (or acting secretary), the chair (or acting chair) and the school head."""
    return user in (minuting(meeting), chairing(meeting)) or _is_head(user, meeting.commission.school)


# --- Scheduling ------------------------------------------------------------------------------

def meeting_deadline_conflicts(cases, starts_at: dt.datetime) -> list[Case]:
    """Cases whose 3-working-day clock (UA II.2) ends before the planned meeting."""
    late_ids = Deadline.objects.filter(
        case__in=cases, rule__satisfy_event=SatisfyEvent.MEETING_HELD, due_at__lt=starts_at,
        state__in=[DeadlineState.PENDING, DeadlineState.BREACHED],
    ).values_list("case_id", flat=True)
    return [c for c in cases if c.pk in set(late_ids)]


@transaction.atomic
def meeting_schedule(*, user, school, starts_at: dt.datetime, place: str, cases: list[Case],
                     late_reason: str = "") -> Meeting:
    errors: dict = {}
    commission = commission_for_school(school)
    # The composition in force on the meeting's date where the school is, not in the server's
    # (or the request's) zone: an API request is served in UTC.
    local_day = starts_at.astimezone(zoneinfo.ZoneInfo(school.jurisdiction.time_zone)).date()
    composition = composition_in_force(commission, local_day)
    if composition is None:
        errors["__all__"] = [_("No composition of the commission is in force on that date.")]
    elif not (_is_head(user, school) or composition.members.filter(
            user=user, position=Position.SECRETARY).exists()):
        errors["__all__"] = [_("Only the commission's secretary or the school head schedules meetings.")]
    if starts_at <= timezone.now():
        errors["starts_at"] = [_("The meeting must be in the future.")]
    if not (place or "").strip():
        errors["place"] = [_("Enter where the meeting takes place.")]
    if not cases:
        errors["cases"] = [_("Put at least one case on the agenda.")]
    elif any(c.school_id != school.pk or c.status != CaseStatus.OPEN for c in cases):
        errors["cases"] = [_("Only open cases of this school can be on the agenda.")]
    late = meeting_deadline_conflicts(cases, starts_at) if cases else []
    if late and not (late_reason or "").strip():
        errors["late_reason"] = [
            _("The meeting is later than the 3-working-day deadline of %(cases)s: record the reason.")
            % {"cases": ", ".join(c.reference for c in late)}]
    if errors:
        raise CaseInputError(errors)

    meeting = Meeting.objects.create(commission=commission, composition=composition, starts_at=starts_at,
                                     place=place.strip(), late_reason=(late_reason or "").strip(),
                                     scheduled_by=user)
    members = [m.user for m in composition.members.select_related("user")]
    for position, case in enumerate(cases, start=1):
        AgendaItem.objects.create(meeting=meeting, case=case, position=position)
        # UA III.5: members see the materials of the cases on their agenda, nothing else.
        for member in members:
            permissions.grant_to_user(case, member, MEMBER_READ_PERMS)
        # UA IV.6: members and the applicant must be notified by 18:00 the day before.
        deadlines_start(case=case, event=StartEvent.MEETING_SCHEDULED, anchor_at=starts_at,
                        subject=str(meeting.pk))
        audit_record(actor=user, action=AuditAction.MEETING_SCHEDULE, case_id=case.pk,
                     detail={"meeting": meeting.pk, "late": case in late})
    for member in members:
        Attendance.objects.create(meeting=meeting, user=member, present=False)
    return meeting


@transaction.atomic
def meeting_send_notice(*, user, meeting: Meeting) -> Meeting:
    """Notify members, the applicant and interested persons, with the materials in the system."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head can send the meeting notice."))
    if meeting.notice_sent_at:
        return meeting  # sent once; sending again would notify everyone twice
    now = timezone.now()
    meeting.notice_sent_at = now
    meeting.save(update_fields=["notice_sent_at"])
    recipients = {m.user for m in meeting.composition.members.select_related("user")}
    recipients |= {i.user for i in meeting.invitations.select_related("user").filter(revoked_at__isnull=True)}
    for item in meeting.agenda.select_related("case"):
        users_notify(recipients=list(recipients), case=item.case, key="meeting_scheduled",
                     params={"meeting": meeting.pk, "starts_at": meeting.starts_at.isoformat()})
        deadlines_satisfy(case=item.case, event=SatisfyEvent.MEETING_NOTICE_SENT, at=now, by=user,
                          subject=str(meeting.pk))
    return meeting


@transaction.atomic
def invitation_add(*, user, meeting: Meeting, case: Case, invitee, consent_recorded: bool) -> Invitation:
    """Invite a person for one case of one meeting (UA III.2, IV.9): parents only with consent."""
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head can invite people."))
    if not meeting.agenda.filter(case=case).exists():
        _fail("case", _("The case is not on this meeting's agenda."))
    if meeting.status == MeetingStatus.CLOSED:
        _fail("__all__", _("The meeting is closed."))
    if not consent_recorded:
        _fail("consent_recorded", _("Record the invited person's consent first."))
    invitation = Invitation.objects.filter(meeting=meeting, case=case, user=invitee).first()
    if invitation is not None:
        return invitation
    # Record which permissions this invitation adds, so that closing the meeting takes back
    # exactly these, never access the person holds on their own (the teacher who filed the report).
    held = permissions.user_perms_on(invitee, case)
    granted = [codename for codename in MEMBER_READ_PERMS if codename not in held]
    invitation = Invitation.objects.create(meeting=meeting, case=case, user=invitee, consent_recorded=True,
                                           granted_perms=granted)
    permissions.grant_to_user(case, invitee, granted)
    audit_record(actor=user, action=AuditAction.MEETING_INVITE, case_id=case.pk,
                 detail={"meeting": meeting.pk, "invitee": invitee.pk})
    return invitation


# --- The meeting room ------------------------------------------------------------------------

def quorum_state(meeting: Meeting) -> dict:
    approved = meeting.composition.members.count()
    present = meeting.attendance.filter(present=True).count()
    return {"approved": approved, "present": present, "needed": rules.quorum_needed(approved),
            "has_quorum": rules.has_quorum(approved_size=approved, present=present)}


@transaction.atomic
def attendance_mark(*, user, meeting: Meeting, member, present: bool) -> Attendance:
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary or the chair marks attendance."))
    if meeting.status == MeetingStatus.CLOSED:
        _fail("__all__", _("The meeting is closed."))
    attendance = Attendance.objects.filter(meeting=meeting, user=member).first()
    if attendance is None:
        _fail("member", _("This person is not in the approved composition."))
    attendance.present = present
    attendance.save(update_fields=["present", "marked_at"])
    return attendance


def _present(meeting: Meeting, user) -> bool:
    return meeting.attendance.filter(user=user, present=True).exists()


@transaction.atomic
def substitution_record(*, user, meeting: Meeting, basis: str, substitute, proposed_by=None) -> Substitution:
    """UA III.3: no chair → deputy; neither → a member elected on the secretary's proposal;
    no secretary → a member elected on the chair's or deputy's proposal."""
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head records substitutions."))
    chair, deputy = _holder(meeting, Position.CHAIR), _holder(meeting, Position.DEPUTY_CHAIR)
    secretary = _holder(meeting, Position.SECRETARY)
    if not _present(meeting, substitute):
        _fail("substitute", _("The substitute must be a member present at the meeting."))
    if basis == SubstitutionBasis.DEPUTY_FOR_CHAIR:
        if _present(meeting, chair) or substitute != deputy:
            _fail("substitute", _("The deputy chair acts only when the chair is absent."))
        meeting.acting_chair = substitute
    elif basis == SubstitutionBasis.ELECTED_CHAIR:
        if _present(meeting, chair) or _present(meeting, deputy):
            _fail("basis", _("A chair is elected only when both the chair and the deputy are absent."))
        if proposed_by is None or proposed_by != minuting(meeting):
            _fail("proposed_by", _("The secretary proposes the member to chair."))
        meeting.acting_chair = substitute
    elif basis == SubstitutionBasis.ELECTED_SECRETARY:
        if _present(meeting, secretary):
            _fail("basis", _("A secretary is elected only when the secretary is absent."))
        if proposed_by is None or proposed_by not in (chair, deputy, meeting.acting_chair):
            _fail("proposed_by", _("The chair or the deputy chair proposes the member to keep the minutes."))
        meeting.acting_secretary = substitute
    else:
        _fail("basis", _("Choose the basis of the substitution."))
    meeting.save(update_fields=["acting_chair", "acting_secretary"])
    return Substitution.objects.create(meeting=meeting, basis=basis, user=substitute, proposed_by=proposed_by)


@transaction.atomic
def meeting_open(*, user, meeting: Meeting) -> Meeting:
    """Open the session: only with a quorum (UA IV.5). The meeting is then held for its cases."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head opens the meeting."))
    if meeting.status != MeetingStatus.SCHEDULED:
        _fail("__all__", _("The meeting is already open or closed."))
    if not quorum_state(meeting)["has_quorum"]:
        _fail("__all__", _("There is no quorum: at least two thirds of the approved composition must be present."))
    if chairing(meeting) is None or not _present(meeting, chairing(meeting)):
        _fail("__all__", _("Nobody chairs the meeting: record who acts for the absent chair."))
    now = timezone.now()
    meeting.status, meeting.opened_at = MeetingStatus.OPEN, now
    meeting.save(update_fields=["status", "opened_at"])
    for item in meeting.agenda.select_related("case"):
        deadlines_satisfy(case=item.case, event=SatisfyEvent.MEETING_HELD, at=now, by=user)
        item.questions.get_or_create(is_bullying_confirmation=True, defaults={"text": str(BULLYING_QUESTION)})
    return meeting


@transaction.atomic
def vote_cast(*, user, question: Question, choice: str, dissent: str = "") -> Vote:
    """An open vote by a member present (UA IV.7), with an optional dissenting opinion (UA III.5)."""
    meeting = question.agenda_item.meeting
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("Votes are taken only while the meeting is in session."))
    if question.closed_at:
        _fail("__all__", _("Voting on this question is closed."))
    if _member(meeting, user) is None or not _present(meeting, user):
        _fail("__all__", _("Only members present at the meeting vote."))
    if choice not in VoteChoice.values:
        _fail("choice", _("Vote for, against or abstain."))
    vote, _created = Vote.objects.update_or_create(
        question=question, user=user, defaults={"choice": choice, "dissent": (dissent or "").strip()})
    return vote


@transaction.atomic
def question_close(*, user, question: Question) -> rules.Outcome:
    question = Question.objects.select_for_update().select_related("agenda_item__meeting").get(pk=question.pk)
    meeting = question.agenda_item.meeting
    if user != chairing(meeting) and user != minuting(meeting):
        _fail("__all__", _("The chair or the secretary closes the vote."))
    # Closed once: closing again later (after people left) would recount and overwrite the outcome.
    if question.closed_at:
        _fail("__all__", _("Voting on this question is closed."))
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("Votes are taken only while the meeting is in session."))
    if not quorum_state(meeting)["has_quorum"]:
        _fail("__all__", _("There is no quorum: the meeting cannot vote."))
    votes = {v.user_id: v.choice for v in question.votes.all()}
    chair = chairing(meeting)
    outcome = rules.vote_outcome(approved_size=meeting.composition.members.count(), votes=votes,
                                 chair=chair.pk if chair else None)
    question.passed, question.closed_at = outcome.passed, timezone.now()
    question.save(update_fields=["passed", "closed_at"])
    return outcome


def question_outcome(question: Question) -> rules.Outcome:
    meeting = question.agenda_item.meeting
    chair = chairing(meeting)
    return rules.vote_outcome(approved_size=meeting.composition.members.count(),
                              votes={v.user_id: v.choice for v in question.votes.all()},
                              chair=chair.pk if chair else None)


# --- Decision and minutes --------------------------------------------------------------------

DECISION_TEXT_FIELDS = ("needs_assessment", "causes_and_measures", "class_measures",
                        "recommendations_teachers", "recommendations_parents")


@transaction.atomic
def decision_record(*, user, agenda_item: AgendaItem, texts: dict, monitoring: list[dict]) -> Decision:
    """Record the decision (UA IV.3); if bullying is confirmed, the measures are required."""
    meeting = agenda_item.meeting
    if user not in (chairing(meeting), minuting(meeting)):
        _fail("__all__", _("The chair or the secretary records the decision."))
    # The decision is the meeting's: once closed, its minutes go to the head for the order.
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("The decision is recorded while the meeting is in session."))
    question = agenda_item.questions.filter(is_bullying_confirmation=True, closed_at__isnull=False).first()
    if question is None:
        _fail("__all__", _("Vote on whether the bullying is confirmed first."))
    if hasattr(agenda_item, "decision"):
        _fail("__all__", _("The decision on this case is already recorded."))
    errors: dict = {}
    if question.passed:
        for name in DECISION_TEXT_FIELDS:
            if not (texts.get(name) or "").strip():
                errors[name] = [_("Required when the bullying is confirmed.")]
        if not monitoring:
            errors["monitoring"] = [_("Add at least one monitoring item with an owner and a due date.")]
        for item in monitoring:
            if not (item.get("description") or "").strip() or not item.get("owner") or not item.get("due_date"):
                errors["monitoring"] = [_("Each monitoring item needs a measure, an owner and a due date.")]
    if errors:
        raise CaseInputError(errors)
    now = timezone.now()
    decision = Decision.objects.create(
        agenda_item=agenda_item, bullying_confirmed=bool(question.passed), recorded_by=user,
        recorded_at=now, **{name: (texts.get(name) or "").strip() for name in DECISION_TEXT_FIELDS})
    MonitoringItem.objects.bulk_create([
        MonitoringItem(decision=decision, description=i["description"].strip(), owner=i["owner"],
                       due_date=i["due_date"]) for i in monitoring])
    deadlines_satisfy(case=agenda_item.case, event=SatisfyEvent.DECISION_RECORDED, at=now, by=user)
    audit_record(actor=user, action=AuditAction.DECISION_RECORD, case_id=agenda_item.case_id,
                 detail={"meeting": meeting.pk, "confirmed": decision.bullying_confirmed})
    return decision


def _invitation_revoke(invitation: Invitation, now: dt.datetime) -> None:
    """End an invited person's access to the case (UA IV.9), unless another meeting still needs it."""
    granted = list(invitation.granted_perms)
    other = (Invitation.objects.select_for_update()
             .filter(case=invitation.case, user=invitation.user, revoked_at__isnull=True)
             .exclude(pk=invitation.pk).first())
    if other is not None:
        # Invited for the same case to a meeting not yet held: that invitation takes the grant over.
        other.granted_perms = sorted(set(other.granted_perms) | set(granted))
        other.save(update_fields=["granted_perms"])
    else:
        permissions.revoke_from_user(invitation.case, invitation.user, granted)
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def meeting_close(*, user, meeting: Meeting) -> Meeting:
    """Close the meeting; invited persons' access to the materials ends here (UA IV.9)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if user not in (chairing(meeting), minuting(meeting)) and not _is_head(user, meeting.commission.school):
        _fail("__all__", _("The chair or the secretary closes the meeting."))
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("Only a meeting in session can be closed."))
    now = timezone.now()
    meeting.status, meeting.closed_at = MeetingStatus.CLOSED, now
    meeting.save(update_fields=["status", "closed_at"])
    for invitation in meeting.invitations.select_related("case", "user").filter(revoked_at__isnull=True):
        _invitation_revoke(invitation, now)
    return meeting


@transaction.atomic
def minutes_formalise(*, user, meeting: Meeting, order_number: str, order_date: dt.date) -> Meeting:
    """UA IV.8: the minutes are formalised by the head's order."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not _is_head(user, meeting.commission.school):
        _fail("__all__", _("Only the school head formalises the minutes by an order."))
    if meeting.status != MeetingStatus.CLOSED:
        _fail("__all__", _("Close the meeting first."))
    if not (order_number or "").strip():
        _fail("order_number", _("Enter the number of the head's order."))
    meeting.minutes_order_number, meeting.minutes_order_date = order_number.strip(), order_date
    meeting.save(update_fields=["minutes_order_number", "minutes_order_date"])
    return meeting


@transaction.atomic
def decision_communicate(*, user, meeting: Meeting) -> Meeting:
    """UA IV.10: the chair communicates the decision and controls its execution."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if user != chairing(meeting):
        _fail("__all__", _("The chair communicates the decision."))
    if not meeting.minutes_order_number:
        _fail("__all__", _("Formalise the minutes by the head's order first."))
    meeting.decision_communicated_at = meeting.decision_communicated_at or timezone.now()
    meeting.save(update_fields=["decision_communicated_at"])
    return meeting
