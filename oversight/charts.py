"""Charts drawn on the server as inline SVG (issue #10): no script, no library, no CDN.

Each chart is drawn from a suppressed ``Table`` (``oversight.selectors``), so a hidden
figure is hidden here too: it gets no bar, only its "<5" or "•" as text. Every bar
carries its number as text, the chart has a title and a description for screen readers
(``role="img"``), and the shapes use classes styled in app.css (the Content-Security-Policy
allows no inline style), in colours and patterns that stay readable when printed in black
and white.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from oversight.selectors import Table

WIDTH = 640


def _f(number: float) -> str:
    return f"{number:.1f}"


def _num(cell) -> int | None:
    return getattr(cell, "value", None)


def _text(cell) -> str:
    return getattr(cell, "display", str(cell))


def _svg(chart_id: str, title: str, description: str, height: int, body: list[str]) -> SafeString:
    head = format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        chart_id, WIDTH, height, chart_id, chart_id, chart_id, title, chart_id, description)
    return mark_safe(head + "".join(body) + "</svg>")


def _describe(table: Table, column: int = 0) -> str:
    return "; ".join(f"{row.label}: {_text(row.cells[column])}" for row in table.rows)


def bar_chart(table: Table, *, column: int = 0) -> SafeString:
    """Horizontal bars, one per row of ``table`` (its ``column``), the label above each bar."""
    if table.is_empty:
        return mark_safe("")
    values = [_num(row.cells[column]) for row in table.rows]
    top = max([v for v in values if v] or [1])
    label_width, bar_space = 0, WIDTH - 70
    row_height = 38
    body = []
    for i, row in enumerate(table.rows):
        y = i * row_height
        value = values[i]
        body.append(format_html('<text class="chart-label" x="{}" y="{}">{}</text>', label_width, y + 13,
                                row.label[:80]))
        if value:
            width = max(2, round(bar_space * value / top))
            body.append(format_html('<rect class="chart-bar" x="0" y="{}" width="{}" height="14"/>', y + 18, width))
            text_x = width + 6
        else:
            width = 0
            text_x = 0
            if getattr(row.cells[column], "suppressed", False):
                body.append(format_html('<rect class="chart-hidden" x="0" y="{}" width="26" height="14"/>', y + 18))
                text_x = 32
        body.append(format_html('<text class="chart-value" x="{}" y="{}">{}</text>', text_x, y + 30,
                                _text(row.cells[column])))
    height = len(table.rows) * row_height + 4
    return _svg(f"chart-{table.slug}", table.title, _describe(table, column), height, body)


def trend_chart(table: Table, *, columns: tuple[int, int] = (0, 3)) -> SafeString:
    """Monthly bars of two series side by side (new cases; deadlines breached), numbers above them."""
    if table.is_empty:
        return mark_safe("")
    first, second = columns
    top = max([v for row in table.rows for v in (_num(row.cells[first]), _num(row.cells[second])) if v] or [1])
    plot_top, plot_height, legend_height = 34, 160, 0
    slot = (WIDTH - 10) / len(table.rows)
    bar = max(3.0, min(22.0, slot / 2 - 3))
    body = [
        format_html('<rect class="chart-bar" x="0" y="4" width="12" height="12"/>'
                    '<text class="chart-label" x="18" y="14">{}</text>', table.columns[first].label),
        format_html('<rect class="chart-bar second" x="{}" y="4" width="12" height="12"/>'
                    '<text class="chart-label" x="{}" y="14">{}</text>', WIDTH // 2, WIDTH // 2 + 18,
                    table.columns[second].label),
    ]
    base = plot_top + plot_height
    body.append(format_html('<line class="chart-axis" x1="0" y1="{}" x2="{}" y2="{}"/>', base, WIDTH, base))
    small = len(table.rows) > 12
    for i, row in enumerate(table.rows):
        x = 5 + i * slot + slot / 2 - bar
        for offset, index, css in ((0, first, "chart-bar"), (bar, second, "chart-bar second")):
            cell = row.cells[index]
            value = _num(cell)
            height = round(plot_height * value / top) if value else 0
            if height:
                body.append(format_html('<rect class="{}" x="{}" y="{}" width="{}" height="{}"/>',
                                        css, _f(x + offset), base - height, _f(bar - 1), height))
            if not small or getattr(cell, "suppressed", False) or value:
                body.append(format_html('<text class="chart-value small" x="{}" y="{}" text-anchor="middle">{}</text>',
                                        _f(x + offset + bar / 2), base - height - 3, _text(cell)))
        month = row.label[2:] if len(table.rows) > 6 else row.label  # "26-03" when many months
        body.append(format_html('<text class="chart-label small" x="{}" y="{}" text-anchor="middle">{}</text>',
                                _f(x + bar), base + 14, month))
    description = _("%(first)s and %(second)s by month: ") % {
        "first": table.columns[first].label, "second": table.columns[second].label}
    description += "; ".join(f"{row.label}: {_text(row.cells[first])}, {_text(row.cells[second])}"
                             for row in table.rows)
    return _svg(f"chart-{table.slug}", table.title, description, base + 20 + legend_height, body)


def chart_for(table: Table) -> SafeString:
    """The table's chart, if it has one (``Table.chart``)."""
    if table.chart == "trend":
        return trend_chart(table)
    if table.chart == "bar":
        return bar_chart(table)
    return mark_safe("")


def _cell_html(cell) -> SafeString:
    if hasattr(cell, "display"):
        css = "num suppressed" if getattr(cell, "suppressed", False) else "num"
        title = getattr(cell, "title", "")
        if title:
            return format_html('<td class="{}" title="{}">{}</td>', css, title, cell.display)
        return format_html('<td class="{}">{}</td>', css, cell.display)
    return format_html('<td class="num">{}</td>', cell)


def _row_html(table: Table, row, *, drill_url: str, heading_class: str) -> SafeString:
    if row.link and drill_url:
        label = format_html('<a href="{}">{}</a>', drill_url.replace("__scope__", row.link), row.label)
    else:
        label = row.label
    note = format_html('<td class="citation">{}</td>', row.note) if table.note_label else ""
    cells = mark_safe("".join(_cell_html(cell) for cell in row.cells))
    return format_html('<tr><th scope="row"{}>{}</th>{}{}</tr>', heading_class, label, note, cells)


def table_html(table: Table, *, drill_url: str = "") -> SafeString:
    """The table as HTML, drawn here rather than in a template: a page has some twenty tables
    of up to hundreds of figures, and the dashboard must answer in tens of milliseconds.

    ``drill_url``: the link of a row that drills down, with ``__scope__`` where its scope goes.
    """
    month = _("Month") if table.chart == "trend" else ""
    heading_class = mark_safe(' class="month"') if table.chart == "trend" else ""
    head = [format_html('<th scope="col">{}</th>', month)]
    if table.note_label:
        head.append(format_html('<th scope="col">{}</th>', table.note_label))
    head += [format_html('<th scope="col" class="num">{}</th>', column.label) for column in table.columns]
    body = [_row_html(table, row, drill_url=drill_url, heading_class=heading_class) for row in table.rows]
    foot = ""
    if table.totals:
        note = mark_safe("<td></td>") if table.note_label else ""
        cells = mark_safe("".join(_cell_html(cell) for cell in table.totals.cells))
        foot = format_html('<tfoot><tr><th scope="row">{}</th>{}{}</tr></tfoot>', table.totals.label, note, cells)
    return format_html('<table class="list dash"><thead><tr>{}</tr></thead><tbody>{}</tbody>{}</table>',
                       mark_safe("".join(head)), mark_safe("".join(body)), foot)
