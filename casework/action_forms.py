"""Browser forms for an agency's action and the child's first account, built from the registry.

They parse input only (every field optional here); what is required and what is allowed is
the service's to say (``casework.services.actions``), so the form and the API refuse alike.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import registry
from casework.action_selectors import child_parties
from config import limits
from directory.models import HelpOrganisation
from notifications.forms import DATETIME_INPUT, LOCAL_TIME_HELP

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "---------")]


def party_label(party, *, with_identity: bool) -> str:
    label = _("%(role)s no. %(number)s") % {"role": party.get_role_display(), "number": party.position + 1}
    return f"{label}: {party.full_name}" if with_identity else label


def _field(spec: registry.Field, *, case, with_identity: bool) -> forms.Field:
    label = _("%(label)s (required)") % {"label": spec.label} if spec.required else spec.label
    common = {"label": label, "required": False, "help_text": spec.help}
    if spec.type == registry.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.FREE_TEXT_MAX_LENGTH,
                               **common)
    if spec.type == registry.LINE:
        return forms.CharField(max_length=limits.LINE_MAX_LENGTH, **common)
    if spec.type == registry.CODE:
        return forms.CharField(max_length=limits.CODE_MAX_LENGTH, **common)
    if spec.type == registry.DATE:
        return forms.DateField(widget=DATE_INPUT, **common)
    if spec.type == registry.BOOL:
        return forms.BooleanField(**common)
    if spec.type == registry.CHOICE:
        return forms.ChoiceField(choices=BLANK + list(spec.choices), **common)
    if spec.type == registry.CHOICES:
        return forms.MultipleChoiceField(choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common)
    if spec.type == registry.PARTY:
        choices = [(str(p.pk), party_label(p, with_identity=with_identity)) for p in child_parties(case)]
        return forms.ChoiceField(choices=BLANK + choices, **common)
    if spec.type == registry.ORGANISATION:
        # The directory is public data about organisations, never about people (directory.models).
        orgs = HelpOrganisation.objects.filter(jurisdiction_id=case.jurisdiction_id, is_active=True)
        return forms.ChoiceField(choices=BLANK + [(str(o.pk), o.name) for o in orgs], **common)
    raise ValueError(spec.type)


def action_form(spec: registry.Kind, *, case, with_identity: bool, edit: bool = False, data=None, initial=None):
    """A form with the kind's fields, the time, and for a correction the reason."""
    fields = {"occurred_at": forms.DateTimeField(label=_("When"), widget=DATETIME_INPUT, required=False,
                                                 help_text=LOCAL_TIME_HELP)}
    for spec_field in spec.fields:
        fields[spec_field.name] = _field(spec_field, case=case, with_identity=with_identity)
    if edit:
        fields["reason"] = forms.CharField(label=_("Reason for the correction"), required=False,
                                           max_length=limits.FREE_TEXT_MAX_LENGTH,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    form_class = type("ActionForm", (forms.Form,), fields)
    form = form_class(data=data, initial=initial, auto_id="id_action_%s")
    form.required_names = {f.name for f in spec.fields if f.required} | ({"reason"} if edit else set())
    return form


def action_values(form) -> dict:
    """The kind's fields from a valid form, as the service takes them."""
    return {k: v for k, v in form.cleaned_data.items() if k not in ("occurred_at", "reason")}


def action_initial(action) -> dict:
    initial = {"occurred_at": action.occurred_at, **action.data, **action.texts}
    return {k: (str(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in initial.items()}


class KindChoiceForm(forms.Form):
    """The first step: which action (among those the user's agency may record)."""

    kind = forms.ChoiceField(label=_("Action"))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BLANK + [(k, registry.REGISTRY[k].label) for k in kinds]


class FirstAccountForm(forms.Form):
    party = forms.ChoiceField(label=_("Child"), required=False)
    spoken_at = forms.DateTimeField(label=_("When the child spoke"), widget=DATETIME_INPUT, required=False,
                                    help_text=LOCAL_TIME_HELP)
    place = forms.CharField(label=_("Where"), required=False, max_length=limits.FIRST_ACCOUNT_MAX_LENGTH)
    present = forms.CharField(label=_("Who was present"), required=False, max_length=limits.FIRST_ACCOUNT_MAX_LENGTH)
    words = forms.CharField(label=_("The child's words, verbatim"), required=False,
                            max_length=limits.FIRST_ACCOUNT_MAX_LENGTH,
                            widget=forms.Textarea(attrs={"rows": 10}),
                            help_text=_("Write down everything the child said, in the child's own words "
                                        "(KZ §35.9). Do not add your own conclusions."))

    def __init__(self, *args, parties, with_identity: bool, **kwargs):
        kwargs.setdefault("auto_id", "id_account_%s")
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = BLANK + [
            (str(p.pk), party_label(p, with_identity=with_identity)) for p in parties]


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=limits.FIRST_ACCOUNT_MAX_LENGTH,
                           help_text=_("What the child added later, or a correction of a slip in the record. "
                                       "The account above stays as it was recorded."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_addendum_%s")
        super().__init__(*args, **kwargs)
