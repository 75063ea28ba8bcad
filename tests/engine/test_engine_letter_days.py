"""Folding visits by day from their outcome letters gives what folding their results gives."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection.engine import (
    AMSTERDAM,
    VisitLetters,
    VisitResults,
    folded_letter_days,
    results_from_letters,
)
from inspection.engine.picture import folded_days

PROPERTY = settings(deadline=None, max_examples=200, derandomize=not os.environ.get("FUZZ_RANDOM"))
NORMS = ("SAF-01", "SAF-02", "HYG-01", "DEV-01")
START = dt.datetime(2026, 3, 27, 22, 30, tzinfo=AMSTERDAM)  # the last Sunday of March is near

letters = st.text(alphabet="PNUCMm", min_size=len(NORMS), max_size=len(NORMS))
visits = st.lists(
    st.tuples(st.integers(min_value=0, max_value=6 * 24 * 4), letters, st.sampled_from("abc")),
    max_size=25,
)


def _both(drawn):
    as_letters, as_results = [], []
    for n, (quarter_hours, outcome_letters, suffix) in enumerate(drawn):
        # Several visits share a moment: the id orders them.
        at = (START + dt.timedelta(minutes=15 * quarter_hours)).astimezone(dt.UTC)
        visit_id = f"{suffix}-{n:02d}"
        as_letters.append(VisitLetters(visit_id, at, outcome_letters, NORMS))
        as_results.append(VisitResults(visit_id, at, results_from_letters(outcome_letters, NORMS)))
    return as_letters, as_results


@PROPERTY
@given(visits)
def test_the_same_days_tracks_and_visits_as_folding_results(drawn):
    as_letters, as_results = _both(drawn)
    expected = [
        (day, [v.id for v in of_day], dict(tracks), following)
        for day, of_day, tracks, following in folded_days(as_results)
    ]
    got = [
        (day, [v.id for v in of_day], dict(tracks), following)
        for day, of_day, tracks, following in folded_letter_days(as_letters)
    ]
    assert got == expected


def test_a_run_of_failures_within_one_day_restarts_after_a_pass():
    morning, noon, evening = (START.replace(hour=h) for h in (8, 12, 18))
    [(_, _, tracks, _)] = folded_letter_days(
        [
            VisitLetters("1", morning, "M", ("SAF-01",)),
            VisitLetters("2", noon, "P", ("SAF-01",)),
            VisitLetters("3", evening, "C", ("SAF-01",)),
        ]
    )
    track = tracks["SAF-01"]
    assert (track.outcome, track.severity, track.visit) == ("fail", "critical", "3")
    assert track.failing_since == evening


def test_letters_that_do_not_match_the_norms_are_refused():
    with pytest.raises(ValueError, match="3 outcome letters for 2 norms"):
        list(folded_letter_days([VisitLetters("1", START, "PPP", ("A", "B"))]))
