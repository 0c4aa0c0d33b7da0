"""Browser forms for documents and takedown requests: shapes only; the services check the rules."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import limits
from evidence import selectors
from evidence.models import AttachedTo, Platform, TakedownStatus
from evidence.services import TITLE_MAX_LENGTH, URL_MAX_LENGTH


def attachment_choices(case) -> list[tuple[str, str]]:
    """"case", "notice:<id>", "action:<id>", "meeting:<id>": what a document of this case can belong to."""
    choices = [(AttachedTo.CASE.value, _("The case as a whole"))]
    for notice in selectors.attachable_notices(case):
        choices.append((f"notice:{notice.pk}", _("Notice No. %(number)s") % {"number": notice.outgoing_number}))
    for action in selectors.attachable_actions(case):
        choices.append((f"action:{action.pk}", _("%(action)s of %(date)s") % {
            "action": action.get_kind_display(),
            "date": case.jurisdiction.local(action.occurred_at).strftime("%d.%m.%Y %H:%M")}))
    for meeting in selectors.attachable_meetings(case):
        choices.append((f"meeting:{meeting.pk}", _("Commission meeting of %(date)s") % {
            "date": case.jurisdiction.local(meeting.starts_at).strftime("%d.%m.%Y %H:%M")}))
    return choices


class DocumentForm(forms.Form):
    # Errors of the service's "attached_to"/"attached_id" and "file" go to these fields.
    SERVICE_FIELDS = {"attached_to": "attached", "attached_id": "attached"}

    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=True,
                           error_messages={"required": gettext_lazy("Choose a file.")},
                           help_text=gettext_lazy("A photo (JPEG, PNG), a PDF or a text file. Location and "
                                                  "camera data are removed from photos."))
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=TITLE_MAX_LENGTH)
    attached = forms.ChoiceField(label=gettext_lazy("Belongs to"))
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  max_length=limits.FREE_TEXT_MAX_LENGTH,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attached"].choices = choices if choices is not None else attachment_choices(case)
        self.fields["file"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.pdf,.txt"

    def attachment(self) -> tuple[str, str]:
        kind, _sep, object_id = self.cleaned_data["attached"].partition(":")
        return kind, object_id


class RemoveForm(forms.Form):
    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, auto_id=f"document-{document.pk}-%s", **kwargs)

    reason = forms.CharField(label=gettext_lazy("Reason for removal"), required=False,
                             max_length=limits.FREE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))


class TakedownForm(forms.Form):
    platform = forms.ChoiceField(label=gettext_lazy("Platform"), choices=Platform.choices)
    content_url = forms.CharField(label=gettext_lazy("Address of the content"), max_length=URL_MAX_LENGTH,
                                  required=False)
    platform_reference = forms.CharField(label=gettext_lazy("Reference at the platform"), required=False,
                                         max_length=100)
    requested_at = forms.DateTimeField(label=gettext_lazy("Requested at"), required=False,
                                       help_text=gettext_lazy("Leave empty for now."),
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class TakedownUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=TakedownStatus.choices)
    platform_reference = forms.CharField(label=gettext_lazy("Reference at the platform"), required=False,
                                         max_length=100)

    def __init__(self, *args, takedown, **kwargs):
        # One form per request on the page: ids of its own.
        super().__init__(*args, auto_id=f"takedown-{takedown.pk}-%s", **kwargs)
        self.fields["status"].initial = takedown.status
        self.fields["platform_reference"].initial = takedown.platform_reference
