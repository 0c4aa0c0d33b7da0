"""Browser forms for support plans. They parse input; the rules are in support.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.people import display_name
from cases.forms import DATE_INPUT
from config import limits
from support.models import PLAN_KINDS, Measure

TEXTAREA = forms.Textarea(attrs={"rows": 2})


def party_label(party, *, with_identity: bool) -> str:
    label = _("%(role)s no. %(number)s") % {"role": party.get_role_display(), "number": party.position + 1}
    return f"{label}: {party.full_name}" if with_identity else str(label)


class PlanForm(forms.Form):
    party = forms.ChoiceField(label=_("Child"), error_messages={
        "required": _("Choose a child of this case."), "invalid_choice": _("Choose a child of this case.")})
    kind = forms.ChoiceField(label=_("Kind of plan"), error_messages={
        "required": _("Choose the kind of plan."), "invalid_choice": _("Choose a kind of plan from the list.")})
    agreed_with_parents_on = forms.DateField(
        label=_("Agreed with the parents on"), widget=DATE_INPUT, required=False,
        help_text=_("An initiator's plan is agreed with the parents or legal representatives (KZ §40)."))
    review_interval_months = forms.IntegerField(label=_("Review every (months)"), required=False, min_value=1,
                                                max_value=12, help_text=_("Default: 6 months."))
    next_review_on = forms.DateField(label=_("First review"), widget=DATE_INPUT, required=False,
                                     help_text=_("Default: today plus the review interval."))

    def __init__(self, *args, case, parties, with_identity: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [("", "---------")] + [
            (pk, party_label(p, with_identity=with_identity)) for pk, p in self.parties.items()]
        kinds = PLAN_KINDS.get(case.jurisdiction.code, {})
        self.fields["kind"].choices = [("", "---------")] + [(k.value, k.label) for k in kinds]

    def clean_party(self):
        return self.parties[self.cleaned_data["party"]]


class ItemForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=[("", "---------"), *Measure.choices], error_messages={
        "required": _("Choose a measure from the list."), "invalid_choice": _("Choose a measure from the list.")})
    detail = forms.CharField(label=_("Details"), widget=TEXTAREA, required=False,
                             max_length=limits.PLAN_NOTE_MAX_LENGTH)
    owner = forms.ChoiceField(label=_("Owner"), error_messages={
        "required": _("Choose the person responsible."), "invalid_choice": _("Choose the person responsible.")})
    due_on = forms.DateField(label=_("Due date"), widget=DATE_INPUT,
                             error_messages={"required": _("Enter the due date.")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {}
        groups = []
        for agency, users in candidates:
            options = []
            for user in users:
                key = f"{agency.pk}:{user.pk}"
                self.owners[key] = (agency, user)
                options.append((key, display_name(user)))
            if options:
                groups.append((agency.name, options))
        self.fields["owner"].choices = [("", "---------"), *groups]

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class ItemEditForm(ItemForm):
    """An open item's owner and due date (the measure and its details stay as recorded)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["measure"], self.fields["detail"]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=TEXTAREA, max_length=limits.PLAN_NOTE_MAX_LENGTH,
                           error_messages={"required": _("Write the progress note.")})


class DoneForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), widget=TEXTAREA, required=False,
                           max_length=limits.PLAN_NOTE_MAX_LENGTH)


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("What the review found"), widget=TEXTAREA, max_length=limits.PLAN_NOTE_MAX_LENGTH,
                           error_messages={"required": _("Write what the review found.")})
    next_review_on = forms.DateField(label=_("Next review"), widget=DATE_INPUT, required=False,
                                     help_text=_("Default: today plus the plan's review interval."))


class AgreeForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed with the parents on"), widget=DATE_INPUT,
                                error_messages={"required": _("Enter the date the parents agreed the plan.")})
