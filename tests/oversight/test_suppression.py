"""Small cells are hidden, and so is whatever would give them away (SPEC D4, KZ §27).

Each table below is worked by hand: the expected picture is written as the page
shows it ("<5" a small count, "•" a figure hidden so that a total cannot reveal one).
"""

from oversight.suppression import Reason, rate, suppress_grid, suppress_value


def picture(grid):
    rows = [[c.display for c in row] + ([grid.row_totals[i].display] if grid.row_totals else [])
            for i, row in enumerate(grid.cells)]
    if grid.column_totals:
        rows.append([c.display for c in grid.column_totals]
                    + ([grid.grand_total.display] if grid.row_totals else []))
    return rows


def test_a_lone_count_below_five_is_hidden_and_zero_and_five_are_shown():
    assert [suppress_value(n, k=5).display for n in (0, 1, 4, 5, 17)] == ["0", "<5", "<5", "5", "17"]
    assert suppress_value(3, k=5).value is None
    assert suppress_value(3, k=5).as_json() == {"value": None, "suppressed": True}
    assert suppress_value(12, k=5).as_json() == {"value": 12, "suppressed": False}


def test_the_threshold_is_the_setting(settings):
    settings.DASHBOARD_MIN_CELL = 10
    assert suppress_value(7).display == "<10"
    assert suppress_value(10).display == "10"


def test_a_column_with_its_total_hides_the_next_smallest_count_too():
    # 3 alone hidden: 20 - 12 - 5 would give it back, so the 5 goes too (the smallest other).
    grid = suppress_grid([[12], [3], [5]], column_totals=True, k=5)
    assert picture(grid) == [["12"], ["<5"], ["•"], ["20"]]
    assert grid.cells[2][0].reason == Reason.COMPLEMENT


def test_two_small_cells_in_a_column_protect_each_other():
    grid = suppress_grid([[30], [2], [1]], column_totals=True, k=5)
    assert picture(grid) == [["30"], ["<5"], ["<5"], ["33"]]


def test_zeros_are_not_hidden_and_cannot_be_the_complement():
    # Only 2 and 9 are non-zero besides the total: the 9 is the complement.
    grid = suppress_grid([[0], [2], [9], [0]], column_totals=True, k=5)
    assert picture(grid) == [["0"], ["<5"], ["•"], ["0"], ["11"]]


def test_a_total_below_five_is_hidden():
    grid = suppress_grid([[2], [1]], column_totals=True, k=5)
    assert picture(grid) == [["<5"], ["<5"], ["<5"]]


def test_a_two_way_table_is_suppressed_until_no_line_gives_a_cell_away():
    # Hand-worked: 3 is small. Row 0 then hides 12; column 0 (12 hidden) hides 7;
    # column 1 (3 hidden) hides 40; row 1 now has two hidden. Totals all stay.
    grid = suppress_grid([[12, 3], [7, 40]], row_totals=True, column_totals=True, k=5)
    assert picture(grid) == [["•", "<5", "15"], ["•", "•", "47"], ["19", "43", "62"]]


def test_a_small_column_total_is_protected_in_the_totals_row():
    # Column 1 adds up to 4 (hidden, and its cells 1 and 3 are small). The totals row then
    # shows 25 + ? + 30 = 59: so the smallest other column total, 25, is hidden too, and in
    # turn a cell of its column (10, the smaller) so that 25 cannot be added up again.
    grid = suppress_grid([[10, 1, 10], [15, 3, 20]], row_totals=True, column_totals=True, k=5)
    shown = picture(grid)
    assert shown[2][1] == "<5" and shown[2][0] == "•"
    assert shown[0][1] == "<5" and shown[1][1] == "<5"
    assert shown[0][0] == "•"
    # Every line (a row or column with its total) has no hidden figure, or at least two.
    full = [row for row in shown]
    for line in full + [list(col) for col in zip(*full)]:
        assert sum(1 for x in line if x in ("<5", "•")) != 1, line


def test_no_line_of_a_larger_table_is_left_with_one_hidden_figure():
    table = [[25, 0, 7, 2], [9, 14, 0, 31], [1, 6, 8, 50], [0, 0, 4, 11]]
    grid = suppress_grid(table, row_totals=True, column_totals=True, k=5)
    shown = picture(grid)
    for line in shown + [list(col) for col in zip(*shown)]:
        assert sum(1 for x in line if x in ("<5", "•")) != 1, line
    assert shown[0][3] == shown[2][0] == shown[3][2] == "<5"
    assert shown[0][1] == "0" and shown[3][0] == "0"  # zeros stay shown


def test_a_table_without_totals_gets_primary_suppression_only():
    grid = suppress_grid([[12], [3], [5]], k=5)
    assert picture(grid) == [["12"], ["<5"], ["5"]]


def test_a_rate_of_a_hidden_count_is_hidden():
    assert rate(suppress_value(3, k=5), suppress_value(40, k=5)).as_json() == {"value": None, "suppressed": True}
    assert rate(suppress_value(30, k=5), suppress_value(40, k=5)).display == "75%"
    assert rate(suppress_value(0, k=5), suppress_value(0, k=5)).display == "—"
