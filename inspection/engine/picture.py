"""A location's current picture: per norm, the outcome of the latest visit that assessed it.

Semantics of ``docs/norms.md`` ("The current picture of a location"). Visits do
not all check everything, so the picture is built per norm:

- a norm's current outcome is that of the most recent visit (by
  ``observed_at``, ties by the visit's id; never by arrival) in which it was
  ``pass``, ``fail`` or ``not_applicable``; an ``unanswered`` visit changes
  nothing;
- an outcome observed more than ``stale_after_days`` (the norm set's) local
  days before the picture's day counts as ``unanswered``;
- only the norms of the version in force on the picture's day count, with
  the threshold and severity of the visit that established each outcome;
- from those, with the formulas of a visit's score: ``overall``, per-domain
  scores, ``coverage`` and ``status`` (``not_inspected`` without any visit);
- a failed norm carries ``failing_since``, the ``observed_at`` of the first
  failure of its current unbroken run of failures (``unanswered`` visits do
  not break a run; a pass or not_applicable does), and ``last_assessed``.

The work is split in two so that a store can keep the first part and fold
each new visit onto it: ``track_norms`` folds ordered visits into a
``NormTrack`` per norm code, whatever the day; ``picture_from_tracks`` makes
the picture of one day from the tracks. ``current_picture`` does both.

Staleness applies to the current outcome: a norm failing for two years
without a pass in between has failed since then, even though its first
failures are older than ``stale_after_days``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from .model import NormSetDocument
from .rules import FAIL, NOT_APPLICABLE, PASS, UNANSWERED
from .scoring import (
    CRITICAL,
    DomainScore,
    NormResult,
    percentage,
    score_weight,
    status_of,
)
from .versions import AMSTERDAM, local_date

NOT_INSPECTED = "not_inspected"

# One letter per norm and visit: the compact form in which visits' outcomes are kept
# for pictures of past days. A failure's letter says its effective severity.
OUTCOME_LETTERS = {PASS: "P", NOT_APPLICABLE: "N", UNANSWERED: "U"}
FAIL_LETTERS = {"critical": "C", "major": "M", "minor": "m"}


@dataclass(frozen=True, slots=True)
class VisitResults:
    """One visit as the picture needs it.

    ``id`` identifies the visit (an inspection id) and orders visits
    observed at the same instant, as findings do (``findings.visit_order``);
    ``results`` are its per-norm results as the service reads them (``NormResult.to_dict``:
    ``norm``, ``outcome``, ``severity``, ``value``, ``threshold``, ``critical``).
    """

    id: str
    observed_at: dt.datetime
    results: Sequence[Mapping[str, Any]]


class NormTrack(NamedTuple):
    """What the visits so far say about one norm, whatever the picture's day.

    ``outcome`` is that of the latest visit that assessed the norm (pass,
    fail or not_applicable), with that visit's ``severity``, ``value``,
    ``threshold`` and ``critical``; ``last_assessed`` and ``visit`` name that
    visit. ``failing_since`` is set while the outcome is fail. A named tuple:
    a location's picture by day makes millions of them when its past changes.
    """

    norm: str
    outcome: str
    severity: str
    value: Any
    threshold: Mapping[str, Any] | None
    critical: bool
    last_assessed: dt.datetime
    visit: str
    failing_since: dt.datetime | None


@dataclass(frozen=True, slots=True)
class NormState:
    """One norm of the version in force, as the picture counts it.

    ``outcome`` is ``unanswered`` for a norm no visit assessed and for a
    stale outcome (then ``stale`` is true and ``last_assessed`` still says
    when it was last assessed); ``not_applicable`` also where the norm does
    not apply to the location type.
    """

    norm: str
    domain: str
    outcome: str
    severity: str
    value: Any
    threshold: Mapping[str, Any] | None
    critical: bool
    last_assessed: dt.datetime | None
    failing_since: dt.datetime | None
    visit: str | None
    stale: bool = False


@dataclass(frozen=True, eq=False)
class Picture:
    """A location's picture on ``day``.

    ``stale_on`` is the first later day on which an outcome counted here
    goes stale (the picture changes then without any new visit); None when
    none will. ``failed_norms`` are the failed norms in document order,
    ``critical_norms`` those whose effective severity is critical, and
    ``failing_since`` the earliest ``failing_since`` among them. The state of
    every norm (``norms``) is made when first asked for: a picture by day
    needs only the rest, for hundreds of days per location.
    """

    day: dt.date
    overall: float | None
    coverage: float | None
    status: str
    domains: dict[str, DomainScore]
    stale_on: dt.date | None
    failed_norms: tuple[str, ...]
    critical_norms: tuple[str, ...]
    failing_since: dt.datetime | None
    _states: Callable[[], tuple[NormState, ...]] = field(repr=False)

    @cached_property
    def norms(self) -> tuple[NormState, ...]:
        """Every norm of the version in force, in document order, with its state on ``day``."""
        return self._states()

    @property
    def failed(self) -> tuple[NormState, ...]:
        """The failed norms' states, in document order."""
        return tuple(n for n in self.norms if n.outcome == FAIL)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Picture):
            return NotImplemented
        return self._summary() == other._summary() and self.norms == other.norms

    def __hash__(self) -> int:
        return hash(self._summary()[:4])

    def _summary(self) -> tuple[Any, ...]:
        return (
            self.day,
            self.overall,
            self.coverage,
            self.status,
            self.domains,
            self.stale_on,
            self.failed_norms,
            self.critical_norms,
            self.failing_since,
        )

    def domains_dict(self) -> dict[str, dict[str, Any]]:
        """Per domain code ``{"score", "failed"}``, JSON-able (as a visit's)."""
        return {
            code: {"score": d.score, "failed": list(d.failed)} for code, d in self.domains.items()
        }


def visit_order(visit: VisitResults) -> tuple[dt.datetime, str]:
    """The order of visits in a picture: observed_at, then id."""
    return visit.observed_at, visit.id


def advance(
    track: NormTrack | None, result: Mapping[str, Any], visit: VisitResults
) -> NormTrack | None:
    """The track of a norm after one more visit, later than every visit in ``track``."""
    outcome = result["outcome"]
    if outcome == UNANSWERED:
        return track
    failing_since = None
    if outcome == FAIL:
        running = track is not None and track.outcome == FAIL
        failing_since = track.failing_since if running else visit.observed_at
    threshold = result.get("threshold")
    return NormTrack(
        norm=result["norm"],
        outcome=outcome,
        severity=result["severity"],
        value=result.get("value"),
        threshold=threshold,
        critical=bool(result.get("critical")),
        last_assessed=visit.observed_at,
        visit=visit.id,
        failing_since=failing_since,
    )


def track_norms(
    visits: Iterable[VisitResults], tracks: Mapping[str, NormTrack] | None = None
) -> dict[str, NormTrack]:
    """Fold visits, in picture order (sorted here), onto ``tracks`` (none by default).

    Every visit must come after those already folded into ``tracks``.
    """
    folded = dict(tracks or {})
    for visit in sorted(visits, key=visit_order):
        for result in visit.results:
            code = result["norm"]
            track = advance(folded.get(code), result, visit)
            if track is not None:
                folded[code] = track
    return folded


def folded_days(
    visits: Iterable[VisitResults],
) -> Iterator[tuple[dt.date, Sequence[VisitResults], dict[str, NormTrack], dt.date | None]]:
    """Fold visits in picture order a local day at a time.

    Yields per day with a visit: the day, its visits, the tracks after them
    and the next day with a visit (None after the last). The tracks are one
    dict, folded further after each step: use it before asking for the next.
    """
    ordered = sorted(visits, key=visit_order)
    tracks: dict[str, NormTrack] = {}
    start = 0
    while start < len(ordered):
        day = local_date(ordered[start].observed_at)
        end = start
        while end < len(ordered) and local_date(ordered[end].observed_at) == day:
            for result in ordered[end].results:
                track = advance(tracks.get(result["norm"]), result, ordered[end])
                if track is not None:
                    tracks[result["norm"]] = track
            end += 1
        following = local_date(ordered[end].observed_at) if end < len(ordered) else None
        yield day, ordered[start:end], tracks, following
        start = end


def is_stale(last_assessed: dt.datetime, day: dt.date, stale_after_days: int) -> bool:
    """Whether an outcome observed at ``last_assessed`` no longer counts on ``day``."""
    return (day - local_date(last_assessed)).days > stale_after_days


def end_of_local_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Europe/Amsterdam: a picture of ``day`` holds visits to it."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=AMSTERDAM)


def picture_from_tracks(
    tracks: Mapping[str, NormTrack],
    document: NormSetDocument,
    location_type: str,
    day: dt.date,
    *,
    visited: bool,
) -> Picture:
    """The picture on ``day`` from the tracks, for ``document`` (the version in force that day).

    ``visited`` says whether any visit was observed by then: without one the
    status is ``not_inspected``.
    """
    stale_after = document.stale_after_days
    domains = document.domains
    passed = [0] * len(domains)
    assessed = [0] * len(domains)
    failed: list[list[str]] = [[] for _ in domains]
    failed_norms: list[str] = []
    critical_norms: list[str] = []
    failing_since: dt.datetime | None = None
    answered = unanswered = 0
    any_major = False
    # The earliest day an outcome counted here was assessed: it goes stale first.
    oldest: dt.date | None = None
    # Assessed on or after this day: not stale on ``day`` (``is_stale``).
    fresh_from = day - dt.timedelta(days=stale_after)
    for code, index, weight in _applicable(document, location_type):
        track = tracks.get(code)
        if track is None:
            unanswered += 1
            continue
        assessed_on = local_date(track.last_assessed)
        if assessed_on < fresh_from:
            unanswered += 1
            continue
        if oldest is None or assessed_on < oldest:
            oldest = assessed_on
        if track.outcome == NOT_APPLICABLE:
            continue
        answered += 1
        assessed[index] += weight
        if track.outcome == PASS:
            passed[index] += weight
            continue
        failed[index].append(code)
        failed_norms.append(code)
        if track.severity == CRITICAL:
            critical_norms.append(code)
        elif track.severity == "major":
            any_major = True
        if track.failing_since and (failing_since is None or track.failing_since < failing_since):
            failing_since = track.failing_since

    stale_on = oldest + dt.timedelta(days=stale_after + 1) if oldest is not None else None
    coverage = percentage(answered, answered + unanswered)
    status = status_of(bool(critical_norms), any_major, coverage) if visited else NOT_INSPECTED
    # The states are made from a copy: a fold goes on changing its tracks after this day.
    held = dict(tracks)
    return Picture(
        day=day,
        overall=percentage(sum(passed), sum(assessed)),
        coverage=coverage,
        status=status,
        domains={
            domain.code: DomainScore(percentage(passed[i], assessed[i]), tuple(failed[i]))
            for i, domain in enumerate(domains)
        },
        stale_on=stale_on,
        failed_norms=tuple(failed_norms),
        critical_norms=tuple(critical_norms),
        failing_since=failing_since,
        _states=lambda: _norm_states(held, document, location_type, day),
    )


@lru_cache(maxsize=64)
def _applicable(
    document: NormSetDocument, location_type: str
) -> tuple[tuple[str, int, int | Decimal], ...]:
    """The norms that apply to ``location_type``, in document order: code, domain index, weight."""
    domain_index = {d.code: i for i, d in enumerate(document.domains)}
    return tuple(
        (norm.code, domain_index[norm.domain], score_weight(norm))
        for norm in document.norms
        if location_type in norm.applies_to
    )


def _norm_states(
    tracks: Mapping[str, NormTrack], document: NormSetDocument, location_type: str, day: dt.date
) -> tuple[NormState, ...]:
    """Every norm's state on ``day``, in document order."""
    stale_after = document.stale_after_days
    states = []
    for norm in document.norms:
        if location_type not in norm.applies_to:
            states.append(_state(norm.code, norm.domain, NOT_APPLICABLE, norm.severity))
            continue
        track = tracks.get(norm.code)
        if track is None or is_stale(track.last_assessed, day, stale_after):
            state = _state(norm.code, norm.domain, UNANSWERED, norm.severity)
            if track is not None:
                state = replace(state, last_assessed=track.last_assessed, stale=True)
            states.append(state)
            continue
        states.append(
            NormState(
                norm=norm.code,
                domain=norm.domain,
                outcome=track.outcome,
                severity=track.severity,
                value=track.value,
                threshold=track.threshold,
                critical=track.critical,
                last_assessed=track.last_assessed,
                failing_since=track.failing_since,
                visit=track.visit,
            )
        )
    return tuple(states)


def current_picture(
    visits: Iterable[VisitResults], document: NormSetDocument, location_type: str, day: dt.date
) -> Picture:
    """A location's picture at the end of the local ``day``, from its visits in any order.

    ``document`` is the norm set version in force on ``day``; visits observed
    after that day are left out.
    """
    end = end_of_local_day(day)
    kept = [visit for visit in visits if visit.observed_at <= end]
    return picture_from_tracks(track_norms(kept), document, location_type, day, visited=bool(kept))


def outcome_letters(results: Iterable[Mapping[str, Any]]) -> str:
    """A visit's outcomes as one letter per norm, in the order of its results.

    ``P`` pass, ``N`` not applicable, ``U`` unanswered; a failure by its
    effective severity: ``C`` critical, ``M`` major, ``m`` minor.
    """
    return "".join(
        FAIL_LETTERS[r["severity"]] if r["outcome"] == FAIL else OUTCOME_LETTERS[r["outcome"]]
        for r in results
    )


def result_letters(results: Iterable[NormResult]) -> str:
    """``outcome_letters`` of a score's results as the engine made them (not as dicts)."""
    return "".join(
        FAIL_LETTERS[r.severity] if r.outcome == FAIL else OUTCOME_LETTERS[r.outcome]
        for r in results
    )


def _state(code: str, domain: str, outcome: str, severity: str) -> NormState:
    return NormState(
        norm=code,
        domain=domain,
        outcome=outcome,
        severity=severity,
        value=None,
        threshold=None,
        critical=False,
        last_assessed=None,
        failing_since=None,
        visit=None,
    )
