"""Keeping the help directory (SPEC H5, KZ §38): add, correct and deactivate an entry.

Each change is checked whole (an entry must say what help it gives and how to reach
it), refused per field with nothing saved, and audited as DIRECTORY_CHANGE with the
entry's id and the names of the fields that changed: never their values, so the audit
trail stays free of free text. Saving an entry unchanged records that it was checked
and is still right: its "last checked" date moves (KZ §38 asks for an up-to-date list).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from config import limits
from config.errors import NON_FIELD, InputError
from directory import permissions
from directory.models import HelpOrganisation, HelpService
from privacy.audit import audit_record
from privacy.models import AuditAction

EDITABLE_FIELDS = ("region", "district", "name", "services", "address", "phone", "email", "website", "hours",
                   "notes")
TEXT_FIELDS = ("name", "address", "phone", "email", "website", "hours", "notes")
# A phone is loose: several numbers, short numbers (111, 150), brackets and extensions'
# separators are all fine; letters are not (they belong in the hours or the notes).
PHONE_CHARACTERS = re.compile(r"^[0-9+()\-.,;/\s]+$")
MIN_PHONE_DIGITS = 3


def _max_length(name: str) -> int:
    # The notes have no column limit: the shared bound of free text (config.limits).
    return HelpOrganisation._meta.get_field(name).max_length or limits.FREE_TEXT_MAX_LENGTH


def _clean(*, jurisdiction, values: dict) -> tuple[dict, dict]:
    """The values as they will be saved, and the errors per field (empty when all is well)."""
    cleaned, errors = dict(values), {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    for name in TEXT_FIELDS:
        cleaned[name] = (values.get(name) or "").strip()
        limit = _max_length(name)
        if limit and len(cleaned[name]) > limit:
            refuse(name, _("At most %(limit)d characters.") % {"limit": limit})

    if not cleaned["name"]:
        refuse("name", _("Give the organisation's name."))

    services = values.get("services") or []
    if isinstance(services, str):
        services = [services]
    unknown = [code for code in services if code not in HelpService.values]
    if unknown:
        refuse("services", _("Choose the services from the list."))
    elif not services:
        refuse("services", _("Choose at least one service the organisation offers."))
    cleaned["services"] = list(dict.fromkeys(code for code in services if code in HelpService.values))

    phone = cleaned["phone"]
    if phone and (not PHONE_CHARACTERS.match(phone) or sum(c.isdigit() for c in phone) < MIN_PHONE_DIGITS):
        refuse("phone", _("Enter a phone number: digits, spaces, +, - and brackets; separate several "
                          "numbers with commas."))
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            refuse("email", _("Enter a valid e-mail address."))
    if cleaned["website"]:
        if "://" not in cleaned["website"]:
            cleaned["website"] = f"https://{cleaned['website']}"
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            refuse("website", _("Enter a valid web address, e.g. https://example.org."))
    if not (phone or cleaned["email"] or cleaned["website"]):
        refuse("phone", _("Give a phone number, an e-mail or a website: at least one way to reach them."))

    region, district = values.get("region"), values.get("district")
    if region is not None and region.jurisdiction_id != jurisdiction.pk:
        refuse("region", _("Choose a region of this country."))
    if district is not None:
        if region is None:
            refuse("district", _("Choose the region of this district or city too."))
        elif district.region_id != region.pk:
            refuse("district", _("This district or city is not in the chosen region."))
    return cleaned, errors


def help_organisation_errors(*, jurisdiction, **values) -> dict:
    """The errors an entry with these values would be refused with (the admin form asks)."""
    full = {name: values.get(name) for name in EDITABLE_FIELDS}
    return _clean(jurisdiction=jurisdiction, values=full)[1]


def _require_editor(user, jurisdiction) -> None:
    if not permissions.may_edit_directory(user, jurisdiction):
        raise PermissionDenied(_("Only heads, school psychologists and social pedagogues keep the help directory."))


def _audit(user, organisation, fields) -> None:
    audit_record(actor=user, action=AuditAction.DIRECTORY_CHANGE,
                 detail={"id": organisation.pk, "jurisdiction": organisation.jurisdiction.code,
                         "fields": sorted(fields)})


@transaction.atomic
def help_organisation_create(*, user, jurisdiction, name, services, region=None, district=None, address="",
                             phone="", email="", website="", hours="", notes="") -> HelpOrganisation:
    _require_editor(user, jurisdiction)
    values = {"region": region, "district": district, "name": name, "services": services, "address": address,
              "phone": phone, "email": email, "website": website, "hours": hours, "notes": notes}
    cleaned, errors = _clean(jurisdiction=jurisdiction, values=values)
    if errors:
        raise InputError(errors)
    organisation = HelpOrganisation.objects.create(jurisdiction=jurisdiction, **cleaned)
    _audit(user, organisation, [name for name, value in cleaned.items() if value not in (None, "", [])])
    return organisation


@transaction.atomic
def help_organisation_update(*, user, organisation: HelpOrganisation, **changes) -> HelpOrganisation:
    """Change the given fields (any of ``EDITABLE_FIELDS`` and ``is_active``); the entry is
    checked whole. With no change, records that the entry was checked."""
    organisation = HelpOrganisation.objects.select_for_update().select_related("jurisdiction").get(
        pk=organisation.pk)
    _require_editor(user, organisation.jurisdiction)
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"is_active"}
    if unknown:
        raise TypeError(f"help_organisation_update() got unexpected fields: {sorted(unknown)}")
    current = {name: getattr(organisation, name) for name in EDITABLE_FIELDS}
    merged = {**current, **{k: v for k, v in changes.items() if k != "is_active"}}
    cleaned, errors = _clean(jurisdiction=organisation.jurisdiction, values=merged)
    if errors:
        raise InputError(errors)
    if "is_active" in changes:
        cleaned["is_active"] = bool(changes["is_active"])
        current["is_active"] = organisation.is_active
    changed = [name for name, value in cleaned.items() if value != current[name]]
    for name in changed:
        setattr(organisation, name, cleaned[name])
    organisation.save()  # also when unchanged: updated_at is the "last checked" date
    _audit(user, organisation, changed)
    return organisation


@transaction.atomic
def help_organisation_deactivate(*, user, organisation: HelpOrganisation) -> HelpOrganisation:
    """Take an entry off the lists (closed, or no longer helps); it stays for the referrals
    that name it, and can be made active again by an update."""
    organisation = HelpOrganisation.objects.select_for_update().select_related("jurisdiction").get(
        pk=organisation.pk)
    _require_editor(user, organisation.jurisdiction)
    if not organisation.is_active:
        raise InputError({NON_FIELD: [_("This organisation is already inactive.")]})
    organisation.is_active = False
    organisation.save(update_fields=["is_active", "updated_at"])
    _audit(user, organisation, ["is_active"])
    return organisation
