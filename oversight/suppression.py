"""Small-cell suppression of every dashboard figure (SPEC D4, KZ §27; issue #10).

Aggregates shown to the ombudsman offices, regions and heads must not allow a child
to be re-identified. Every count shown anywhere — a page's table or chart, an API
figure, a CSV or XLSX export, the quarterly pack, the daily summary — goes through
this module:

* **Primary suppression:** a count from 1 to ``k - 1`` (``settings.DASHBOARD_MIN_CELL``,
  5 by default) is not shown: it reads "<5". Zero is shown (nobody is in it).
  A total below ``k`` is suppressed the same way.
* **Complementary suppression:** in a table with totals, a row or column (its total
  included) in which exactly one figure is hidden would give it away by subtraction,
  so the next smallest non-zero figure of that line is hidden too (an inner cell
  first, its total when no inner cell is left). This is repeated over all rows and
  columns until no line has exactly one hidden figure.

Use:

    grid = suppress_grid([[12, 3], [7, 40]], row_totals=True, column_totals=True)
    grid.cells[0][1].value        # None: hidden
    grid.cells[0][1].suppressed   # True
    grid.cells[0][1].display      # "<5"
    grid.row_totals[0].display    # "15"

A ``Cell`` never hands out its raw count once it is suppressed: ``value`` is ``None``
and nothing else exposes the number, so a template, serializer or export that uses
a ``Cell`` cannot leak it by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _


def min_cell() -> int:
    """The smallest count shown (SPEC D4); counts from 1 to this minus one are hidden."""
    return max(1, int(getattr(settings, "DASHBOARD_MIN_CELL", 5)))


class Reason:
    NONE = ""
    SMALL = "small"          # 1..k-1 itself
    COMPLEMENT = "complement"  # hidden so that a total cannot reveal a small cell


@dataclass(frozen=True)
class Cell:
    """One figure as it may be shown: ``value`` is ``None`` when ``suppressed``."""

    _raw: int = field(repr=False)
    reason: str = Reason.NONE
    k: int = 5

    @property
    def suppressed(self) -> bool:
        return bool(self.reason)

    @property
    def value(self) -> int | None:
        return None if self.reason else self._raw

    @property
    def display(self) -> str:
        """The figure as text: the number, "<5" for a small count, "•" for a complementary one."""
        if self.reason == Reason.SMALL:
            return f"<{self.k}"
        if self.reason == Reason.COMPLEMENT:
            return "•"
        return f"{self._raw:,}".replace(",", "\u202f")

    @property
    def title(self) -> str:
        """Why a figure is hidden, for a tooltip or a screen reader."""
        if self.reason == Reason.SMALL:
            return _("Fewer than %(k)d: hidden to protect the children") % {"k": self.k}
        if self.reason == Reason.COMPLEMENT:
            return _("Hidden so that the totals cannot reveal a small number")
        return ""

    def as_json(self) -> dict:
        """``{"value": 12, "suppressed": false}`` or ``{"value": null, "suppressed": true}``."""
        return {"value": self.value, "suppressed": self.suppressed}

    def __str__(self):
        return self.display


def suppress_value(n: int, *, k: int | None = None) -> Cell:
    """A lone figure (a summary card, a chart's single bar): primary suppression only."""
    k = min_cell() if k is None else k
    return Cell(int(n), Reason.SMALL if 0 < n < k else Reason.NONE, k)


@dataclass
class Rate:
    """A share derived from two counts: hidden when either count is hidden, or nothing to divide."""

    value: float | None  # 0..1

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        return "—" if self.value is None else f"{round(self.value * 100)}%"

    def as_json(self) -> dict:
        return {"value": None if self.value is None else round(self.value, 4), "suppressed": self.value is None}


def rate(numerator: Cell, denominator: Cell) -> Rate:
    """``numerator / denominator`` as a Rate; a rate of hidden counts would reveal them."""
    if numerator.suppressed or denominator.suppressed or not denominator.value:
        return Rate(None)
    return Rate(numerator.value / denominator.value)


@dataclass
class SuppressedGrid:
    """A table of counts after suppression: inner cells and, if asked for, its totals."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None       # one per row (a "Total" column)
    column_totals: list[Cell] | None    # one per column (a "Total" row)
    grand_total: Cell | None            # present when either kind of total is

    @property
    def any_suppressed(self) -> bool:
        every = [c for row in self.cells for c in row]
        every += (self.row_totals or []) + (self.column_totals or [])
        every += [self.grand_total] if self.grand_total else []
        return any(c.suppressed for c in every)


def suppress_grid(grid: list[list[int]], *, row_totals: bool = False, column_totals: bool = False,
                  k: int | None = None) -> SuppressedGrid:
    """Suppress a table of non-negative counts ``grid[row][column]`` (SPEC D4).

    ``row_totals``: the table shows each row's total (the sum of its cells);
    ``column_totals``: it shows each column's total. Only a table whose rows
    really add up may show totals: one where a case counts in several rows (a case
    of two kinds) shows none, and gets primary suppression only.
    """
    k = min_cell() if k is None else k
    n_rows = len(grid)
    n_cols = len(grid[0]) if grid else 0
    # The full matrix with its margins: row n_rows holds the column totals, column n_cols the row totals.
    full = [list(map(int, row)) + [sum(row)] for row in grid]
    full.append([sum(grid[r][c] for r in range(n_rows)) for c in range(n_cols)]
                + [sum(sum(row) for row in grid)])
    present = [[True] * n_cols + [row_totals] for _r in range(n_rows)]
    present.append([column_totals] * n_cols + [row_totals or column_totals])
    if not grid:
        present = [[row_totals or column_totals]]
        full = [[0]]
        n_cols = 0

    hidden: dict[tuple[int, int], str] = {}
    for r, row in enumerate(full):
        for c, n in enumerate(row):
            if present[r][c] and 0 < n < k:
                hidden[(r, c)] = Reason.SMALL

    # Each line is (inner positions, margin position): a row with its total, a column with its total.
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    if row_totals:
        for r in range(n_rows):
            lines.append(([(r, c) for c in range(n_cols)], (r, n_cols)))
        if column_totals:
            lines.append(([(n_rows, c) for c in range(n_cols)], (n_rows, n_cols)))
    if column_totals:
        for c in range(n_cols):
            lines.append(([(r, c) for r in range(n_rows)], (n_rows, c)))
        if row_totals:
            lines.append(([(r, n_cols) for r in range(n_rows)], (n_rows, n_cols)))

    changed = True
    while changed:
        changed = False
        for inner, margin in lines:
            members = inner + [margin]
            if sum(1 for p in members if p in hidden) != 1:
                continue
            candidates = sorted((full[p[0]][p[1]], p) for p in inner if p not in hidden and full[p[0]][p[1]] > 0)
            if candidates:
                hidden[candidates[0][1]] = Reason.COMPLEMENT
                changed = True
            elif margin not in hidden and full[margin[0]][margin[1]] > 0:
                hidden[margin] = Reason.COMPLEMENT
                changed = True

    def cell(r, c):
        return Cell(full[r][c], hidden.get((r, c), Reason.NONE), k)

    return SuppressedGrid(
        cells=[[cell(r, c) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[cell(r, n_cols) for r in range(n_rows)] if row_totals else None,
        column_totals=[cell(n_rows, c) for c in range(n_cols)] if column_totals else None,
        grand_total=cell(n_rows, n_cols) if (row_totals or column_totals) else None,
    )
