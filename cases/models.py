"""Cases (reports), their parties and warning-sign screenings (SPEC §2, §7).

Personal data lives only in encrypted fields (privacy.fields). Case ids are
UUIDs, so that URLs reveal nothing and rows can bind their id into the
encryption before they are first saved.
"""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import Agency, Jurisdiction
from cases.vocabulary import CaseChangeKind, CaseOutcome, CaseStatus, Channel, Form, Kind, PartyRole, Place, Sex
from cases.warning_signs import Checklist
from privacy.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The agency that received the report and keeps it in its register: the school for a
    # school's report; the 111 centre, the police, health or social services for a case they
    # open (issue #9; KZ §18, §20; UA II.1). The reference stays the intake agency's for good.
    intake_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="intake_cases",
                                      verbose_name=_("intake agency"))
    # The child's school: required for a school's report, linked later (or never) for a case an
    # agency opened. The school's own clocks run from ``school_linked_at`` (UA II.2, KZ §25).
    school = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("school"))
    school_linked_at = models.DateTimeField(_("linked to the school at"), null=True, blank=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="cases")
    # The intake agency's register of violence facts (KZ §11, SPEC D3): numbered per agency and year.
    register_year = models.PositiveSmallIntegerField(_("register year"))
    register_number = models.PositiveIntegerField(_("register number"))

    # UA II.2, KZ §25, §45: every clock starts when the report is received.
    received_at = models.DateTimeField(_("received at"))
    incident_at = models.DateTimeField(_("incident at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=40, choices=Channel.choices)
    kinds = models.JSONField(_("kinds"), default=list)
    forms = models.JSONField(_("forms"), default=list, blank=True)
    places = models.JSONField(_("places"), default=list, blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    # A statutory clock of the case is breached and still open (set by the sweep,
    # cleared when the last breached clock is met late or waived).
    is_overdue = models.BooleanField(_("overdue"), default=False, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # Set while closed (the reason is in the closing CaseChange, encrypted).
    outcome = models.CharField(_("outcome"), max_length=32, choices=CaseOutcome.choices, blank=True,
                               db_default="")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A duplicate report of one incident, closed as merged into the case kept (SPEC multi-channel dedup).
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_cases", verbose_name=_("merged into"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake_agency", "register_year", "register_number"], name="case_register_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["-received_at", "-id"], name="case_received_idx")]
        permissions = [
            ("view_case_identity", _("Can see the identity of the case's parties")),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The case's reference: safe on any channel (no names, no personal data)."""
        # A school's report: the school (the lists join it already) is the intake agency.
        agency = self.school if self.school_id == self.intake_agency_id else self.intake_agency
        return f"{agency.code.upper()}-{self.register_year}-{self.register_number:04d}"

    @property
    def home_agency(self) -> Agency:
        """The agency whose place (region) the case belongs to: its school, else the intake agency."""
        return self.school if self.school_id else self.intake_agency

    @property
    def is_agency_intake(self) -> bool:
        return self.intake_agency_id != self.school_id

    @property
    def kind_labels(self) -> list[str]:
        return [Kind(code).label for code in self.kinds]

    @property
    def form_labels(self) -> list[str]:
        return [Form(code).label for code in self.forms]

    @property
    def place_labels(self) -> list[str]:
        return [Place(code).label for code in self.places]


class RegisterCounter(models.Model):
    """The last register number used by an agency in a year; locked to number a case.

    ``school`` is the agency keeping the register: a school, or the agency that opened the case
    (the column keeps its first name so that stored counters and their readers stay as they are).
    """

    school = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("school", "year")]


class Party(models.Model):
    """A person in a case: victim, initiator, witness, reporter or legal representative."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=32, choices=PartyRole.choices)
    is_minor = models.BooleanField(_("minor"), default=True)
    # A legal representative is linked to the minor they represent (SPEC R5).
    represents = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="representatives",
        verbose_name=_("represents"),
    )
    # DESIGN §7 (a design rule; no paragraph of the sources says it): never notify a parent who
    # is the alleged perpetrator. UA I.6 and II.2 ask for "at least one" parent, so another is told;
    # violence by a parent goes to the guardianship authority and the mobile group (KZ §19.5).
    is_alleged_perpetrator = models.BooleanField(_("alleged perpetrator"), default=False)

    family_name = EncryptedCharField(_("family name"))
    given_name = EncryptedCharField(_("given name"))
    patronymic = EncryptedCharField(_("patronymic"), blank=True)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    sex = EncryptedCharField(_("sex"), blank=True, choices=Sex.choices)  # "" when not stated
    identity_number = EncryptedCharField(_("identity number"), blank=True)
    identity_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    class_name = EncryptedCharField(_("class"), blank=True)
    phone = EncryptedCharField(_("phone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)

    position = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "position"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        # Never the name: str() ends up in logs and admin history.
        return f"{self.get_role_display()} #{self.position}"

    @property
    def full_name(self) -> str:
        parts = [self.family_name, self.given_name, self.patronymic]
        if any(p is None for p in parts[:2]):
            return str(_("(unavailable)"))
        return " ".join(p for p in parts if p)

    def age_on(self, day: date) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Screening(models.Model):
    """A ticked warning-sign checklist (SPEC R6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    checklist = models.CharField(_("checklist"), max_length=32, choices=Checklist.choices)
    signs = models.JSONField(_("signs"), default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        verbose_name = _("warning-sign screening")
        verbose_name_plural = _("warning-sign screenings")


class CaseChange(models.Model):
    """A change of a case that needs a reason: its facts edited, closed, reopened, linked, merged.

    The reason is free text (it may speak of people), so it is encrypted; the audit event of the
    same change carries only the changed field names and codes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=16, choices=CaseChangeKind.choices)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=CaseOutcome.choices, blank=True)
    reason = EncryptedTextField(_("reason"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("case change")
        verbose_name_plural = _("case changes")

    def __str__(self):
        return f"{self.kind} of case {self.case_id}"


class DuplicateCandidate(models.Model):
    """A possible second report of one incident (SPEC §2, multi-channel dedup): a party of both
    cases has the same identity number (blind index) and the dates are close. ``case`` is the
    newer report, ``other`` the one already on record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duplicate_candidates")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField()
    # Set when one was merged into the other (or the pair was otherwise settled).
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "other"], name="duplicate_candidate_unique")]


# django-guardian's direct foreign-key permission tables (DESIGN §4): fast to
# query and to join in list subqueries, unlike the generic ones.
class SubmissionKey(models.Model):
    """A client's one-time key for filing a report (issue #7): one key files one case.

    The browser form carries one made when the form is shown; an API client sends
    it as the ``Idempotency-Key`` header. The row is inserted first in the filing's
    transaction, so a second filing with the key waits on the unique index and then
    answers the case the first one filed. ``payload_digest`` is a keyed HMAC of the
    input (privacy.crypto.blind_index), never the input: a reused key with other
    input is refused.
    """

    KEY_MAX_LENGTH = 128

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    case = models.ForeignKey(Case, null=True, on_delete=models.CASCADE, related_name="+")
    payload_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_unique")]


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


def _access_index(grantee: str, *columns: str, when: Q | None = None, name: str) -> models.Index:
    condition = Q(**{f"{grantee}__isnull": False}) & (when or Q())
    return models.Index(fields=[grantee, *columns, "-received_at", "-case"], condition=condition, name=name)


class CaseAccess(models.Model):
    """Who may list a case: one row per grantee (a group or a user) holding ``view_case``.

    The lists' own copy of guardian's view grants, ordered like the lists (DESIGN §4):
    a page is an index range per grantee, merged. Written in the same transaction
    as the guardian grant (cases.permissions), never by hand. ``received_at``,
    ``status``, ``is_urgent``, ``is_overdue`` and ``kind_codes`` are copies of the
    case's own, so that the list filters stay inside the index. A group row also
    says who in that agency holds the case (``assignee``): "my cases" is the
    assignee's range, "unassigned" a partial range of the group.
    """

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    is_urgent = models.BooleanField(default=False)
    is_overdue = models.BooleanField(default=False)
    # The case's kinds as ",bullying,violence,": the kind filter reads it inside the grantee's
    # range (every kind is common enough that a page fills after a short scan).
    kind_codes = models.CharField(max_length=200, default="", db_default="")
    # Who in the grantee agency holds the case (issue #9: assignment); on group rows only.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, user__isnull=True) | Q(group__isnull=True, user__isnull=False),
                name="case_access_one_grantee"),
            models.UniqueConstraint(fields=["case", "group"], condition=Q(group__isnull=False),
                                    name="case_access_group_unique"),
            models.UniqueConstraint(fields=["case", "user"], condition=Q(user__isnull=False),
                                    name="case_access_user_unique"),
        ]
        indexes = [
            _access_index("group", name="case_access_group_idx"),
            _access_index("user", name="case_access_user_idx"),
            _access_index("group", "status", name="case_access_group_status_idx"),
            _access_index("user", "status", name="case_access_user_status_idx"),
            _access_index("group", when=Q(is_urgent=True), name="case_access_group_urgent_idx"),
            _access_index("user", when=Q(is_urgent=True), name="case_access_user_urgent_idx"),
            _access_index("group", when=Q(is_overdue=True), name="case_access_group_overdue_idx"),
            _access_index("user", when=Q(is_overdue=True), name="case_access_user_overdue_idx"),
            # "My cases": one range of the assignee's rows, whatever agency they hold them for.
            models.Index(fields=["assignee", "-received_at", "-case"], condition=Q(assignee__isnull=False),
                         name="case_access_assignee_idx"),
            # "Unassigned": each of the user's agency groups' rows that nobody holds yet.
            _access_index("group", when=Q(assignee__isnull=True), name="case_access_unassigned_idx"),
        ]

    def __str__(self):
        grantee = f"group {self.group_id}" if self.group_id else f"user {self.user_id}"
        return f"case {self.case_id} to {grantee}"
