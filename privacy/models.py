"""The append-only audit trail (DESIGN §6).

An event is written in the transaction of the action it records, with one
INSERT and no lock, so audited reads never wait for each other or for the
sweep. A sealer (``privacy.audit.audit_seal``, run by beat every few seconds)
chains the committed events into SHA-256-linked seals; ``manage.py
verify_audit`` detects an edited, removed or inserted event and reports the
unsealed tail. The database refuses UPDATE and DELETE on events and seals (see
the migrations' triggers). Events hold ids and field names, never personal data.
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
    # Agency casework (issue #9)
    CASE_ASSIGN = "case_assign", _("Case assigned to an officer")
    CASE_CLOSE = "case_close", _("Case closed")
    CASE_REOPEN = "case_reopen", _("Case reopened")
    CASE_LINK_SCHOOL = "case_link_school", _("Case linked to a school")
    CASE_MERGE = "case_merge", _("Duplicate report merged into the case")
    ACTION_RECORD = "action_record", _("Agency action recorded")
    ACTION_UPDATE = "action_update", _("Agency action corrected")
    FIRST_ACCOUNT_RECORD = "first_account_record", _("Child's first account recorded")
    FIRST_ACCOUNT_VIEW = "first_account_view", _("Child's first account read")
    DOCUMENT_UPLOAD = "document_upload", _("Document attached")
    DOCUMENT_DOWNLOAD = "document_download", _("Document downloaded")
    DOCUMENT_REMOVE = "document_remove", _("Document removed")
    TAKEDOWN_REQUEST = "takedown_request", _("Takedown of online content requested")
    TAKEDOWN_UPDATE = "takedown_update", _("Takedown request updated")
    PLAN_CREATE = "plan_create", _("Support plan drawn up")
    PLAN_UPDATE = "plan_update", _("Support plan changed")
    PLAN_ITEM_ADD = "plan_item_add", _("Support plan item added")
    PLAN_ITEM_PROGRESS = "plan_item_progress", _("Progress noted on a support plan item")
    PLAN_ITEM_DONE = "plan_item_done", _("Support plan item done")
    PLAN_REVIEW = "plan_review", _("Support plan reviewed")
    REFERRAL = "referral", _("Referred to a help organisation")
    DIRECTORY_CHANGE = "directory_change", _("Help directory changed")
    # Oversight (issue #10)
    DASHBOARD_EXPORT = "dashboard_export", _("Dashboard figures exported")
    QUARTERLY_PACK = "quarterly_pack", _("Quarterly briefing pack downloaded")
    DAILY_SUMMARY = "daily_summary", _("Daily summary sent")
    # Anonymous reports from pupils and parents (issue #11)
    TIP_RECEIVE = "tip_receive", _("Anonymous report received")
    TIP_VIEW = "tip_view", _("Anonymous report read")
    TIP_REPLY = "tip_reply", _("Reply to an anonymous report")
    TIP_CONVERT = "tip_convert", _("Anonymous report converted into a case")
    TIP_CLOSE = "tip_close", _("Anonymous report closed")
    # Accounts (issue #11)
    MFA_ENROL = "mfa_enrol", _("Second factor set up")
    MFA_RESET = "mfa_reset", _("Second factor removed")
    MFA_FAILED = "mfa_failed", _("Wrong second-factor code")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    SESSION_REVOKE = "session_revoke", _("Session signed out")
    TOKEN_CREATE = "token_create", _("API token issued")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")


class AuditEvent(models.Model):
    """One recorded action. Appended without any lock; ``privacy.audit.audit_seal`` chains it later."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    # A plain id, not a foreign key: the trail outlives a purged case.
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    # The id of the transaction that wrote the event, set by the database (PostgreSQL:
    # ``pg_current_xact_id()``, see migration 0006; SQLite, which has one writer at a
    # time: 0). The chain runs in (txid, id) order, which no later commit can go back on.
    txid = models.BigIntegerField(db_default=0, editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["txid", "id"], name="audit_chain_order_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"#{self.pk} {self.action} {self.at:%Y-%m-%d %H:%M:%S}"


GENESIS_HASH = "0" * 64


class AuditSeal(models.Model):
    """A link of the hash chain: the events after the previous seal, up to (last_txid, last_id).

    Append-only like the events (migration 0006). Its hash covers the previous seal's
    hash and every event of its range in order, so an edited, removed or inserted
    event, or a removed seal, breaks the chain (``manage.py verify_audit``).
    """

    seq = models.BigIntegerField(primary_key=True)
    last_txid = models.BigIntegerField()
    last_id = models.BigIntegerField()
    count = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]


class AuditChainHead(models.Model):
    """One row: where the chain ends. Only the sealer locks it, so readers never wait on it."""

    last_seq = models.BigIntegerField(default=0)
    last_txid = models.BigIntegerField(default=-1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
