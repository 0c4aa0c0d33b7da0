"""Read queries for the commission, always filtered by who is reading.

A meeting is seen by the members of its composition, the school head and the
people invited to it while the invitation lasts (UA III.2, IV.9); anyone else
gets a 404 for its id, exactly like for a meeting that does not exist, and the
refused attempt is recorded. Every view and endpoint fetches a meeting through
``meeting_get_for_user``.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, StaffRole
from agencies.people import display_name
from cases import permissions
from cases.models import Case, Party
from cases.vocabulary import CaseStatus
from commission import rules
from commission.models import (
    BULLYING_QUESTION, AgendaItem, Commission, Composition, CompositionMember, Decision, Invitation, Meeting,
    MeetingNotice, MonitoringItem, Position, Question, Vote,
)
from notifications.models import OPEN_STATES, Deadline, SatisfyEvent
from privacy.audit import audit_record
from privacy.models import AuditAction

# Agencies outside the school whose staff sit on its commission (UA III.1).
OUTSIDE_MEMBER_KINDS = (AgencyKind.CHILDREN_SERVICE, AgencyKind.SOCIAL_SERVICES_CENTRE)


def person_name(user) -> str:
    """How a person is named on screen and in the minutes: by full name, never by login."""
    if user is None:
        return "—"
    return display_name(user)


def _heads(user, school_id) -> Exists:
    """The query form of ``commission.permissions.is_school_head``, for filtering lists."""
    return Exists(Membership.objects.filter(user=user, agency_id=school_id, role=StaffRole.HEAD))


# --- Schools and commissions ---------------------------------------------------------------

def commission_schools_for_user(user):
    """Schools whose commission the user works with: heads, commission secretaries, members."""
    if not user.is_authenticated:
        return Agency.objects.none()
    staff = Membership.objects.filter(user=user, agency=OuterRef("pk"),
                                      role__in=[StaffRole.HEAD, StaffRole.COMMISSION_SECRETARY])
    seat = CompositionMember.objects.filter(user=user, composition__commission__school=OuterRef("pk"))
    return (Agency.objects.filter(kind=AgencyKind.SCHOOL).filter(Q(Exists(staff)) | Q(Exists(seat)))
            .select_related("jurisdiction"))


def school_get_for_user(user, school_id) -> Agency:
    school = commission_schools_for_user(user).filter(pk=school_id).first()
    if school is None:
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED, case_id=None,
                     detail={"commission_school": str(school_id)[:40]})
        raise Http404
    return school


def commission_list_for_user(user):
    """Commissions the user sits on (in any composition) or whose school they head."""
    seat = CompositionMember.objects.filter(user=user, composition__commission=OuterRef("pk"))
    return (Commission.objects.filter(Q(Exists(seat)) | Q(_heads(user, OuterRef("school_id"))))
            .select_related("school", "school__jurisdiction").order_by("school__code"))


def compositions_of(school):
    """Every composition of the school's commission, newest first, with members."""
    members = CompositionMember.objects.select_related("user").order_by("id")
    return (Composition.objects.filter(commission__school=school)
            .select_related("approved_by").prefetch_related(Prefetch("members", queryset=members)))


def composition_today(school) -> Composition | None:
    commission = Commission.objects.filter(school=school).first()
    if commission is None:
        return None
    return composition_in_force(commission, school.jurisdiction.local_date(timezone.now()))


def composition_in_force(commission: Commission, on: dt.date) -> Composition | None:
    return commission.compositions.filter(in_force_from__lte=on).order_by("-in_force_from", "-id").first()


def eligible_member_users(school):
    """Who may sit on the school's commission: its staff, and the staff of the jurisdiction's
    children's service and centre of social services (UA III.1)."""
    User = get_user_model()
    return (User.objects.filter(is_active=True).filter(
        Q(memberships__agency=school)
        | Q(memberships__agency__jurisdiction_id=school.jurisdiction_id,
            memberships__agency__kind__in=OUTSIDE_MEMBER_KINDS))
        .distinct().order_by("username").prefetch_related("memberships__agency"))


def agenda_candidates(school):
    """The school's open cases that can go on an agenda, with the due time of their meeting clock.

    Only facts safe on any screen: the reference, when it was received, the clock's due time.
    """
    meeting_due = (Deadline.objects.filter(case=OuterRef("pk"), rule__satisfy_event=SatisfyEvent.MEETING_HELD,
                                           state__in=OPEN_STATES).order_by("due_at").values("due_at")[:1])
    return (Case.objects.filter(school=school, status=CaseStatus.OPEN).select_related("school")
            .annotate(meeting_due=Subquery(meeting_due)).order_by("-received_at", "-id"))


# --- Meetings --------------------------------------------------------------------------------

def _internal(user) -> Q:
    """Meetings the user attends as the commission: a member of its composition, or the head."""
    seat = CompositionMember.objects.filter(composition=OuterRef("composition"), user=user)
    return Q(Exists(seat)) | Q(_heads(user, OuterRef("commission__school_id")))


def meeting_list_visible_to(user):
    if not user.is_authenticated:
        return Meeting.objects.none()
    invited = Invitation.objects.filter(meeting=OuterRef("pk"), user=user, revoked_at__isnull=True)
    return (Meeting.objects.filter(_internal(user) | Q(Exists(invited)))
            .select_related("commission__school__jurisdiction", "composition"))


def meetings_with_visible_agenda(user, meetings: list) -> list:
    """Attach ``visible_agenda`` to each meeting (a few queries for the whole page): the items
    whose case the user may see, and for an invited person only the cases of their invitation."""
    ids = [m.pk for m in meetings]
    internal = set(Meeting.objects.filter(pk__in=ids).filter(_internal(user)).values_list("pk", flat=True))
    invited: dict = {}
    for meeting_id, case_id in Invitation.objects.filter(user=user, meeting_id__in=ids, revoked_at__isnull=True
                                                          ).values_list("meeting_id", "case_id"):
        invited.setdefault(meeting_id, set()).add(case_id)
    items = (AgendaItem.objects.filter(permissions.case_visible(user), meeting_id__in=ids)
             .select_related("case__school")
             .order_by("meeting_id", "position"))
    by_meeting: dict = {}
    for item in items:
        if item.meeting_id in internal or item.case_id in invited.get(item.meeting_id, ()):
            by_meeting.setdefault(item.meeting_id, []).append(item)
    for meeting in meetings:
        meeting.visible_agenda = by_meeting.get(meeting.pk, [])
    return meetings


def meeting_get_for_user(user, meeting_id, *, internal: bool = False) -> Meeting:
    """The meeting, or 404. ``internal``: the commission's own documents (the minutes), which
    invited persons do not get."""
    qs = meeting_list_visible_to(user)
    if internal:
        qs = qs.filter(_internal(user))
    meeting = qs.filter(pk=meeting_id).first()
    if meeting is None:
        audit_record(actor=user, action=AuditAction.ACCESS_REFUSED, case_id=None,
                     detail={"meeting": str(meeting_id)[:40]})
        raise Http404
    return meeting


def holder(meeting: Meeting, position: str):
    """The user holding ``position`` in the meeting's approved composition, or None."""
    member = meeting.composition.members.filter(position=position).select_related("user").first()
    return member.user if member else None


def chairing(meeting: Meeting):
    """Who chairs the meeting: the acting chair if one was recorded, else the chair (UA III.3)."""
    return meeting.acting_chair or holder(meeting, Position.CHAIR)


def minuting(meeting: Meeting):
    """Who keeps the minutes: the acting secretary if one was recorded, else the secretary (UA III.3)."""
    return meeting.acting_secretary or holder(meeting, Position.SECRETARY)


def member_of(meeting: Meeting, user) -> CompositionMember | None:
    return meeting.composition.members.filter(user=user).first()


def is_present(meeting: Meeting, user) -> bool:
    return meeting.attendance.filter(user=user, present=True).exists()


def invited_case_ids(meeting: Meeting, user) -> set:
    """The cases of the meeting a person is invited for, while the invitation lasts (UA IV.9)."""
    return set(meeting.invitations.filter(user=user, revoked_at__isnull=True).values_list("case_id", flat=True))


def quorum_state(meeting: Meeting) -> dict:
    """UA IV.5: two thirds of the approved composition present."""
    approved = meeting.composition.members.count()
    present = meeting.attendance.filter(present=True).count()
    return {"approved": approved, "present": present, "needed": rules.quorum_needed(approved),
            "has_quorum": rules.has_quorum(approved_size=approved, present=present)}


def question_outcome(question: Question) -> rules.Outcome:
    """How the question stands on the votes cast so far (UA IV.7)."""
    meeting = question.agenda_item.meeting
    chair = chairing(meeting)
    return rules.vote_outcome(approved_size=meeting.composition.members.count(),
                              votes={v.user_id: v.choice for v in question.votes.all()},
                              chair=chair.pk if chair else None)


def agenda_for_user(user, meeting: Meeting, seat=None):
    """The agenda items whose case the reader may see (one query); invited persons see only
    the cases they were invited for. ``seat``: the reader's ``commission.permissions.Seat`` when
    the caller has it already."""
    qs = meeting.agenda.filter(permissions.case_visible(user))
    internal = seat.internal if seat is not None else (
        Meeting.objects.filter(pk=meeting.pk).filter(_internal(user)).exists())
    if not internal:
        qs = qs.filter(case_id__in=seat.invited_case_ids if seat is not None else invited_case_ids(meeting, user))
    return qs.select_related("case__school").order_by("position")


def attendance_rows(meeting: Meeting) -> list[dict]:
    """The approved composition with each member's attendance, in the order of the composition."""
    present = dict(meeting.attendance.values_list("user_id", "present"))
    return [{"member": m, "user": m.user, "name": person_name(m.user), "present": present.get(m.user_id, False)}
            for m in meeting.composition.members.select_related("user").order_by("id")]


def questions_for(items):
    """The questions of these agenda items with their votes and voters."""
    votes = Vote.objects.select_related("user").order_by("cast_at")
    return (Question.objects.filter(agenda_item__in=items).select_related("agenda_item__case__school")
            .prefetch_related(Prefetch("votes", queryset=votes)).order_by("agenda_item__position", "id"))


def question_text(question: Question) -> str:
    """The standard question (UA IV.3) in the reader's language; any other as it was put."""
    if question.is_bullying_confirmation:
        return str(BULLYING_QUESTION)
    return question.text


def question_get_for_meeting(meeting: Meeting, question_id) -> Question:
    question = (Question.objects.filter(pk=question_id, agenda_item__meeting=meeting)
                .select_related("agenda_item__meeting", "agenda_item__case").first())
    if question is None:
        raise Http404
    return question


def tally(question: Question, outcome=None) -> dict:
    """Counts and outcome of a question, in the approved composition's terms (UA IV.7)."""
    outcome = outcome or question_outcome(question)
    return {"for": outcome.votes_for, "against": outcome.votes_against, "abstain": outcome.abstentions,
            "needed": outcome.needed, "would_pass": outcome.passed, "would_reject": outcome.decided is False, "decided_by_chair": outcome.decided_by_chair,
            "closed": question.closed_at is not None, "passed": question.passed}


def notice_deadline(meeting: Meeting) -> Deadline | None:
    """The meeting's notice clock (UA IV.6: by 18:00 the day before), the earliest of its cases'."""
    return (Deadline.objects.filter(subject=str(meeting.pk), rule__satisfy_event=SatisfyEvent.MEETING_NOTICE_SENT,
                                    case__agenda_items__meeting=meeting)
            .select_related("rule").order_by("due_at").first())


def meeting_deadlines_by_case(meeting: Meeting) -> dict:
    """Each agenda case's meeting clock (UA II.2), keyed by case id."""
    rows = (Deadline.objects.filter(case__agenda_items__meeting=meeting, rule__satisfy_event=SatisfyEvent.MEETING_HELD)
            .select_related("rule"))
    return {d.case_id: d for d in rows}


def decision_items(items):
    """Decisions of these agenda items with their monitoring items, keyed by agenda item id."""
    monitoring = MonitoringItem.objects.select_related("owner").order_by("due_date", "id")
    decisions = (Decision.objects.filter(agenda_item__in=items)
                 .prefetch_related(Prefetch("monitoring", queryset=monitoring)))
    return {d.agenda_item_id: d for d in decisions}


def invitee_candidates(meeting: Meeting):
    """People who may be invited: staff of agencies of the school's region (or national ones) in
    its jurisdiction, who are not in the composition."""
    school = meeting.commission.school
    User = get_user_model()
    members = meeting.composition.members.values("user_id")
    return (User.objects.filter(is_active=True,
                                memberships__agency__jurisdiction_id=school.jurisdiction_id)
            .filter(Q(memberships__agency__region_id=school.region_id) | Q(memberships__agency__region__isnull=True))
            .exclude(pk__in=members).distinct().order_by("username").prefetch_related("memberships__agency"))


def monitoring_owner_candidates(meeting: Meeting):
    """Who can own a monitoring item: the composition and the school's staff."""
    school = meeting.commission.school
    User = get_user_model()
    members = meeting.composition.members.values("user_id")
    return (User.objects.filter(is_active=True).filter(Q(memberships__agency=school) | Q(pk__in=members))
            .distinct().order_by("username").prefetch_related("memberships__agency"))


def notifiable_parties(meeting: Meeting):
    """UA IV.6: who of the agenda cases' parties may be told of the meeting: the adults (the
    reporter and the legal representatives are the applicant; a child through them), never a
    parent who is the alleged perpetrator (DESIGN §7)."""
    return (Party.objects.filter(case__agenda_items__meeting=meeting, is_minor=False, is_alleged_perpetrator=False)
            .select_related("case").order_by("case__agenda_items__position", "position"))


def outside_notices(meeting: Meeting) -> list[MeetingNotice]:
    """The notices of the meeting given to the applicant and interested persons (UA IV.6)."""
    return list(meeting.outside_notices.select_related("case", "party", "user").order_by("sent_at", "id"))


def meeting_version(meeting: Meeting) -> str:
    """Changes when the room's shape changes (opened, a vote closed, a decision recorded, closed):
    the room reloads for everyone watching. Votes and attendance refresh on their own."""
    closed_questions = Question.objects.filter(agenda_item__meeting=meeting, closed_at__isnull=False).count()
    decisions = AgendaItem.objects.filter(meeting=meeting, decision__isnull=False).count()
    return "-".join(str(x) for x in (meeting.status, int(bool(meeting.notice_sent_at)), closed_questions,
                                     decisions, meeting.minutes_order_number,
                                     int(bool(meeting.decision_communicated_at)), meeting.acting_chair_id or 0,
                                     meeting.acting_secretary_id or 0))



# --- The commission on a case page -----------------------------------------------------------

def case_commission_for_user(user, case: Case, *, with_identity: bool = False) -> list[dict]:
    """The meetings that had the case on their agenda, each with its decision and monitoring
    measures, for a reader of the case only (a few queries whatever the number of meetings).

    Links to the meeting room and the minutes are given only to those who may open them; a
    measure's wording names pupils, so it is shown only to readers of identities.
    """
    if not permissions.has_case_perm(user, permissions.VIEW, case):
        return []
    items = list(AgendaItem.objects.filter(case=case).select_related("meeting").order_by("meeting__starts_at"))
    if not items:
        return []
    decisions = decision_items(items)
    meeting_ids = [item.meeting_id for item in items]
    visible = meeting_list_visible_to(user).filter(pk__in=meeting_ids)
    rooms = set(visible.values_list("pk", flat=True))
    internal = set(visible.filter(_internal(user)).values_list("pk", flat=True))
    return [{"meeting": item.meeting, "decision": decisions.get(item.pk), "room": item.meeting_id in rooms,
             "minutes": item.meeting_id in internal, "with_identity": with_identity} for item in items]
