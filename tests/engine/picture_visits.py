"""Visits for the tests of a location's picture over time, scored by ``three_norms``."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from inspection.engine import AMSTERDAM, VisitResults, score_answers

# Answers to any part of the three norms' items.
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "staff_on_site_24h": st.booleans(),
        "residents_present": st.integers(0, 120),
        "toilets_working": st.integers(0, 6),
        "towels": st.booleans(),
    },
)
VISITS = st.lists(
    st.tuples(st.integers(0, 24 * 90), ANSWERS),  # hours after the first day, up to 90 days
    max_size=12,
)


def visit(document, key, when, **answers):
    """A noodopvang's visit scored by ``document``."""
    score = score_answers(answers, document, "noodopvang")
    return VisitResults(key, when, [r.to_dict() for r in score.results])


def at(day, hour=10, month=3):
    """A moment of 2026 in Amsterdam."""
    return dt.datetime(2026, month, day, hour, tzinfo=AMSTERDAM)
