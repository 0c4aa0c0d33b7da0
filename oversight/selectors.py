"""The dashboards' figures, read from the summary tables only (issue #10, SPEC O1, O2, D4).

Entry points (the pages, the API, the exports, the quarterly pack and the benchmark
all call these):

* ``period_parse(params, jurisdiction=...)`` → ``(Period | None, errors)``: the period
  from a query (``preset`` or ``start``/``end`` as ``YYYY-MM``), with per-field errors;
  ``period_preset(preset, jurisdiction=...)`` and ``period_months(start, end)`` build one
  directly (e.g. a quarter: ``period_months(date(2026, 1, 1), date(2026, 3, 1))``).
* ``dashboard_figures(scope, period)`` → ``Dashboard``: every table of the scope and
  period, suppressed (``oversight.suppression``), and the summary cards. One range scan
  of the scope's ``Tally`` cells over the period's months (summed here, per metric and
  per month), plus small label look-ups (rules, regions, agencies); never a scan of cases.
  ``Dashboard.tables`` maps a table's slug (``TABLE_SLUGS``) to a ``Table``.
* ``overdue_list(scope, cursor=None, limit=50)`` → ``OverduePage``: the clocks breached
  now in the scope: case reference, rule (name and citation), responsible agency, how long
  overdue — never a name. Keyset-paged by ``(due_at, id)``.

A ``Table`` holds only suppressed ``Cell``s, ``Rate``s and text: whatever renders it
(a page, a chart, the API, a CSV or XLSX file, the pack) cannot show a small count.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext as _, gettext_lazy, ngettext

from agencies.models import Agency, AgencyKind, Jurisdiction, Region
from cases.models import CaseAccess
from cases.vocabulary import CaseOutcome, CaseStatus, Channel, Form, Kind, Place, Sex
from notifications.models import Deadline, DeadlineRule, DeadlineState
from oversight import metrics as M
from oversight.models import Tally, TallyVersion
from oversight.scopes import Scope
from oversight.suppression import Cell, Rate, min_cell, suppress_grid

# --- the period ---------------------------------------------------------------------------

PRESETS = {
    "this_month": gettext_lazy("This month"),
    "last_3_months": gettext_lazy("Last 3 months"),
    "this_year": gettext_lazy("This year"),
    "last_12_months": gettext_lazy("Last 12 months"),
}
DEFAULT_PRESET = "last_12_months"
MAX_MONTHS = 60


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` to ``end`` (each the first day of its month), both included."""

    start: dt.date
    end: dt.date
    preset: str = ""

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = _add_months(month, 1)
        return months

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m} – {self.end:%Y-%m}"

    @property
    def query(self) -> dict:
        """The period as query parameters (``preset``, or ``start`` and ``end``)."""
        if self.preset:
            return {"preset": self.preset}
        return {"start": f"{self.start:%Y-%m}", "end": f"{self.end:%Y-%m}"}

    def as_json(self) -> dict:
        return {"start": f"{self.start:%Y-%m}", "end": f"{self.end:%Y-%m}", "preset": self.preset}


def tally_version() -> int:
    """How many times the aggregator has changed the summary tables (0 before the first time)."""
    return TallyVersion.objects.filter(pk=1).values_list("n", flat=True).first() or 0


def figures_cache_key(kind: str, scope: Scope, period: Period) -> str:
    """A cache key for what is drawn from a scope's figures: it changes with the summary
    tables (``tally_version``), the language, the smallest shown cell and the period."""
    return ":".join(["oversight", kind, str(tally_version()), get_language() or "", str(min_cell()),
                     scope.token, f"{period.start:%Y-%m}", f"{period.end:%Y-%m}", period.preset])


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def this_month(jurisdiction: Jurisdiction) -> dt.date:
    """The first day of the jurisdiction's current local month."""
    return jurisdiction.local_date(timezone.now()).replace(day=1)


def period_months(start: dt.date, end: dt.date, preset: str = "") -> Period:
    return Period(start.replace(day=1), end.replace(day=1), preset)


def period_preset(preset: str, *, jurisdiction: Jurisdiction) -> Period:
    current = this_month(jurisdiction)
    start = {
        "this_month": current,
        "last_3_months": _add_months(current, -2),
        "this_year": current.replace(month=1),
        "last_12_months": _add_months(current, -11),
    }[preset]
    return Period(start, current, preset)


def _parse_month(text: str) -> dt.date | None:
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def period_parse(params, *, jurisdiction: Jurisdiction) -> tuple[Period | None, dict[str, list[str]]]:
    """The period a query asks for, or ``None`` and per-field errors (``preset``, ``start``, ``end``).

    No parameters: the default preset (the last 12 months). ``start`` and ``end`` (``YYYY-MM``)
    come together and win over a preset.
    """
    preset = (params.get("preset") or "").strip()
    start_text = (params.get("start") or "").strip()
    end_text = (params.get("end") or "").strip()
    errors: dict[str, list[str]] = {}
    if not start_text and not end_text:
        if preset and preset not in PRESETS:
            errors["preset"] = [_("Choose one of the periods offered.")]
            return None, errors
        return period_preset(preset or DEFAULT_PRESET, jurisdiction=jurisdiction), errors
    start = _parse_month(start_text) if start_text else None
    end = _parse_month(end_text) if end_text else None
    for name, text, month in (("start", start_text, start), ("end", end_text, end)):
        if not text:
            errors[name] = [_("Enter both the first and the last month.")]
        elif month is None or not 2000 <= month.year <= 2100:
            errors[name] = [_("Enter a month as YYYY-MM, e.g. 2026-03.")]
    if errors:
        return None, errors
    if end < start:
        errors["end"] = [_("The last month cannot be before the first.")]
    elif len(period_months(start, end).months) > MAX_MONTHS:
        errors["end"] = [_("Choose at most %(n)d months.") % {"n": MAX_MONTHS}]
    elif start > this_month(jurisdiction):
        errors["start"] = [_("The period cannot start in the future.")]
    if errors:
        return None, errors
    return period_months(start, end), errors


# --- tables -------------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: str


@dataclass
class Row:
    key: str
    label: str
    cells: list  # of Cell, Rate or str
    note: str = ""  # e.g. a rule's legal citation
    link: str = ""  # a scope token to drill down to (a region of a country)


@dataclass
class Table:
    """One dashboard table after suppression; the same object feeds the page, chart, API and export."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[Row]
    totals: Row | None = None
    note_label: str = ""  # the heading of the rows' notes, when they have any
    chart: str = ""       # "bar" (first column per row) or "trend" (first column per month)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def any_suppressed(self) -> bool:
        every = [c for row in self.rows + ([self.totals] if self.totals else []) for c in row.cells]
        return any(getattr(c, "suppressed", False) for c in every)


def _counts_table(slug, title, keyed: dict[str, int], labels: list[tuple[str, str]], *,
                  additive: bool, column: str, chart: str = "bar", keep_zero_rows: bool = False,
                  links: dict[str, str] | None = None) -> Table:
    """A one-column table of counts by key. ``additive``: each case counts in one row, so a total is shown."""
    known = {key for key, _label in labels}
    labels = list(labels) + [(key, key) for key in sorted(keyed) if key not in known]
    labels = [(key, label) for key, label in labels if keep_zero_rows or keyed.get(key)]
    grid = suppress_grid([[keyed.get(key, 0)] for key, _label in labels], column_totals=additive)
    rows = [Row(key, str(label), [grid.cells[i][0]], link=(links or {}).get(key, ""))
            for i, (key, label) in enumerate(labels)]
    totals = Row("total", _("Total"), [grid.column_totals[0]]) if additive and rows else None
    return Table(slug, title, [Column("n", column)], rows, totals, chart=chart)


STATE_COLUMNS = (
    (DeadlineState.MET, gettext_lazy("Met on time")),
    (DeadlineState.MET_LATE, gettext_lazy("Met late")),
    (DeadlineState.BREACHED, gettext_lazy("Breached, still not met")),
    (DeadlineState.PENDING, gettext_lazy("Pending")),
    (DeadlineState.WAIVED, gettext_lazy("Waived")),
)


def _compliance_table(slug, title, by_row: dict[str, dict[str, int]], labels: list[tuple[str, str]], *,
                      notes: dict[str, str] | None = None, note_label: str = "",
                      links: dict[str, str] | None = None) -> Table:
    """Rows × clock states, with totals both ways and the on-time rate (met on time ÷ met or breached)."""
    labels = [(key, label) for key, label in labels if any(by_row.get(key, {}).values())]
    states = [state for state, _label in STATE_COLUMNS]
    grid = suppress_grid([[by_row[key].get(state, 0) for state in states] for key, _label in labels],
                         row_totals=True, column_totals=True)

    def on_time(cells: list[Cell]) -> Rate:
        met, late, breached = cells[0], cells[1], cells[2]
        if met.suppressed or late.suppressed or breached.suppressed:
            return Rate(None)
        decided = met.value + late.value + breached.value
        return Rate(met.value / decided) if decided else Rate(None)

    columns = [Column(state, str(label)) for state, label in STATE_COLUMNS]
    columns += [Column("total", _("Total")), Column("on_time_rate", _("On time"))]
    rows = []
    for i, (key, label) in enumerate(labels):
        cells = grid.cells[i]
        rows.append(Row(key, str(label), cells + [grid.row_totals[i], on_time(cells)],
                        note=(notes or {}).get(key, ""), link=(links or {}).get(key, "")))
    totals = None
    if rows:
        totals = Row("total", _("Total"), grid.column_totals + [grid.grand_total, on_time(grid.column_totals)])
    return Table(slug, title, columns, rows, totals, note_label=note_label)


def bucket_label(bucket: str) -> str:
    """A time-to-meet bucket as text: "≤ 15 min", "≤ 2 h", "≤ 3 d", "> 30 d"."""
    if bucket == "inf":
        return "> " + _minutes_text(M.TIME_BUCKETS[-1])
    return "≤ " + _minutes_text(int(bucket))


def _minutes_text(minutes: int) -> str:
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    if minutes < 2880 or minutes % 1440:
        return _("%(n)d h") % {"n": minutes // 60}
    return _("%(n)d d") % {"n": minutes // 1440}


def histogram_quantile(counts: dict[str, int], q: float) -> str | None:
    """The bucket (its key) holding the ``q`` quantile of a time-to-meet histogram, or None if empty."""
    order = [str(b) for b in M.TIME_BUCKETS] + ["inf"]
    total = sum(counts.get(b, 0) for b in order)
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in order:
        seen += counts.get(bucket, 0)
        if seen >= rank:
            return bucket
    return "inf"


# --- the dashboard ------------------------------------------------------------------------

TABLE_SLUGS = (
    "compliance_rule", "compliance_agency_kind", "compliance_region", "compliance_agency", "time_to_meet",
    "trend", "kinds", "forms", "places", "channels", "status", "outcomes", "victim_age", "victim_sex",
    "regions", "commission", "placement",
)

COMMISSION_OUTCOMES = (
    ("confirmed", gettext_lazy("Bullying confirmed")),
    ("not_confirmed", gettext_lazy("Bullying not confirmed")),
)


def _placement_labels():
    from casework.registry import PLACE_TYPES  # the placement decision's own choices (KZ §44, §45)
    return list(PLACE_TYPES)


@dataclass
class Card:
    label: str
    figure: Cell | Rate


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    cards: list[Card]
    tables: dict[str, Table] = field(default_factory=dict)
    k: int = 5

    def table(self, slug: str) -> Table | None:
        return self.tables.get(slug)


def _split(key: str, parts: int) -> list[str] | None:
    pieces = key.split("|")
    return pieces if len(pieces) == parts else None


def _tally_rows(scope: Scope, period: Period):
    """The scope's cells over the period's months: ``(month, metric, key, n)``, one per stored cell
    (``Tally`` holds one row per scope, month, metric and key), read in one indexed range scan."""
    return (Tally.objects.filter(scope_type=scope.type, scope_id=scope.id,
                                 month__gte=period.start, month__lte=period.end)
            .values_list("month", "metric", "key", "n").order_by())


def dashboard_figures(scope: Scope, period: Period) -> Dashboard:
    """Every table and card of ``scope`` over ``period``, suppressed (SPEC D4)."""
    sums: dict[str, dict[str, int]] = {}  # metric -> key -> the period's sum
    by_month: dict[dt.date, dict[str, int]] = {}  # month -> new cases and clocks by state
    for month, metric, key, n in _tally_rows(scope, period):
        keyed = sums.setdefault(metric, {})
        keyed[key] = keyed.get(key, 0) + n
        if metric == M.CASES or metric == M.CLOCK:
            column = "cases" if metric == M.CASES else (_split(key, 2) or ["", ""])[1]
            row = by_month.setdefault(month, {})
            row[column] = row.get(column, 0) + n

    tables: dict[str, Table] = {}
    jurisdiction_code = scope.jurisdiction.code

    # Compliance per statutory rule, with its name in the user's language and its citation.
    clock_by_rule: dict[str, dict[str, int]] = {}
    for key, n in sums.get(M.CLOCK, {}).items():
        if parts := _split(key, 2):
            clock_by_rule.setdefault(parts[0], {})[parts[1]] = clock_by_rule.get(parts[0], {}).get(parts[1], 0) + n
    time_by_rule: dict[str, dict[str, int]] = {}
    for key, n in sums.get(M.CLOCK_TIME, {}).items():
        if parts := _split(key, 2):
            time_by_rule.setdefault(parts[0], {})[parts[1]] = n
    rule_codes = set(clock_by_rule) | set(time_by_rule)
    rules = {rule.code: rule for rule in DeadlineRule.objects.filter(code__in=rule_codes)} if rule_codes else {}
    rule_labels = sorted(((code, rules[code].name if code in rules else code) for code in rule_codes),
                         key=lambda item: item[0])
    rule_notes = {code: rules[code].source for code in rules}
    tables["compliance_rule"] = _compliance_table(
        "compliance_rule", _("Statutory deadlines by rule"), clock_by_rule, rule_labels,
        notes=rule_notes, note_label=_("Legal source"))

    by_kind: dict[str, dict[str, int]] = {}
    for key, n in sums.get(M.CLOCK_AGENCY_KIND, {}).items():
        if parts := _split(key, 3):
            row = by_kind.setdefault(parts[1], {})
            row[parts[2]] = row.get(parts[2], 0) + n
    kind_labels = [(code, label) for code, label in AgencyKind.choices]
    tables["compliance_agency_kind"] = _compliance_table(
        "compliance_agency_kind", _("Statutory deadlines by responsible agency"), by_kind,
        kind_labels + [(k, k) for k in sorted(by_kind) if k not in AgencyKind.values])

    if scope.is_country:
        by_region: dict[str, dict[str, int]] = {}
        for key, n in sums.get(M.CLOCK_REGION, {}).items():
            if parts := _split(key, 2):
                by_region.setdefault(parts[0], {})[parts[1]] = n
        region_ids = {int(k) for k in set(by_region) | set(sums.get(M.CASE_REGION, {})) if k.isdigit()}
        regions = dict(Region.objects.filter(pk__in=region_ids, jurisdiction_id=scope.id)
                       .values_list("pk", "name")) if region_ids else {}
        region_labels = sorted(((str(pk), name) for pk, name in regions.items()), key=lambda item: item[1])
        region_labels.append(("", _("No region")))
        links = {str(pk): f"region:{pk}" for pk in regions}
        tables["compliance_region"] = _compliance_table(
            "compliance_region", _("Statutory deadlines by region"), by_region, region_labels, links=links)
        tables["regions"] = _counts_table("regions", _("Cases by region"), sums.get(M.CASE_REGION, {}),
                                          region_labels, additive=True, column=_("Cases"), links=links)
    if scope.is_region:
        by_agency: dict[str, dict[str, int]] = {}
        for key, n in sums.get(M.CLOCK_AGENCY, {}).items():
            if parts := _split(key, 2):
                by_agency.setdefault(parts[0], {})[parts[1]] = n
        agency_ids = {int(k) for k in by_agency if k.isdigit()}
        agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
        tables["compliance_agency"] = _compliance_table(
            "compliance_agency", _("Statutory deadlines by agency"), by_agency,
            sorted(((str(pk), name) for pk, name in agencies.items()), key=lambda item: item[1]))

    # Time to meet, per rule: read off the histogram, to a bucket.
    time_rows = []
    for code, label in rule_labels:
        counts = time_by_rule.get(code)
        if not counts:
            continue
        met = suppress_grid([[sum(counts.values())]]).cells[0][0]
        median = histogram_quantile(counts, 0.5)
        p90 = histogram_quantile(counts, 0.9)
        shown = not met.suppressed
        time_rows.append(Row(code, label, [met, bucket_label(median) if shown and median else "—",
                                           bucket_label(p90) if shown and p90 else "—"],
                             note=rule_notes.get(code, "")))
    tables["time_to_meet"] = Table(
        "time_to_meet", _("Time to meet a deadline"),
        [Column("met", _("Clocks met")), Column("median", _("Median")), Column("p90", _("90th percentile"))],
        time_rows, note_label=_("Legal source"))

    # Trend by month: new cases and the clocks that fell due, by outcome.
    trend_columns = [("cases", _("New cases")), (DeadlineState.MET, _("Met on time")),
                     (DeadlineState.MET_LATE, _("Met late")), (DeadlineState.BREACHED, _("Breached"))]
    # No totals row: the period's totals are the compliance tables' and the cards', and a second
    # copy suppressed on its own would show a figure that those hide to protect a small one.
    grid = suppress_grid([[by_month.get(m, {}).get(c, 0) for c, _l in trend_columns] for m in period.months])
    tables["trend"] = Table(
        "trend", _("Trend by month"), [Column(c, str(label)) for c, label in trend_columns],
        [Row(f"{m:%Y-%m}", f"{m:%Y-%m}", grid.cells[i]) for i, m in enumerate(period.months)],
        None, chart="trend")

    # Cases: a case of two kinds counts in both rows, so those tables show no total.
    tables["kinds"] = _counts_table("kinds", _("Cases by kind"), sums.get(M.KIND, {}), Kind.choices,
                                    additive=False, column=_("Cases"))
    tables["forms"] = _counts_table("forms", _("Cases by form"), sums.get(M.FORM, {}), Form.choices,
                                    additive=False, column=_("Cases"))
    tables["places"] = _counts_table("places", _("Cases by place"), sums.get(M.PLACE, {}), Place.choices,
                                     additive=False, column=_("Cases"))
    tables["channels"] = _counts_table("channels", _("Cases by channel"), sums.get(M.CHANNEL, {}),
                                       Channel.choices, additive=True, column=_("Cases"))
    tables["status"] = _counts_table("status", _("Cases open and closed"), sums.get(M.STATUS, {}),
                                     CaseStatus.choices, additive=True, column=_("Cases"))
    tables["outcomes"] = _counts_table("outcomes", _("Closed cases by outcome"), sums.get(M.OUTCOME, {}),
                                       CaseOutcome.choices, additive=True, column=_("Cases"))
    age_labels = [(code, _("%(band)s years") % {"band": code}) for code, _lo, _hi in M.AGE_BANDS]
    age_labels.append((M.AGE_UNKNOWN, _("Age not known")))
    tables["victim_age"] = _counts_table("victim_age", _("Victims by age"), sums.get(M.VICTIM_AGE, {}),
                                         age_labels, additive=True, column=_("Victims"))
    tables["victim_sex"] = _counts_table("victim_sex", _("Victims by sex"), sums.get(M.VICTIM_SEX, {}),
                                         list(Sex.choices) + [("unknown", _("Not stated"))],
                                         additive=True, column=_("Victims"))
    if jurisdiction_code == "UA" or sums.get(M.COMMISSION):
        tables["commission"] = _counts_table(
            "commission", _("Commission decisions (UA IV.3)"), sums.get(M.COMMISSION, {}),
            COMMISSION_OUTCOMES, additive=True, column=_("Decisions"))
    if jurisdiction_code == "KZ" or sums.get(M.PLACEMENT):
        tables["placement"] = _counts_table(
            "placement", _("Placement decisions (KZ §45)"), sums.get(M.PLACEMENT, {}), _placement_labels(),
            additive=True, column=_("Decisions"))

    compliance = tables["compliance_rule"].totals
    cases_total = tables["channels"].totals
    victims_total = tables["victim_sex"].totals
    zero = suppress_grid([[0]]).cells[0][0]
    cards = [
        Card(_("Cases received"), cases_total.cells[0] if cases_total else zero),
        Card(_("Victims"), victims_total.cells[0] if victims_total else zero),
        Card(_("Deadlines due"), compliance.cells[5] if compliance else zero),
        Card(_("Met on time"), compliance.cells[6] if compliance else Rate(None)),
        Card(_("Breached, still not met"), compliance.cells[2] if compliance else zero),
    ]
    return Dashboard(scope, period, cards, tables, min_cell())


# --- the overdue list now -----------------------------------------------------------------


@dataclass
class OverdueItem:
    id: int
    due_at: dt.datetime
    reference: str
    rule_code: str
    rule_name: str
    rule_source: str
    agency: str
    overdue_for: str

    @property
    def cursor(self) -> str:
        return f"{(self.due_at - EPOCH) // dt.timedelta(microseconds=1)}_{self.id}"


@dataclass
class OverduePage:
    items: list[OverdueItem]
    next_cursor: str | None


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def overdue_for_text(delta: dt.timedelta) -> str:
    """How long a clock has been overdue, to the hour: "3 d 4 h", "5 h", "less than an hour"."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return _("less than an hour")
    days, hours = divmod(hours, 24)
    if not days:
        return ngettext("%(h)d hour", "%(h)d hours", hours) % {"h": hours}
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def cursor_parse(cursor: str | None):
    if not cursor:
        return None
    stamp, _sep, pk = cursor.partition("_")
    try:
        return EPOCH + dt.timedelta(microseconds=int(stamp)), int(pk)
    except (ValueError, OverflowError):
        return None


def _breached_in(scope: Scope):
    deadlines = Deadline.objects.filter(state=DeadlineState.BREACHED)
    if scope.is_country:
        return deadlines.filter(case__jurisdiction_id=scope.id)
    if scope.is_region:
        # The case's place: its school's region, else its intake agency's (as in oversight.metrics).
        return deadlines.filter(Q(case__school__region_id=scope.id)
                                | Q(case__school__isnull=True, case__intake_agency__region_id=scope.id))
    agency = Agency.objects.only("kind", "case_group_id").get(pk=scope.id)
    # The organisation's own clocks: named as responsible, or of its kind on a case it holds.
    holds = CaseAccess.objects.filter(case_id=OuterRef("case_id"), group_id=agency.case_group_id)
    return deadlines.filter(Q(responsible_agency_id=agency.pk)
                            | Q(responsible_agency__isnull=True, rule__responsible_agency_kind=agency.kind)
                            & Exists(holds))


def overdue_list(scope: Scope, *, cursor: str | None = None, limit: int = 50) -> OverduePage:
    """The clocks breached and still not met in ``scope``, longest overdue first (no names, ever)."""
    limit = max(1, min(int(limit), 200))
    deadlines = _breached_in(scope)
    after = cursor_parse(cursor)
    if after:
        deadlines = deadlines.filter(Q(due_at__gt=after[0]) | Q(due_at=after[0], id__gt=after[1]))
    deadlines = (deadlines.select_related("rule", "responsible_agency", "case__school", "case__intake_agency")
                 .only("id", "due_at", "rule__code", "rule__names", "rule__source", "rule__responsible_agency_kind",
                       "responsible_agency__name", "case__register_year", "case__register_number",
                       "case__school_id", "case__intake_agency_id", "case__school__code", "case__school__name",
                       "case__intake_agency__code")
                 .order_by("due_at", "id")[: limit + 1])
    now = timezone.now()
    items = []
    for deadline in deadlines:
        if deadline.responsible_agency_id:
            agency = deadline.responsible_agency.name
        elif deadline.rule.responsible_agency_kind == AgencyKind.SCHOOL and deadline.case.school_id:
            agency = deadline.case.school.name  # a school's clock: the case's school answers for it
        else:
            agency = AgencyKind(deadline.rule.responsible_agency_kind).label
        items.append(OverdueItem(
            id=deadline.pk, due_at=deadline.due_at, reference=deadline.case.reference,
            rule_code=deadline.rule.code, rule_name=deadline.rule.name, rule_source=deadline.rule.source,
            agency=str(agency), overdue_for=overdue_for_text(now - deadline.due_at)))
    next_cursor = items[limit - 1].cursor if len(items) > limit else None
    return OverduePage(items[:limit], next_cursor)
