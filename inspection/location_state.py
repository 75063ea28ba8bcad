"""What a location's visits add up to, kept at write time: its current picture per norm.

``refresh(session, location_ids)`` remakes the stored state of those
locations from their stored inspections, in the caller's transaction. Every
write that changes a location's visits calls it before its commit: a
submission (also one observed before visits already stored: a late phone),
a rescoring. The findings of those locations follow them
(``inspection.finding_store.refresh_findings``). The stored state is therefore
always what the visits, taken in ``observed_at`` order, give (``docs/norms.md``, "The
current picture of a location"), whatever order they arrived in.

The picture of a day depends on the day too (outcomes go stale, another
norm set version comes into force); ``picture_rows`` and ``picture_of`` make it
for any day from the per-norm rows, which do not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from inspection.day_rows import DayTask, DayVisit, Terms, day_rows, rows_from, rows_of_locations
from inspection.engine import (
    Label,
    NormSetDocument,
    NormTrack,
    Picture,
    local_date,
    picture_from_tracks,
    track_norms,
)
from inspection.feature_parts import join_changed
from inspection.finding_store import refresh_findings
from inspection.location_features import add_features
from inspection.locks import hold_locations
from inspection.models import (
    Inspection,
    Location,
    LocationNorm,
    LocationPicture,
    LocationPictureDay,
    NormSet,
    User,
)
from inspection.norm_sets import compiled, norm_set_on, versions
from inspection.picture_days import catalogue_versions, outdated_on, write_days
from inspection.visit_letters import LatestOutcomes, NormCodes, letter_visits, results_of
from inspection.vocabulary import AMSTERDAM

# Locations remade per round of queries: bounds the visits held in memory at once.
CHUNK = 200


def today() -> date:
    """Today in the Netherlands: the day of the current picture."""
    return datetime.now(AMSTERDAM).date()


def norm_set_for(day: date) -> NormSet | None:
    """The version of the service's catalogue in force on ``day`` (the first before any)."""
    catalogue = current_app.config["NORM_CATALOGUE"]
    return norm_set_on(catalogue, day) or next(iter(versions(catalogue)), None)


def refresh(
    session: Session,
    location_ids: Iterable[int],
    actor: User | None = None,
    *,
    appended: str | None = None,
    findings_of: Mapping[int, Iterable[str] | None] | None = None,
    letters_changed: Mapping[int, Collection[str]] | None = None,
    pool: Executor | None = None,
    join: bool = True,
) -> None:
    """Remake the stored picture, its days and the findings of these locations.

    Runs in the caller's transaction (it only flushes): call it after the
    inspections are written and before the commit. ``actor`` is who changed
    the visits, for the audit events of the findings. ``appended`` names a
    visit just stored: when it is its location's latest, the picture's days
    before its day stand and only those from then on are remade.
    ``findings_of`` (a rescoring knows it) narrows the findings remade to
    these locations and, per location, to these norms (None: all).
    ``letters_changed`` (a rescoring knows it too) names per location the
    visits whose outcome letters changed, after an erratum that changed
    outcomes only (``rescoring.Correction``): a day's picture then depends
    on the letters only, so the days before the first of them stand, and a
    location without any keeps all its days. ``pool`` (a rescoring's worker
    processes) makes the days while this process remakes the findings and
    pictures. ``join``: join the changed parts of today's GeoJSON
    (``feature_parts.join_changed``) once done; a caller that remakes
    locations in several rounds joins them once, after the last.
    """
    ids = sorted(set(location_ids))
    if not ids and not findings_of:
        return
    # One writer per location at a time (locks.hold_locations): a second submission
    # for the same location waits, then reads both visits.
    hold_locations(sorted(set(ids) | set(findings_of or ())))

    def findings(chunk: Sequence[int], letters: Mapping[int, Any] | None) -> None:
        # Each location's visits are read once, for its findings and its picture.
        if findings_of is None:
            refresh_findings(chunk, actor, letters=letters)
        else:
            wanted = [i for i in chunk if i in findings_of]
            refresh_findings(wanted, actor, norms=findings_of, letters=letters)

    previous: dict[int, str] = {}
    if appended is not None and ids:
        previous = dict(
            session.execute(
                select(LocationPicture.location_id, LocationPicture.latest_inspection_id).where(
                    LocationPicture.location_id.in_(ids)
                )
            ).all()
        )
    if ids:
        plan = _DaysPlan(appended, previous, letters_changed)
        _remake_pictures(session, ids, days=plan, findings=findings, pool=pool, join=join)
    # The findings of locations whose visits stand (follow-up days an erratum changed).
    rest = sorted(set(findings_of or ()) - set(ids))
    if rest:
        findings(rest, None)


@dataclass(frozen=True, slots=True)
class _DaysPlan:
    """Which visit was added, and each location's latest visit before it (none: remake all);
    or, after a rescoring, the visits whose outcome letters changed."""

    appended: str | None
    previous: Mapping[int, str]
    letters_changed: Mapping[int, Collection[str]] | None = None

    def of(self, visits: Sequence[DayVisit], location_id: int) -> tuple[date | None, bool] | None:
        """Whether a location's days change: None if not, else from which day (None: all of
        them), and whether only the added latest visit changes them (``rows_from``)."""
        if self.letters_changed is not None:
            changed = self.letters_changed.get(location_id)
            if not changed:
                return None
            return next((local_date(v.observed_at) for v in visits if v.id in changed), None), False
        added = self.added(visits, location_id)
        if added is None:
            return None, False
        return local_date(visits[added].observed_at), added == len(visits) - 1

    def added(self, visits: Sequence[DayVisit], location_id: int) -> int | None:
        """The added visit's position, when the location's days before its day stand.

        They stand when the stored picture was made from all the other visits:
        its latest visit is the latest of the others.
        """
        if self.appended is None:
            return None
        position = next((i for i, v in enumerate(visits) if v.id == self.appended), None)
        if position is None:
            return None
        others = [v.id for i, v in enumerate(visits) if i != position]
        return (
            position if self.previous.get(location_id) == (others[-1] if others else None) else None
        )


# Locations per task of a pool that makes days.
_DAY_TASK = 10


def _remake_pictures(
    session: Session,
    ids: list[int],
    days: _DaysPlan | None = None,
    *,
    findings: Callable[[Sequence[int], Mapping[int, Any] | None], None] | None = None,
    pool: Executor | None = None,
    join: bool = True,
) -> None:
    """Remake the pictures of these locations, and with ``days`` the rows of their days too.

    ``findings(chunk, letters)`` is called for each chunk of locations with
    their visits as read, to remake their findings (once for all, with None,
    while no norm set is stored); ``pool`` makes the days meanwhile. With
    ``join``, the parts of today's GeoJSON the pictures changed are joined
    again at the end: once, as the chunks go by location and the parts by
    code, so that each chunk touches most parts.
    """
    day = today()
    norm_set = norm_set_for(day)
    if norm_set is None:
        if findings is not None and ids:
            findings(ids, None)
        return
    document = compiled(norm_set)
    known = catalogue_versions() if days is not None else None
    codes = NormCodes(session)
    terms: Terms | None = None
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        types = dict(
            session.execute(select(Location.id, Location.type).where(Location.id.in_(chunk))).all()
        )
        read = letter_visits(session, chunk, Inspection.answers["children_present"].as_float())
        stored = {
            i: [
                DayVisit(v.id, v.observed_at, v.norm_set_id, v.letters, _count(c))
                for v, (c,) in read.get(i, ())
            ]
            for i in chunk
        }
        # The days: which locations, from which day (``since``), made here or in the pool.
        day_rows_: list[dict[str, Any]] = []
        since: dict[int, date] = {}
        remade: list[int] = []
        latest_only: set[int] = set()
        tasks: list[DayTask] = []
        if days is not None and known is not None:
            for location_id in chunk:
                planned = days.of(stored[location_id], location_id)
                if planned is None:
                    continue
                first, only_latest = planned
                remade.append(location_id)
                if first is not None:
                    since[location_id] = first
                if only_latest:
                    latest_only.add(location_id)
                else:
                    kind = types[location_id]
                    tasks.append(DayTask(location_id, kind, stored[location_id], first))
        pending: list[Future[list[dict[str, Any]]]] = []
        if pool is not None and tasks and known is not None:
            used = {visit.norm_set_id for task in tasks for visit in task.visits}
            if terms is None or not used <= terms.norm_sets:
                terms = Terms.of(known, {key: codes(key) for key in used})
            pending = [
                pool.submit(rows_of_locations, terms, tasks[n : n + _DAY_TASK])
                for n in range(0, len(tasks), _DAY_TASK)
            ]
            tasks = []
        if findings is not None:
            findings(chunk, read)
        norm_rows: list[dict[str, Any]] = []
        picture_rows_: list[dict[str, Any]] = []
        for location_id, tracks in _tracks(session, chunk, stored, codes):
            visits = _latest_visits(stored[location_id])
            norms, picture = state_rows(
                location_id, types[location_id], visits, document, norm_set.id, day, tracks
            )
            norm_rows.extend(norms)
            if picture is not None:
                picture_rows_.append(picture)
            if location_id in latest_only and known is not None:
                # The latest: the tracks of all visits are those at the end of its day.
                kind = types[location_id]
                day_rows_.extend(rows_from(location_id, kind, stored[location_id], tracks, known))
        write_pictures(session, chunk, norm_rows, picture_rows_)
        if days is None or known is None:
            continue
        for location_id, kind, visits, first in tasks:
            day_rows_.extend(day_rows(location_id, kind, visits, codes, known, first))
        for future in pending:
            day_rows_.extend(future.result())
        write_days(session, remade, day_rows_, since)
    if join:
        join_changed(session)


def _latest_visits(visits: Sequence[DayVisit]) -> list[StoredVisit]:
    """The visits ``state_rows`` reads when given the tracks, in order: the latest that counted
    the children (if not the latest) and the latest. Hundreds per location otherwise."""
    if not visits:
        return []
    latest = visits[-1]
    counted = next((v for v in reversed(visits) if v.children is not None), latest)
    kept = [latest] if counted is latest else [counted, latest]
    return [StoredVisit(v.id, v.observed_at, (), v.children) for v in kept]


def _count(children: Any) -> int | None:
    return int(children) if children is not None else None


def remake_days_after_a_version(session: Session) -> None:
    """Remake the days of every visited location, after a version was loaded.

    Every location's days change from the version's first day on (a row
    holds until the next one, so also a location last visited before it).
    The commands that load versions call it, so that no request has to
    (``bring_days_up_to_date`` would, on the first past day it reads).
    """
    ids = sorted(session.scalars(select(LocationPictureDay.location_id).distinct()).all())
    if ids:
        hold_locations(ids)
        _remake_pictures(session, ids, days=_DaysPlan(None, {}))


def bring_days_up_to_date(session: Session, day: date) -> None:
    """Remake the days of the locations whose picture of ``day`` a later loaded version changed.

    Rows name the version they were made with; a version loaded after them
    (rarely: once a year) makes the rows from its first day on outdated. The
    first reader of such a day remakes them from the visits.
    """
    outdated = outdated_on(session, day)
    if outdated:
        hold_locations(outdated)
        _remake_pictures(session, outdated, days=_DaysPlan(None, {}))


def write_pictures(
    session: Session,
    location_ids: Sequence[int],
    norm_rows: list[dict[str, Any]],
    picture_rows: list[dict[str, Any]],
) -> None:
    """Store these locations' pictures: replace their rows with those ``state_rows`` made.

    The one place that writes ``location_norms`` and ``location_pictures``:
    whatever is kept alongside a picture (the export feature of
    ``location_features``) is written here too. Locations of ``location_ids``
    without a picture row are left without (not inspected).
    """
    ids = list(location_ids)
    add_features(session, picture_rows)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(delete(LocationNorm).where(LocationNorm.location_id.in_(chunk)))
        session.execute(delete(LocationPicture).where(LocationPicture.location_id.in_(chunk)))
    if norm_rows:
        session.execute(insert(LocationNorm), norm_rows)
    if picture_rows:
        session.execute(insert(LocationPicture), picture_rows)


def bring_up_to_date(session: Session) -> None:
    """Remake the stored pictures that today's date has overtaken.

    A picture holds until an outcome in it goes stale (``stale_on``) or
    another norm set version comes into force; the first reader after that
    remakes it (rarely more than a few locations a day).
    """
    day = today()
    norm_set = norm_set_for(day)
    if norm_set is None:
        return
    # Another version than the one in force, or an outcome gone stale under it: three ranges
    # of the index of (norm_set_id, stale_on), which "!=" or an OR of the two columns would
    # have read whole (10,000 entries for every reader after a change).
    version = LocationPicture.norm_set_id
    outdated = session.scalars(
        select(LocationPicture.location_id).where(
            (version < norm_set.id)
            | (version > norm_set.id)
            | ((version == norm_set.id) & (LocationPicture.stale_on <= day))
        )
    ).all()
    if outdated:
        # The date overtook the pictures, not the visits: the findings stand as they are.
        hold_locations(outdated)
        _remake_pictures(session, sorted(outdated))


@dataclass(frozen=True, slots=True)
class StoredVisit:
    """A visit as the engine takes it (``engine.VisitResults``), with the children it counted."""

    id: str
    observed_at: datetime
    results: Sequence[dict[str, Any]]
    children_present: int | None


def _tracks(
    session: Session,
    location_ids: list[int],
    stored: Mapping[int, Sequence[DayVisit]],
    codes: NormCodes,
) -> Iterator[tuple[int, dict[str, NormTrack]]]:
    """Each location's tracks, from its visits in picture order (``stored``).

    Made from the outcome letters; only the results of the visits that
    established a norm's outcome are read (``visit_letters``): after a
    rescoring that changed every visit, a few per location rather than all
    of them.
    """
    latest = {i: LatestOutcomes(stored.get(i, []), codes) for i in location_ids}
    results = dict(results_of(session, set().union(*(o.needed for o in latest.values()))))
    for location_id in location_ids:
        yield location_id, latest[location_id].tracks(results)


def state_rows(
    location_id: int,
    location_type: str,
    visits: Sequence[StoredVisit],
    document: NormSetDocument,
    norm_set_id: int,
    day: date,
    tracks: Mapping[str, NormTrack] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The rows of ``location_norms`` and ``location_pictures`` for one location.

    ``visits`` in picture order (observed_at, then id); the picture row is
    None without visits. ``tracks``, when the caller made them already, are
    those of ``engine.track_norms(visits)``; the visits' results are not read then.
    """
    if tracks is None:
        tracks = track_norms(visits)
    norms = [
        {
            "location_id": location_id,
            "norm": track.norm,
            "outcome": track.outcome,
            "severity": track.severity,
            "found": {"value": track.value, "threshold": track.threshold},
            "critical": track.critical,
            "last_assessed": track.last_assessed,
            "inspection_id": track.visit,
            "failing_since": track.failing_since,
        }
        for track in tracks.values()
    ]
    if not visits:
        return norms, None
    latest = visits[-1]
    children = next(
        (v.children_present for v in reversed(visits) if v.children_present is not None), None
    )
    picture = picture_from_tracks(tracks, document, location_type, day, visited=True)
    return norms, {
        "location_id": location_id,
        **picture_row(picture, norm_set_id, location_type),
        "latest_inspection_id": latest.id,
        "latest_observed_at": latest.observed_at,
        "children_present": children,
    }


def picture_row(picture: Picture, norm_set_id: int, location_type: str) -> dict[str, Any]:
    """The day-dependent columns of a ``location_pictures`` row."""
    return {
        "day": picture.day,
        "norm_set_id": norm_set_id,
        "location_type": location_type,
        "stale_on": picture.stale_on,
        "status": picture.status,
        "overall": picture.overall,
        "coverage": picture.coverage,
        "domain_scores": picture.domains_dict(),
        "failed_norms": list(picture.failed_norms),
        "critical_norms": list(picture.critical_norms),
        "failing_since": picture.failing_since,
    }


def tracks_of(rows: Iterable[Any]) -> dict[str, NormTrack]:
    """Tracks from stored ``location_norms`` rows (objects or named rows)."""
    return {
        row.norm: NormTrack(
            norm=row.norm,
            outcome=row.outcome,
            severity=row.severity,
            value=row.found.get("value"),
            threshold=row.found.get("threshold"),
            critical=row.critical,
            last_assessed=row.last_assessed,
            visit=row.inspection_id,
            failing_since=row.failing_since,
        )
        for row in rows
    }


def norm_titles(day: date | None = None) -> dict[str, Label]:
    """The titles of the norms of the version in force (today by default)."""
    norm_set = norm_set_for(day or today())
    if norm_set is None:
        return {}
    return {norm.code: norm.title for norm in compiled(norm_set).norms}


def pictures_of(
    session: Session,
    located: Sequence[tuple[Location, LocationPicture | None]],
    day: date | None = None,
) -> dict[int, Picture]:
    """The current pictures of several locations (with their stored rows) in one query.

    As ``picture_of`` for each; empty while no norm set is stored.
    """
    day = day or today()
    norm_set = norm_set_for(day)
    if norm_set is None or not located:
        return {}
    rows: dict[int, list[LocationNorm]] = {location.id: [] for location, _ in located}
    for row in session.scalars(select(LocationNorm).where(LocationNorm.location_id.in_(rows))):
        rows[row.location_id].append(row)
    document = compiled(norm_set)
    return {
        location.id: picture_from_tracks(
            tracks_of(rows[location.id]), document, location.type, day, visited=stored is not None
        )
        for location, stored in located
    }


def picture_of(
    session: Session, location: Location, day: date | None = None
) -> tuple[Picture | None, LocationPicture | None]:
    """A location's current picture (of ``day``, today by default) and its stored row.

    Made from the stored per-norm rows, so that it holds on any day on or
    after the last visit; the stored row (None without visits) gives the
    latest visit and the children counted. The picture is None while no
    norm set is stored.
    """
    day = day or today()
    stored = session.get(LocationPicture, location.id)
    norm_set = norm_set_for(day)
    if norm_set is None:
        return None, stored
    rows = session.scalars(select(LocationNorm).where(LocationNorm.location_id == location.id))
    picture = picture_from_tracks(
        tracks_of(rows), compiled(norm_set), location.type, day, visited=stored is not None
    )
    return picture, stored
