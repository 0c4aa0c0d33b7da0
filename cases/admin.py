"""The admin shows cases' register data only.

No description, no parties, no Party admin: the admin does not go through the
case selectors, so it would read personal data without leaving an audit event
(DESIGN §5, §6). Personal data is read in the case workspace, which is audited.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.models import Case

CASE_ADMIN_FIELDS = ["reference", "intake_agency", "school", "received_at", "channel", "kinds", "is_urgent", "status",
                     "outcome"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = CASE_ADMIN_FIELDS
    list_filter = ["status", "is_urgent", "channel", "jurisdiction"]
    list_select_related = ["school", "intake_agency"]
    fields = CASE_ADMIN_FIELDS
    readonly_fields = CASE_ADMIN_FIELDS
    show_full_result_count = False

    def get_queryset(self, request):
        # Not even loaded: the changelist never holds the sealed description.
        return super().get_queryset(request).defer("description")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reference"))
    def reference(self, obj):
        return obj.reference
