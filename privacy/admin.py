from django.contrib import admin

from privacy.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, to read only: the database refuses changes anyway (DESIGN §6)."""

    list_display = ["at", "actor", "action", "case_id"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    fields = ["at", "actor", "action", "case_id", "detail", "txid"]
    readonly_fields = fields
    # The trail grows without end: skip the second, unfiltered COUNT(*).
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
