"""Recording and correcting an agency's action on a case (issue #9).

One validation for the browser form and the API: the registry says which fields a kind
has; ``_clean`` turns the input into plain ``data`` (codes, numbers, dates, ticks, ids)
and sealed ``texts`` (free text), with a translated message per refused field. Actions
that the protocols name as clock events meet or start their clocks here, in the same
transaction (notifications.services.clocks).
"""

import datetime as dt
import re
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from casework import registry
from casework.action_selectors import child_parties, may_edit, recordable_kinds
from casework.models import Action, ActionKind, ActionRevision
from config import limits
from config.errors import InputError
from directory.models import HelpOrganisation
from cases.lifecycle import refuse_if_closed
from notifications.services.clocks import deadlines_satisfy, deadlines_start
from privacy.audit import audit_record
from privacy.models import AuditAction

# A register, act or order number: letters, digits and separators — never a sentence or a name.
CODE_RE = re.compile(r"^[\w№#./\- ]{1,64}$")
LINE_MAX, TEXT_MAX = limits.LINE_MAX_LENGTH, limits.FREE_TEXT_MAX_LENGTH
TRUE_STRINGS = {"true", "on", "1", "yes"}
FALSE_STRINGS = {"false", "off", "0", "no", ""}
# Keys of an action's input that are not the kind's fields.
INPUT_KEYS = {"kind", "occurred_at", "reason"}


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def _clean_value(spec: registry.Field, value, *, case):
    """The stored form of one field's value, or raise ValueError with the message to show."""
    kind = spec.type
    if kind in registry.FREE_TEXT_TYPES:
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        value = value.strip()
        limit = LINE_MAX if kind == registry.LINE else TEXT_MAX
        if len(value) > limit:
            raise ValueError(_("Keep it under %(limit)s characters.") % {"limit": limit})
        return value
    if kind == registry.CODE:
        value = str(value).strip()
        if not CODE_RE.match(value):
            raise ValueError(_("Enter a number of letters, digits and separators (up to 64)."))
        return value
    if kind == registry.DATE:
        day = value if isinstance(value, dt.date) else parse_date(str(value)) if value else None
        if day is None:
            raise ValueError(_("Enter a valid date."))
        return day.isoformat()
    if kind == registry.BOOL:
        if isinstance(value, bool):
            return value
        if str(value).lower() in TRUE_STRINGS | FALSE_STRINGS:
            return str(value).lower() in TRUE_STRINGS
        raise ValueError(_("Answer yes or no."))
    if kind == registry.CHOICE:
        if str(value) not in {str(c) for c, _label in spec.choices}:
            raise ValueError(_("Choose a value from the list."))
        return str(value)
    if kind == registry.CHOICES:
        values = [value] if isinstance(value, str) else value
        allowed = {str(c) for c, _label in spec.choices}
        if not isinstance(values, (list, tuple)) or any(str(v) not in allowed for v in values):
            raise ValueError(_("Choose values from the list."))
        return sorted({str(v) for v in values})
    if kind == registry.PARTY:
        try:
            party_id = uuid.UUID(str(value))
        except ValueError:
            raise ValueError(_("Choose a child of this case.")) from None
        if not child_parties(case).filter(pk=party_id).exists():
            raise ValueError(_("Choose a child of this case."))
        return str(party_id)
    if kind == registry.ORGANISATION:
        try:
            org_id = int(value)
        except (TypeError, ValueError):
            raise ValueError(_("Choose an organisation from the directory.")) from None
        # SPEC H5: an active organisation of the case's country.
        if not HelpOrganisation.objects.filter(pk=org_id, is_active=True,
                                               jurisdiction_id=case.jurisdiction_id).exists():
            raise ValueError(_("Choose an active organisation of the case's country from the directory."))
        return org_id
    raise ValueError(_("Unknown field."))  # a registry entry with a type this module does not know


def _clean(kind: registry.Kind, values: dict, *, case, strict_keys: bool) -> tuple[dict, dict, dict]:
    """(data, texts, errors) for the kind's fields given in ``values``."""
    data, texts, errors = {}, {}, {}
    if strict_keys:
        for key in values:
            if key not in INPUT_KEYS and kind.field(key) is None:
                errors[key] = [_("This action has no such field.")]
    for spec in kind.fields:
        value = values.get(spec.name)
        if spec.type == registry.BOOL and value is None:
            value = False
        if _empty(value) and spec.type != registry.BOOL:
            if spec.required:
                errors[spec.name] = [_("This field is required.")]
            continue
        try:
            cleaned = _clean_value(spec, value, case=case)
        except ValueError as err:
            errors[spec.name] = [str(err)]
            continue
        if spec.required and _empty(cleaned):
            errors[spec.name] = [_("This field is required.")]
            continue
        if spec.type in registry.FREE_TEXT_TYPES:
            if cleaned:
                texts[spec.name] = cleaned
        else:
            data[spec.name] = cleaned
    if kind.kind == ActionKind.REFERRAL and "organisation" in data and data.get("service"):
        offered = HelpOrganisation.objects.filter(pk=data["organisation"]).values_list("services", flat=True).first()
        if offered and data["service"] not in offered:
            errors["service"] = [_("This organisation does not offer this service.")]
    return data, texts, errors


def _time_errors(case, occurred_at) -> dict:
    if occurred_at > timezone.now():
        return {"occurred_at": [_("The time cannot be in the future.")]}
    if occurred_at < case.received_at:
        return {"occurred_at": [_("The time cannot be before the report was received.")]}
    return {}


def _parse_time(value):
    if value is None or value == "":
        return timezone.now()
    if isinstance(value, dt.datetime):
        return value
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(str(value))
    if moment is None:
        raise InputError({"occurred_at": [_("Enter a valid date and time.")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the caller's current zone: the case's, in views
    return moment


def _clocks(kind: registry.Kind, *, case, at, by) -> int:
    if kind.starts:
        # The clock start gives the case to the agency that answers for it (the commission after
        # an urgent placement, KZ §44, §45; the forensic body, KZ §26.6, §26.7).
        deadlines_start(case=case, event=kind.starts, at=at, by=by)
    if kind.satisfies:
        return deadlines_satisfy(case=case, event=kind.satisfies, at=at, by=by)
    return 0


@transaction.atomic
def action_record(*, user, case, kind: str, values: dict, occurred_at=None, strict_keys: bool = False) -> Action:
    """Record an action of the user's agency on the case; meets or starts its clocks."""
    refuse_if_closed(case)
    allowed = recordable_kinds(user, case)
    spec = registry.REGISTRY.get(kind)
    if spec is None:
        raise InputError({"kind": [_("Choose an action from the list.")]})
    if kind not in allowed:
        raise InputError({"kind": [_("Your agency does not record this action on this case.")]})
    occurred_at = _parse_time(occurred_at)
    data, texts, errors = _clean(spec, values, case=case, strict_keys=strict_keys)
    errors.update(_time_errors(case, occurred_at))
    if errors:
        raise InputError(errors)
    agency = allowed[kind]
    action = Action(case=case, agency=agency, kind=kind, occurred_at=occurred_at, data=data, recorded_by=user)
    action.texts = texts
    action.save()
    met = _clocks(spec, case=case, at=occurred_at, by=user)
    audit_record(actor=user, action=AuditAction.ACTION_RECORD, case_id=case.pk, detail={
        "action": str(action.pk), "kind": kind, "agency": agency.code, "clocks_met": met})
    if kind == ActionKind.REFERRAL:
        audit_record(actor=user, action=AuditAction.REFERRAL, case_id=case.pk, detail={
            "action": str(action.pk), "organisation": data["organisation"], "service": data.get("service", "")})
    return action


@transaction.atomic
def action_update(*, user, action: Action, values: dict, reason: str, occurred_at=None,
                  partial: bool = False, strict_keys: bool = False) -> Action:
    """Correct an action of the user's own agency; the replaced version is kept with the reason.

    With ``partial``, fields not given keep their values (an API PATCH).
    """
    action = Action.objects.select_for_update().select_related("case__jurisdiction", "agency").get(pk=action.pk)
    case = action.case
    if not may_edit(user, action):
        raise InputError({"__all__": [_("Only the agency that recorded this action may correct it.")]})
    spec = registry.REGISTRY[action.kind]
    if partial:
        values = {**action.data, **action.texts, **values}
    # Left empty, the time stays what it was (not "now", as for a new action).
    new_time = action.occurred_at if occurred_at in (None, "") else _parse_time(occurred_at)
    data, texts, errors = _clean(spec, values, case=case, strict_keys=strict_keys)
    if new_time != action.occurred_at:
        errors.update(_time_errors(case, new_time))
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the action is corrected.")]
    elif len(reason.strip()) > TEXT_MAX:
        errors["reason"] = [_("Keep it under %(limit)s characters.") % {"limit": TEXT_MAX}]
    if errors:
        raise InputError(errors)
    ActionRevision.objects.create(
        action=action, revision=action.revision, occurred_at=action.occurred_at, data=action.data,
        details=action.details or "", reason=reason.strip(), corrected_by=user)
    changed = sorted({k for k in set(data) | set(action.data) if data.get(k) != action.data.get(k)}
                     | {k for k in set(texts) | set(action.texts) if texts.get(k) != action.texts.get(k)})
    if new_time != action.occurred_at:
        changed.append("occurred_at")
    action.occurred_at, action.data = new_time, data
    action.texts = texts
    action.revision += 1
    action.corrected_at = timezone.now()
    action.save()
    # Field names only: which fields changed is a fact, their values may be personal data.
    audit_record(actor=user, action=AuditAction.ACTION_UPDATE, case_id=case.pk, detail={
        "action": str(action.pk), "kind": action.kind, "agency": action.agency.code,
        "revision": action.revision, "fields": changed})
    return action
