"""What one case contributes to the summary tables (``oversight.metrics`` is the contract).

``case_contributions(case)`` returns a sorted list of
``(scope_type, scope_id, "YYYY-MM-01", metric, key)`` tuples, each counting one.
Nothing in a tuple is personal data: a victim's birth date and sex are opened in
memory only, to pick an age band and a code. ``load_cases`` reads a batch of cases
with everything the computation needs in a fixed number of queries, and
``Context`` caches the agencies and jurisdictions it looks up.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.db.models import Prefetch, Q

from agencies.models import Agency, Jurisdiction
from cases.models import Case, CaseAccess, Party
from cases.vocabulary import CaseStatus, PartyRole, Sex
from casework.models import Action, ActionKind
from commission.models import AgendaItem
from notifications.models import Deadline, DeadlineState
from oversight import metrics as m
from oversight.models import ScopeType

COUNTRY, REGION, AGENCY = ScopeType.COUNTRY.value, ScopeType.REGION.value, ScopeType.AGENCY.value
TIMED_STATES = frozenset({DeadlineState.MET.value, DeadlineState.MET_LATE.value})


class Context:
    """Agencies (kind, region, case group) and jurisdictions' time zones, looked up once per batch."""

    def __init__(self):
        self.agencies: dict[int, tuple[str, int | None]] = {}  # id -> (kind, region id)
        self.by_group: dict[int, int] = {}  # case group id -> agency id
        self.known_groups: set[int] = set()
        self.zones: dict[int, zoneinfo.ZoneInfo] = {}

    def prepare(self, cases: Iterable[Case]) -> None:
        agency_ids, group_ids, jurisdiction_ids = set(), set(), set()
        for case in cases:
            jurisdiction_ids.add(case.jurisdiction_id)
            agency_ids.update(a for a in (case.school_id, case.intake_agency_id) if a)
            group_ids.update(g.group_id for g in _grants(case))
            agency_ids.update(d.responsible_agency_id for d in _clocks(case) if d.responsible_agency_id)
        agency_ids -= set(self.agencies)
        group_ids -= self.known_groups
        if agency_ids or group_ids:
            rows = Agency.objects.filter(Q(id__in=agency_ids) | Q(case_group_id__in=group_ids)).order_by()
            for agency_id, kind, region_id, group_id in rows.values_list("id", "kind", "region_id", "case_group_id"):
                self.agencies[agency_id] = (kind, region_id)
                self.by_group[group_id] = agency_id
            self.known_groups |= group_ids
        missing = jurisdiction_ids - set(self.zones)
        if missing:
            for pk, name in Jurisdiction.objects.filter(id__in=missing).values_list("id", "time_zone"):
                self.zones[pk] = zoneinfo.ZoneInfo(name)

    def kind(self, agency_id: int) -> str:
        return self.agencies[agency_id][0]

    def region(self, agency_id: int | None) -> int | None:
        return self.agencies[agency_id][1] if agency_id in self.agencies else None


def load_cases(case_ids) -> list[Case]:
    """The cases of ``case_ids`` that still exist, with what ``case_contributions`` reads prefetched."""
    return list(
        Case.objects.filter(id__in=list(case_ids)).order_by()
        .only("id", "jurisdiction_id", "school_id", "intake_agency_id", "received_at", "incident_at", "channel",
              "kinds", "forms", "places", "status", "outcome", "merged_into_id")
        .prefetch_related(
            Prefetch("parties", to_attr="tally_victims",
                     queryset=Party.objects.filter(role=PartyRole.VICTIM, is_minor=True)
                     .only("id", "case_id", "role", "is_minor", "birth_date", "sex").order_by()),
            Prefetch("deadlines", to_attr="tally_clocks",
                     queryset=Deadline.objects.select_related("rule").order_by()
                     .only("id", "case_id", "state", "started_at", "due_at", "met_at", "responsible_agency_id",
                           "rule__id", "rule__code", "rule__responsible_agency_kind")),
            Prefetch("access", to_attr="tally_grants",
                     queryset=CaseAccess.objects.filter(group__isnull=False).only("id", "case_id", "group_id")
                     .order_by()),
            Prefetch("agency_actions", to_attr="tally_placements",
                     queryset=Action.objects.filter(kind=ActionKind.PLACEMENT_DECISION)
                     .only("id", "case_id", "kind", "data", "occurred_at").order_by()),
            Prefetch("agenda_items", to_attr="tally_agenda",
                     queryset=AgendaItem.objects.filter(decision__isnull=False).select_related("decision")
                     .only("id", "case_id", "decision__id", "decision__bullying_confirmed",
                           "decision__recorded_at").order_by()),
        )
    )


def _grants(case: Case):
    if hasattr(case, "tally_grants"):
        return case.tally_grants
    return list(CaseAccess.objects.filter(case=case, group__isnull=False).only("id", "case_id", "group_id"))


def _clocks(case: Case):
    if hasattr(case, "tally_clocks"):
        return case.tally_clocks
    return list(Deadline.objects.filter(case=case).select_related("rule"))


def _victims(case: Case):
    if hasattr(case, "tally_victims"):
        return case.tally_victims
    return list(case.parties.filter(role=PartyRole.VICTIM, is_minor=True))


def _placements(case: Case):
    if hasattr(case, "tally_placements"):
        return case.tally_placements
    return list(case.agency_actions.filter(kind=ActionKind.PLACEMENT_DECISION))


def _decisions(case: Case):
    items = case.tally_agenda if hasattr(case, "tally_agenda") else \
        case.agenda_items.filter(decision__isnull=False).select_related("decision")
    return [item.decision for item in items]


def _month(moment: dt.datetime, zone) -> str:
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}-01"


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return m.AGE_UNKNOWN
    return next((code for code, low, high in m.AGE_BANDS if low <= age <= high), m.AGE_UNKNOWN)


def time_bucket(started: dt.datetime, met: dt.datetime) -> str:
    minutes = (met - started).total_seconds() / 60
    return next((str(bound) for bound in m.TIME_BUCKETS if minutes <= bound), "inf")


def _opened(party: Party, name: str):
    """A decrypted field, or None when it cannot be opened (a lost key): counted as unknown."""
    if party._meta.get_field(name).is_unavailable(party):
        return None
    return getattr(party, name)


def _sex_code(party: Party) -> str:
    sex = _opened(party, "sex")
    return sex if sex in Sex.values else "unknown"


def _responsible(clock: Deadline, case: Case, holders: list[int], ctx: Context) -> int:
    """The clock's own agency, else the case's agency of the rule's kind, else the school (or intake)."""
    if clock.responsible_agency_id:
        return clock.responsible_agency_id
    wanted = clock.rule.responsible_agency_kind
    return next((a for a in holders if ctx.kind(a) == wanted), None) or case.school_id or case.intake_agency_id


def case_contributions(case: Case, ctx: Context | None = None) -> list[tuple]:
    """Every (scope_type, scope_id, month, metric, key) the case counts one in, sorted.

    A merged case (the report kept counts) contributes nothing; so does a deleted one
    (the aggregator finds no row).
    """
    if case.merged_into_id:
        return []
    if ctx is None:
        ctx = Context()
        ctx.prepare([case])
    zone = ctx.zones[case.jurisdiction_id]
    out: list[tuple] = []
    country = (COUNTRY, case.jurisdiction_id)
    region_id = ctx.region(case.school_id or case.intake_agency_id)
    region = (REGION, region_id) if region_id else None
    holders = sorted({ctx.by_group[g.group_id] for g in _grants(case) if g.group_id in ctx.by_group})
    scopes = [country, *([region] if region else []), *((AGENCY, a) for a in holders)]

    # --- the case, by the month it was received
    month = _month(case.received_at, zone)
    keyed = [(m.CASES, ""), (m.CHANNEL, case.channel), (m.STATUS, case.status)]
    keyed += [(m.KIND, code) for code in case.kinds or ()]
    keyed += [(m.FORM, code) for code in case.forms or ()]
    keyed += [(m.PLACE, code) for code in case.places or ()]
    if case.status == CaseStatus.CLOSED and case.outcome:
        keyed.append((m.OUTCOME, case.outcome))
    incident_day = (case.incident_at or case.received_at).astimezone(zone).date()
    for victim in _victims(case):
        born = _opened(victim, "birth_date")
        age = None
        if born:
            age = incident_day.year - born.year - ((incident_day.month, incident_day.day) < (born.month, born.day))
        keyed += [(m.VICTIM_AGE, age_band(age)), (m.VICTIM_SEX, _sex_code(victim))]
    for scope in scopes:
        out += [(*scope, month, metric, key) for metric, key in keyed]
    out.append((*country, month, m.CASE_REGION, str(region_id or "")))

    # --- decisions, by the month they were taken
    for action in _placements(case):
        place = (action.data or {}).get("place_type")
        if place:
            month = _month(action.occurred_at, zone)
            out += [(*scope, month, m.PLACEMENT, str(place)) for scope in scopes]
    for decision in _decisions(case):
        outcome = "confirmed" if decision.bullying_confirmed else "not_confirmed"
        month = _month(decision.recorded_at, zone)
        out += [(*scope, month, m.COMMISSION, outcome) for scope in scopes]

    # --- clocks, by the month they fall due: the country, the region, the responsible agency
    for clock in _clocks(case):
        code, state = clock.rule.code, clock.state
        agency = _responsible(clock, case, holders, ctx)
        kind = ctx.kind(clock.responsible_agency_id) if clock.responsible_agency_id \
            else clock.rule.responsible_agency_kind
        month = _month(clock.due_at, zone)
        keys = [(m.CLOCK, f"{code}|{state}"), (m.CLOCK_AGENCY_KIND, f"{code}|{kind}|{state}")]
        if state in TIMED_STATES and clock.met_at:
            keys.append((m.CLOCK_TIME, f"{code}|{time_bucket(clock.started_at, clock.met_at)}"))
        clock_scopes = [country, *([region] if region else []), *([(AGENCY, agency)] if agency else [])]
        for scope in clock_scopes:
            out += [(*scope, month, metric, key) for metric, key in keys]
        out.append((*country, month, m.CLOCK_REGION, f"{region_id or ''}|{state}"))
        if region and agency:
            out.append((*region, month, m.CLOCK_AGENCY, f"{agency}|{state}"))
    return sorted(out)
