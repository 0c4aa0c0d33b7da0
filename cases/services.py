"""Write operations on cases: one function per business action, each transactional
and audited. The browser forms and the API both call these; the rules live here.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import SCHOOL_CASE_TEAM_ROLES, Agency, AgencyKind
from agencies.numbering import next_number
from agencies.selectors import schools_for_intake
from cases import permissions
from cases.identity_numbers import is_valid_identity_number
from cases.intake import agencies_for_intake
from cases.models import (
    Case, CaseChange, DuplicateCandidate, Party, RegisterCounter, Screening, SubmissionKey,
)
from cases.vocabulary import CaseChangeKind, CaseOutcome, CaseStatus, Channel, Form, Kind, PartyRole, Place, Sex
from cases.warning_signs import CHECKLIST_SIGNS, URGENT_SIGNS
from config.errors import InputError
# The clocks module imports nothing from here (the case's overdue mark is cases.overdue):
# no import circle.
from notifications.models import OPEN_STATES, ClockKind, Deadline, DeadlineState
from notifications.services.clocks import case_overdue_refresh, deadlines_start
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
    sex: str = ""  # a cases.vocabulary.Sex code; "" when not stated
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
    if (party.sex or "") not in ("", *Sex.values):
        _add(errors, "sex", _("Choose the sex from the list, or leave it not stated."))
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


def _intake_errors(errors: dict, *, user, school, intake_agency) -> str:
    """Check who files for which agency; returns the jurisdiction code of the case."""
    if intake_agency is None or intake_agency.is_school:
        # A school's report: the school is the intake agency (the form and API name only the school).
        if intake_agency is not None and school is not None and intake_agency.pk != school.pk:
            _add(errors, "school", _("You can file reports only for a school you work in."))
        school = school or intake_agency
        if school is None or not schools_for_intake(user).filter(pk=school.pk).exists():
            _add(errors, "school", _("You can file reports only for a school you work in."))
        return school.jurisdiction.code if school else ""
    if not agencies_for_intake(user).filter(pk=intake_agency.pk).exists():
        _add(errors, "intake_agency", _("You can open cases only for an agency you work in."))
    if school is not None and (not school.is_school or school.jurisdiction_id != intake_agency.jurisdiction_id):
        _add(errors, "school", _("Choose a school of this jurisdiction, or leave it empty."))
    return intake_agency.jurisdiction.code


def _case_errors(*, user, school, received_at, incident_at, channel, kinds, forms, places, parties,
                 intake_agency=None) -> dict:
    errors: dict = {}
    now = timezone.now()
    code = _intake_errors(errors, user=user, school=school, intake_agency=intake_agency)
    if received_at is None:
        _add(errors, "received_at", _("Enter when the report was received."))
    elif received_at > now:
        _add(errors, "received_at", _("The report cannot be received in the future."))
    if incident_at and received_at and incident_at > received_at:
        _add(errors, "incident_at", _("The incident cannot happen after the report was received."))
    if channel not in Channel.values:
        _add(errors, "channel", _("Choose how the report came in."))
    _facts_errors(errors, kinds=kinds, forms=forms, places=places)
    if intake_agency is not None and intake_agency.kind == AgencyKind.CONTACT_CENTRE_111 \
            and not any(p.role == PartyRole.REPORTER for p in parties):
        # KZ §20.1 (SPEC R9): the contact centre records the applicant's identifying data.
        _add(errors, "__all__", _("Add the applicant as a party with the role 'Reporter' (KZ §20.1)."))

    incident_day = (incident_at or received_at or now).date()
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


def _facts_errors(errors: dict, *, kinds, forms, places) -> None:
    if not kinds:
        _add(errors, "kinds", _("Choose at least one kind."))
    for name, values, allowed in (("kinds", kinds, Kind.values), ("forms", forms, Form.values),
                                  ("places", places, Place.values)):
        if any(v not in allowed for v in values):
            _add(errors, name, _("Choose from the list."))


def case_register_errors(
    *, user, school: Agency | None, received_at: datetime | None, incident_at: datetime | None,
    channel: str | None, kinds: list[str], forms: list[str] = (), places: list[str] = (),
    parties: list[PartyInput], screening: ScreeningInput | None = None, intake_agency: Agency | None = None,
) -> dict:
    """What ``case_register`` would refuse in this input (``InputError.errors``), saving nothing.

    A form whose own fields did not all parse passes what did (``None`` or empty
    for the rest), so one submit reports every problem at once.
    """
    errors = _case_errors(
        user=user, school=school, received_at=received_at, incident_at=incident_at,
        channel=channel, kinds=list(kinds), forms=list(forms), places=list(places), parties=parties,
        intake_agency=intake_agency,
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
        patronymic=(data.patronymic or "").strip(), birth_date=data.birth_date, sex=data.sex or "",
        identity_number=number,
        identity_number_index=crypto.blind_index(number, "identity_number") if number else "",
        class_name=(data.class_name or "").strip(), phone=(data.phone or "").strip(),
        address=(data.address or "").strip(),
    )


def _grant_reporter_access(case: Case, user) -> None:
    """The school's case team works every case; anyone else who files sees what they filed.
    An agency's case workers hold the case through their agency's group."""
    if case.is_agency_intake:
        return
    in_team = user.memberships.filter(agency=case.school, role__in=SCHOOL_CASE_TEAM_ROLES).exists()
    if not in_team:
        permissions.grant_to_user(case, user)


@transaction.atomic
def case_register(
    *, user, school: Agency | None, received_at: datetime, incident_at: datetime | None, channel: str,
    kinds: list[str], forms: list[str] = (), places: list[str] = (), description: str = "",
    parties: list[PartyInput], screening: ScreeningInput | None = None, submission_key: str = "",
    intake_agency: Agency | None = None,
) -> Case:
    """File a report (SPEC §2). All or nothing: on any error nothing is saved.

    A school's staff file for their school (``school``; it is the intake agency). The 111
    centre, the police, health and social services open a case for their own agency
    (``intake_agency``, issue #9), with the child's school if they know it, else none yet:
    the case is numbered in the agency's register and linked to a school later.

    With a ``submission_key`` (the browser form's one-time key, the API's
    ``Idempotency-Key``) the same filing sent twice files one case: the repeat,
    even one sent at the same moment, gets the case the first one filed.
    """
    forms, places = list(forms), list(places)
    if submission_key:
        digest = _submission_digest(
            school=school, received_at=received_at, incident_at=incident_at, channel=channel, kinds=kinds,
            forms=forms, places=places, description=description, parties=parties, screening=screening,
            intake_agency=intake_agency,
        )
        first = _submission_claim(user=user, key=submission_key, digest=digest)
        if first is not None:
            return first
    errors = case_register_errors(
        user=user, school=school, received_at=received_at, incident_at=incident_at, channel=channel,
        kinds=kinds, forms=forms, places=places, parties=parties, screening=screening,
        intake_agency=intake_agency,
    )
    if errors:
        raise InputError(errors)

    if intake_agency is None or intake_agency.is_school:
        intake_agency = school = school or intake_agency
        school_linked_at = None
    else:
        # The school, if named at once, receives the report now (UA II.2, KZ §25: its clocks start
        # when it receives the report).
        school_linked_at = timezone.now() if school is not None else None
    # The register is kept by the intake agency's calendar year, in its own time zone.
    year = intake_agency.jurisdiction.local_year(received_at)
    case = Case.objects.create(
        intake_agency=intake_agency, school=school, school_linked_at=school_linked_at,
        jurisdiction=intake_agency.jurisdiction, register_year=year,
        register_number=next_number(RegisterCounter, school=intake_agency, year=year),
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

    permissions.grant_to_group(case, intake_agency.case_group)
    if school is not None and school.pk != intake_agency.pk:
        permissions.grant_to_group(case, school.case_group)
    _grant_reporter_access(case, user)
    audit_record(actor=user, action=AuditAction.CASE_CREATE, case_id=case.pk, detail={
        "register_number": case.reference, "parties": len(created), "urgent": case.is_urgent,
        "intake_agency": intake_agency.code,
    })
    _start_clocks(case)
    duplicates_find(case=case)
    if submission_key:
        SubmissionKey.objects.filter(user=user, key=submission_key).update(case=case)
    return case


def _submission_digest(**payload) -> str:
    """A keyed HMAC of the filing's input: tells a repeat from other input, reveals nothing."""
    text = json.dumps({
        **payload,
        "school": payload["school"].pk if payload["school"] is not None else None,
        "intake_agency": payload["intake_agency"].pk if payload["intake_agency"] is not None else None,
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
    if not case.intake_agency.is_school:  # KZ §18.2, §18.3: the intake agency tells the others
        deadlines_start(case=case, event="agency_intake", at=case.received_at)


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
    if party.identity_number_index:
        duplicates_find(case=case)
    return party


@transaction.atomic
def case_share_with_agency(*, case: Case, agency: Agency, by=None) -> None:
    """Give an agency's case workers access to a case (used when it is notified)."""
    permissions.grant_to_group(case, agency.case_group, permissions.SHARED_AGENCY_PERMS)
    audit_record(actor=by, action=AuditAction.CASE_SHARE, case_id=case.pk,
                 detail={"agency": agency.code})


# --- Duplicate reports of one incident (SPEC §2: multi-channel dedup) -------------------------

def _duplicate_window() -> timedelta:
    return timedelta(days=getattr(settings, "CASE_DUPLICATE_WINDOW_DAYS", 3))


def duplicates_find(*, case: Case) -> list[DuplicateCandidate]:
    """Record the open cases of the jurisdiction that may report the same incident: a party with
    the same identity number (blind index, never the number) and an incident (else receipt) date
    within ``CASE_DUPLICATE_WINDOW_DAYS``. Each pair is stored once, the newer report first."""
    digests = set(case.parties.exclude(identity_number_index="").values_list("identity_number_index", flat=True))
    if not digests:
        return []
    when = case.incident_at or case.received_at
    window = _duplicate_window()
    others = list(
        Case.objects.filter(jurisdiction_id=case.jurisdiction_id, status=CaseStatus.OPEN,
                            parties__identity_number_index__in=digests)
        .exclude(pk=case.pk)
        .annotate(when=Coalesce("incident_at", "received_at"))
        .filter(when__gte=when - window, when__lte=when + window)
        .distinct())
    now = timezone.now()
    rows = []
    for other in others:
        newer, older = (case, other) if (case.received_at, case.created_at) >= (other.received_at, other.created_at) \
            else (other, case)
        if DuplicateCandidate.objects.filter(Q(case=older, other=newer)).exists():
            continue
        rows.append(DuplicateCandidate(case=newer, other=older, found_at=now))
    DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _pending_clocks(case: Case) -> list[str]:
    """The rule names of the case's statutory clocks still running (not met, waived or breached).

    A support plan's clocks (an item's due date, a plan's review: the given-date clocks of
    support.clocks) do not hold the case open: the child's support goes on after it closes."""
    rows = (Deadline.objects.filter(case=case, state=DeadlineState.PENDING).exclude(rule__clock=ClockKind.GIVEN_DATE)
            .select_related("rule").order_by("due_at"))
    return list(dict.fromkeys(d.rule.name for d in rows))


def _change_record(*, case: Case, user, kind: str, reason: str = "", fields=(), outcome: str = "",
                   at=None) -> CaseChange:
    return CaseChange.objects.create(case=case, kind=kind, fields=list(fields), outcome=outcome,
                                     reason=(reason or "").strip(), by=user, at=at or timezone.now())


@transaction.atomic
def case_merge(*, user, case: Case, other: Case) -> Case:
    """Merge the newer of two reports of one incident into the older; returns the case kept.

    The duplicate is closed as merged (``merged_into``), its agencies get the same access to
    the case kept, and its open clocks are closed with the reason recorded: the incident's
    clocks run once, on the case kept.
    """
    pair = list(Case.objects.select_for_update().filter(pk__in=[case.pk, other.pk]).order_by("pk"))
    errors: dict = {}
    candidate = DuplicateCandidate.objects.filter(
        Q(case=case, other=other) | Q(case=other, other=case), resolved_at__isnull=True).first()
    if len(pair) != 2 or candidate is None:
        _add(errors, "other", _("These cases are not marked as possible duplicates of each other."))
    elif not all(permissions.has_case_perm(user, permissions.CHANGE, c) for c in pair):
        _add(errors, "other", _("You can merge only cases you may change, both of them."))
    elif any(c.status != CaseStatus.OPEN for c in pair):
        _add(errors, "other", _("Only open cases can be merged."))
    if errors:
        raise InputError(errors)
    duplicate, kept = Case.objects.get(pk=candidate.case_id), Case.objects.get(pk=candidate.other_id)
    now = timezone.now()
    duplicate.status, duplicate.outcome, duplicate.closed_at, duplicate.merged_into = (
        CaseStatus.CLOSED, CaseOutcome.MERGED, now, kept)
    duplicate.save(update_fields=["status", "outcome", "closed_at", "merged_into", "updated_at"])
    reason = _("Merged into %(reference)s: the same incident.") % {"reference": kept.reference}
    closed = 0
    for deadline in Deadline.objects.select_for_update().filter(case=duplicate, state__in=OPEN_STATES):
        deadline.state, deadline.waived_reason, deadline.waived_by, deadline.next_check_at = (
            DeadlineState.WAIVED, reason, user, None)
        deadline.save(update_fields=["state", "waived_reason", "waived_by", "next_check_at"])
        closed += 1
    case_overdue_refresh(duplicate.pk)
    duplicate.refresh_from_db()
    permissions.access_sync(duplicate)
    groups = permissions.grants_copy(duplicate, kept)
    DuplicateCandidate.objects.filter(Q(case=duplicate) | Q(other=duplicate)).update(resolved_at=now)
    _change_record(case=duplicate, user=user, kind=CaseChangeKind.MERGE, fields=["merged_into"],
                   outcome=CaseOutcome.MERGED, at=now)
    _change_record(case=kept, user=user, kind=CaseChangeKind.MERGE, at=now)
    for subject, role in ((duplicate, "merged"), (kept, "kept")):
        audit_record(actor=user, action=AuditAction.CASE_MERGE, case_id=subject.pk, detail={
            "role": role, "merged": duplicate.reference, "kept": kept.reference,
            "clocks_closed": closed if role == "merged" else 0, "groups": groups if role == "kept" else []})
    return kept


# --- The case's lifecycle (issue #9) ----------------------------------------------------------

@transaction.atomic
def case_link_school(*, user, case: Case, school: Agency | None) -> Case:
    """Link a case an agency opened to the child's school. The school's case team then works it,
    and the school's clocks start now, when it receives the report (UA II.2, KZ §25)."""
    case = Case.objects.select_for_update().select_related("intake_agency").get(pk=case.pk)
    errors: dict = {}
    if not permissions.is_intake_worker(user, case) or not case.is_agency_intake:
        _add(errors, "__all__", _("Only the agency that opened the case links it to a school."))
    elif case.school_id:
        _add(errors, "__all__", _("The case is already linked to a school."))
    elif case.status != CaseStatus.OPEN:
        _add(errors, "__all__", _("Reopen the case before linking it to a school."))
    if school is None or not school.is_school or school.jurisdiction_id != case.jurisdiction_id:
        _add(errors, "school", _("Choose a school of the case's jurisdiction."))
    if errors:
        raise InputError(errors)
    now = timezone.now()
    case.school, case.school_linked_at = school, now
    case.save(update_fields=["school", "school_linked_at", "updated_at"])
    permissions.grant_to_group(case, school.case_group)
    _change_record(case=case, user=user, kind=CaseChangeKind.LINK_SCHOOL, fields=["school"], at=now)
    audit_record(actor=user, action=AuditAction.CASE_LINK_SCHOOL, case_id=case.pk, detail={"school": school.code})
    deadlines_start(case=case, event="case_received", at=now, responsible_kind=AgencyKind.SCHOOL)
    return case


CASE_FACT_FIELDS = ("incident_at", "kinds", "forms", "places", "description", "is_urgent")


@transaction.atomic
def case_update(*, user, case: Case, reason: str, **changes) -> Case:
    """Correct the case's facts, with the reason (kept encrypted). The receipt time is not among
    them: every clock runs from it. Only the agency that received the report edits its facts."""
    case = Case.objects.select_for_update().select_related("intake_agency").get(pk=case.pk)
    errors: dict = {}
    if not permissions.is_intake_worker(user, case):
        _add(errors, "__all__", _("Only the agency that received the report changes its facts."))
    unknown = set(changes) - set(CASE_FACT_FIELDS)
    for name in sorted(unknown):
        _add(errors, name, _("This field cannot be changed here."))
    values = {name: changes[name] for name in CASE_FACT_FIELDS if name in changes}
    for name in ("kinds", "forms", "places"):
        if name in values:
            values[name] = list(dict.fromkeys(values[name] or []))
    if "description" in values:
        values["description"] = (values["description"] or "").strip()
    _facts_errors(errors, kinds=values.get("kinds", case.kinds), forms=values.get("forms", case.forms),
                  places=values.get("places", case.places))
    incident_at = values.get("incident_at", case.incident_at)
    if incident_at and incident_at > case.received_at:
        _add(errors, "incident_at", _("The incident cannot happen after the report was received."))
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    if not (reason or "").strip():
        _add(errors, "reason", _("Give the reason for the change."))
    if not changed and not errors:
        _add(errors, "__all__", _("Nothing was changed."))
    if errors:
        raise InputError(errors)
    for name in changed:
        setattr(case, name, values[name])
    case.save(update_fields=[*changed, "updated_at"])
    permissions.access_sync(case)
    _change_record(case=case, user=user, kind=CaseChangeKind.UPDATE, reason=reason, fields=changed)
    audit_record(actor=user, action=AuditAction.CASE_UPDATE, case_id=case.pk, detail={"fields": changed})
    if "incident_at" in changed:
        duplicates_find(case=case)
    return case


@transaction.atomic
def case_close(*, user, case: Case, outcome: str, reason: str) -> Case:
    """Close the case with its outcome and the reason. Refused while a statutory clock is still
    running: each must be met or waived first (a breached one stays on record as breached)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict = {}
    if not permissions.has_case_perm(user, permissions.CHANGE, case):
        _add(errors, "__all__", _("Only the case's team closes it."))
    elif case.status != CaseStatus.OPEN:
        _add(errors, "__all__", _("The case is already closed."))
    if outcome not in CaseOutcome.values or outcome == CaseOutcome.MERGED:
        _add(errors, "outcome", _("Choose the outcome from the list (a duplicate is merged from its page)."))
    if not (reason or "").strip():
        _add(errors, "reason", _("Give the reason for closing the case."))
    pending = _pending_clocks(case) if not errors else []
    if pending:
        _add(errors, "__all__", _(
            "The case cannot be closed while these statutory deadlines are still running: %(rules)s. "
            "Meet them or have them waived first.") % {"rules": "; ".join(pending)})
    if errors:
        raise InputError(errors)
    now = timezone.now()
    case.status, case.outcome, case.closed_at = CaseStatus.CLOSED, outcome, now
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    permissions.access_sync(case)
    _change_record(case=case, user=user, kind=CaseChangeKind.CLOSE, reason=reason, outcome=outcome, at=now)
    audit_record(actor=user, action=AuditAction.CASE_CLOSE, case_id=case.pk, detail={"outcome": outcome})
    return case


@transaction.atomic
def case_reopen(*, user, case: Case, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict = {}
    if not permissions.has_case_perm(user, permissions.CHANGE, case):
        _add(errors, "__all__", _("Only the case's team reopens it."))
    elif case.status != CaseStatus.CLOSED:
        _add(errors, "__all__", _("The case is open."))
    elif case.merged_into_id:
        _add(errors, "__all__", _("This report was merged into %(reference)s: work the incident there.")
             % {"reference": case.merged_into.reference})
    if not (reason or "").strip():
        _add(errors, "reason", _("Give the reason for reopening the case."))
    if errors:
        raise InputError(errors)
    case.status, case.outcome, case.closed_at = CaseStatus.OPEN, "", None
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    permissions.access_sync(case)
    _change_record(case=case, user=user, kind=CaseChangeKind.REOPEN, reason=reason)
    audit_record(actor=user, action=AuditAction.CASE_REOPEN, case_id=case.pk, detail={})
    return case


@transaction.atomic
def case_follow_decision(*, user, case: Case, bullying_confirmed: bool) -> Case:
    """UA IV: the case's status follows the commission's decision. Bullying not confirmed: the
    case is closed as not confirmed, unless a statutory clock still runs (then its team closes it
    once the clocks are met). Confirmed: it stays open while the measures are carried out."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if bullying_confirmed or case.status != CaseStatus.OPEN or _pending_clocks(case):
        return case
    now = timezone.now()
    case.status, case.outcome, case.closed_at = CaseStatus.CLOSED, CaseOutcome.NOT_CONFIRMED, now
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    permissions.access_sync(case)
    _change_record(case=case, user=user, kind=CaseChangeKind.CLOSE, outcome=CaseOutcome.NOT_CONFIRMED, at=now,
                   reason="")
    audit_record(actor=user, action=AuditAction.CASE_CLOSE, case_id=case.pk,
                 detail={"outcome": CaseOutcome.NOT_CONFIRMED, "by_decision": True})
    return case


@transaction.atomic
def screening_add(*, user, case: Case, checklist: str, signs: list[str]) -> Screening:
    """Record a ticked warning-sign checklist (SPEC R6); self-harm or suicidal signs make the case urgent."""
    errors: dict = {}
    if not permissions.has_case_perm(user, permissions.CHANGE, case):
        _add(errors, "__all__", _("Only the case's team records screenings."))
    allowed = CHECKLIST_SIGNS.get(checklist)
    # The checklists of the case's own procedure (KZ §7, §15-§17; UA I.3).
    if allowed is None or not checklist.startswith(case.jurisdiction.code.lower() + "_"):
        allowed = None
        _add(errors, "checklist", _("Choose a checklist."))
    signs = list(dict.fromkeys(signs or []))
    if not signs:
        _add(errors, "signs", _("Tick at least one sign."))
    elif allowed is not None and any(s not in allowed for s in signs):
        _add(errors, "signs", _("Tick signs from the checklist only."))
    if errors:
        raise InputError(errors)
    screening = Screening.objects.create(case=case, checklist=checklist, signs=signs, recorded_by=user)
    urgent = bool(URGENT_SIGNS & set(signs))
    if urgent and not case.is_urgent:
        case.is_urgent = True
        case.save(update_fields=["is_urgent", "updated_at"])
        permissions.access_sync(case)
    audit_record(actor=user, action=AuditAction.SCREENING_ADD, case_id=case.pk,
                 detail={"checklist": checklist, "signs": len(signs), "urgent": urgent})
    return screening
