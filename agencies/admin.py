"""Admin for the directory of jurisdictions, agencies and their staff.

Agencies and memberships are written through agencies.services, so an
agency always has its case group and a member's group membership always
follows their roles (who may open the agency's cases).
"""

from django.contrib import admin
from django.db import transaction

from agencies.models import Agency, District, Jurisdiction, Membership, Region
from agencies.services import agency_create, membership_add, membership_remove


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone", "holiday_country", "language"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]


def _membership_replace(old: Membership | None, new: Membership, *, by) -> None:
    """Save an added or edited membership through the services (group kept right, audited)."""
    if old is not None:
        membership_remove(membership=old, by=by)
    membership_add(user=new.user, agency=new.agency, role=new.role, by=by)


def _agency_delete(agency: Agency) -> None:
    """An agency's case group goes with it, so that a later agency with the same
    code does not inherit its members or its grants on cases."""
    group = agency.case_group
    agency.delete()
    group.delete()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "jurisdiction", "region"]
    list_filter = ["jurisdiction", "kind"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The code is part of every case reference of the agency: fixed once created.
        return [*super().get_readonly_fields(request, obj), *(["code"] if obj else [])]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        # case_group is required and not editable: agency_create makes it.
        created = agency_create(
            jurisdiction=obj.jurisdiction, kind=obj.kind, name=obj.name, code=obj.code,
            region=obj.region, district=obj.district,
        )
        obj.pk, obj.case_group = created.pk, created.case_group
        obj._state.adding, obj._state.db = False, created._state.db

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership_remove(membership=membership, by=request.user)
        for membership, _changed in formset.changed_objects:
            _membership_replace(Membership.objects.get(pk=membership.pk), membership, by=request.user)
        for membership in formset.new_objects:
            _membership_replace(None, membership, by=request.user)

    def delete_model(self, request, obj):
        with transaction.atomic():
            _agency_delete(obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for agency in queryset.select_related("case_group"):
                _agency_delete(agency)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role", "agency__kind", "agency__jurisdiction"]
    list_select_related = ["user", "agency"]
    search_fields = ["user__username", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request, obj, form, change):
        old = Membership.objects.select_related("user", "agency").get(pk=obj.pk) if change else None
        _membership_replace(old, obj, by=request.user)
        # The admin's "changed" message and redirect need the saved row.
        saved = Membership.objects.get(user=obj.user, agency=obj.agency, role=obj.role)
        obj.pk = saved.pk
        obj._state.adding, obj._state.db = False, saved._state.db

    def delete_model(self, request, obj):
        membership_remove(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for membership in queryset.select_related("user", "agency"):
                membership_remove(membership=membership, by=request.user)
