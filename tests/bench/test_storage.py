"""The storage figure: bytes per petition summed over every table, the largest named first."""

from bench.storage import SHOWN, breakdown, sizes


def test_breakdown_divides_every_table_by_the_petitions_and_names_the_largest():
    tables = {f"t{i}": 1000 * (i + 1) for i in range(SHOWN + 2)}  # t9 largest, t0 and t1 the rest
    total, shares = breakdown(tables, 10)
    assert total == sum(tables.values()) // 10
    assert shares[0] == (f"t{SHOWN + 1}", 1000)
    assert [name for name, _ in shares[:SHOWN]] == [f"t{i}" for i in range(SHOWN + 1, 1, -1)]
    assert shares[-1] == ("the other tables", (1000 + 2000) // 10)


def test_no_petitions_gives_no_figure_rather_than_a_division_by_zero():
    assert breakdown({"t": 5}, 0) == (0, [])


def test_sizes_name_the_petition_table(db):
    found = sizes()
    assert found.get("petitions_petition", 0) > 0 or "(the database file)" in found
