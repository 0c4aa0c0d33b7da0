"""One input error for every app's services, one DRF handler and one form helper for it.

A service refuses input by raising ``InputError({field: [message]})``; the API answers it
with a 400 through ``api_exception_handler`` (set as DRF's ``EXCEPTION_HANDLER``), and a
browser view shows it on its form with ``errors_to_form``. Nothing else translates it.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

NON_FIELD = "__all__"
PARTIES = "parties"


class InputError(Exception):
    """Input that breaks a rule; ``errors`` maps field names to lists of messages.

    ``__all__`` holds what concerns the input as a whole. ``errors["parties"]`` (when
    present) maps a party's position in the input to that party's own field errors; any
    other nested dict (``{"new_representative": {"family_name": [...]}}``) holds the
    errors of a nested object by its own field names.
    """

    def __init__(self, errors: dict):
        super().__init__("invalid input")
        self.errors = errors


def _party_count(request, party_errors: dict) -> int:
    """How many parties the request sent (the list the errors are aligned with)."""
    data = getattr(request, "data", None)
    sent = data.get(PARTIES) if hasattr(data, "get") else None
    if isinstance(sent, list):
        return len(sent)
    return max(party_errors, default=-1) + 1


def api_error_detail(errors: dict, *, party_count: int = 0) -> dict:
    """The errors in DRF's shape: ``non_field_errors`` for the whole, ``parties`` as a list
    aligned with the input (an empty object for a valid party)."""
    detail = {}
    for name, messages in errors.items():
        if name == PARTIES:
            detail[PARTIES] = [messages.get(i, {}) for i in range(party_count)]
        elif name == NON_FIELD:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = messages
        else:
            detail[name] = messages
    return detail


def api_exception_handler(exc, context):
    """DRF's handler, plus: an ``InputError`` is a 400 with its messages per field."""
    if isinstance(exc, InputError):
        party_count = 0
        if isinstance(exc.errors.get(PARTIES), dict):
            party_count = _party_count(context.get("request"), exc.errors[PARTIES])
        exc = ValidationError(api_error_detail(exc.errors, party_count=party_count))
    return exception_handler(exc, context)


def errors_to_form(form, errors: dict, field_map: dict | None = None, *, keep_form_errors: bool = False) -> None:
    """Show an ``InputError``'s errors next to the form's fields they concern, the rest above it.

    ``field_map`` names the form field for an error key the form calls otherwise (a key
    mapped to ``None`` goes above the form); a key of a nested dict is looked up as
    ``"outer.inner"``. With ``keep_form_errors``, a field the form already refused keeps
    the form's message alone: the service saw no value there and would only repeat it.
    """
    field_map = field_map or {}
    refused = set(form.errors) if keep_form_errors else set()

    def show(errors: dict, prefix: str) -> None:
        for name, messages in errors.items():
            key = f"{prefix}{name}"
            if isinstance(messages, dict):
                show(messages, prefix=f"{key}.")
                continue
            target = field_map.get(key, key)
            if target not in form.fields:
                target = None
            if target in refused:
                continue
            for message in messages if isinstance(messages, (list, tuple)) else [messages]:
                form.add_error(target, str(message))

    show(errors, prefix="")
