from django.contrib import admin

from agencies.models import Agency, District, Jurisdiction, Membership, Region


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone", "holiday_country", "language"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "jurisdiction", "region"]
    list_filter = ["jurisdiction", "kind"]
    inlines = [MembershipInline]
