"""The append-only audit trail (DESIGN §6).

Every event is chained to the one before it by a SHA-256 hash, so an edited or
deleted row is detected by ``manage.py verify_audit``; the database itself
refuses UPDATE and DELETE on the table (see the migration's triggers). Events
hold ids and field names, never personal data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CASE_CREATE = "case_create", _("Case created")
    CASE_VIEW = "case_view", _("Case viewed")
    CASE_UPDATE = "case_update", _("Case changed")
    CASE_SHARE = "case_share", _("Case shared with an agency")
    PARTY_ADD = "party_add", _("Party added")
    IDENTITY_VIEW = "identity_view", _("Identity data viewed")
    SCREENING_ADD = "screening_add", _("Warning-sign screening recorded")
    ACCESS_REFUSED = "access_refused", _("Access refused")
    KEYS_ROTATED = "keys_rotated", _("Encryption keys rotated")
    NOTICE_SEND = "notice_send", _("Notice sent")
    NOTICE_ACKNOWLEDGE = "notice_acknowledge", _("Notice acknowledged")
    CASE_EVENT = "case_event", _("Case event recorded")
    DEADLINE_MET = "deadline_met", _("Deadline met")
    DEADLINE_BREACH = "deadline_breach", _("Deadline breached")
    DEADLINE_WAIVE = "deadline_waive", _("Deadline waived")
    DEADLINE_SHIFT = "deadline_shift", _("Deadline moved by a calendar change")
    MEETING_SCHEDULE = "meeting_schedule", _("Put on a commission meeting's agenda")
    MEETING_INVITE = "meeting_invite", _("Person invited to a commission meeting")
    DECISION_RECORD = "decision_record", _("Commission decision recorded")
    COMPOSITION_APPROVE = "composition_approve", _("Commission composition approved")
    MEETING_NOTICE = "meeting_notice", _("Meeting notice sent")
    MEETING_ATTENDANCE = "meeting_attendance", _("Attendance marked")
    MEETING_SUBSTITUTE = "meeting_substitute", _("Presiding or minute-taking member substituted")
    MEETING_OPEN = "meeting_open", _("Meeting opened")
    MEETING_CLOSE = "meeting_close", _("Meeting closed")
    VOTE_CAST = "vote_cast", _("Vote cast")
    MINUTES_FORMALISE = "minutes_formalise", _("Minutes formalised by order")
    DECISION_COMMUNICATE = "decision_communicate", _("Decision communicated")
    MEMBERSHIP_CHANGE = "membership_change", _("Agency membership changed")
    LOGIN_LOCKED = "login_locked", _("Login locked after repeated failures")
    DATA_EXPORT = "data_export", _("Personal data exported")


class AuditEvent(models.Model):
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    # A plain id, not a foreign key: the trail outlives a purged case.
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"#{self.pk} {self.action} {self.at:%Y-%m-%d %H:%M:%S}"


class AuditChainHead(models.Model):
    """One row: the newest event's hash. Locking it serialises appends to the chain."""

    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
