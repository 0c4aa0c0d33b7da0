"""Browser forms for filing a report. They parse input; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.selectors import schools_for_intake
from cases.services import PartyInput
from cases.vocabulary import Channel, Form, Kind, PartyRole, Place
from cases.warning_signs import CHECKLIST_SIGNS, school_checklist_for

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=_("School"))
    received_at = forms.DateTimeField(
        label=_("Report received at"), widget=DATETIME_INPUT,
        help_text=_("When the report reached the school head or coordinator: the clocks start here."),
    )
    incident_at = forms.DateTimeField(label=_("Incident happened at"), widget=DATETIME_INPUT, required=False)
    channel = forms.ChoiceField(label=_("How the report came in"), choices=Channel.choices)
    kinds = forms.MultipleChoiceField(
        label=_("Kind"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind.")},
    )
    form_types = forms.MultipleChoiceField(
        label=_("Form"), choices=Form.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    places = forms.MultipleChoiceField(
        label=_("Where"), choices=Place.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False)
    signs = forms.MultipleChoiceField(
        label=_("Warning signs noticed"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Self-harm or suicidal signs mark the case urgent."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = schools_for_intake(user)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
        first = schools.first()
        self.checklist = school_checklist_for(first.jurisdiction.code if first else "")
        self.fields["signs"].choices = [(s.value, s.label) for s in CHECKLIST_SIGNS[self.checklist]]


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE_INPUT, required=False)
    identity_number = forms.CharField(
        label=_("Identity number"), max_length=20, required=False,
        help_text=_("KZ: IIN, 12 digits. UA: RNOKPP, 10 digits. Optional."),
    )
    class_name = forms.CharField(label=_("Class"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    is_minor = forms.BooleanField(label=_("Minor"), required=False, initial=True)
    is_alleged_perpetrator = forms.BooleanField(label=_("Alleged perpetrator (adult)"), required=False)
    represents_number = forms.IntegerField(
        label=_("Represents party no."), min_value=1, required=False,
        help_text=_("For a legal representative: the number of the minor they represent."),
    )

    def to_input(self, *, number_to_index: dict[int, int]) -> PartyInput:
        """What parsed: a refused form still gives its other fields to the service's checks."""
        data = self.cleaned_data
        represents = data.get("represents_number")
        return PartyInput(
            role=data.get("role", ""), family_name=data.get("family_name", ""),
            given_name=data.get("given_name", ""), patronymic=data.get("patronymic", ""),
            birth_date=data.get("birth_date"), identity_number=data.get("identity_number", ""),
            class_name=data.get("class_name", ""), phone=data.get("phone", ""),
            address=data.get("address", ""), is_minor=data.get("is_minor", False),
            is_alleged_perpetrator=data.get("is_alleged_perpetrator", False),
            represents_index=number_to_index.get(represents, -1) if represents else None,
        )


PartyFormSet = forms.formset_factory(PartyForm, extra=0)

PARTY_IDENTITY_FIELDS = ("family_name", "given_name", "patronymic", "birth_date", "identity_number",
                         "class_name", "phone", "address")


def is_blank_party(form: PartyForm) -> bool:
    """A party row the user left empty (the form starts with two rows)."""
    return not any(form.cleaned_data.get(name) for name in PARTY_IDENTITY_FIELDS)

PARTY_FIELD_BY_INPUT = {"represents_index": "represents_number"}
