"""Who may do what in a commission meeting (UA III.3–III.5, IV.5–IV.10): the one home of these checks.

Services refuse with them, views and the API decide with them what to offer. Who may SEE a
meeting at all is the selectors' filter (``meeting_get_for_user``); the facts these checks read
(who chairs, who is present) are selectors too.
"""

from dataclasses import dataclass, field

from agencies.models import Membership, StaffRole
from commission import selectors
from commission.models import Composition, CompositionMember, Meeting, Position


def is_school_head(user, school) -> bool:
    return Membership.objects.filter(user=user, agency=school, role=StaffRole.HEAD).exists()


def is_composition_secretary(user, composition: Composition | None) -> bool:
    return bool(composition and composition.members.filter(user=user, position=Position.SECRETARY).exists())


def can_schedule(user, school, composition: Composition | None = None) -> bool:
    """The head, or the secretary of the composition (by default the one in force today; the
    service passes the one in force on the meeting's date)."""
    if is_school_head(user, school):
        return True
    return is_composition_secretary(user, composition or selectors.composition_today(school))


def is_chairing(user, meeting: Meeting) -> bool:
    """The chair, or whoever acts for them (UA III.3)."""
    return user is not None and user == selectors.chairing(meeting)


def conducts(user, meeting: Meeting) -> bool:
    """The chair or the secretary (or those acting for them): puts questions, closes votes and
    records decisions (UA III.4, IV.7)."""
    return user is not None and user in (selectors.chairing(meeting), selectors.minuting(meeting))


def can_run_meeting(user, meeting: Meeting) -> bool:
    """The secretary, the chair (or those acting for them) and the school head: notices,
    invitations, attendance, substitutions, opening and closing (UA III.3–III.4, IV.6)."""
    return conducts(user, meeting) or is_school_head(user, meeting.commission.school)


def can_vote(user, meeting: Meeting) -> bool:
    """UA IV.7: an open vote of the members present."""
    return selectors.member_of(meeting, user) is not None and selectors.is_present(meeting, user)


@dataclass
class Seat:
    """What the reader is at this meeting; decides what the room offers them."""

    member: CompositionMember | None = None
    is_head: bool = False
    runs: bool = False          # secretary, chair (or acting), head: UA III.3–III.4
    chairs: bool = False
    minutes: bool = False       # keeps the minutes (secretary or acting secretary)
    present: bool = False
    invited_case_ids: set = field(default_factory=set)

    @property
    def internal(self) -> bool:
        """A member of the composition or the head: the commission's own documents are theirs."""
        return self.member is not None or self.is_head

    @property
    def conducts(self) -> bool:
        return self.chairs or self.minutes


def seat_of(user, meeting: Meeting) -> Seat:
    """The reader's seat in a few queries, the same answers as the checks above."""
    chair, secretary = selectors.chairing(meeting), selectors.minuting(meeting)
    seat = Seat(
        member=selectors.member_of(meeting, user),
        is_head=is_school_head(user, meeting.commission.school),
        chairs=chair is not None and chair.pk == user.pk,
        minutes=secretary is not None and secretary.pk == user.pk,
        present=selectors.is_present(meeting, user),
    )
    seat.runs = seat.conducts or seat.is_head
    if not seat.internal:
        seat.invited_case_ids = selectors.invited_case_ids(meeting, user)
    return seat
