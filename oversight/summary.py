"""The daily summary to the ombudsman offices (KZ §19.6; issue #10, item 5).

KZ §19.6: the police's operational control centre informs the child-rights ombudsman
every day with summary figures "without the victims' personal data". The system does
the same for every country: once the local time of a jurisdiction passes
``settings.DAILY_SUMMARY_HOUR``, the previous local day's summary is built — new
reports by kind and by region, statutory clocks met on time, met late and breached by
rule, KZ placements, UA commission decisions — with small cells suppressed
(``oversight.suppression``), and sent in the system and by e-mail to every member of
the country's ombudsman offices (national, regional, the UA education ombudsman).

Exactly once: ``DailySummary`` is unique per jurisdiction and day, and the messages
are written to the notifications outbox in the same transaction as that row, under a
lock on the jurisdiction. A second beat, a restart or a retry finds the row and does
nothing; the outbox delivers each message once and retries a failed e-mail.

Nothing personal is stored or sent: the figures are counts by code (kind, rule, region
id and name), already suppressed — a hidden count is stored as hidden, never as its
number — and the messages carry the summary's id, rendered as figures and a link to
the dashboard. Counting one day's rows here runs in the beat, never on a page load.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agencies.models import OMBUDSMAN_KINDS, Jurisdiction, Region
from cases.models import Case
from cases.vocabulary import Kind
from notifications.models import DeadlineRule, DeadlineState, OutboxMessage
from notifications.services.outbox import delivery_enqueue, outbox_rows
from oversight.models import DailySummary
from oversight.suppression import Cell, suppress_grid, suppress_value
from privacy.audit import audit_record
from privacy.models import AuditAction

MESSAGE_KEY = "daily_summary"  # notifications.messages.DAILY_SUMMARY
NO_REGION = ""  # the key of cases whose agency has no region (a national body's own intake)


def _cell(cell: Cell) -> dict:
    """A figure as stored: its display and, only when shown, its value."""
    return {**cell.as_json(), "display": cell.display}


def summary_hour() -> int:
    return int(getattr(settings, "DAILY_SUMMARY_HOUR", 8))


def summary_day_due(jurisdiction: Jurisdiction, now: dt.datetime) -> dt.date | None:
    """The local day whose summary is due at ``now``: yesterday once the summary hour has passed."""
    local = jurisdiction.local(now)
    if local.hour < summary_hour():
        return None
    return local.date() - dt.timedelta(days=1)


# --- The figures ---------------------------------------------------------------------------------

def _bounds(jurisdiction: Jurisdiction, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return jurisdiction.at(day), jurisdiction.at(day + dt.timedelta(days=1))


def _new_reports(jurisdiction: Jurisdiction, start, end) -> dict:
    cases = list(Case.objects.filter(jurisdiction=jurisdiction, received_at__gte=start, received_at__lt=end,
                                     merged_into__isnull=True)
                 .values_list("kinds", "school__region_id", "intake_agency__region_id"))
    by_kind = {code: 0 for code in Kind.values}
    regions = list(Region.objects.filter(jurisdiction=jurisdiction).order_by("name").values_list("pk", "name"))
    by_region = {str(pk): 0 for pk, _name in regions}
    for kinds, school_region, intake_region in cases:
        for code in set(kinds or ()):
            by_kind[code] = by_kind.get(code, 0) + 1
        region = school_region or intake_region
        key = str(region) if region else NO_REGION
        by_region[key] = by_region.get(key, 0) + 1
    names = {str(pk): name for pk, name in regions}
    region_keys = list(by_region)
    # A case is in exactly one region: the regions add up to the total, so it is shown with
    # complementary suppression. A case of two kinds counts in both: kinds get no total.
    grid = suppress_grid([[by_region[k]] for k in region_keys], column_totals=True)
    return {
        "total": _cell(grid.column_totals[0]),
        "by_kind": [{"key": code, **_cell(suppress_value(n))} for code, n in by_kind.items()],
        "by_region": [{"key": key, "name": names.get(key, ""), **_cell(grid.cells[i][0])}
                      for i, key in enumerate(region_keys)],
    }


CLOCK_COLUMNS = ("met", "met_late", "breached")


def _clocks(jurisdiction: Jurisdiction, start, end) -> dict:
    """Per rule: clocks met on time and met late during the day, and clocks that ran out during the
    day without being met in time (breached, whether or not met late since)."""
    from notifications.models import Deadline

    counts: dict[str, list[int]] = {}
    met = (Deadline.objects.filter(case__jurisdiction=jurisdiction, met_at__gte=start, met_at__lt=end,
                                   state__in=(DeadlineState.MET, DeadlineState.MET_LATE))
           .values_list("rule__code", "state"))
    for code, state in met:
        counts.setdefault(code, [0, 0, 0])[CLOCK_COLUMNS.index(state)] += 1
    ran_out = (Deadline.objects.filter(case__jurisdiction=jurisdiction, due_at__gte=start, due_at__lt=end,
                                       state__in=(DeadlineState.BREACHED, DeadlineState.MET_LATE))
               .values_list("rule__code", flat=True))
    for code in ran_out:
        counts.setdefault(code, [0, 0, 0])[2] += 1
    rules = sorted(counts)
    # A clock met late during the day that also ran out during it counts in two columns: no row
    # totals; each column adds up over the rules.
    grid = suppress_grid([counts[code] for code in rules], column_totals=True)
    return {
        "rules": [{"rule": code, **{col: _cell(grid.cells[i][j]) for j, col in enumerate(CLOCK_COLUMNS)}}
                  for i, code in enumerate(rules)],
        "total": {col: _cell(grid.column_totals[j]) for j, col in enumerate(CLOCK_COLUMNS)} if rules
        else {col: _cell(suppress_value(0)) for col in CLOCK_COLUMNS},
    }


def _placements(jurisdiction: Jurisdiction, start, end) -> dict:
    """KZ §45: placements flagged (the 12-hour clock started) and decided during the day."""
    from casework.models import Action, ActionKind
    from notifications.models import Deadline

    flagged = Deadline.objects.filter(case__jurisdiction=jurisdiction, rule__code="kz.placement_decision",
                                      started_at__gte=start, started_at__lt=end).count()
    decided = Action.objects.filter(case__jurisdiction=jurisdiction, kind=ActionKind.PLACEMENT_DECISION,
                                    occurred_at__gte=start, occurred_at__lt=end).count()
    return {"flagged": _cell(suppress_value(flagged)), "decided": _cell(suppress_value(decided))}


def _decisions(jurisdiction: Jurisdiction, start, end) -> dict:
    """UA IV: the school commissions' decisions recorded during the day."""
    from commission.models import Decision

    rows = Decision.objects.filter(agenda_item__case__jurisdiction=jurisdiction, recorded_at__gte=start,
                                   recorded_at__lt=end).values_list("bullying_confirmed", flat=True)
    confirmed = sum(1 for r in rows if r)
    grid = suppress_grid([[confirmed, len(rows) - confirmed]], row_totals=True)
    return {"confirmed": _cell(grid.cells[0][0]), "not_confirmed": _cell(grid.cells[0][1]),
            "total": _cell(grid.row_totals[0])}


def summary_figures(jurisdiction: Jurisdiction, day: dt.date) -> dict:
    """The day's figures, suppressed (see the module docstring): what is stored and sent."""
    start, end = _bounds(jurisdiction, day)
    figures = {
        "day": day.isoformat(),
        "min_cell": suppress_value(1).k,
        "new_reports": _new_reports(jurisdiction, start, end),
        "clocks": _clocks(jurisdiction, start, end),
    }
    if jurisdiction.code == "KZ":
        figures["placements"] = _placements(jurisdiction, start, end)
    else:
        figures["commission"] = _decisions(jurisdiction, start, end)
    return figures


# --- Sending -------------------------------------------------------------------------------------

def summary_recipients(jurisdiction: Jurisdiction) -> list[tuple[int, str]]:
    """(user id, e-mail) of every active member of the country's ombudsman offices."""
    users = (get_user_model().objects.filter(
        is_active=True, memberships__agency__jurisdiction=jurisdiction,
        memberships__agency__kind__in=list(OMBUDSMAN_KINDS)).distinct().order_by("pk"))
    return list(users.values_list("pk", "email"))


def daily_summary_send(*, jurisdiction: Jurisdiction, day: dt.date, now: dt.datetime | None = None) \
        -> DailySummary | None:
    """Build, store and send the summary of ``day`` unless it exists; returns it, or None if it was
    already there (KZ §19.6). One transaction: the summary, its messages and the audit entry."""
    now = now or timezone.now()
    with transaction.atomic():
        # Two beats at once: the second waits here, then finds the row.
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        if DailySummary.objects.filter(jurisdiction=jurisdiction, day=day).exists():
            return None
        figures = summary_figures(jurisdiction, day)
        try:
            with transaction.atomic():
                summary = DailySummary.objects.create(jurisdiction=jurisdiction, day=day, figures=figures,
                                                      created_at=now)
        except IntegrityError:  # the unique constraint, where no row lock serialises (SQLite)
            return None
        recipients = summary_recipients(jurisdiction)
        rows = outbox_rows(recipients=recipients, case_id=None, key=MESSAGE_KEY,
                           params={"summary": summary.pk}, now=now)
        OutboxMessage.objects.bulk_create(rows)
        audit_record(actor=None, action=AuditAction.DAILY_SUMMARY, detail={
            "jurisdiction": jurisdiction.code, "day": day.isoformat(), "summary": summary.pk,
            "recipients": len(recipients), "messages": len(rows)})
        delivery_enqueue()
    return summary


def daily_summaries_run(*, now: dt.datetime | None = None) -> list[DailySummary]:
    """The beat's job: each jurisdiction's due summary, sent once (see ``daily_summary_send``)."""
    now = now or timezone.now()
    sent = []
    for jurisdiction in Jurisdiction.objects.order_by("code"):
        day = summary_day_due(jurisdiction, now)
        if day is None:
            continue
        summary = daily_summary_send(jurisdiction=jurisdiction, day=day, now=now)
        if summary is not None:
            sent.append(summary)
    return sent


# --- Rendering (notifications.messages calls these for the outbox's summary messages) -------------

def dashboard_link() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("oversight:home")


def _summary_of(message) -> DailySummary | None:
    return DailySummary.objects.select_related("jurisdiction").filter(pk=message.params.get("summary")).first()


def summary_headline(message) -> str:
    summary = _summary_of(message)
    if summary is None:
        return _("Daily summary")
    return _("Daily summary for %(day)s: %(country)s") % {
        "day": formats.date_format(summary.day, "SHORT_DATE_FORMAT"), "country": summary.jurisdiction.name}


def _kind_label(code: str) -> str:
    return Kind(code).label if code in Kind.values else code


def summary_lines(summary: DailySummary) -> list[str]:
    """The figures as text lines, in the active language: counts and codes' labels only."""
    figures = summary.figures
    reports = figures["new_reports"]
    lines = [_("New reports: %(n)s") % {"n": reports["total"]["display"]}]
    lines.append(_("By kind: %(list)s") % {"list": "; ".join(
        f"{_kind_label(row['key'])} {row['display']}" for row in reports["by_kind"])})
    lines.append(_("By region: %(list)s") % {"list": "; ".join(
        f"{row['name'] or _('No region')} {row['display']}" for row in reports["by_region"])})
    clocks = figures["clocks"]
    lines.append(_("Statutory deadlines (met on time / met late / ran out unmet): %(met)s / %(late)s / %(breached)s")
                 % {"met": clocks["total"]["met"]["display"], "late": clocks["total"]["met_late"]["display"],
                    "breached": clocks["total"]["breached"]["display"]})
    rules = {r.code: r for r in DeadlineRule.objects.filter(jurisdiction=summary.jurisdiction)}
    for row in clocks["rules"]:
        rule = rules.get(row["rule"])
        name = f"{rule.name} ({rule.source})" if rule else row["rule"]
        lines.append(f"  {name}: {row['met']['display']} / {row['met_late']['display']} / "
                     f"{row['breached']['display']}")
    if "placements" in figures:
        lines.append(_("Placements (KZ §45): flagged %(flagged)s, decided %(decided)s") % {
            "flagged": figures["placements"]["flagged"]["display"],
            "decided": figures["placements"]["decided"]["display"]})
    if "commission" in figures:
        lines.append(_("Commission decisions: bullying confirmed %(yes)s, not confirmed %(no)s") % {
            "yes": figures["commission"]["confirmed"]["display"],
            "no": figures["commission"]["not_confirmed"]["display"]})
    lines.append(_("Figures below %(k)s are hidden (<%(k)s), and so is one more where a total would reveal "
                   "them (•).") % {"k": figures.get("min_cell", 5)})
    return lines


def summary_render(message) -> tuple[str, str]:
    """Subject and body of the summary's e-mail: figures and the dashboard's link, nothing personal."""
    subject = summary_headline(message)
    summary = _summary_of(message)
    parts = [subject]
    if summary is not None:
        parts.append("\n".join(summary_lines(summary)))
    parts += [_("The dashboard: %(link)s") % {"link": dashboard_link()},
              _("This message carries no personal data by design. Do not forward case details by e-mail or "
                "messengers.")]
    return subject, "\n\n".join(parts)
