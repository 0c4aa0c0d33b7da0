"""The commission's actions (UA III–IV): each one transactional, validated and audited.

Errors are raised as ``config.errors.InputError`` ({field: [messages]}),
like every other service, so the browser and the API show them per field.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agencies.models import AgencyKind, Membership, StaffRole
from agencies.people import display_name
from cases import permissions
from cases.models import Case, Party
from cases.services import case_follow_decision
from cases.vocabulary import CaseStatus, PartyRole
from commission import rules
from commission.models import (
    BULLYING_QUESTION, AgendaItem, Attendance, Commission, Composition, CompositionMember, Decision, Invitation, Meeting,
    MeetingNotice, MeetingNoticeChannel, MeetingNoticeRecipient, MeetingStatus, MonitoringItem, Position, Question, Speciality,
    Substitution, SubstitutionBasis, Vote, VoteChoice,
)
from config.errors import InputError
from notifications.calendar import WorkingCalendar, due_at_for
from notifications.models import Deadline, DeadlineRule, DeadlineState, SatisfyEvent, StartEvent
from notifications.services.clocks import deadlines_satisfy, deadlines_start
from notifications.services.outbox import users_notify
from commission.permissions import (
    can_run_meeting, can_schedule, can_vote, conducts, is_chairing, is_school_head,
)
from commission.selectors import chairing, composition_in_force, holder, is_present, minuting, quorum_state
from privacy.audit import audit_record
from privacy.models import AuditAction

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
    raise InputError({field: [str(message)]})


def _audit_cases(meeting: Meeting, *, user, action: str, detail: dict | None = None) -> None:
    """One audit event per case on the agenda (the case's timeline shows it): ids only."""
    for case_id in meeting.agenda.values_list("case_id", flat=True):
        audit_record(actor=user, action=action, case_id=case_id, detail={"meeting": meeting.pk, **(detail or {})})


# --- Composition -----------------------------------------------------------------------------

def commission_for_school(school) -> Commission:
    commission, _ = Commission.objects.get_or_create(school=school)
    return commission


def _composition_errors(school, members: list[tuple], outside_absence_reason: str = "") -> list[str]:
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
    if chairs and not is_school_head(chairs[0][0], school):
        errors.append(_("The chair must be the school head (UA III.3)."))
    specialities = {m[2] for m in members}
    if Speciality.PSYCHOLOGIST not in specialities or Speciality.SOCIAL_PEDAGOGUE not in specialities:
        errors.append(_("The composition must include the practical psychologist and the social pedagogue."))
    # UA III.2: "До складу комісії входять педагогічні працівники, у тому числі практичний психолог
    # та соціальний педагог закладу освіти, представники служби у справах дітей та центру
    # соціальних служб для сім'ї, дітей та молоді." Without them, only with the reason recorded
    # (the school documents that the service or the centre declined to delegate anyone).
    outside_missing = not (Speciality.CHILDREN_SERVICE in specialities and Speciality.SOCIAL_CENTRE in specialities)
    if outside_missing and not (outside_absence_reason or "").strip():
        errors.append(_("The composition must include representatives of the children's service and of the "
                        "centre of social services (UA III.2), or record why they are not represented."))
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
                          % {"user": display_name(user)})
    return errors


@transaction.atomic
def composition_approve(*, user, school, order_number: str, order_date: dt.date, in_force_from: dt.date,
                        members: list[tuple], outside_absence_reason: str = "") -> Composition:
    """Approve a composition by the head's order (UA III.1–III.3). ``members``: (user, position, speciality).

    ``outside_absence_reason``: why the children's service or the centre of social services is not
    represented, when the school documents that they declined (UA III.2)."""
    errors: dict = {}
    if not is_school_head(user, school):
        errors["__all__"] = [_("Only the school head approves the commission's composition.")]
    if not (order_number or "").strip():
        errors["order_number"] = [_("Enter the number of the head's order.")]
    member_errors = _composition_errors(school, members, outside_absence_reason)
    if member_errors:
        errors["members"] = member_errors
    if errors:
        raise InputError(errors)
    composition = Composition.objects.create(
        commission=commission_for_school(school), order_number=order_number.strip(), order_date=order_date,
        in_force_from=in_force_from, approved_by=user,
        outside_absence_reason=(outside_absence_reason or "").strip())
    CompositionMember.objects.bulk_create([
        CompositionMember(composition=composition, user=u, position=p, speciality=s) for u, p, s in members])
    audit_record(actor=user, action=AuditAction.COMPOSITION_APPROVE, case_id=None, detail={
        "school": school.pk, "composition": composition.pk, "members": [u.pk for u, _p, _s in members]})
    return composition


# --- Scheduling ------------------------------------------------------------------------------

def meeting_deadline_conflicts(cases, starts_at: dt.datetime) -> list[Case]:
    """Cases whose 3-working-day clock (UA II.2) ends before the planned meeting."""
    late_ids = Deadline.objects.filter(
        case__in=cases, rule__satisfy_event=SatisfyEvent.MEETING_HELD, due_at__lt=starts_at,
        state__in=[DeadlineState.PENDING, DeadlineState.BREACHED],
    ).values_list("case_id", flat=True)
    return [c for c in cases if c.pk in set(late_ids)]


def meeting_notice_cutoff_passed(school, starts_at: dt.datetime) -> dt.datetime | None:
    """UA IV.6: the secretary notifies "не пізніше вісімнадцятої години дня, що передує дню засідання".
    The cut-off of a meeting at ``starts_at`` if it has already passed (a same-day meeting, or one
    tomorrow scheduled after 18:00), else None."""
    rule = DeadlineRule.objects.filter(jurisdiction_id=school.jurisdiction_id, is_active=True,
                                       start_event=StartEvent.MEETING_SCHEDULED,
                                       satisfy_event=SatisfyEvent.MEETING_NOTICE_SENT).first()
    if rule is None:
        return None
    cutoff = due_at_for(rule, start=starts_at, calendar=WorkingCalendar(school.jurisdiction))
    return cutoff if cutoff <= timezone.now() else None


def open_grace() -> dt.timedelta:
    """How long before its time a meeting may be opened (members gather a little early)."""
    return dt.timedelta(minutes=getattr(settings, "COMMISSION_OPEN_GRACE_MINUTES", 15))


@transaction.atomic
def meeting_schedule(*, user, school, starts_at: dt.datetime, place: str, cases: list[Case],
                     late_reason: str = "", short_notice_reason: str = "") -> Meeting:
    errors: dict = {}
    commission = commission_for_school(school)
    # The composition in force on the meeting's date where the school is, not in the server's
    # (or the request's) zone: an API request is served in UTC.
    local_day = school.jurisdiction.local_date(starts_at)
    composition = composition_in_force(commission, local_day)
    if composition is None:
        errors["__all__"] = [_("No composition of the commission is in force on that date.")]
    elif not can_schedule(user, school, composition):
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
    if "starts_at" not in errors and meeting_notice_cutoff_passed(school, starts_at) is not None \
            and not (short_notice_reason or "").strip():
        # UA IV.6: the notice is due by 18:00 of the day before; for a meeting that soon, the
        # clock is breached as it starts: say so and record why, as for the 3-working-day clock.
        errors["short_notice_reason"] = [
            _("The members, the applicant and the interested persons can no longer be notified by 18:00 of "
              "the day before (UA IV.6): record the reason for the short notice.")]
    if errors:
        raise InputError(errors)

    meeting = Meeting.objects.create(commission=commission, composition=composition, starts_at=starts_at,
                                     place=place.strip(), late_reason=(late_reason or "").strip(),
                                     short_notice_reason=(short_notice_reason or "").strip(), scheduled_by=user)
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
                     detail={"meeting": meeting.pk, "late": case in late,
                             "short_notice": bool(meeting.short_notice_reason)})
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
    _audit_cases(meeting, user=user, action=AuditAction.MEETING_NOTICE, detail={"to": "members"})
    return meeting


@transaction.atomic
def meeting_notice_record(*, user, meeting: Meeting, case: Case, channel: str, sent_at: dt.datetime,
                          party: Party | None = None, person=None) -> MeetingNotice:
    """UA IV.6: the secretary "повідомляє ... заявника та інших заінтересованих осіб про порядок
    денний запланованого засідання, дату, час і місце його проведення". Record that the applicant
    (the reporter or a legal representative of a case on the agenda) or another interested person
    (another party of the case, or a staff member) was told, how and when. Told outside the system:
    nothing is sent from here, and the record holds references only."""
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head records notices of the meeting."))
    if meeting.status == MeetingStatus.CLOSED:
        _fail("__all__", _("The meeting is closed."))
    errors: dict = {}
    if not meeting.agenda.filter(case=case).exists():
        errors["case"] = [_("The case is not on this meeting's agenda.")]
    if (party is None) == (person is None):
        errors["party"] = [_("Choose one person: a party of the case or a staff member.")]
    elif party is not None and party.case_id != case.pk:
        errors["party"] = [_("Choose a party of this case.")]
    elif party is not None and party.is_minor:
        errors["party"] = [_("A child is told through their legal representative.")]
    elif party is not None and party.is_alleged_perpetrator:
        # DESIGN §7 (a design rule, not KZ §19.5): never notify a parent who is the alleged perpetrator.
        errors["party"] = [_("This person is the alleged perpetrator and must not be notified.")]
    if channel not in MeetingNoticeChannel.values:
        errors["channel"] = [_("Choose a channel.")]
    if sent_at > timezone.now():
        errors["sent_at"] = [_("The time cannot be in the future.")]
    if errors:
        raise InputError(errors)
    applicant = party is not None and party.role in (PartyRole.REPORTER, PartyRole.LEGAL_REPRESENTATIVE)
    notice = MeetingNotice.objects.create(
        meeting=meeting, case=case, party=party, user=person, channel=channel, sent_at=sent_at, recorded_by=user,
        recipient=MeetingNoticeRecipient.APPLICANT if applicant else MeetingNoticeRecipient.INTERESTED)
    audit_record(actor=user, action=AuditAction.MEETING_NOTICE, case_id=case.pk, detail={
        "meeting": meeting.pk, "notice": notice.pk, "to": notice.recipient, "channel": channel,
        "party": str(party.pk) if party else None, "user": person.pk if person else None})
    return notice


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
    audit_record(actor=user, action=AuditAction.MEETING_ATTENDANCE, case_id=None,
                 detail={"meeting": meeting.pk, "member": member.pk, "present": present})
    return attendance


@transaction.atomic
def substitution_record(*, user, meeting: Meeting, basis: str, substitute, proposed_by=None) -> Substitution:
    """UA III.3: no chair → deputy; neither → a member elected on the secretary's proposal;
    no secretary → a member elected on the chair's or deputy's proposal."""
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head records substitutions."))
    chair, deputy = holder(meeting, Position.CHAIR), holder(meeting, Position.DEPUTY_CHAIR)
    secretary = holder(meeting, Position.SECRETARY)
    if not is_present(meeting, substitute):
        _fail("substitute", _("The substitute must be a member present at the meeting."))
    if basis == SubstitutionBasis.DEPUTY_FOR_CHAIR:
        if is_present(meeting, chair) or substitute != deputy:
            _fail("substitute", _("The deputy chair acts only when the chair is absent."))
        meeting.acting_chair = substitute
    elif basis == SubstitutionBasis.ELECTED_CHAIR:
        if is_present(meeting, chair) or is_present(meeting, deputy):
            _fail("basis", _("A chair is elected only when both the chair and the deputy are absent."))
        if proposed_by is None or proposed_by != minuting(meeting):
            _fail("proposed_by", _("The secretary proposes the member to chair."))
        meeting.acting_chair = substitute
    elif basis == SubstitutionBasis.ELECTED_SECRETARY:
        if is_present(meeting, secretary):
            _fail("basis", _("A secretary is elected only when the secretary is absent."))
        if proposed_by is None or proposed_by not in (chair, deputy, meeting.acting_chair):
            _fail("proposed_by", _("The chair or the deputy chair proposes the member to keep the minutes."))
        meeting.acting_secretary = substitute
    else:
        _fail("basis", _("Choose the basis of the substitution."))
    meeting.save(update_fields=["acting_chair", "acting_secretary"])
    substitution = Substitution.objects.create(meeting=meeting, basis=basis, user=substitute,
                                               proposed_by=proposed_by)
    audit_record(actor=user, action=AuditAction.MEETING_SUBSTITUTE, case_id=None, detail={
        "meeting": meeting.pk, "basis": basis, "substitute": substitute.pk,
        "proposed_by": proposed_by.pk if proposed_by else None})
    return substitution


@transaction.atomic
def meeting_open(*, user, meeting: Meeting) -> Meeting:
    """Open the session: only with a quorum (UA IV.5). The meeting is then held for its cases."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("Only the secretary, the chair or the head opens the meeting."))
    if meeting.status != MeetingStatus.SCHEDULED:
        _fail("__all__", _("The meeting is already open or closed."))
    # UA IV.4, IV.6: the members, the applicant and the interested persons were told a date and
    # time; a session opened well before it would decide without those who come on time.
    if timezone.now() < meeting.starts_at - open_grace():
        _fail("starts_at", _("The meeting is set for %(when)s: it can be opened from %(minutes)s minutes before.")
              % {"when": formats.date_format(meeting.commission.school.jurisdiction.local(meeting.starts_at), "DATETIME_FORMAT"),
                 "minutes": int(open_grace().total_seconds() // 60)})
    if not quorum_state(meeting)["has_quorum"]:
        _fail("__all__", _("There is no quorum: at least two thirds of the approved composition must be present."))
    if chairing(meeting) is None or not is_present(meeting, chairing(meeting)):
        _fail("__all__", _("Nobody chairs the meeting: record who acts for the absent chair."))
    now = timezone.now()
    meeting.status, meeting.opened_at = MeetingStatus.OPEN, now
    meeting.save(update_fields=["status", "opened_at"])
    for item in meeting.agenda.select_related("case"):
        deadlines_satisfy(case=item.case, event=SatisfyEvent.MEETING_HELD, at=now, by=user)
        item.questions.get_or_create(is_bullying_confirmation=True, defaults={"text": str(BULLYING_QUESTION)})
    _audit_cases(meeting, user=user, action=AuditAction.MEETING_OPEN)
    return meeting


@transaction.atomic
def vote_cast(*, user, question: Question, choice: str, dissent: str = "") -> Vote:
    """An open vote by a member present (UA IV.7), with an optional dissenting opinion (UA III.5)."""
    meeting = question.agenda_item.meeting
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("Votes are taken only while the meeting is in session."))
    if question.closed_at:
        _fail("__all__", _("Voting on this question is closed."))
    if not can_vote(user, meeting):
        _fail("__all__", _("Only members present at the meeting vote."))
    if choice not in VoteChoice.values:
        _fail("choice", _("Vote for, against or abstain."))
    vote, _created = Vote.objects.update_or_create(
        question=question, user=user, defaults={"choice": choice, "dissent": (dissent or "").strip()})
    # An open vote (UA IV.7): the choice is in the minutes by name anyway; the trail keeps ids.
    audit_record(actor=user, action=AuditAction.VOTE_CAST, case_id=question.agenda_item.case_id,
                 detail={"meeting": meeting.pk, "question": question.pk, "vote": str(vote.pk)})
    return vote


@transaction.atomic
def question_close(*, user, question: Question) -> rules.Outcome:
    question = Question.objects.select_for_update().select_related("agenda_item__meeting").get(pk=question.pk)
    meeting = question.agenda_item.meeting
    if not conducts(user, meeting):
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
    # UA IV.7: adopted (True), rejected by a majority against (False), or no decision reached (None).
    question.passed, question.closed_at = outcome.decided, timezone.now()
    question.save(update_fields=["passed", "closed_at"])
    audit_record(actor=user, action=AuditAction.VOTE_CAST, case_id=question.agenda_item.case_id,
                 detail={"meeting": meeting.pk, "question": question.pk, "closed": True, "result": outcome.result})
    return outcome


@transaction.atomic
def question_put_again(*, user, agenda_item: AgendaItem) -> Question:
    """UA IV.7: a confirmation vote in which neither side has a majority of the approved
    composition reached no decision; the chair may put the question to the vote again."""
    meeting = agenda_item.meeting
    if not conducts(user, meeting):
        _fail("__all__", _("The chair or the secretary puts the question to the vote."))
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("Votes are taken only while the meeting is in session."))
    questions = list(Question.objects.select_for_update().filter(agenda_item=agenda_item,
                                                                  is_bullying_confirmation=True).order_by("id"))
    last = questions[-1] if questions else None
    if last is None or last.closed_at is None or last.passed is not None:
        _fail("__all__", _("The question is put again only after a vote that reached no decision."))
    question = Question.objects.create(agenda_item=agenda_item, text=str(BULLYING_QUESTION),
                                       is_bullying_confirmation=True)
    audit_record(actor=user, action=AuditAction.VOTE_CAST, case_id=agenda_item.case_id,
                 detail={"meeting": meeting.pk, "question": question.pk, "again": last.pk})
    return question


# --- Decision and minutes --------------------------------------------------------------------

DECISION_TEXT_FIELDS = ("needs_assessment", "causes_and_measures", "class_measures",
                        "recommendations_teachers", "recommendations_parents")


@transaction.atomic
def decision_record(*, user, agenda_item: AgendaItem, texts: dict, monitoring: list[dict]) -> Decision:
    """Record the decision (UA IV.3); if bullying is confirmed, the measures are required."""
    meeting = agenda_item.meeting
    if not conducts(user, meeting):
        _fail("__all__", _("The chair or the secretary records the decision."))
    # The decision is the meeting's: once closed, its minutes go to the head for the order.
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("The decision is recorded while the meeting is in session."))
    # UA IV.7: the decision either way needs a majority of the approved composition; a vote that
    # reached none decides nothing.
    question = (agenda_item.questions.filter(is_bullying_confirmation=True, closed_at__isnull=False)
                .order_by("-id").first())
    if question is None:
        _fail("__all__", _("Vote on whether the bullying is confirmed first."))
    if question.passed is None:
        _fail("__all__", _("The vote reached no decision: put the question to the vote again."))
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
        raise InputError(errors)
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
    # The case's status follows the decision (not confirmed: closed as such, clocks permitting).
    case_follow_decision(user=user, case=agenda_item.case, bullying_confirmed=decision.bullying_confirmed)
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
    if not can_run_meeting(user, meeting):
        _fail("__all__", _("The chair or the secretary closes the meeting."))
    if meeting.status != MeetingStatus.OPEN:
        _fail("__all__", _("Only a meeting in session can be closed."))
    now = timezone.now()
    meeting.status, meeting.closed_at = MeetingStatus.CLOSED, now
    meeting.save(update_fields=["status", "closed_at"])
    for invitation in meeting.invitations.select_related("case", "user").filter(revoked_at__isnull=True):
        _invitation_revoke(invitation, now)
    _audit_cases(meeting, user=user, action=AuditAction.MEETING_CLOSE)
    return meeting


@transaction.atomic
def minutes_formalise(*, user, meeting: Meeting, order_number: str, order_date: dt.date) -> Meeting:
    """UA IV.8: the minutes are formalised by the head's order."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not is_school_head(user, meeting.commission.school):
        _fail("__all__", _("Only the school head formalises the minutes by an order."))
    if meeting.status != MeetingStatus.CLOSED:
        _fail("__all__", _("Close the meeting first."))
    if not (order_number or "").strip():
        _fail("order_number", _("Enter the number of the head's order."))
    meeting.minutes_order_number, meeting.minutes_order_date = order_number.strip(), order_date
    meeting.save(update_fields=["minutes_order_number", "minutes_order_date"])
    _audit_cases(meeting, user=user, action=AuditAction.MINUTES_FORMALISE,
                 detail={"order_number": meeting.minutes_order_number})
    return meeting


@transaction.atomic
def decision_communicate(*, user, meeting: Meeting) -> Meeting:
    """UA IV.10: the chair communicates the decision and controls its execution."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not is_chairing(user, meeting):
        _fail("__all__", _("The chair communicates the decision."))
    if not meeting.minutes_order_number:
        _fail("__all__", _("Formalise the minutes by the head's order first."))
    if meeting.decision_communicated_at:
        return meeting  # communicated once
    meeting.decision_communicated_at = timezone.now()
    meeting.save(update_fields=["decision_communicated_at"])
    _audit_cases(meeting, user=user, action=AuditAction.DECISION_COMMUNICATE)
    return meeting
