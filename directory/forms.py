"""Browser forms of the help directory. They parse input; the rules are in directory.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import District, Region
from config import limits
from directory.models import HelpService


class DirectoryFilterForm(forms.Form):
    """The list's filters: a region (its own and the national entries), a service, words."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("All regions"))
    service = forms.ChoiceField(label=_("Service"), required=False,
                                choices=[("", _("All services")), *HelpService.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(jurisdiction=jurisdiction)


class HelpOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=HelpService.choices, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose the services from the list.")})
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("Whole country"),
        help_text=_("Leave empty for an organisation that serves the whole country, such as a helpline."),
        error_messages={"invalid_choice": _("Choose a region of this country.")})
    district = forms.ModelChoiceField(
        label=_("District or city"), queryset=District.objects.none(), required=False, empty_label="—",
        error_messages={"invalid_choice": _("This district or city is not in the chosen region.")})
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=60, required=False,
                            help_text=_("Several numbers may be separated by commas."))
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}))
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False,
                            help_text=_("E.g. Mon–Fri 9:00–18:00; around the clock."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=limits.FREE_TEXT_MAX_LENGTH,
                            help_text=_("What to know before referring: ages, languages, whether a referral "
                                        "letter is needed. Never write about a child or a family here."))
    is_active = forms.BooleanField(label=_("Active (offer it for referrals)"), required=False, initial=True)

    # The service's error keys are the form's field names.
    SERVICE_FIELDS: dict = {}

    def __init__(self, *args, jurisdiction, with_active: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(jurisdiction=jurisdiction)
        self.fields["district"].queryset = District.objects.filter(region__jurisdiction=jurisdiction)
        if not with_active:
            del self.fields["is_active"]

    def service_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields if name in self.cleaned_data}
