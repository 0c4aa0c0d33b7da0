"""The admin shows documents and takedown requests for reading only: every write goes through
``evidence.services`` (audited), never a form here."""

from django.contrib import admin

from evidence.models import Document, TakedownRequest


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(_ReadOnly):
    # Facts only: titles, names and contents are personal data and stay out of the admin.
    list_display = ["case", "number", "content_type", "size", "uploaded_at", "agency", "removed_at"]
    fields = list_display + ["sha256", "received_sha256", "metadata_stripped", "source"]
    list_select_related = ["case__school", "agency"]


@admin.register(TakedownRequest)
class TakedownRequestAdmin(_ReadOnly):
    list_display = ["case", "number", "platform", "status", "requested_at", "agency"]
    fields = list_display + ["status_at", "platform_reference"]
    list_select_related = ["case__school", "agency"]
