"""Browser forms for notices, case events and waivers. They parse input; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.services import PartyInput
from cases.vocabulary import PartyRole
from notifications.models import NoticeChannel, SatisfyEvent, StartEvent

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LOCAL_TIME_HELP = _("Local time of the case's country. Leave empty if it happened just now.")


class SelectWithDisabled(forms.Select):
    """A select whose listed values are shown but cannot be picked."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = set(disabled_values)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


def representative_label(party, *, with_identity: bool) -> str:
    """A legal representative by number; the name only for readers who may see identities."""
    label = _("Legal representative no. %(number)s") % {"number": party.position + 1}
    if with_identity:
        label = f"{label}: {party.full_name}"
    return label


NEW_REPRESENTATIVE = "new_representative"


class NoticeForm(forms.Form):
    """A notice to an agency the protocol's matrix allows, to a legal representative, or to a
    parent not yet in the case, named here and added as the chosen minor's legal representative."""

    recipient = forms.ChoiceField(label=_("Recipient"), error_messages={
        "required": _("Choose the recipient."), "invalid_choice": _("Choose a recipient from the list."),
    })
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------"), *NoticeChannel.choices],
                                error_messages={"required": _("Choose a channel.")})
    sent_at = forms.DateTimeField(label=_("Sent at"), widget=DATETIME_INPUT, required=False,
                                  help_text=LOCAL_TIME_HELP)
    # Only for a parent not yet in the case (UA I.6, II.2); the service checks them.
    represents = forms.ChoiceField(label=_("Parent of"), required=False)
    family_name = forms.CharField(label=_("Parent's family name"), required=False, max_length=200)
    given_name = forms.CharField(label=_("Parent's given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=_("Parent's patronymic"), required=False, max_length=200)
    phone = forms.CharField(label=_("Parent's phone"), required=False, max_length=64)

    # The service's error keys and the field that shows them.
    SERVICE_FIELDS = {"recipient": "recipient", "to_agency": "recipient", "to_party": "recipient",
                      "channel": "channel", "sent_at": "sent_at",
                      "new_representative.represents": "represents",
                      "new_representative.family_name": "family_name",
                      "new_representative.given_name": "given_name",
                      "new_representative.patronymic": "patronymic", "new_representative.phone": "phone"}

    def __init__(self, *args, options, with_identity: bool, **kwargs):
        kwargs.setdefault("auto_id", "id_notice_%s")
        super().__init__(*args, **kwargs)
        self._agencies = {f"agency:{a.pk}": a for a in options.agencies}
        self._parties = {f"party:{p.pk}": p for p in options.representatives}
        self._minors = {str(p.pk): p for p in options.minors}
        party_choices = []
        for key, party in self._parties.items():
            label = representative_label(party, with_identity=with_identity)
            if party.is_alleged_perpetrator:
                label = _("%(representative)s (alleged perpetrator: must not be notified)") % {
                    "representative": label}
            party_choices.append((key, label))
        if self._minors:
            party_choices.append((NEW_REPRESENTATIVE, _("A parent not yet in the case (name them below)")))
        choices = [("", "---------")]
        if self._agencies:
            choices.append((_("Agencies"), [(key, agency.name) for key, agency in self._agencies.items()]))
        if party_choices:
            choices.append((_("Legal representatives"), party_choices))
        self.fields["recipient"].choices = choices
        self.fields["recipient"].widget = SelectWithDisabled(
            choices=choices,
            disabled_values=[key for key, party in self._parties.items() if party.is_alleged_perpetrator],
        )
        self.fields["represents"].choices = [("", "---------"), *(
            (key, minor_label(minor, with_identity=with_identity)) for key, minor in self._minors.items())]
        self.fields["represents"].error_messages["invalid_choice"] = _("Choose the minor from the list.")
        if not self._minors:
            for name in ("represents", "family_name", "given_name", "patronymic", "phone"):
                del self.fields[name]

    @property
    def names_a_parent(self) -> bool:
        return bool(self._minors)

    def clean(self):
        data = super().clean()
        recipient = data.get("recipient")
        data["to_agency"] = self._agencies.get(recipient)
        data["to_party"] = self._parties.get(recipient)
        data["new_representative"] = None
        data["represents"] = self._minors.get(data.get("represents") or "")
        if recipient == NEW_REPRESENTATIVE:
            data["new_representative"] = PartyInput(
                role=PartyRole.LEGAL_REPRESENTATIVE, is_minor=False,
                family_name=data.get("family_name", ""), given_name=data.get("given_name", ""),
                patronymic=data.get("patronymic", ""), phone=data.get("phone", ""),
            )
        return data


def minor_label(party, *, with_identity: bool) -> str:
    """A minor party by role and number; the name only for readers who may see identities."""
    label = _("%(role)s no. %(number)s") % {"role": party.get_role_display(), "number": party.position + 1}
    if with_identity:
        label = f"{label}: {party.full_name}"
    return label


class EventForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), error_messages={"required": _("Choose an event.")})
    at = forms.DateTimeField(label=_("When"), widget=DATETIME_INPUT, required=False, help_text=LOCAL_TIME_HELP)

    SERVICE_FIELDS = {"event": "event", "at": "at"}

    def __init__(self, *args, events, **kwargs):
        kwargs.setdefault("auto_id", "id_event_%s")
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "---------"), *((e, event_label(e)) for e in events)]


def event_label(code: str) -> str:
    for choices in (StartEvent, SatisfyEvent):
        if code in choices.values:
            return choices(code).label
    return code


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for waiving"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for waiving this deadline.")},
    )

    SERVICE_FIELDS = {"reason": "reason"}

    def __init__(self, *args, deadline_id, **kwargs):
        kwargs.setdefault("auto_id", f"id_waive_{deadline_id}_%s")
        super().__init__(*args, **kwargs)
