"""The admin lists support plans and their items read-only, without their free text.

Every change goes through support.services (validated, clocked and audited) on the case page;
the details, progress notes and review notes may name children and are read there, where
every read of a case is audited.
"""

from django.contrib import admin

from support.models import PlanItem, SupportPlan


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupportPlan)
class SupportPlanAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "kind", "status", "agency", "next_review_on", "created_at"]
    list_filter = ["status", "kind", "case__jurisdiction"]
    list_select_related = ["case__school", "agency"]
    fields = ["case", "kind", "status", "agreed_with_parents_at", "review_interval_months", "next_review_on",
              "reviews_held", "agency", "created_by", "created_at", "closed_at"]
    readonly_fields = fields


@admin.register(PlanItem)
class PlanItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "plan", "measure", "owner_agency", "due_on", "done_at"]
    list_filter = ["measure", "plan__case__jurisdiction"]
    list_select_related = ["plan", "owner_agency"]
    fields = ["plan", "measure", "owner_agency", "owner", "due_on", "done_at", "done_by", "monitoring_item",
              "agency", "created_by", "created_at"]
    readonly_fields = fields
