"""The admin shows the commissions' compositions and meetings, read-only.

Every change goes through commission.services (validated and audited): a composition is
approved by the head's order in the commission pages. No votes, decisions or dissenting
opinions here: they are read in the meeting room and the minutes, which are audited.
"""

from django.contrib import admin

from commission.models import Composition, CompositionMember, Meeting


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CompositionMemberInline(admin.TabularInline):
    model = CompositionMember
    fields = ["user", "position", "speciality"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Composition)
class CompositionAdmin(ReadOnlyAdmin):
    list_display = ["commission", "order_number", "order_date", "in_force_from", "approved_by"]
    list_filter = ["commission__school__jurisdiction"]
    list_select_related = ["commission__school", "approved_by"]
    fields = ["commission", "order_number", "order_date", "in_force_from", "approved_by", "created_at"]
    readonly_fields = fields
    inlines = [CompositionMemberInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["commission", "starts_at", "status", "notice_sent_at", "minutes_order_number"]
    list_filter = ["status", "commission__school__jurisdiction"]
    list_select_related = ["commission__school"]
    fields = ["commission", "composition", "starts_at", "place", "status", "late_reason", "notice_sent_at",
              "opened_at", "closed_at", "minutes_order_number", "minutes_order_date", "decision_communicated_at"]
    readonly_fields = fields
