"""Charts drawn on the server as inline SVG (issue #10): no script, no library, no CDN.

Each chart is drawn from a suppressed ``Table`` (``oversight.selectors``), so a hidden
figure is hidden here too: it gets no bar, only its "<5" or "•" as text. Every bar
carries its number as text, the chart has a title and a description for screen readers
(``role="img"``), and the shapes use classes styled in app.css (the Content-Security-Policy
allows no inline style), in colours and patterns that stay readable when printed in black
and white.

The SVG and the tables are written as f-strings with every text through ``_esc`` (numbers
and coordinates are ours): a national page has some twenty tables and a thousand figures,
and ``format_html`` per element made drawing a third of the page's time.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from oversight.selectors import Table

WIDTH = 640


def _esc(value) -> str:
    """Text as HTML: escaped, unless it is HTML already (a ``SafeString``)."""
    return value if isinstance(value, SafeString) else escape(str(value))


def _f(number: float) -> str:
    return f"{number:.1f}"


def _num(cell) -> int | None:
    return getattr(cell, "value", None)


def _text(cell) -> str:
    return getattr(cell, "display", str(cell))


def _svg(chart_id: str, title: str, description: str, height: int, body: list[str]) -> SafeString:
    chart_id = _esc(chart_id)
    head = (f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
            f'preserveAspectRatio="xMinYMin meet"><title id="{chart_id}-t">{_esc(title)}</title>'
            f'<desc id="{chart_id}-d">{_esc(description)}</desc>')
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
        body.append(f'<text class="chart-label" x="{label_width}" y="{y + 13}">{_esc(row.label[:80])}</text>')
        if value:
            width = max(2, round(bar_space * value / top))
            body.append(f'<rect class="chart-bar" x="0" y="{y + 18}" width="{width}" height="14"/>')
            text_x = width + 6
        else:
            text_x = 0
            if getattr(row.cells[column], "suppressed", False):
                body.append(f'<rect class="chart-hidden" x="0" y="{y + 18}" width="26" height="14"/>')
                text_x = 32
        body.append(f'<text class="chart-value" x="{text_x}" y="{y + 30}">{_esc(_text(row.cells[column]))}</text>')
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
        '<rect class="chart-bar" x="0" y="4" width="12" height="12"/>'
        f'<text class="chart-label" x="18" y="14">{_esc(table.columns[first].label)}</text>',
        f'<rect class="chart-bar second" x="{WIDTH // 2}" y="4" width="12" height="12"/>'
        f'<text class="chart-label" x="{WIDTH // 2 + 18}" y="14">{_esc(table.columns[second].label)}</text>',
    ]
    base = plot_top + plot_height
    body.append(f'<line class="chart-axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"/>')
    small = len(table.rows) > 12
    for i, row in enumerate(table.rows):
        x = 5 + i * slot + slot / 2 - bar
        for offset, index, css in ((0, first, "chart-bar"), (bar, second, "chart-bar second")):
            cell = row.cells[index]
            value = _num(cell)
            height = round(plot_height * value / top) if value else 0
            if height:
                body.append(f'<rect class="{css}" x="{_f(x + offset)}" y="{base - height}" width="{_f(bar - 1)}" '
                            f'height="{height}"/>')
            if not small or getattr(cell, "suppressed", False) or value:
                body.append(f'<text class="chart-value small" x="{_f(x + offset + bar / 2)}" y="{base - height - 3}" '
                            f'text-anchor="middle">{_esc(_text(cell))}</text>')
        month = row.label[2:] if len(table.rows) > 6 else row.label  # "26-03" when many months
        body.append(f'<text class="chart-label small" x="{_f(x + bar)}" y="{base + 14}" '
                    f'text-anchor="middle">{_esc(month)}</text>')
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


def _cell_html(cell) -> str:
    if hasattr(cell, "display"):
        css = "num suppressed" if getattr(cell, "suppressed", False) else "num"
        title = getattr(cell, "title", "")
        if title:
            return f'<td class="{css}" title="{_esc(title)}">{_esc(cell.display)}</td>'
        return f'<td class="{css}">{_esc(cell.display)}</td>'
    return f'<td class="num">{_esc(cell)}</td>'


def _row_html(table: Table, row, *, drill_url: str, heading_class: str) -> str:
    if row.link and drill_url:
        label = f'<a href="{_esc(drill_url.replace("__scope__", row.link))}">{_esc(row.label)}</a>'
    else:
        label = _esc(row.label)
    note = f'<td class="citation">{_esc(row.note)}</td>' if table.note_label else ""
    cells = "".join(_cell_html(cell) for cell in row.cells)
    return f'<tr><th scope="row"{heading_class}>{label}</th>{note}{cells}</tr>'


def table_html(table: Table, *, drill_url: str = "") -> SafeString:
    """The table as HTML, drawn here rather than in a template: a page has some twenty tables
    of up to hundreds of figures, and the dashboard must answer in tens of milliseconds.

    ``drill_url``: the link of a row that drills down, with ``__scope__`` where its scope goes.
    """
    month = _("Month") if table.chart == "trend" else ""
    heading_class = ' class="month"' if table.chart == "trend" else ""
    head = [f'<th scope="col">{_esc(month)}</th>']
    if table.note_label:
        head.append(f'<th scope="col">{_esc(table.note_label)}</th>')
    head += [f'<th scope="col" class="num">{_esc(column.label)}</th>' for column in table.columns]
    body = [_row_html(table, row, drill_url=drill_url, heading_class=heading_class) for row in table.rows]
    foot = ""
    if table.totals:
        note = "<td></td>" if table.note_label else ""
        cells = "".join(_cell_html(cell) for cell in table.totals.cells)
        foot = f'<tfoot><tr><th scope="row">{_esc(table.totals.label)}</th>{note}{cells}</tr></tfoot>'
    return mark_safe(f'<table class="list dash"><thead><tr>{"".join(head)}</tr></thead>'
                     f'<tbody>{"".join(body)}</tbody>{foot}</table>')
