"""CSV and XLSX exports of the dashboards' tables (issue #10; SPEC D4; KZ §11, §27, §31).

An export holds exactly what the page shows: the suppressed figures of
``oversight.selectors.dashboard_figures`` — a small count reads "<5", a figure hidden so
that a total cannot reveal it reads "•" — and no personal data, ever. Its file name
says the scope, the period and the table, nothing else. Every export is a write: it is
audited (``AuditAction.DASHBOARD_EXPORT``) in the same transaction as it is made.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from oversight.scopes import Scope
from oversight.selectors import Column, Dashboard, Period, Row, Table, dashboard_figures, overdue_list
from privacy.audit import audit_record
from privacy.models import AuditAction

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ALL_TABLES = "all"


@dataclass
class Export:
    filename: str
    content_type: str
    content: bytes


class ExportInputError(ValueError):
    """A table or format that does not exist: ``errors`` holds messages per field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _header(table: Table) -> list[str]:
    header = [_("Row")]
    if table.note_label:
        header.append(table.note_label)
    return header + [column.label for column in table.columns]


def _value(cell, *, numeric: bool):
    """A figure as a file holds it: the number, or the suppression mark (never the hidden number)."""
    if hasattr(cell, "suppressed"):
        if cell.suppressed:
            return cell.display
        if numeric and isinstance(getattr(cell, "value", None), int):
            return cell.value
        return cell.display
    return str(cell)


def table_rows(table: Table, *, numeric: bool = False) -> list[list]:
    """The table as rows of values, its header first and its totals last."""
    rows = [_header(table)]
    for row in table.rows + ([table.totals] if table.totals else []):
        line = [row.label] + ([row.note] if table.note_label else [])
        rows.append(line + [_value(cell, numeric=numeric) for cell in row.cells])
    return rows


def _legend(dashboard: Dashboard) -> str:
    return _("<%(k)d: fewer than %(k)d, hidden to protect the children; •: hidden so that the totals cannot "
             "reveal a small number.") % {"k": dashboard.k}


def filename(scope: Scope, period: Period, table: str, fmt: str) -> str:
    """E.g. ``dashboard-region-12-2026-01-2026-03-compliance_rule.csv``: no names, only codes."""
    return f"dashboard-{scope.type}-{scope.id}-{period.start:%Y-%m}-{period.end:%Y-%m}-{table}.{fmt}"


def render_csv(dashboard: Dashboard, table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table_rows(table):
        writer.writerow(row)
    writer.writerow([])
    writer.writerow([_legend(dashboard)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: spreadsheet programs read UTF-8


def render_xlsx(dashboard: Dashboard, tables: list[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.slug[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([dashboard.scope.name, dashboard.period.label])
        sheet.append([])
        for i, row in enumerate(table_rows(table, numeric=True)):
            sheet.append(row)
            if i == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        sheet.append([])
        sheet.append([_legend(dashboard)])
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


OVERDUE = "overdue"
OVERDUE_MAX_ROWS = 5000


def overdue_table(scope: Scope) -> Table:
    """The overdue list now as a table (at most ``OVERDUE_MAX_ROWS`` rows): references, never names."""
    items, cursor = [], None
    while len(items) < OVERDUE_MAX_ROWS:
        page = overdue_list(scope, cursor=cursor, limit=200)
        items += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    zone = scope.jurisdiction.zone
    columns = [Column("rule", _("Deadline")), Column("agency", _("Responsible")),
               Column("due_at", _("Was due")), Column("overdue_for", _("Overdue by"))]
    rows = [Row(item.reference, item.reference,
                [item.rule_name, item.agency, f"{item.due_at.astimezone(zone):%Y-%m-%d %H:%M}", item.overdue_for],
                note=item.rule_source) for item in items[:OVERDUE_MAX_ROWS]]
    return Table(OVERDUE, _("Overdue now"), columns, rows, note_label=_("Legal source"))


def dashboard_export(*, user, scope: Scope, period: Period, table: str, fmt: str) -> Export:
    """One table (or, in XLSX, every table) of a dashboard, or the overdue list, as a file, audited.

    SPEC D4, KZ §27: aggregates must not allow re-identification — the file holds the
    suppressed figures only, and the overdue list case references only. KZ §11: copies of
    data leave the system only on record — the export is audited (scope, period, table and
    format; nothing personal) in the same transaction. KZ §31: the figures brief the
    quarterly meetings.
    """
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = [_("Choose CSV or XLSX.")]
    with transaction.atomic():
        dashboard = dashboard_figures(scope, period)
        if table == ALL_TABLES and fmt != "xlsx":
            errors["table"] = [_("Every table at once comes as XLSX only.")]
        elif table not in (ALL_TABLES, OVERDUE) and table not in dashboard.tables:
            errors["table"] = [_("Choose a table of this dashboard.")]
        if errors:
            raise ExportInputError(errors)
        if table == OVERDUE:
            tables = [overdue_table(scope)]
        elif table == ALL_TABLES:
            tables = list(dashboard.tables.values())
        else:
            tables = [dashboard.tables[table]]
        content = render_csv(dashboard, tables[0]) if fmt == "csv" else render_xlsx(dashboard, tables)
        audit_record(actor=user, action=AuditAction.DASHBOARD_EXPORT, detail={
            "scope": scope.token, "period": period.as_json(), "table": table, "format": fmt})
    return Export(filename(scope, period, table, fmt), FORMATS[fmt], content)
