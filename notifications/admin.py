"""Admin for response protocols, calendar decrees, and read-only views of clocks and notices.

- Deadline rules are data (DESIGN §1): an administrator adds or edits a
  country's protocol here. The form checks that a rule can actually run (the
  clock has its duration, a notice rule names its target agencies, …). Edits
  apply to clocks started afterwards; running clocks keep their due time.
- Calendar overrides (decrees that make a day a holiday or a working day) are
  written through ``notifications.services`` so that open working-day deadlines
  are recomputed and every shift is logged on its case (DESIGN §3).
- Deadlines and notices are shown read-only and without personal data: a case
  is named by its reference, a notice by its number and receiving agency, never
  by a party's name (DESIGN §5, §6).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind
from notifications.models import (
    CalendarOverride, ClockKind, Deadline, DeadlineRule, EscalationStep, Notice, NoticeChannel, NoticeRoute,
    SatisfyEvent, StartEvent,
)
from notifications.services.clocks import calendar_override_delete, calendar_override_save

# The only starting events that bring a later moment to cut off before (the meeting's start).
CUTOFF_START_EVENTS = {StartEvent.MEETING_SCHEDULED}
# The support plans' events: their clocks end on the date the plan sets (support.clocks).
GIVEN_DATE_START_EVENTS = {StartEvent.PLAN_ITEM_ADDED, StartEvent.PLAN_REVIEW_SCHEDULED}
# Which duration field each clock needs; the others are cleared.
CLOCK_FIELDS = {
    ClockKind.ELAPSED: "duration_minutes",
    ClockKind.WORKING_DAYS: "working_days",
    ClockKind.CUTOFF_DAY_BEFORE: "cutoff_time",
}


class DeadlineRuleForm(forms.ModelForm):
    class Meta:
        model = DeadlineRule
        fields = "__all__"
        help_texts = {
            "code": _("A stable code, fixed once saved: letters, digits, hyphens and underscores, "
                      "e.g. xx-police-notice."),
            "names": _('The rule\'s name per language code, e.g. {"en": "Notify the police", "pl": "…"}.'),
            "target_agency_kinds": _('For notice rules: every agency kind that must be notified, '
                                     'e.g. ["police", "contact_centre_111"].'),
            "reminder_points": _("Fractions of the clock at which reminders go out, e.g. [0.5, 0.9]."),
            "allowed_channels": _('For notice rules: the channels a notice must go by to count, e.g. '
                                  '["phone", "sms", "email"]; empty for any channel.'),
            "legal_term": _("Whether the duration is the law's own, or the protocol's setting where the law "
                            "says “immediately” or sets no term."),
            "escalation_ladder": _('Who is told on a breach, e.g. ["responsible", "agency_head", '
                                   '"regional_ombudsman", "local_executive"].'),
        }

    def clean(self):
        data = super().clean()
        for name in ("target_agency_kinds", "reminder_points", "escalation_ladder", "allowed_channels"):
            if name in data and data[name] is None:  # an emptied box means "none", not NULL
                data[name] = []
        clock = data.get("clock")
        needed = CLOCK_FIELDS.get(clock)
        if needed:
            value = data.get(needed)
            if value is None or (needed != "cutoff_time" and value < 1):
                self.add_error(needed, _("This clock needs this value (at least 1)."))
            for other in CLOCK_FIELDS.values():
                if other != needed:
                    data[other] = None
        if clock == ClockKind.GIVEN_DATE:
            for other in CLOCK_FIELDS.values():
                data[other] = None
        if (clock == ClockKind.GIVEN_DATE) != (data.get("start_event") in GIVEN_DATE_START_EVENTS):
            self.add_error("clock", _("A support plan's item and review clocks, and only they, end on the date "
                                      "the plan sets."))
        if clock == ClockKind.CUTOFF_DAY_BEFORE and data.get("start_event") not in CUTOFF_START_EVENTS:
            self.add_error("start_event", _("A cut-off on the day before needs an event with a later moment "
                                            "to count back from: a scheduled meeting."))
        self._clean_names(data.get("names"))
        self._clean_targets(data)
        self._clean_list("reminder_points", data.get("reminder_points"),
                         lambda p: isinstance(p, (int, float)) and not isinstance(p, bool) and 0 < p < 1,
                         _("Give fractions between 0 and 1, e.g. [0.5, 0.9]."))
        self._clean_list("allowed_channels", data.get("allowed_channels"), lambda c: c in NoticeChannel.values,
                         _("Use channels from: %(channels)s.") % {"channels": ", ".join(NoticeChannel.values)})
        self._clean_list("escalation_ladder", data.get("escalation_ladder"),
                         lambda s: s in EscalationStep.values,
                         _("Use steps from: %(steps)s.") % {"steps": ", ".join(EscalationStep.values)})
        if data.get("satisfy_event") == SatisfyEvent.PARENT_NOTICE_SENT and not data.get("per_minor_party"):
            self.add_error("per_minor_party", _("A parent notice runs once per minor party: tick this box."))
        return data

    def _clean_names(self, names):
        if names is None:
            return
        if not isinstance(names, dict) or not names or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in names.items()):
            self.add_error("names", _('Give the name per language code, e.g. {"en": "Notify the police"}.'))
        elif not any(code in names for code, _label in settings.LANGUAGES):
            self.add_error("names", _("Give the name at least in one of the system's languages: %(codes)s.")
                           % {"codes": ", ".join(code for code, _label in settings.LANGUAGES)})

    def _clean_targets(self, data):
        targets = data.get("target_agency_kinds")
        if targets is None:
            return
        if not self._clean_list("target_agency_kinds", targets, lambda k: k in AgencyKind.values,
                                _("Use agency kinds from: %(kinds)s.") % {"kinds": ", ".join(AgencyKind.values)}):
            return
        if data.get("satisfy_event") == SatisfyEvent.NOTICE_SENT and not targets:
            self.add_error("target_agency_kinds",
                           _("A notice rule needs at least one agency kind that must be notified."))

    def _clean_list(self, name, value, valid, message) -> bool:
        if value is None:
            return False
        if not isinstance(value, list) or not all(valid(item) for item in value):
            self.add_error(name, message)
            return False
        return True


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    form = DeadlineRuleForm
    list_display = ["code", "jurisdiction", "clock", "duration_minutes", "working_days", "cutoff_time",
                    "start_event", "satisfy_event", "source", "is_active"]
    list_filter = ["jurisdiction", "clock", "start_event", "is_active"]
    list_select_related = ["jurisdiction"]
    search_fields = ["code", "source"]
    ordering = ["jurisdiction__code", "code"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "code", "names", "source", "is_active"]}),
        (_("When it runs"), {
            "description": _("Changes apply to clocks started afterwards; running clocks keep their due time "
                             "(only a calendar decree moves them)."),
            "fields": ["start_event", "anchor", "satisfy_event", "target_agency_kinds", "allowed_channels",
                       "per_minor_party"],
        }),
        (_("Clock"), {"fields": ["clock", "duration_minutes", "working_days", "cutoff_time", "legal_term"]}),
        (_("Who acts and who is told"), {
            "fields": ["responsible_agency_kind", "responsible_role", "reminder_points", "escalation_ladder"],
        }),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code names the rule in messages and the audit trail; deadlines hang on the jurisdiction.
        return [*super().get_readonly_fields(request, obj), *(["jurisdiction", "code"] if obj else [])]


@admin.register(NoticeRoute)
class NoticeRouteAdmin(admin.ModelAdmin):
    """The protocol's notice matrix: which agency kind may notify which (data, like the rules).

    The browser form's recipients and the service's check both read these rows: a route
    removed here is refused everywhere at once.
    """

    list_display = ["jurisdiction", "sender_kind", "recipient_kind", "source"]
    list_filter = ["jurisdiction", "sender_kind", "recipient_kind"]
    list_select_related = ["jurisdiction"]
    search_fields = ["source"]
    ordering = ["jurisdiction__code", "sender_kind", "recipient_kind"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Decrees on top of the public calendar; saving or deleting one recomputes open deadlines."""

    list_display = ["date", "jurisdiction", "kind", "source"]
    list_filter = ["jurisdiction", "kind"]
    list_select_related = ["jurisdiction"]
    date_hierarchy = "date"
    search_fields = ["source"]

    def get_readonly_fields(self, request, obj=None):
        # To move a decree to another day, delete it and add the new day (each recomputes).
        return [*super().get_readonly_fields(request, obj), *(["jurisdiction", "date"] if obj else [])]

    def save_model(self, request, obj, form, change):
        saved = calendar_override_save(jurisdiction=obj.jurisdiction, date=obj.date, kind=obj.kind,
                                       source=obj.source, by=request.user)
        # The admin's message, log entry and redirect need the saved row.
        obj.pk = saved.pk
        obj._state.adding, obj._state.db = False, saved._state.db

    def delete_model(self, request, obj):
        calendar_override_delete(override=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for override in queryset.select_related("jurisdiction"):
                calendar_override_delete(override=override, by=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    """Clocks, named by case reference and rule code only (no party, no free text)."""

    list_display = ["case_reference", "rule_code", "due_at", "state"]
    list_filter = ["state", "rule__jurisdiction", "rule__clock"]
    list_select_related = ["case__school", "rule"]
    date_hierarchy = "due_at"
    fields = ["case_reference", "rule_code", "started_at", "due_at", "state", "met_at", "reminders_sent",
              "next_check_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case__school", "rule").defer("case__description")

    @admin.display(description=_("case"), ordering="case__received_at")
    def case_reference(self, obj):
        return obj.case.reference

    @admin.display(description=_("rule"), ordering="rule__code")
    def rule_code(self, obj):
        return obj.rule.code


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Notices, named by case reference, outgoing number and receiving agency; never a party's name."""

    list_display = ["case_reference", "outgoing_number", "from_agency", "recipient_agency", "channel", "sent_at",
                    "acknowledged_at"]
    list_filter = ["channel", "to_agency__kind", "case__jurisdiction"]
    list_select_related = ["case__school", "to_agency", "from_agency"]
    date_hierarchy = "sent_at"
    search_fields = ["outgoing_number"]
    fields = ["case_reference", "outgoing_number", "from_agency", "recipient_agency", "channel", "sent_at",
              "acknowledged_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("case__school", "to_agency", "from_agency")
                .defer("case__description"))

    @admin.display(description=_("case"), ordering="case__received_at")
    def case_reference(self, obj):
        return obj.case.reference

    @admin.display(description=_("recipient agency"), ordering="to_agency__name")
    def recipient_agency(self, obj):
        # A notice to a legal representative is shown as such, without the person.
        return obj.to_agency.name if obj.to_agency_id else _("A legal representative")
