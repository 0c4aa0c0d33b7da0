"""Admin for the help directory. Entries are written through directory.services, so each
change is checked like one made on the site and audited; an entry is never deleted (the
referrals recorded on cases name it), only deactivated."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from config.errors import InputError, errors_to_form
from directory.models import HelpOrganisation, HelpService
from directory.services import (
    EDITABLE_FIELDS, help_organisation_create, help_organisation_deactivate, help_organisation_errors,
    help_organisation_update,
)


class HelpOrganisationAdminForm(forms.ModelForm):
    services = forms.MultipleChoiceField(label=_("services"), choices=HelpService.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    # The service checks the address and adds https:// when it is left out.
    website = forms.CharField(label=_("website"), max_length=200, required=False)

    class Meta:
        model = HelpOrganisation
        fields = ["jurisdiction", "region", "district", "name", "services", "address", "phone", "email", "website",
                  "hours", "notes", "is_active"]

    def clean(self):
        data = super().clean()
        jurisdiction = data.get("jurisdiction") or getattr(self.instance, "jurisdiction", None)
        if jurisdiction is not None:
            # The service's checks beside the fields' own; a field the form refused keeps its message.
            errors_to_form(self, help_organisation_errors(
                jurisdiction=jurisdiction, **{name: data.get(name) for name in EDITABLE_FIELDS}),
                keep_form_errors=True)
        return data


@admin.register(HelpOrganisation)
class HelpOrganisationAdmin(admin.ModelAdmin):
    form = HelpOrganisationAdminForm
    list_display = ["name", "jurisdiction", "region", "phone", "is_active", "updated_at"]
    list_filter = ["jurisdiction", "is_active", "region"]
    search_fields = ["name", "address", "phone"]
    actions = ["deactivate"]

    def get_readonly_fields(self, request, obj=None):
        # An entry stays in its country: referrals of that country's cases name it.
        return [*super().get_readonly_fields(request, obj), *(["jurisdiction"] if obj else [])]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in EDITABLE_FIELDS}
        if change:
            saved = help_organisation_update(user=request.user, organisation=obj, is_active=form.cleaned_data.get(
                "is_active", obj.is_active), **values)
        else:
            saved = help_organisation_create(user=request.user, jurisdiction=form.cleaned_data["jurisdiction"],
                                             **values)
            if not form.cleaned_data.get("is_active", True):
                saved = help_organisation_deactivate(user=request.user, organisation=saved)
        obj.pk = saved.pk

    @admin.action(description=_("Deactivate the selected organisations"))
    def deactivate(self, request, queryset):
        count = 0
        for organisation in queryset.filter(is_active=True):
            try:
                help_organisation_deactivate(user=request.user, organisation=organisation)
            except InputError:
                continue
            count += 1
        self.message_user(request, _("%(count)d organisations deactivated.") % {"count": count}, messages.SUCCESS)
