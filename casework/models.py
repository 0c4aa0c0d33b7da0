"""Agency casework (issue #9): actions, placement, the child's first account; assignment lives on
cases.CaseAccess.

An agency's action on a case keeps codes, numbers, dates and ticks in plain ``data`` (what the
chronology and the clocks need) and every free-text field in ``details``, encrypted: notes,
findings, a placement's basis or the institution's name may name a family or an address.
What each kind of action holds is in ``casework.registry``.
"""

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case, Party
from privacy.fields import EncryptedTextField


class ActionKind(models.TextChoices):
    """The kinds of action an agency records; each one's source and fields are in the registry."""

    # Police (KZ §19, §26.6, §44)
    PRETRIAL_REGISTRATION = "pretrial_registration", _("Registered in the pre-trial investigations register")
    PREVENTIVE_TALK = "preventive_talk", _("Preventive talk with the parents")
    COMPLETENESS_CHECK = "completeness_check", _("Completeness of the material checked")
    PROTECTIVE_ORDER = "protective_order", _("Protective order issued")
    FORENSIC_ORDERED = "forensic_ordered", _("Forensic examination ordered")
    SEPARATE_DELIVERY = "separate_delivery", _("Victim and suspect delivered to the police separately")
    # Guardianship (KZ §22, §23)
    HOME_VISIT = "home_visit", _("Home visit: living conditions inspected")
    INSPECTION_ACT = "inspection_act", _("Inspection act of the family's living conditions")
    # Mobile group (KZ §26.4)
    SCENE_VISIT = "scene_visit", _("Mobile group went to the scene")
    # Health and forensic expertise (KZ §26.5, §26.7)
    MEDICAL_EXAMINATION = "medical_examination", _("Medical examination")
    FORENSIC_RESULT = "forensic_result", _("Forensic examination done")
    # 111 contact centre (KZ §20)
    MONITORING_ENTRY = "monitoring_entry", _("Monitoring entry")
    CONSOLIDATED_RECORD = "consolidated_record", _("Consolidated record of the agencies' information")
    # Social protection, centre of social services, children's service (UA II.2, IV.3; KZ §46)
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    SERVICE_PROVIDED = "service_provided", _("Social service provided")
    SOCIAL_PROTECTION_MEASURES = "social_protection_measures", _("Social protection: causes and measures")
    # Placement (KZ §44, §45)
    URGENT_PLACEMENT = "urgent_placement", _("Urgent placement before the commission's decision")
    PLACEMENT_DECISION = "placement_decision", _("Placement decision of the commission on minors' affairs")
    # Crisis centre (KZ §42)
    CRUELTY_ASSESSMENT = "cruelty_assessment", _("Assessment of cruelty")
    EDUCATION_TOLD_OF_ABSENCE = "education_told_of_absence", _(
        "Education department told of the child's temporary absence")
    FAMILY_SOCIAL_MAP = "family_social_map", _("Family social map drawn up")
    INDIVIDUAL_PLAN = "individual_plan", _("Individual plan of measures drawn up")
    # Help directory (KZ §38, SPEC H5)
    REFERRAL = "referral", _("Referral to a help organisation")


class Action(models.Model):
    """One thing an agency did on a case, in the case's chronology."""

    # A UUID set on creation: the encrypted field binds the row id into its ciphertext.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agency_actions")
    # The recording user's agency that holds the case; only its members may correct the action.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_actions")
    kind = models.CharField(_("action"), max_length=40, choices=ActionKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    # Codes, numbers, dates (ISO), ticks and ids only — never names or free text.
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The free-text fields of the kind, as a JSON object, sealed.
    details = EncryptedTextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # How many times it was corrected; each correction keeps the version it replaced.
    revision = models.PositiveSmallIntegerField(default=1)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "recorded_at"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="casework_action_case_time")]
        verbose_name = _("agency action")
        verbose_name_plural = _("agency actions")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def texts(self) -> dict:
        """The free-text fields, opened (empty when unavailable)."""
        return json.loads(self.details) if self.details else {}

    @texts.setter
    def texts(self, value: dict) -> None:
        self.details = json.dumps(value, ensure_ascii=False) if value else ""


class ActionRevision(models.Model):
    """The version of an action that a correction replaced, with the reason for the correction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)
    details = EncryptedTextField(blank=True)
    reason = EncryptedTextField(_("reason for the correction"))
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "revision"]
        constraints = [models.UniqueConstraint(fields=["action", "revision"], name="casework_revision_once")]


class FirstAccount(models.Model):
    """The child's first account (KZ §35, SPEC H4): recorded once, verbatim, so that no agency
    interviews the child again; read only on its own page, every read audited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="first_accounts")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="first_accounts")
    # The agency (a school, the police…) for which the account was recorded, when there is one.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    spoken_at = models.DateTimeField(_("when the child spoke"))
    place = EncryptedTextField(_("where"))
    present = EncryptedTextField(_("who was present"))
    # KZ §35.9: "толығымен, дәлме-дәл" — in full and word for word.
    words = EncryptedTextField(_("the child's words, verbatim"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["case", "recorded_at"]
        # KZ §35.5: the child is never asked to repeat — one account per child.
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="casework_first_account_once")]
        verbose_name = _("child's first account")
        verbose_name_plural = _("children's first accounts")

    def __str__(self):
        return f"First account #{self.pk}"


class FirstAccountAddendum(models.Model):
    """What was added to a first account afterwards (the account itself never changes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(FirstAccount, on_delete=models.CASCADE, related_name="addenda")
    text = EncryptedTextField(_("addendum"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["account", "recorded_at"]
        verbose_name = _("addendum to a first account")
        verbose_name_plural = _("addenda to first accounts")
