"""Browser forms for the commission. They parse input; the rules are in commission.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.people import display_name
from cases.forms import DATE_INPUT, DATETIME_INPUT
from commission.models import MeetingNoticeChannel, Position, Speciality, SubstitutionBasis, VoteChoice

BLANK = [("", "—")]


class PersonChoiceField(forms.ModelChoiceField):
    """A person shown by name with where they work, so that two namesakes can be told apart."""

    def label_from_instance(self, user):
        places = ", ".join(f"{m.agency.name}: {m.get_role_display()}" for m in user.memberships.all())
        return f"{display_name(user)} — {places}" if places else display_name(user)


class CompositionForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=32)
    order_date = forms.DateField(label=_("Order date"), widget=DATE_INPUT)
    in_force_from = forms.DateField(label=_("In force from"), widget=DATE_INPUT)
    outside_absence_reason = forms.CharField(
        label=_("Why the children's service or the centre of social services is not represented"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the school documents that they declined to delegate a representative (UA III.2)."),
    )


class CompositionMemberForm(forms.Form):
    """One row of the composition; a row left blank is skipped."""

    user = PersonChoiceField(label=_("Person"), queryset=None, required=False)
    position = forms.ChoiceField(label=_("Position"), choices=BLANK + Position.choices, required=False)
    speciality = forms.ChoiceField(label=_("Speciality"), choices=BLANK + Speciality.choices, required=False)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("user") or data.get("position") or data.get("speciality"))

    def clean(self):
        data = super().clean()
        if data.get("user") or data.get("position") or data.get("speciality"):
            for name, message in (("user", _("Choose the person.")), ("position", _("Choose the position.")),
                                  ("speciality", _("Choose the speciality."))):
                if not data.get(name):
                    self.add_error(name, message)
        return data


CompositionMemberFormSet = forms.formset_factory(CompositionMemberForm, extra=0)


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200)
    cases = forms.ModelMultipleChoiceField(
        label=_("Agenda"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Put at least one case on the agenda.")},
    )
    late_reason = forms.CharField(
        label=_("Reason for a later date"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the meeting is later than a case's 3-working-day deadline (UA II.2)."),
    )
    short_notice_reason = forms.CharField(
        label=_("Reason for the short notice"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the notice can no longer be given by 18:00 of the day before (UA IV.6)."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = candidates


class DeadlineCheckForm(forms.Form):
    """The scheduling form's date and cases, read leniently for the live deadline warning."""

    starts_at = forms.DateTimeField(required=False, widget=DATETIME_INPUT)
    cases = forms.ModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = candidates


class InvitationForm(forms.Form):
    case = forms.ModelChoiceField(label=_("For the case"), queryset=None)
    invitee = PersonChoiceField(label=_("Person invited"), queryset=None)
    consent_recorded = forms.BooleanField(
        label=_("Consent recorded"), required=False,
        help_text=_("Parents take part only with their consent (UA III.2)."),
    )

    def __init__(self, *args, cases, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: case.reference
        self.fields["invitee"].queryset = invitees


class MeetingNoticeForm(forms.Form):
    """UA IV.6: a notice of the meeting given to the applicant or another interested person."""

    case = forms.ModelChoiceField(label=_("For the case"), queryset=None)
    party = forms.ModelChoiceField(label=_("Party of the case"), queryset=None, required=False)
    person = PersonChoiceField(label=_("Or a staff member"), queryset=None, required=False)
    channel = forms.ChoiceField(label=_("How"), choices=MeetingNoticeChannel.choices)
    sent_at = forms.DateTimeField(label=_("When"), widget=DATETIME_INPUT)

    def __init__(self, *args, cases, parties, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: case.reference
        self.fields["party"].queryset = parties
        # By role and number, with the case: the room does not need the name to record the notice.
        self.fields["party"].label_from_instance = lambda party: "%s — %s %s" % (
            party.case.reference, party.get_role_display(), party.position + 1)
        self.fields["person"].queryset = people


class SubstitutionForm(forms.Form):
    basis = forms.ChoiceField(label=_("Basis"), choices=SubstitutionBasis.choices)
    substitute = PersonChoiceField(label=_("Acts as"), queryset=None)
    proposed_by = PersonChoiceField(label=_("Proposed by"), queryset=None, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = members
        self.fields["proposed_by"].queryset = members


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices, widget=forms.RadioSelect)
    dissent = forms.CharField(
        label=_("Dissenting opinion (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Goes into the minutes under your name (UA III.5)."),
    )


class DecisionForm(forms.Form):
    needs_assessment = forms.CharField(label=_("Needs assessment of the parties"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    causes_and_measures = forms.CharField(label=_("Causes and measures to remove them"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    class_measures = forms.CharField(label=_("Educational measures for the class"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    recommendations_teachers = forms.CharField(label=_("Recommendations to teachers"), required=False,
                                               widget=forms.Textarea(attrs={"rows": 3}))
    recommendations_parents = forms.CharField(label=_("Recommendations to parents"), required=False,
                                              widget=forms.Textarea(attrs={"rows": 3}))


class MonitoringForm(forms.Form):
    description = forms.CharField(label=_("Measure"), max_length=300, required=False)
    owner = PersonChoiceField(label=_("Responsible"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or data.get("owner") or data.get("due_date"))


MonitoringFormSet = forms.formset_factory(MonitoringForm, extra=3)


class MinutesOrderForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=32, required=False)
    order_date = forms.DateField(label=_("Order date"), widget=DATE_INPUT)
