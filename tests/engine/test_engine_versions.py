"""Which norm set version is in force: by the local date in Amsterdam."""

import datetime as dt

import pytest

from inspection.engine import local_date, select_in_force

UTC = dt.UTC
CET = dt.timezone(dt.timedelta(hours=1))
CEST = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    ("observed_at", "expected"),
    [
        (dt.datetime(2025, 1, 1, 0, 30, tzinfo=CET), dt.date(2025, 1, 1)),
        # still 31 December in UTC, already 1 January in Amsterdam
        (dt.datetime(2024, 12, 31, 23, 30, tzinfo=UTC), dt.date(2025, 1, 1)),
        (dt.datetime(2024, 12, 31, 22, 59, tzinfo=UTC), dt.date(2024, 12, 31)),
        # summer time: Amsterdam is UTC+2
        (dt.datetime(2024, 7, 1, 22, 30, tzinfo=UTC), dt.date(2024, 7, 2)),
        (dt.datetime(2024, 7, 1, 21, 59, tzinfo=UTC), dt.date(2024, 7, 1)),
        # an offset far from Amsterdam's
        (
            dt.datetime(2024, 7, 1, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            dt.date(2024, 7, 2),
        ),
    ],
)
def test_the_local_date_is_the_date_in_amsterdam(observed_at, expected):
    assert local_date(observed_at) == expected


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        local_date(dt.datetime(2025, 1, 1, 0, 30))


VERSIONS = [
    (dt.date(2023, 5, 3), "2023.1"),
    (dt.date(2024, 6, 1), "2024.1"),  # starts in summer time
    (dt.date(2025, 1, 1), "2025.1"),  # starts in winter time
]


@pytest.mark.parametrize(
    ("observed_at", "expected"),
    [
        (dt.datetime(2023, 5, 2, 23, 59, tzinfo=CEST), None),  # before the first version
        (dt.datetime(2023, 5, 3, 0, 0, tzinfo=CEST), "2023.1"),
        (dt.datetime(2024, 5, 31, 23, 59, 59, tzinfo=CEST), "2023.1"),  # the day before
        (dt.datetime(2024, 6, 1, 0, 0, tzinfo=CEST), "2024.1"),  # 00:00 local on valid_from
        (dt.datetime(2024, 5, 31, 22, 0, tzinfo=UTC), "2024.1"),  # the same instant in UTC
        (dt.datetime(2024, 5, 31, 21, 59, 59, tzinfo=UTC), "2023.1"),
        (dt.datetime(2024, 12, 31, 23, 59, tzinfo=CET), "2024.1"),
        (dt.datetime(2025, 1, 1, 0, 30, tzinfo=CET), "2025.1"),
        (dt.datetime(2024, 12, 31, 23, 30, tzinfo=UTC), "2025.1"),  # 31 Dec UTC, 1 Jan local
        (dt.datetime(2024, 12, 31, 22, 30, tzinfo=UTC), "2024.1"),
        (dt.datetime(2030, 1, 1, 12, 0, tzinfo=UTC), "2025.1"),
    ],
)
def test_the_version_in_force_on_the_local_date_is_chosen(observed_at, expected):
    assert select_in_force(VERSIONS, observed_at) == expected


def test_the_order_of_versions_does_not_matter():
    observed_at = dt.datetime(2024, 8, 1, 12, 0, tzinfo=CEST)

    assert select_in_force(reversed(VERSIONS), observed_at) == "2024.1"
    assert select_in_force(iter(VERSIONS), observed_at) == "2024.1"


def test_no_versions_means_nothing_in_force():
    assert select_in_force([], dt.datetime(2024, 8, 1, tzinfo=UTC)) is None


def test_two_versions_from_the_same_day_are_ambiguous():
    versions = [*VERSIONS, (dt.date(2024, 6, 1), "2024.2")]

    with pytest.raises(ValueError, match="2024-06-01"):
        select_in_force(versions, dt.datetime(2024, 8, 1, tzinfo=UTC))
    # a tie between versions that are not chosen does not matter
    assert select_in_force(versions, dt.datetime(2025, 2, 1, tzinfo=UTC)) == "2025.1"


def test_select_in_force_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        select_in_force(VERSIONS, dt.datetime(2024, 8, 1, 12, 0))
