"""Support plans for the children of a case (SPEC H1–H3, H6; KZ §34–§43; UA IV.3, V.4).

A plan belongs to one minor party (the victim, an initiator, a witness) and is of one
kind; its items are measures with an owner agency and person and a due date, each
with progress notes. Every item due and every plan review is a clock of the existing
engine (notifications.Deadline, subject ``plan_item:<id>`` / ``plan_review:<id>:<n>``,
support.clocks), so reminders and overdue escalation come from the sweep.

Free text (an item's detail, progress notes, review notes) may name children: encrypted.
Ids are UUIDs, known before the first INSERT (the encryption binds the row id).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case, Party
from cases.vocabulary import PartyRole
from privacy.fields import EncryptedTextField


class PlanKind(models.TextChoices):
    # KZ §39: "Зорлық-зомбылық пен қатігездікке ұшыраған кәмелетке толмағандармен жұмыс істеудің
    # жеке жоспары" — the individual plan of work with a child who suffered violence or cruelty.
    VICTIM_REHABILITATION = "victim_rehabilitation", _("Individual rehabilitation plan for the victim (KZ §39)")
    # KZ §40: "кәмелетке толмағанды әлеуметтік бейімдеу бойынша жеке жұмыс жоспары ... ата-анасымен
    # немесе заңды өкілдерімен келісіледі" — the initiator's social-adaptation plan, agreed with
    # the parents or legal representatives, kept confidential.
    INITIATOR_ADAPTATION = "initiator_adaptation", _("Individual social-adaptation plan for the initiator (KZ §40)")
    # KZ §41: rehabilitative psychological and pedagogical help to witnesses.
    WITNESS_HELP = "witness_help", _("Rehabilitative help for a witness (KZ §41)")
    # UA IV.3: the commission assesses the parties' needs for social and psychological-pedagogical
    # services and measures, and monitors their effectiveness.
    UA_MEASURES = "ua_measures", _("Services and measures for a party of the bullying (UA IV.3)")


# Which plan kinds a jurisdiction has, and for which party roles.
PLAN_KINDS = {
    "KZ": {
        PlanKind.VICTIM_REHABILITATION: {PartyRole.VICTIM},
        PlanKind.INITIATOR_ADAPTATION: {PartyRole.INITIATOR},
        PlanKind.WITNESS_HELP: {PartyRole.WITNESS},
    },
    "UA": {
        PlanKind.UA_MEASURES: {PartyRole.VICTIM, PartyRole.INITIATOR, PartyRole.WITNESS},
    },
}
# KZ §40: the initiator's plan is agreed with the parents before it runs.
NEEDS_PARENTS_AGREEMENT = {PlanKind.INITIATOR_ADAPTATION}


class Measure(models.TextChoices):
    """The measures the sources list; the free-text detail says the rest."""

    ASSESSMENT = "assessment", _("Comprehensive assessment of the situation")  # KZ §34, §40
    LEGAL_EDUCATION = "legal_education", _("Explaining rights, legal duties and consequences")  # KZ §34, §40
    PSYCHOLOGIST = "psychologist", _("Psychologist consultations, correction, training")  # KZ §39.2, §43
    EXTRA_CURRICULAR = "extra_curricular", _("Referral to extra-curricular activities by interest")  # KZ §39.2
    # KZ §37, §39.2, §40.3-4
    SKILLS_WORK = "skills_work", _("Individual and group work on emotional and behavioural skills")
    CAUSE_CONVERSATION = "cause_conversation", _("Conversation to find the cause of aggression")  # KZ §40.1
    HOME_VISIT = "home_visit", _("Home visit by the social pedagogue")  # KZ §39.1, §40.2
    PARENT_MEETINGS = "parent_meetings", _("Meetings with parents on positive parenting")  # KZ §39.1, §40.6
    PARENT_SUPPORT_GROUP = "parent_support_group", _("Support group for parents")  # KZ §39.1
    SOCIAL_SUPPORT = "social_support", _("Social and material support, help with employment and documents")  # KZ §39.1
    RESPECT_FOR_RIGHTS = "respect_for_rights", _("Forming respect for the rights and dignity of others")  # KZ §40.5
    EMOTIONAL_STABILISATION = "emotional_stabilisation", _("Trusting conversation to lower anxiety")  # KZ §41.1–4
    SPECIALIST_REFERRAL = "specialist_referral", _("Referral to specialists or services")  # KZ §41.6, UA IV.3
    CLASS_MEASURES = "class_measures", _("Educational measures in the class")  # UA IV.3
    COMMISSION_MEASURE = "commission_measure", _("Measure decided by the commission")  # UA IV.3, IV.10
    OTHER = "other", _("Other measure")


class PlanStatus(models.TextChoices):
    # KZ §40: an initiator's plan waits for the parents' agreement before its clocks run.
    DRAFT = "draft", _("Awaiting the parents' agreement")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


# UA V.4: monitoring "не рідше одного разу на півріччя" — at least once per half-year.
DEFAULT_REVIEW_MONTHS = 6


class SupportPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_plans")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="support_plans",
                              verbose_name=_("child"))
    kind = models.CharField(_("kind of plan"), max_length=32, choices=PlanKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    agreed_with_parents_at = models.DateField(_("agreed with the parents on"), null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(_("review every (months)"),
                                                              default=DEFAULT_REVIEW_MONTHS)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    # How many reviews were held: the review clock's subject is plan_review:<id>:<count>.
    reviews_held = models.PositiveSmallIntegerField(default=0)
    # The agency that drew the plan up: only it edits the plan (house rule).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["party", "kind"], name="support_plan_one_per_party_and_kind"),
        ]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self):
        # Never a name: str() ends up in logs and the admin's history.
        return f"{self.kind} plan {self.pk}"

    @property
    def review_subject(self) -> str:
        return f"plan_review:{self.pk}:{self.reviews_held}"


class PlanItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="items")
    measure = models.CharField(_("measure"), max_length=32, choices=Measure.choices)
    detail = EncryptedTextField(_("details"), blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("owner agency"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    # UA IV.3, IV.10: a measure the commission decided and monitors, carried out through this item;
    # marking the item done marks the commission's monitoring item done (one of them is ever open).
    monitoring_item = models.OneToOneField("commission.MonitoringItem", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="plan_item")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "created_at", "id"]
        indexes = [
            # "My plan items": a person's open items, soonest first.
            models.Index(fields=["owner", "due_on"], condition=Q(done_at__isnull=True),
                         name="plan_item_open_by_owner_idx"),
        ]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self):
        return f"{self.measure} item {self.pk}"

    @property
    def clock_subject(self) -> str:
        return f"plan_item:{self.pk}"


class ProgressNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("progress note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")


class PlanReview(models.Model):
    """A review of a plan (UA IV.3 monitoring, V.4 at least once per half-year): a note and the next date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    note = EncryptedTextField(_("review note"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
