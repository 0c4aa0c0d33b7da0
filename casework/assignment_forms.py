"""The assignment form of a case page: one per agency the user hands out cases in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.people import display_name


class _AssigneeField(forms.TypedChoiceField):
    """A user id from the officers offered; the service decides who may hold the case, so an
    id that is not offered (any more) reaches it and gets its message."""

    def valid_value(self, value):
        return True


class AssignmentForm(forms.Form):
    agency = forms.CharField(widget=forms.HiddenInput, max_length=32)
    assignee = _AssigneeField(label=_("Officer"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody (unassigned)"))] + [
            (officer.pk, display_name(officer)) for officer in officers]
