"""Response protocols, deadlines, notices, escalations and their outbox (SPEC §3–§5).

A jurisdiction's protocol is data: ``DeadlineRule`` rows (shipped for KZ and UA
by a data migration, editable in the admin). Every clock is a ``Deadline`` row;
the sweep (notifications.services.sweep.deadlines_sweep) reads what is due from the
database, so no clock depends on a queued message.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, Jurisdiction, StaffRole
from cases.models import Case, Party
from cases.vocabulary import PartyRole
from privacy.fields import EncryptedTextField, Sealed


class StartEvent(models.TextChoices):
    CASE_RECEIVED = "case_received", _("Case received")
    PLACEMENT_FLAGGED = "placement_flagged", _("Case flagged as needing placement")
    HIGH_PROFILE_CONFIRMED = "high_profile_confirmed", _("Case confirmed as high-profile")
    FORENSIC_ORDERED = "forensic_ordered", _("Forensic examination ordered")
    MEETING_SCHEDULED = "meeting_scheduled", _("Commission meeting scheduled")
    # KZ §19.5: the police learn of violence by a parent, guardian or relative.
    POLICE_NOTIFIED_OF_FAMILY_VIOLENCE = "police_notified_of_family_violence", _(
        "Police notified of a case whose alleged perpetrator is a parent or relative")
    # Support plans (KZ §39–§41, UA IV.3): an item with a due date, a plan with a review date.
    PLAN_ITEM_ADDED = "plan_item_added", _("Support plan item added")
    PLAN_REVIEW_SCHEDULED = "plan_review_scheduled", _("Support plan review scheduled")
    # KZ §18, §20: a case an agency (not a school) received itself, e.g. the 111 centre or the
    # police; its clocks run for that agency (Deadline.responsible_agency).
    AGENCY_INTAKE = "agency_intake", _("Case received by an agency other than a school")


class SatisfyEvent(models.TextChoices):
    NOTICE_SENT = "notice_sent", _("Notice sent to the target agencies")
    PARENT_NOTICE_SENT = "parent_notice_sent", _("Notice sent to a legal representative")
    PLACEMENT_DECIDED = "placement_decided", _("Placement decision recorded")
    MEDIA_STATEMENT = "media_statement", _("Media statement recorded")
    FORENSIC_RESULT = "forensic_result", _("Examination result recorded")
    MEETING_HELD = "meeting_held", _("Commission meeting held")
    MEETING_NOTICE_SENT = "meeting_notice_sent", _("Meeting notice sent")
    DECISION_RECORDED = "decision_recorded", _("Commission decision recorded")
    PLAN_ITEM_DONE = "plan_item_done", _("Support plan item done")
    PLAN_REVIEWED = "plan_reviewed", _("Support plan reviewed")


# Facts a person records on a case page, and whether each starts or satisfies clocks.
RECORDABLE_EVENTS = {
    StartEvent.PLACEMENT_FLAGGED: "start",
    StartEvent.HIGH_PROFILE_CONFIRMED: "start",
    StartEvent.FORENSIC_ORDERED: "start",
    SatisfyEvent.PLACEMENT_DECIDED: "satisfy",
    SatisfyEvent.MEDIA_STATEMENT: "satisfy",
    SatisfyEvent.FORENSIC_RESULT: "satisfy",
}
# The parties whose parents are told and whose clocks run per party (UA I.2, II.2).
MINOR_PARTY_ROLES = (PartyRole.VICTIM, PartyRole.INITIATOR, PartyRole.WITNESS)


class ClockKind(models.TextChoices):
    ELAPSED = "elapsed", _("Elapsed time")
    WORKING_DAYS = "working_days", _("Working days")
    CUTOFF_DAY_BEFORE = "cutoff_day_before", _("Cut-off time on the day before")
    # Due at the end of a date a person set (a plan item's due date, a plan's next review),
    # in the case's local time: the clock's length is the object's, not the rule's.
    GIVEN_DATE = "given_date", _("End of a given date")


class Anchor(models.TextChoices):
    """What the clock counts from."""

    CASE_RECEIVED = "case_received", _("When the case was received")
    START_EVENT = "start_event", _("When the starting event happened")


class EscalationStep(models.TextChoices):
    RESPONSIBLE = "responsible", _("The responsible people")
    AGENCY_HEAD = "agency_head", _("The head of their agency")
    REGIONAL_OMBUDSMAN = "regional_ombudsman", _("The regional ombudsman")
    LOCAL_EXECUTIVE = "local_executive", _("The local executive body")


class LegalTerm(models.TextChoices):
    """What the law itself says about the clock's length.

    Where the law says "immediately" (KZ "дереу", UA "негайно") or sets no term,
    the clock's duration is the protocol's own setting, not the law's words, and
    is shown as such: "immediately (protocol: within 1 h)".
    """

    STATED = "stated", _("The law states this term")
    IMMEDIATELY = "immediately", _("The law says immediately, without a number")
    UNSPECIFIED = "unspecified", _("The law sets no term")


class DeadlineRule(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="deadline_rules")
    code = models.CharField(
        _("code"), max_length=64, unique=True,
        validators=[RegexValidator(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$",
                                   _("Use lower-case letters, digits, dots, dashes or underscores."))],
        help_text=_("Stable code, e.g. kz.police_notice."),
    )
    # Names per language code; a new country brings its own (protocols are data).
    names = models.JSONField(_("names"), default=dict)
    source = models.CharField(_("legal source"), max_length=120)
    start_event = models.CharField(_("starts at"), max_length=40, choices=StartEvent.choices)
    anchor = models.CharField(_("counts from"), max_length=20, choices=Anchor.choices,
                              default=Anchor.START_EVENT)
    satisfy_event = models.CharField(_("satisfied by"), max_length=40, choices=SatisfyEvent.choices)
    # For notice rules: every one of these agency kinds must have been notified.
    target_agency_kinds = models.JSONField(_("target agency kinds"), default=list, blank=True)
    clock = models.CharField(_("clock"), max_length=24, choices=ClockKind.choices)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    legal_term = models.CharField(_("what the law says about the term"), max_length=16,
                                  choices=LegalTerm.choices, default=LegalTerm.STATED)
    # For notice rules: the channels a notice must go by to count (empty: any channel),
    # e.g. KZ §25 "жедел байланыс (ұялы немесе электронды)": a rapid channel, not paper.
    allowed_channels = models.JSONField(_("channels that count"), default=list, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    cutoff_time = models.TimeField(_("cut-off time"), null=True, blank=True)
    per_minor_party = models.BooleanField(_("one per minor party"), default=False)
    responsible_agency_kind = models.CharField(_("responsible agency"), max_length=40,
                                               choices=AgencyKind.choices)
    responsible_role = models.CharField(_("responsible role"), max_length=40, choices=StaffRole.choices)
    # Fractions of the clock at which reminders go out, e.g. [0.5, 0.9].
    reminder_points = models.JSONField(_("reminder points"), default=list, blank=True)
    escalation_ladder = models.JSONField(_("escalation ladder"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["jurisdiction__code", "code"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        language = translation.get_language() or "en"
        return self.names.get(language) or self.names.get("en") or self.code

    @property
    def protocol_term(self) -> str:
        """The clock's length as configured, e.g. "within 1 hour"."""
        if self.clock == ClockKind.ELAPSED and self.duration_minutes:
            if self.duration_minutes % 60 == 0:
                hours = self.duration_minutes // 60
                return ngettext("within %(count)d hour", "within %(count)d hours", hours) % {"count": hours}
            return ngettext("within %(count)d minute", "within %(count)d minutes",
                            self.duration_minutes) % {"count": self.duration_minutes}
        if self.clock == ClockKind.WORKING_DAYS and self.working_days:
            return ngettext("within %(count)d working day", "within %(count)d working days",
                            self.working_days) % {"count": self.working_days}
        if self.clock == ClockKind.CUTOFF_DAY_BEFORE and self.cutoff_time:
            return gettext("by %(time)s on the day before") % {"time": self.cutoff_time.strftime("%H:%M")}
        if self.clock == ClockKind.GIVEN_DATE:
            return gettext("by the date set in the plan")
        return ""

    @property
    def term(self) -> str:
        """The term as the law puts it, with the protocol's setting where the law gives no number."""
        if self.legal_term == LegalTerm.IMMEDIATELY:
            return gettext("immediately (protocol: %(term)s)") % {"term": self.protocol_term}
        if self.legal_term == LegalTerm.UNSPECIFIED:
            return gettext("no term in the law (protocol: %(term)s)") % {"term": self.protocol_term}
        return self.protocol_term


class RowBoundEncryptedTextField(EncryptedTextField):
    """An encrypted text on a model with an auto-increment id (a deadline).

    privacy.E001 asks for an id known before the first INSERT, because the id is
    sealed into the value. A deadline's waiver reason is only ever written on a
    saved row (``deadline_waive``); on the INSERT it is blank, which needs no id.
    A non-blank value on an unsaved row is still refused by ``pre_save``.
    """

    def _check_primary_key_preset(self):
        return []

    def pre_save(self, instance, add):
        value = instance.__dict__.get(self.attname)
        if instance.pk is None and value == "" and not isinstance(value, Sealed):
            return Sealed("")
        return super().pre_save(instance, add)


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met on time")
    MET_LATE = "met_late", _("Met late")
    BREACHED = "breached", _("Breached")
    WAIVED = "waived", _("Waived")


OPEN_STATES = (DeadlineState.PENDING, DeadlineState.BREACHED)


class Deadline(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="deadlines")
    # For rules that run once per minor party (a parent notice per child).
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    # The anchor of a cut-off clock (e.g. the meeting's start), else the clock start.
    anchor_at = models.DateTimeField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=DeadlineState.choices, default=DeadlineState.PENDING)
    met_at = models.DateTimeField(null=True, blank=True)
    # When the sweep should next look at this row (a reminder or the due time).
    next_check_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # Free text by a person (it may name people): encrypted like every free text (DESIGN §5).
    waived_reason = RowBoundEncryptedTextField(blank=True)
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Free-form key of the starting object, e.g. a meeting id, for rules started more than once.
    subject = models.CharField(max_length=64, blank=True, default="")
    # Who answers for this one clock when it is not the rule's agency kind and role: a support
    # plan item's owner agency and owner person (support.clocks), a case's intake agency for the
    # clocks its intake starts (KZ §18.2, §18.3). Reminders go to the person, else the agency's
    # people of the rule's role; the breach climbs from that agency (notifications.services.sweep);
    # only notices from that agency meet the clock (services.clocks._counts_for).
    responsible_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "rule", "party", "subject"],
                                    condition=Q(party__isnull=False), name="deadline_unique_per_party"),
            models.UniqueConstraint(fields=["case", "rule", "subject"],
                                    condition=Q(party__isnull=True), name="deadline_unique_per_case"),
        ]
        indexes = [
            # The sweep's only query: pending rows whose next check is due.
            models.Index(fields=["next_check_at"], condition=Q(state="pending"), name="deadline_due_idx"),
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self):
        return f"{self.rule.code} for case {self.case_id}"

    @property
    def responsible_agency_kind(self) -> str:
        """The kind of agency that answers for this clock: its own agency's, else the rule's."""
        return self.responsible_agency.kind if self.responsible_agency_id else self.rule.responsible_agency_kind


class EscalationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    BREACH = "breach", _("Breach")


class Escalation(models.Model):
    """A reminder or breach of one deadline: written exactly once (unique)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=16, choices=EscalationKind.choices)
    # 1, 2, … for reminders; 0 for the breach.
    step = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind", "step"], name="escalation_once"),
        ]


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the system")
    EMAIL = "email", _("E-mail")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """A message to one person on one channel; carries a case reference and a link only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    escalation = models.ForeignKey(Escalation, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="messages")
    notice = models.ForeignKey("Notice", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="messages")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # None for a message about no one case: the daily summary to the ombudsman offices (KZ §19.6).
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # A message key (see notifications.messages), rendered in the recipient's language.
    subject_key = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "recipient", "channel"],
                                    condition=Q(escalation__isnull=False), name="outbox_once_per_escalation"),
            models.UniqueConstraint(fields=["notice", "recipient", "channel"],
                                    condition=Q(notice__isnull=False), name="outbox_once_per_notice"),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="outbox_pending_idx"),
        ]


class NoticeChannel(models.TextChoices):
    # KZ §23–§25: phone, e-mail, in the system, paper letter, rapid electronic channel.
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    IN_SYSTEM = "in_system", _("In the system")
    PAPER = "paper", _("Paper letter")
    RAPID = "rapid", _("Rapid electronic channel")
    # KZ §25: "ұялы" (mobile) communication includes a text message.
    SMS = "sms", _("SMS")


class Notice(models.Model):
    """A notice about a case to an agency or a legal representative (SPEC §3, KZ §23–§24)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The agency that sent it (the case's school, or an agency the case was shared with):
    # its outgoing register numbers the notice, and its kind says which clocks it meets.
    from_agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="notices_sent")
    to_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="notices_received")
    to_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="notices_received")
    channel = models.CharField(_("channel"), max_length=16, choices=NoticeChannel.choices)
    sent_at = models.DateTimeField(_("sent at"))
    outgoing_number = models.CharField(_("outgoing number"), max_length=32)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_agency__isnull=False) & Q(to_party__isnull=True))
                | (Q(to_agency__isnull=True) & Q(to_party__isnull=False)),
                name="notice_one_recipient",
            ),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


class NoticeRoute(models.Model):
    """One cell of a protocol's notice matrix: an agency of one kind may notify one of another.

    The matrix is data, like the deadline rules (DESIGN §1): shipped for KZ and UA by a
    data migration, edited in the admin, read by ``selectors.notice_options`` for both
    the forms' choices and ``services.notices.notice_send``'s check.
    """

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="notice_routes")
    sender_kind = models.CharField(_("sending agency kind"), max_length=40, choices=AgencyKind.choices)
    recipient_kind = models.CharField(_("receiving agency kind"), max_length=40, choices=AgencyKind.choices)
    source = models.CharField(_("legal source"), max_length=120)

    class Meta:
        ordering = ["jurisdiction__code", "sender_kind", "recipient_kind"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "sender_kind", "recipient_kind"],
                                    name="notice_route_unique"),
        ]
        verbose_name = _("notice route")
        verbose_name_plural = _("notice routes")

    def __str__(self):
        return f"{self.jurisdiction_id}: {self.sender_kind} → {self.recipient_kind}"


class OutgoingCounter(models.Model):
    """The school's outgoing-number register, per year (KZ §23)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("agency", "year")]


class CalendarOverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarOverride(models.Model):
    """A decree that makes a day a holiday or a working day (DESIGN §3)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="calendar_overrides")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarOverrideKind.choices)
    source = models.CharField(_("legal source"), max_length=200)

    class Meta:
        ordering = ["date"]
        unique_together = [("jurisdiction", "date")]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        return f"{self.jurisdiction.code} {self.date} {self.kind}"
