"""The school bullying commission (UA III–IV): composition, meetings, votes, decisions, minutes."""

import uuid

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case, Party
from privacy.fields import EncryptedCharField, EncryptedTextField


def _reserve_id(table: str) -> int:
    """The next id of ``table``, taken before the INSERT.

    Encrypted values are sealed with their row id bound in (privacy.fields), so a row that
    holds one must know its id before it is written. Meetings and monitoring items keep their
    integer ids (URLs, clocks and the audit trail name them), taken from the table's own
    counter, as the INSERT would have taken it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
        # SQLite (the embedded default): AUTOINCREMENT keeps its counter in sqlite_sequence;
        # writes are serialised (transaction_mode IMMEDIATE), so the counter is ours until commit.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            next_id = cursor.fetchone()[0] + 1
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, next_id])
        else:
            next_id = row[0] + 1
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [next_id, table])
        return next_id


def reserve_meeting_id() -> int:
    return _reserve_id("commission_meeting")


def reserve_monitoring_item_id() -> int:
    return _reserve_id("commission_monitoringitem")


class Commission(models.Model):
    school = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="commission")

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")

    def __str__(self):
        return f"{self.school.code} commission"


class Composition(models.Model):
    """A composition approved by the head's order (UA III.1); versioned by date in force."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="compositions")
    order_number = models.CharField(_("order number"), max_length=32)
    order_date = models.DateField(_("order date"))
    in_force_from = models.DateField(_("in force from"))
    # UA III.2: the children's service and the centre of social services are represented; when
    # the school documents that they declined, why they are not (a fact about agencies, no names).
    outside_absence_reason = models.TextField(_("why the children's service or the centre of social "
                                                "services is not represented"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-in_force_from", "-id"]
        verbose_name = _("composition")
        verbose_name_plural = _("compositions")

    @property
    def size(self) -> int:
        return self.members.count()


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class Speciality(models.TextChoices):
    # UA III.1–III.2: who the composition must or may include.
    HEAD = "head", _("School head")
    TEACHER = "teacher", _("Teacher")
    PSYCHOLOGIST = "psychologist", _("Practical psychologist")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("Social pedagogue")
    CHILDREN_SERVICE = "children_service", _("Children's service representative")
    SOCIAL_CENTRE = "social_centre", _("Centre of social services representative")
    OTHER = "other", _("Other")


class CompositionMember(models.Model):
    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=16, choices=Position.choices)
    speciality = models.CharField(_("speciality"), max_length=24, choices=Speciality.choices)

    class Meta:
        ordering = ["composition", "id"]
        unique_together = [("composition", "user")]


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")


class Meeting(models.Model):
    # Known before the INSERT: the place and the reasons are sealed with the row id bound in.
    id = models.BigAutoField(primary_key=True, default=reserve_meeting_id, editable=False)
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="meetings")
    composition = models.ForeignKey(Composition, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    # Free text that can name a child ("the 6-A classroom, Ivan's mother's office"): encrypted.
    place = EncryptedCharField(_("place"), max_length=200)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    # UA II.2: why the meeting is later than three working days after receipt, if it is.
    late_reason = EncryptedTextField(_("reason for the later date"), blank=True)
    # UA IV.6: why the notice cannot reach everyone by 18:00 of the day before, if it cannot.
    short_notice_reason = EncryptedTextField(_("reason for the short notice"), blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acting_chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    acting_secretary = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    # UA IV.8, IV.10: minutes formalised by the head's order; the decision communicated by the chair.
    minutes_order_number = models.CharField(_("minutes order number"), max_length=32, blank=True)
    minutes_order_date = models.DateField(_("minutes order date"), null=True, blank=True)
    decision_communicated_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("commission meeting")
        verbose_name_plural = _("commission meetings")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["meeting", "position"]
        unique_together = [("meeting", "case")]


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=False)
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("meeting", "user")]


class SubstitutionBasis(models.TextChoices):
    # UA III.3
    DEPUTY_FOR_CHAIR = "deputy_for_chair", _("Deputy chair acts for the absent chair")
    ELECTED_CHAIR = "elected_chair", _("Member elected to chair on the secretary's proposal")
    ELECTED_SECRETARY = "elected_secretary", _("Member elected secretary on the chair's proposal")


class Substitution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="substitutions")
    basis = models.CharField(max_length=24, choices=SubstitutionBasis.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class Invitation(models.Model):
    """An invited person (UA III.2, IV.9): sees that case's materials for that meeting only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_recorded = models.BooleanField(_("consent recorded"), default=False)
    # The case permissions this invitation added (not those the person already held): closing
    # the meeting takes back exactly these.
    granted_perms = models.JSONField(default=list, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("meeting", "case", "user")]


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


# UA IV.3: the first question on every report (stored in the language of the session; shown in the reader's).
BULLYING_QUESTION = _("Is the bullying reported confirmed?")


class Question(models.Model):
    """A question put to the vote on an agenda item; the first is whether bullying is confirmed."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    is_bullying_confirmation = models.BooleanField(default=False)
    passed = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)


class Vote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)
    # UA III.5: a member may give a dissenting opinion, orally (recorded) or in writing.
    dissent = EncryptedTextField(_("dissenting opinion"), blank=True)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("question", "user")]


class Decision(models.Model):
    """The commission's decision on a report (UA IV.3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    bullying_confirmed = models.BooleanField(_("bullying confirmed"))
    needs_assessment = EncryptedTextField(_("needs assessment of the parties"), blank=True)
    causes_and_measures = EncryptedTextField(_("causes and measures to remove them"), blank=True)
    class_measures = EncryptedTextField(_("educational measures for the class"), blank=True)
    recommendations_teachers = EncryptedTextField(_("recommendations to teachers"), blank=True)
    recommendations_parents = EncryptedTextField(_("recommendations to parents"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()


class MonitoringItem(models.Model):
    id = models.BigAutoField(primary_key=True, default=reserve_monitoring_item_id, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="monitoring")
    # A measure names the pupils it concerns: encrypted.
    description = EncryptedCharField(_("measure"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)


class MeetingNoticeChannel(models.TextChoices):
    # UA IV.6: materials "в електронному або паперовому вигляді"; the notice itself by any means.
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger")
    PAPER = "paper", _("Paper letter")


class MeetingNoticeRecipient(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    INTERESTED = "interested", _("Other interested person")


class MeetingNotice(models.Model):
    """UA IV.6: the secretary told the applicant or another interested person of the meeting
    (agenda, date, time and place), outside the system: by whom it was told, how and when.

    The person is a party of a case on the agenda (the reporter or a legal representative is
    the applicant) or a staff member; the record holds references, never a name or a contact.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outside_notices")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    recipient = models.CharField(_("recipient"), max_length=16, choices=MeetingNoticeRecipient.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=MeetingNoticeChannel.choices)
    sent_at = models.DateTimeField(_("sent at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "sent_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(party__isnull=True) ^ models.Q(user__isnull=True), name="meeting_notice_one_recipient")]
