"""Half-open interval algebra: the base every availability rule is built on."""

from datetime import UTC, datetime, timedelta

import pytest

from wagtail_pmc_booking.scheduling import (
    Interval,
    intersect,
    normalize,
    overlaps_any,
    subtract,
    union,
)

BASE = datetime(2026, 4, 13, tzinfo=UTC)


def iv(start: int, end: int) -> Interval:
    """An interval given in minutes after BASE, to keep the cases readable."""
    return Interval(BASE + timedelta(minutes=start), BASE + timedelta(minutes=end))


def test_interval_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        iv(10, 5)


def test_empty_interval_is_allowed():
    assert iv(5, 5).duration == timedelta(0)


def test_duration_is_end_minus_start():
    assert iv(0, 90).duration == timedelta(minutes=90)


def test_touching_intervals_do_not_overlap():
    assert not iv(0, 30).overlaps(iv(30, 60))
    assert not iv(30, 60).overlaps(iv(0, 30))


def test_sharing_one_minute_is_an_overlap():
    assert iv(0, 31).overlaps(iv(30, 60))


def test_empty_interval_overlaps_nothing():
    assert not iv(10, 10).overlaps(iv(0, 30))


def test_contains_includes_both_edges():
    assert iv(0, 60).contains(iv(0, 60))
    assert iv(0, 60).contains(iv(15, 30))
    assert not iv(0, 60).contains(iv(30, 61))


def test_normalize_sorts_and_merges_overlapping_and_touching():
    assert normalize([iv(50, 60), iv(0, 10), iv(10, 20), iv(15, 30)]) == [iv(0, 30), iv(50, 60)]


def test_normalize_drops_empty_intervals():
    assert normalize([iv(5, 5), iv(10, 20)]) == [iv(10, 20)]


def test_normalize_keeps_an_interval_swallowed_by_another_once():
    assert normalize([iv(0, 60), iv(10, 20)]) == [iv(0, 60)]


def test_union_of_several_lists():
    assert union([iv(0, 10)], [iv(5, 15)], [iv(30, 40)]) == [iv(0, 15), iv(30, 40)]


def test_union_of_nothing_is_empty():
    assert union() == []


def test_intersect_keeps_common_parts_only():
    assert intersect([iv(0, 30), iv(40, 60)], [iv(20, 50)]) == [iv(20, 30), iv(40, 50)]


def test_intersect_of_touching_intervals_is_empty():
    assert intersect([iv(0, 30)], [iv(30, 60)]) == []


def test_subtract_cuts_holes():
    assert subtract([iv(0, 100)], [iv(10, 20), iv(50, 60)]) == [
        iv(0, 10),
        iv(20, 50),
        iv(60, 100),
    ]


def test_subtract_one_removal_spanning_several_intervals():
    assert subtract([iv(0, 10), iv(20, 30), iv(40, 50)], [iv(5, 45)]) == [
        iv(0, 5),
        iv(45, 50),
    ]


def test_subtract_everything_leaves_nothing():
    assert subtract([iv(10, 20)], [iv(0, 30)]) == []


def test_overlaps_any_finds_the_overlapping_interval():
    busy = normalize([iv(0, 10), iv(20, 30), iv(40, 50)])
    assert overlaps_any(iv(25, 26), busy)
    assert overlaps_any(iv(5, 45), busy)


def test_overlaps_any_ignores_touching_neighbours():
    busy = normalize([iv(0, 10), iv(20, 30)])
    assert not overlaps_any(iv(10, 20), busy)


def test_overlaps_any_on_an_empty_list():
    assert not overlaps_any(iv(0, 10), [])


def test_overlaps_any_with_an_empty_interval():
    assert not overlaps_any(iv(5, 5), [iv(0, 10)])
