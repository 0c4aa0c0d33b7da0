from django import forms
from django.core.validators import MaxLengthValidator
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from config import limits


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, strip=True,
        help_text=_("The 6-digit code your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )


class EnrolCodeForm(CodeForm):
    code = forms.CharField(
        label=_("Code from the app"), max_length=12, strip=True,
        help_text=_("The 6-digit code the app shows after you add the account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (the old password, the new one twice, AUTH_PASSWORD_VALIDATORS) with input
    lengths bounded like every other input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].max_length = limits.PASSWORD_MAX_LENGTH
            self.fields[name].validators.append(MaxLengthValidator(limits.PASSWORD_MAX_LENGTH))
