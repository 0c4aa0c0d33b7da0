"""Write operations on cases: one function per business action, each transactional
and audited. The browser forms and the API both call these; the rules live here.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import SCHOOL_CASE_TEAM_ROLES, Agency
from agencies.numbering import next_number
from agencies.selectors import schools_for_intake
from cases import permissions
from cases.identity_numbers import is_valid_identity_number
from cases.models import Case, Party, RegisterCounter, Screening, SubmissionKey
from cases.vocabulary import Channel, Form, Kind, PartyRole, Place
from cases.warning_signs import CHECKLIST_SIGNS, URGENT_SIGNS
from config.errors import InputError
# The clocks module imports nothing from here (the case's overdue mark is cases.overdue):
# no import circle.
from notifications.services.clocks import deadlines_start
from privacy import crypto
from privacy.audit import audit_record
from privacy.models import AuditAction

ADULT_AGE = 18
MINOR_ROLES = {PartyRole.VICTIM, PartyRole.INITIATOR, PartyRole.WITNESS}


@dataclass
class PartyInput:
    role: str
    family_name: str
    given_name: str
    patronymic: str = ""
    birth_date: date | None = None
    identity_number: str = ""
    class_name: str = ""
    phone: str = ""
    address: str = ""
    is_minor: bool = True
    is_alleged_perpetrator: bool = False
    # Position (0-based) in the same input of the minor a legal representative represents.
    represents_index: int | None = None


@dataclass
class ScreeningInput:
    checklist: str
    signs: list[str] = field(default_factory=list)


def _add(errors: dict, name: str, message) -> None:
    errors.setdefault(name, []).append(str(message))


def _party_errors(party: PartyInput, *, jurisdiction_code: str, incident_day: date) -> dict:
    errors: dict = {}
    if party.role not in PartyRole.values:
        _add(errors, "role", _("Choose a role."))
    if not (party.family_name or "").strip():
        _add(errors, "family_name", _("Enter the family name."))
    if not (party.given_name or "").strip():
        _add(errors, "given_name", _("Enter the given name."))
    number = (party.identity_number or "").strip()
    if number and not is_valid_identity_number(jurisdiction_code, number):
        _add(errors, "identity_number", _(
            "This identity number is not valid: check the number of digits and the check digit."
        ))
    if party.birth_date:
        if party.birth_date > incident_day:
            _add(errors, "birth_date", _("The birth date is after the incident."))
        elif party.is_minor:
            born = party.birth_date
            age = incident_day.year - born.year - ((incident_day.month, incident_day.day) < (born.month, born.day))
            if age >= ADULT_AGE:
                _add(errors, "birth_date", _(
                    "With this birth date the person was 18 or older at the incident, so not a minor."
                ))
    return errors


def _case_errors(*, user, school, received_at, incident_at, channel, kinds, forms, places, parties) -> dict:
    errors: dict = {}
    now = timezone.now()
    if school is None or not schools_for_intake(user).filter(pk=school.pk).exists():
        _add(errors, "school", _("You can file reports only for a school you work in."))
    if received_at is None:
        _add(errors, "received_at", _("Enter when the report was received."))
    elif received_at > now:
        _add(errors, "received_at", _("The report cannot be received in the future."))
    if incident_at and received_at and incident_at > received_at:
        _add(errors, "incident_at", _("The incident cannot happen after the report was received."))
    if channel not in Channel.values:
        _add(errors, "channel", _("Choose how the report came in."))
    if not kinds:
        _add(errors, "kinds", _("Choose at least one kind."))
    for name, values, allowed in (("kinds", kinds, Kind.values), ("forms", forms, Form.values),
                                  ("places", places, Place.values)):
        if any(v not in allowed for v in values):
            _add(errors, name, _("Choose from the list."))

    incident_day = (incident_at or received_at or now).date()
    code = school.jurisdiction.code if school else ""
    party_errors = {}
    for i, party in enumerate(parties):
        e = _party_errors(party, jurisdiction_code=code, incident_day=incident_day)
        if party.role == PartyRole.LEGAL_REPRESENTATIVE:
            target = party.represents_index
            if target is None or not (0 <= target < len(parties)) or target == i \
                    or not parties[target].is_minor:
                _add(e, "represents_index", _("Choose the minor this person represents."))
        if e:
            party_errors[i] = e
    if party_errors:
        errors["parties"] = party_errors
    if not any(p.role == PartyRole.VICTIM for p in parties):
        _add(errors, "__all__", _("Add at least one victim."))
    return errors


def case_register_errors(
    *, user, school: Agency | None, received_at: datetime | None, incident_at: datetime | None,
    channel: str | None, kinds: list[str], forms: list[str] = (), places: list[str] = (),
    parties: list[PartyInput], screening: ScreeningInput | None = None,
) -> dict:
    """What ``case_register`` would refuse in this input (``InputError.errors``), saving nothing.

    A form whose own fields did not all parse passes what did (``None`` or empty
    for the rest), so one submit reports every problem at once.
    """
    errors = _case_errors(
        user=user, school=school, received_at=received_at, incident_at=incident_at,
        channel=channel, kinds=list(kinds), forms=list(forms), places=list(places), parties=parties,
    )
    if screening and screening.signs:
        allowed = CHECKLIST_SIGNS.get(screening.checklist)
        if allowed is None or any(s not in allowed for s in screening.signs):
            _add(errors, "screening", _("Tick signs from the checklist only."))
    return errors


def _party_create(*, case: Case, data: PartyInput, position: int, represents: Party | None) -> Party:
    number = (data.identity_number or "").strip()
    return Party.objects.create(
        case=case, role=data.role, position=position, represents=represents,
        is_minor=data.is_minor, is_alleged_perpetrator=data.is_alleged_perpetrator,
        family_name=data.family_name.strip(), given_name=data.given_name.strip(),
        patronymic=(data.patronymic or "").strip(), birth_date=data.birth_date,
        identity_number=number,
        identity_number_index=crypto.blind_index(number, "identity_number") if number else "",
        class_name=(data.class_name or "").strip(), phone=(data.phone or "").strip(),
        address=(data.address or "").strip(),
    )


def _grant_reporter_access(case: Case, user) -> None:
    """The school's case team works every case; anyone else who files sees what they filed."""
    in_team = user.memberships.filter(agency=case.school, role__in=SCHOOL_CASE_TEAM_ROLES).exists()
    if not in_team:
        permissions.grant_to_user(case, user)


@transaction.atomic
def case_register(
    *, user, school: Agency, received_at: datetime, incident_at: datetime | None, channel: str,
    kinds: list[str], forms: list[str] = (), places: list[str] = (), description: str = "",
    parties: list[PartyInput], screening: ScreeningInput | None = None, submission_key: str = "",
) -> Case:
    """File a report (SPEC §2). All or nothing: on any error nothing is saved.

    With a ``submission_key`` (the browser form's one-time key, the API's
    ``Idempotency-Key``) the same filing sent twice files one case: the repeat,
    even one sent at the same moment, gets the case the first one filed.
    """
    forms, places = list(forms), list(places)
    if submission_key:
        digest = _submission_digest(
            school=school, received_at=received_at, incident_at=incident_at, channel=channel, kinds=kinds,
            forms=forms, places=places, description=description, parties=parties, screening=screening,
        )
        first = _submission_claim(user=user, key=submission_key, digest=digest)
        if first is not None:
            return first
    errors = case_register_errors(
        user=user, school=school, received_at=received_at, incident_at=incident_at, channel=channel,
        kinds=kinds, forms=forms, places=places, parties=parties, screening=screening,
    )
    if errors:
        raise InputError(errors)

    # The register is kept by the school's calendar year, in its own time zone.
    year = school.jurisdiction.local_year(received_at)
    case = Case.objects.create(
        school=school, jurisdiction=school.jurisdiction, register_year=year,
        register_number=next_number(RegisterCounter, school=school, year=year),
        received_at=received_at, incident_at=incident_at, channel=channel,
        kinds=list(dict.fromkeys(kinds)), forms=list(dict.fromkeys(forms)),
        places=list(dict.fromkeys(places)), description=description.strip(), created_by=user,
    )
    created: list[Party] = []
    for position, data in enumerate(parties):
        created.append(_party_create(case=case, data=data, position=position, represents=None))
    for party, data in zip(created, parties):
        if data.role == PartyRole.LEGAL_REPRESENTATIVE:
            party.represents = created[data.represents_index]
            party.save(update_fields=["represents"])

    if screening and screening.signs:
        Screening.objects.create(
            case=case, checklist=screening.checklist, signs=screening.signs, recorded_by=user
        )
        # SPEC R6: self-harm or suicidal signs make the case urgent.
        if URGENT_SIGNS & set(screening.signs):
            case.is_urgent = True
            case.save(update_fields=["is_urgent"])

    permissions.grant_to_group(case, school.case_group)
    _grant_reporter_access(case, user)
    audit_record(actor=user, action=AuditAction.CASE_CREATE, case_id=case.pk, detail={
        "register_number": case.reference, "parties": len(created), "urgent": case.is_urgent,
    })
    _start_clocks(case)
    if submission_key:
        SubmissionKey.objects.filter(user=user, key=submission_key).update(case=case)
    return case


def _submission_digest(**payload) -> str:
    """A keyed HMAC of the filing's input: tells a repeat from other input, reveals nothing."""
    text = json.dumps({
        **payload,
        "school": payload["school"].pk if payload["school"] is not None else None,
        "parties": [asdict(p) for p in payload["parties"]],
        "screening": asdict(payload["screening"]) if payload["screening"] else None,
    }, sort_keys=True, default=str, ensure_ascii=False)
    return crypto.blind_index(text, "submission_payload")


def _submission_claim(*, user, key: str, digest: str) -> Case | None:
    """Take the key for this filing, or return the case an earlier filing with it made.

    The INSERT waits on the unique index while another transaction holding the
    key is open: when that one commits, this one reads its case; when it rolls
    back (its input was refused), this one goes on and files.
    """
    if len(key) > SubmissionKey.KEY_MAX_LENGTH:
        raise InputError({"submission_key": [
            _("The submission key is too long (at most %(max)d characters).") % {"max": SubmissionKey.KEY_MAX_LENGTH}
        ]})
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(user=user, key=key, payload_digest=digest)
    except IntegrityError:
        first = SubmissionKey.objects.select_related("case").get(user=user, key=key)
        if first.payload_digest != digest:
            raise InputError({"submission_key": [_(
                "This submission key was already used for a different report. "
                "Send a new key with a new report."
            )]}) from None
        return first.case
    return None


def _start_clocks(case: Case) -> None:
    """Open the case's statutory clocks in this transaction (UA II.2, KZ §25: from receipt)."""
    deadlines_start(case=case, event="case_received", at=case.received_at)


@transaction.atomic
def party_add(*, user, case: Case, data: PartyInput, represents: Party | None = None) -> Party:
    """Add a party to an existing case (SPEC R5)."""
    incident_day = (case.incident_at or case.received_at).date()
    errors = _party_errors(data, jurisdiction_code=case.jurisdiction.code, incident_day=incident_day)
    if data.role == PartyRole.LEGAL_REPRESENTATIVE and (
        represents is None or represents.case_id != case.pk or not represents.is_minor
    ):
        _add(errors, "represents", _("Choose the minor this person represents."))
    if errors:
        raise InputError(errors)
    position = (case.parties.aggregate(m=Max("position"))["m"] or 0) + 1
    party = _party_create(
        case=case, data=data, position=position,
        represents=represents if data.role == PartyRole.LEGAL_REPRESENTATIVE else None,
    )
    audit_record(actor=user, action=AuditAction.PARTY_ADD, case_id=case.pk,
                 detail={"party": str(party.pk), "role": party.role})
    if party.is_minor:
        _start_clocks(case)  # a new minor party gets its own per-party clocks
    return party


@transaction.atomic
def case_share_with_agency(*, case: Case, agency: Agency, by=None) -> None:
    """Give an agency's case workers access to a case (used when it is notified)."""
    permissions.grant_to_group(case, agency.case_group, permissions.SHARED_AGENCY_PERMS)
    audit_record(actor=by, action=AuditAction.CASE_SHARE, case_id=case.pk,
                 detail={"agency": agency.code})
