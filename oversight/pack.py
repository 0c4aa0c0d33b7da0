"""The quarterly briefing pack (KZ §31; issue #10, item 6).

KZ §31: the regional child-rights ombudsman holds a briefing every quarter to inform
the public of the work done to protect children's rights. The pack is that quarter's
figures for one scope (a region, a country, or an organisation for its head): a PDF to
print and hand out, and an XLSX with one sheet per table.

The figures are the dashboard's (``oversight.selectors.dashboard_figures`` over the
quarter's three months): read from the summary tables, suppressed (SPEC D4) — a small
count reads "<5", one hidden so that a total cannot reveal it reads "•" — and never a
name, a date of birth, an identity number or free text; the file name holds codes only.
Who may download a scope's pack is who may see its dashboard (``oversight.scopes``).
Each download is audited (``AuditAction.QUARTERLY_PACK``) in the same transaction as
the pack is made: a copy of figures leaves the system only on record (KZ §11).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table as PdfTable, TableStyle

from commission.minutes import FONT, FONT_BOLD, _register_fonts
from oversight.exports import FORMATS, render_xlsx, table_rows
from oversight.scopes import Scope
from oversight.selectors import Dashboard, Period, dashboard_figures, period_months
from privacy.audit import audit_record
from privacy.models import AuditAction

QUARTERS = (1, 2, 3, 4)
FIRST_YEAR = 2020
PACK_FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": FORMATS["xlsx"]}


@dataclass
class Pack:
    filename: str
    content_type: str
    content: bytes


class PackInputError(ValueError):
    """A quarter or format that does not exist: ``errors`` holds messages per field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def period(self) -> Period:
        first = 3 * (self.number - 1) + 1
        return period_months(dt.date(self.year, first, 1), dt.date(self.year, first + 2, 1))

    @property
    def label(self) -> str:
        return _("Q%(quarter)d %(year)d") % {"quarter": self.number, "year": self.year}

    @property
    def token(self) -> str:
        return f"{self.year}-Q{self.number}"


def current_quarter(scope: Scope, now: dt.datetime | None = None) -> Quarter:
    today = scope.jurisdiction.local_date(now or timezone.now())
    return Quarter(today.year, (today.month - 1) // 3 + 1)


def recent_quarters(scope: Scope, count: int = 4, now: dt.datetime | None = None) -> list[Quarter]:
    """The current quarter (so far) and the ones before it, newest first."""
    quarter = current_quarter(scope, now)
    quarters = []
    for _i in range(count):
        quarters.append(quarter)
        quarter = Quarter(quarter.year - 1, 4) if quarter.number == 1 else Quarter(quarter.year, quarter.number - 1)
    return quarters


def quarter_parse(year: str | None, quarter: str | None, *, scope: Scope) -> tuple[Quarter | None, dict]:
    """The quarter asked for, or per-field errors (a quarter not yet begun is refused)."""
    errors: dict[str, list[str]] = {}
    latest = current_quarter(scope)
    y = int(year) if (year or "").isdigit() and len(year) == 4 else None
    q = int(quarter) if (quarter or "").isdigit() and len(quarter) == 1 else None
    if y is None or not FIRST_YEAR <= y <= latest.year:
        errors["year"] = [_("Enter a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": latest.year}]
    if q not in QUARTERS:
        errors["quarter"] = [_("Choose a quarter from 1 to 4.")]
    if not errors and (y, q) > (latest.year, latest.number):
        errors["quarter"] = [_("That quarter has not begun yet.")]
    return (None, errors) if errors else (Quarter(y, q), {})


def pack_filename(scope: Scope, quarter: Quarter, fmt: str) -> str:
    """E.g. ``quarterly-pack-region-12-2026-Q3.pdf``: codes only, no names."""
    return f"quarterly-pack-{scope.type}-{scope.id}-{quarter.token}.{fmt}"


# --- PDF -------------------------------------------------------------------------------------------

def _styles() -> dict:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                                alignment=TA_CENTER, spaceAfter=3),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10.5, leading=14, alignment=TA_CENTER,
                                   spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=10,
                             spaceAfter=4),
    }


def _pdf_table(rows: list[list], styles: dict, *, width: float, text_columns: int = 1) -> PdfTable:
    """A table's rows (header first): its label (and note) columns wrap as text, the figures align right."""
    header, body = rows[0], rows[1:]
    label_width = width * (0.34 if text_columns > 1 else 0.42)
    note_width = width * 0.13 if text_columns > 1 else 0
    rest = (width - label_width - note_width) / max(1, len(header) - text_columns)
    widths = [label_width] + ([note_width] if text_columns > 1 else []) + [rest] * (len(header) - text_columns)
    data = [[Paragraph(escape(str(v)), styles["head"]) for v in header]]
    data += [[Paragraph(escape(str(v)), styles["cell"]) if i < text_columns else str(v) for i, v in enumerate(line)]
             for line in body]
    table = PdfTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("ALIGN", (text_columns, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _cards_table(dashboard: Dashboard, styles: dict, *, width: float) -> PdfTable:
    labels = [Paragraph(escape(str(card.label)), styles["cell"]) for card in dashboard.cards]
    figures = [card.figure.display for card in dashboard.cards]
    table = PdfTable([labels, figures], colWidths=[width / len(labels)] * len(labels))
    table.setStyle(TableStyle([
        ("FONT", (0, 1), (-1, 1), FONT_BOLD, 14),
        ("ALIGN", (0, 1), (-1, 1), "CENTER"),
        ("BOX", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("TOPPADDING", (0, 1), (-1, 1), 6), ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
    ]))
    return table


def render_pdf(dashboard: Dashboard, quarter: Quarter) -> bytes:
    _register_fonts()
    styles = _styles()
    out = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=_("Quarterly briefing pack"), author="")
    width = page[0] - 28 * mm
    scope = dashboard.scope
    made = formats.date_format(scope.jurisdiction.local(timezone.now()), "SHORT_DATETIME_FORMAT")
    story = [
        Paragraph(escape(_("Quarterly briefing pack (KZ §31)")), styles["title"]),
        Paragraph(escape(f"{scope.name} · {quarter.label} ({dashboard.period.label})"), styles["subtitle"]),
        Paragraph(escape(_("Figures from the oversight summary tables, made %(when)s. No personal data: counts "
                           "only, by code.") % {"when": made}), styles["small"]),
        Paragraph(escape(_("<%(k)d: fewer than %(k)d, hidden to protect the children; •: hidden so that the "
                           "totals cannot reveal a small number.") % {"k": dashboard.k}), styles["small"]),
        Spacer(1, 4 * mm),
    ]
    if dashboard.cards:
        story.append(_cards_table(dashboard, styles, width=width))
    for table in dashboard.tables.values():
        rows = table_rows(table)
        block = [Paragraph(escape(table.title), styles["h2"])]
        if table.is_empty:
            block.append(Paragraph(escape(_("Nothing in this quarter.")), styles["base"]))
        else:
            block.append(_pdf_table(rows, styles, width=width, text_columns=2 if table.note_label else 1))
        # A short table stays on one page with its title; a long one flows on.
        story.extend([KeepTogether(block)] if len(rows) < 25 else block)
    doc.build(story)
    return out.getvalue()


# --- The service -----------------------------------------------------------------------------------

def quarterly_pack(*, user, scope: Scope, quarter: Quarter, fmt: str) -> Pack:
    """The quarter's pack of ``scope`` as a PDF or an XLSX, audited (KZ §31; SPEC D4; KZ §11, §27).

    The caller has checked that ``user`` may see ``scope`` (``scope_get_for_user``). The audit
    entry (scope, quarter, format; nothing personal) is written in the same transaction.
    """
    if fmt not in PACK_FORMATS:
        raise PackInputError({"format": [_("Choose PDF or XLSX.")]})
    with transaction.atomic():
        dashboard = dashboard_figures(scope, quarter.period)
        if fmt == "pdf":
            content = render_pdf(dashboard, quarter)
        else:
            content = render_xlsx(dashboard, list(dashboard.tables.values()))
        audit_record(actor=user, action=AuditAction.QUARTERLY_PACK, detail={
            "scope": scope.token, "quarter": quarter.token, "format": fmt})
    return Pack(pack_filename(scope, quarter, fmt), CONTENT_TYPES[fmt], content)
