"""Browser forms of pupils' reports. They parse input; the rules are in tipline.services."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT, DATETIME_INPUT
from cases.vocabulary import Form, Kind, Place
from config import limits
from tipline import services


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the evidence app in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


ACCEPT = "image/png,image/jpeg,application/pdf,text/plain"


def _passphrase_too_short() -> str:
    return gettext("Choose a passphrase of at least %(n)d characters.") % {"n": services.PASSPHRASE_MIN_LENGTH}


# Translated when shown (in the reporter's language), not when this module is imported.
PASSPHRASE_TOO_SHORT = lazy(_passphrase_too_short, str)()


class TipForm(forms.Form):
    what = forms.CharField(
        label=_("What happened?"), max_length=services.WHAT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your own words. You do not have to give any names."),
        error_messages={"required": _("Tell us what happened.")})
    place = forms.ChoiceField(label=_("Where?"), choices=[("", "—")] + list(Place.choices), required=False)
    happened_on = forms.DateField(label=_("When? (about)"), widget=DATE_INPUT, required=False)
    who = forms.CharField(label=_("Who was involved? (optional)"), max_length=services.SHORT_TEXT_MAX_LENGTH,
                          widget=forms.Textarea(attrs={"rows": 2}), required=False)
    feeling = forms.CharField(label=_("How do you feel?"), max_length=services.SHORT_TEXT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=services.NAME_MAX_LENGTH,
                                    required=False,
                                    help_text=_("Leave it empty to stay anonymous. Only the school sees it."))
    reporter_contact = forms.CharField(label=_("How to reach you (optional)"),
                                       max_length=services.CONTACT_MAX_LENGTH, required=False)
    files = MultipleFileField(label=_("Screenshots or files (optional)"), required=False,
                            help_text=_("Up to 3 pictures (PNG, JPEG), PDF or text files. Photo details such "
                                        "as place and time are removed."))
    passphrase = forms.CharField(
        label=_("Choose a passphrase"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=services.PASSPHRASE_MAX_LENGTH, min_length=services.PASSPHRASE_MIN_LENGTH, strip=False,
        help_text=_("At least 8 characters. With it and your code you read the school's answer."),
        error_messages={"required": PASSPHRASE_TOO_SHORT, "min_length": PASSPHRASE_TOO_SHORT})
    passphrase_again = forms.CharField(
        label=_("The passphrase again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=services.PASSPHRASE_MAX_LENGTH, strip=False, required=False)
    # The honeypot: hidden from people (CSS), filled in by programs.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))


class FollowUpForm(forms.Form):
    code = forms.CharField(label=_("Your code"), max_length=64,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}),
                           error_messages={"required": _("Enter your code.")})
    passphrase = forms.CharField(label=_("Your passphrase"), widget=forms.PasswordInput, strip=False,
                                 max_length=services.PASSPHRASE_MAX_LENGTH,
                                 error_messages={"required": _("Enter your passphrase.")})


class ReporterMessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                           max_length=services.MESSAGE_MAX_LENGTH)
    files = MultipleFileField(label=_("Add screenshots or files"), required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=services.MESSAGE_MAX_LENGTH,
                           help_text=_("The reporter reads it with their code. Do not name other children."),
                           error_messages={"required": _("Write the reply.")})


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for closing"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=services.REASON_MAX_LENGTH,
                             help_text=_("The reporter reads this reason."),
                             error_messages={"required": _("Give the reason: the reporter reads it.")})


class ConvertForm(forms.Form):
    """The intake form's facts for a case made from a report; the school, the channel and the
    receipt time come from the report and cannot change."""

    incident_at = forms.DateTimeField(label=_("Incident happened at"), widget=DATETIME_INPUT, required=False)
    kinds = forms.MultipleChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Choose at least one kind.")})
    form_types = forms.MultipleChoiceField(label=_("Form"), choices=Form.choices,
                                           widget=forms.CheckboxSelectMultiple, required=False)
    places = forms.MultipleChoiceField(label=_("Where"), choices=Place.choices,
                                       widget=forms.CheckboxSelectMultiple, required=False)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}),
                                  required=False, max_length=limits.FREE_TEXT_MAX_LENGTH)
