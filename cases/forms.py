"""Browser forms for filing a report. They parse input; the rules are in services."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind
from agencies.selectors import schools_for_intake
from cases.intake import DEFAULT_CHANNEL, agencies_for_intake
from cases.services import PartyInput
from cases.vocabulary import CaseOutcome, Channel, Form, Kind, PartyRole, Place, Sex
from cases.warning_signs import CHECKLIST_SIGNS, Checklist, school_checklist_for
from config import limits

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
                                  required=False, max_length=limits.FREE_TEXT_MAX_LENGTH)
    signs = forms.MultipleChoiceField(
        label=_("Warning signs noticed"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Self-harm or suicidal signs mark the case urgent."),
    )
    # A one-time key made when the form is shown: sending the same form twice
    # (a double click, a resend after a timeout) files one case (issue #7).
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission_key"].initial = uuid.uuid4()
        schools = schools_for_intake(user)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
        first = schools.first()
        self.checklist = school_checklist_for(first.jurisdiction.code if first else "")
        self.fields["signs"].choices = [(s.value, s.label) for s in CHECKLIST_SIGNS[self.checklist]]

    @property
    def is_agency_intake(self) -> bool:
        return False

    def renew_submission_key(self) -> None:
        """A new key for the next send, after the service refused the one this form carried."""
        self.data = self.data.copy()
        self.data[self.add_prefix("submission_key")] = str(uuid.uuid4())


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    family_name = forms.CharField(label=_("Family name"), max_length=limits.NAME_MAX_LENGTH, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=limits.NAME_MAX_LENGTH, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=limits.NAME_MAX_LENGTH, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE_INPUT, required=False)
    # Counted only in the dashboards' aggregates (issue #10); optional.
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Not stated")), *Sex.choices], required=False)
    identity_number = forms.CharField(
        label=_("Identity number"), max_length=limits.IDENTITY_NUMBER_MAX_LENGTH, required=False,
        help_text=_("KZ: IIN, 12 digits. UA: RNOKPP, 10 digits. Optional."),
    )
    class_name = forms.CharField(label=_("Class"), max_length=limits.CLASS_NAME_MAX_LENGTH, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=limits.PHONE_MAX_LENGTH, required=False)
    address = forms.CharField(label=_("Address"), max_length=limits.ADDRESS_MAX_LENGTH, required=False)
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
            sex=data.get("sex", ""), class_name=data.get("class_name", ""), phone=data.get("phone", ""),
            address=data.get("address", ""), is_minor=data.get("is_minor", False),
            is_alleged_perpetrator=data.get("is_alleged_perpetrator", False),
            represents_index=number_to_index.get(represents, -1) if represents else None,
        )


PartyFormSet = forms.formset_factory(PartyForm, extra=0)

# The checklist an agency's staff tick on its intake form (KZ §15-§17; UA I.3 for every UA agency).
AGENCY_CHECKLIST = {
    AgencyKind.POLICE: {"KZ": Checklist.KZ_POLICE},
    AgencyKind.HEALTH: {"KZ": Checklist.KZ_HEALTH},
    AgencyKind.SOCIAL_PROTECTION: {"KZ": Checklist.KZ_SOCIAL},
}


class AgencyCaseForm(CaseForm):
    """The same report form for an agency that opens a case itself (issue #9): the agency is
    its own, the school optional (linked now or later), the channel the agency's usual one."""

    intake_agency = forms.ModelChoiceField(queryset=None, label=_("Received by"))
    field_order = ["intake_agency", "school"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        agencies = agencies_for_intake(user)
        self.fields["intake_agency"].queryset = agencies
        first = agencies.first()
        if agencies.count() == 1:
            self.fields["intake_agency"].initial = first
        jurisdictions = {a.jurisdiction_id for a in agencies}
        school = self.fields["school"]
        school.required = False
        school.label = _("School (if known)")
        school.help_text = _("The child's school. It can also be linked later; its deadlines start then.")
        school.queryset = Agency.objects.filter(kind=AgencyKind.SCHOOL, jurisdiction_id__in=jurisdictions)
        school.initial = None
        self.fields["received_at"].help_text = _("When the report reached your agency: its clocks start here.")
        if first is not None:
            self.fields["channel"].initial = DEFAULT_CHANNEL.get(first.kind)
            code = first.jurisdiction.code
            self.checklist = AGENCY_CHECKLIST.get(first.kind, {}).get(code) or school_checklist_for(code)
            self.fields["signs"].choices = [(s.value, s.label) for s in CHECKLIST_SIGNS[self.checklist]]

    @property
    def is_agency_intake(self) -> bool:
        return True


class CaseFactsForm(forms.Form):
    """The facts a case's intake agency may correct, with the reason (issue #9 item 10)."""

    incident_at = forms.DateTimeField(label=_("Incident happened at"), widget=DATETIME_INPUT, required=False)
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
                                  required=False, max_length=limits.FREE_TEXT_MAX_LENGTH)
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=limits.FREE_TEXT_MAX_LENGTH,
                             error_messages={"required": _("Give the reason for the change.")})

    @classmethod
    def initial_for(cls, case) -> dict:
        return {"incident_at": case.jurisdiction.local(case.incident_at) if case.incident_at else None,
                "kinds": case.kinds, "form_types": case.forms, "places": case.places,
                "description": case.description, "is_urgent": case.is_urgent}

    def changes(self) -> dict:
        data = self.cleaned_data
        return {"incident_at": data.get("incident_at"), "kinds": data.get("kinds") or [],
                "forms": data.get("form_types") or [], "places": data.get("places") or [],
                "description": data.get("description") or "", "is_urgent": bool(data.get("is_urgent"))}


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—")] + [c for c in CaseOutcome.choices if c[0] != CaseOutcome.MERGED],
        error_messages={"required": _("Choose the outcome from the list (a duplicate is merged from its page).")})
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=limits.FREE_TEXT_MAX_LENGTH,
                             error_messages={"required": _("Give the reason for closing the case.")})


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=limits.FREE_TEXT_MAX_LENGTH,
                             error_messages={"required": _("Give the reason for reopening the case.")})


class LinkSchoolForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=_("School"),
                                    error_messages={"required": _("Choose a school of the case's jurisdiction."),
                                                    "invalid_choice": _("Choose a school of the case's jurisdiction.")})

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Agency.objects.filter(kind=AgencyKind.SCHOOL,
                                                               jurisdiction_id=case.jurisdiction_id)


class ScreeningForm(forms.Form):
    checklist = forms.ChoiceField(label=_("Checklist"), error_messages={"required": _("Choose a checklist.")})
    signs = forms.MultipleChoiceField(label=_("Warning signs noticed"), widget=forms.CheckboxSelectMultiple,
                                      required=False, help_text=_("Self-harm or suicidal signs mark the case urgent."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = case.jurisdiction.code.lower() + "_"
        checklists = [c for c in Checklist if c.value.startswith(prefix)]
        self.fields["checklist"].choices = [("", "—")] + [(c.value, c.label) for c in checklists]
        seen, choices = set(), []
        for checklist in checklists:
            for sign in CHECKLIST_SIGNS[checklist]:
                if sign.value not in seen:
                    seen.add(sign.value)
                    choices.append((sign.value, sign.label))
        self.fields["signs"].choices = choices

PARTY_IDENTITY_FIELDS = ("family_name", "given_name", "patronymic", "birth_date", "identity_number",
                         "class_name", "phone", "address")


def is_blank_party(form: PartyForm) -> bool:
    """A party row the user left empty (the form starts with two rows)."""
    return not any(form.cleaned_data.get(name) for name in PARTY_IDENTITY_FIELDS)

PARTY_FIELD_BY_INPUT = {"represents_index": "represents_number"}
