"""Counts as the admin types them and as platforms export them (pipeline/results/numbers.py)."""

from __future__ import annotations

import pytest

from pipeline.common.errors import ContentError
from pipeline.results.numbers import parse_count, parse_optional, parse_signed


@pytest.mark.parametrize(("text", "count"), [
    ("12345", 12345), ("12.345", 12345), ("1.234.567", 1234567), ("12,345", 12345), ("12 345", 12345),
    ("12\u00a0345", 12345), (" 7 ", 7), ("0", 0),
    ("1,2rb", 1200), ("1,2 rb", 1200), ("1.2K", 1200), ("12k", 12000), ("2 ribu", 2000), ("1,25rb", 1250),
    ("3,4jt", 3400000), ("3,4 Juta", 3400000), ("3M", 3000000), ("1.5m", 1500000), ("2B", 2000000000),
    ("1,0001rb", 1000),  # rounded to a whole count
    (12345, 12345), (12345.0, 12345),
])
def test_counts_in_indonesian_and_english_formats(text, count):
    assert parse_count(text) == count


@pytest.mark.parametrize(("text", "why"), [
    ("12,5", "bukan angka bulat"), ("1.23", "bukan angka bulat"), ("1.2345", "bukan angka bulat"),
    ("banyak", "bukan angka"), ("1,2xx", "bukan angka"), ("12.34.567", "bukan angka"), ("1.234,567", "bukan angka"),
    ("-5", "tidak boleh negatif"), ("", "kosong"), ("-", "kosong"), (12.5, "bukan angka bulat"), (True, "bukan angka"),
    ("1 2", "bukan angka"),
])
def test_bad_counts_name_the_file_row_and_field_in_indonesian(text, why):
    with pytest.raises(ContentError) as caught:
        parse_count(text, field="Tayangan", path="tiktok.csv", line=7)
    problem = caught.value.problems[0]
    assert (problem.path, problem.line, problem.field) == ("tiktok.csv", 7, "Tayangan")
    assert why in problem.message and f"`{text}`" in problem.message
    assert "1,2rb" in problem.hint


def test_blank_is_not_read_and_followers_may_fall():
    assert [parse_optional(v) for v in (None, "", " ", "-", "1,2rb")] == [None, None, None, None, 1200]
    assert [parse_signed(v) for v in ("-12", "+3".lstrip("+"), -4, None, "1.234")] == [-12, 3, -4, None, 1234]


def test_counts_are_shown_with_indonesian_separators_and_read_back():
    from pipeline.results.numbers import format_count

    assert [format_count(n) for n in (0, 999, 1000, 1234567, -1200, None)] == ["0", "999", "1.000", "1.234.567",
                                                                              "-1.200", "-"]
    assert parse_count(format_count(1234567)) == 1234567
