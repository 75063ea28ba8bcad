"""The states of a visit's report and who may move it on.

concept -> hearing -> adopted -> published, in this order only. Each move is
one conditional UPDATE (``WHERE state = <the state before>``), so that two
requests racing for the same move cannot both succeed; the loser gets 409.
Every move, and every reaction, is written to the audit log in the same
transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from inspection import audit
from inspection.db import db, utcnow
from inspection.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inspection.models import Inspection, Location, Report, ReportReaction, User
from inspection.norm_sets import compiled
from inspection.scope import location_clause, scoped_location_ids, visible_inspection
from inspection.vocabulary import (
    AMSTERDAM,
    COORDINATOR,
    INSPECTOR,
    MANAGER,
    REPORT_ADOPTED,
    REPORT_CONCEPT,
    REPORT_HEARING,
    REPORT_PUBLISHED,
    VIEWER,
)

# How long the location's manager has to react, unless HEARING_DAYS says otherwise.
DEFAULT_HEARING_DAYS = 14

SEND, REACT, ADOPT, PUBLISH = "send", "react", "adopt", "publish"


def today() -> date:
    """Today in the Netherlands: hearing deadlines are days there."""
    return datetime.now(AMSTERDAM).date()


def hearing_days() -> int:
    return int(current_app.config.get("HEARING_DAYS", DEFAULT_HEARING_DAYS))


# --- reading ------------------------------------------------------------------------------


def report_clause(user: User) -> Any:
    """A WHERE clause on Report (joined to Location) for the reports ``user`` may read.

    Inspectors and coordinators read all; managers their locations' reports
    once they are in the hearing; viewers only published ones.
    """
    if user.role == MANAGER:
        return location_clause(user) & (Report.state != REPORT_CONCEPT)
    if user.role == VIEWER:
        return Report.state == REPORT_PUBLISHED
    return true()


def _reports_query(user: User) -> Select[tuple[Report]]:
    return (
        select(Report)
        .join(Location, Report.location_id == Location.id)
        .options(
            joinedload(Report.location),
            joinedload(Report.inspection).joinedload(Inspection.inspector),
            joinedload(Report.inspection).joinedload(Inspection.norm_set),
            joinedload(Report.created_by),
            joinedload(Report.sent_by),
            joinedload(Report.adopted_by),
            joinedload(Report.published_by),
            selectinload(Report.reactions).joinedload(ReportReaction.author),
        )
        .where(report_clause(user))
    )


def visible_report(user: User, report_id: int) -> Report:
    """The report if ``user`` may read it; otherwise not found (its existence stays hidden)."""
    report = db.session.scalars(_reports_query(user).where(Report.id == report_id)).first()
    if report is None:
        raise NotFound(f"No report {report_id}")
    return report


def reports_for(
    user: User,
    *,
    page: int,
    per_page: int,
    location: str | None = None,
    state: str | None = None,
) -> tuple[list[Report], int]:
    """One page of the reports ``user`` may read, latest visit first, and their total.

    ``location`` is a location code as the user knows it; one they cannot see
    (or a confidential one a viewer knows only masked) lists nothing.
    """
    query = _reports_query(user)
    if location is not None:
        query = query.where(Location.code == location)
        if user.role == VIEWER:
            query = query.where(Location.confidential.is_(False))
    if state is not None:
        query = query.where(Report.state == state)
    query = query.join(Inspection, Report.inspection_id == Inspection.id).order_by(
        Inspection.observed_at.desc(), Report.id.desc()
    )
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    reports = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique()
    return list(reports), total or 0


# --- who may do what ----------------------------------------------------------------------


def manages(user: User, report: Report) -> bool:
    if user.role != MANAGER:
        return False
    scope = scoped_location_ids(user)
    return scope is not None and report.location_id in scope


def _writes_visit(user: User, inspection: Inspection) -> bool:
    """The visit's own inspector, or any coordinator."""
    return user.role == COORDINATOR or (
        user.role == INSPECTOR and inspection.inspector_id == user.id
    )


def hearing_open(report: Report, day: date | None = None) -> bool:
    """Whether the manager may still react: in the hearing, up to and including the due day."""
    return (
        report.state == REPORT_HEARING
        and report.reaction_due is not None
        and (day or today()) <= report.reaction_due
    )


def allowed_actions(user: User, report: Report) -> list[str]:
    """What ``user`` may do with the report now (the pages show these as buttons)."""
    actions = []
    if report.state == REPORT_CONCEPT and _writes_visit(user, report.inspection):
        actions.append(SEND)
    if hearing_open(report) and manages(user, report):
        actions.append(REACT)
    if report.state == REPORT_HEARING and user.role == COORDINATOR and _may_adopt(report):
        actions.append(ADOPT)
    if report.state == REPORT_ADOPTED and user.role == COORDINATOR:
        actions.append(PUBLISH)
    return actions


def _may_adopt(report: Report) -> bool:
    """The manager has been heard: they reacted, or their time to react has passed."""
    return bool(report.reactions) or not hearing_open(report)


# --- the moves ----------------------------------------------------------------------------


def create_report(inspection_id: str, user: User) -> tuple[Report, bool]:
    """The report of a visit as a concept, and whether it was made now (False: it existed).

    The visit's inspector or a coordinator; another inspector gets 403.
    """
    inspection = visible_inspection(user, inspection_id)
    if not _writes_visit(user, inspection):
        raise Forbidden("Only the visit's inspector or a coordinator writes its report")
    existing = _report_of(inspection.id)
    if existing is not None:
        return existing, False
    report = Report(
        inspection_id=inspection.id,
        location_id=inspection.location_id,
        state=REPORT_CONCEPT,
        created_by_id=user.id,
    )
    try:
        # A savepoint: a parallel request that stored it first undoes only this insert.
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
            audit.record(
                "report.created",
                "report",
                report.id,
                user,
                inspection=inspection.id,
                location=inspection.location.code,
                state=REPORT_CONCEPT,
            )
    except IntegrityError:
        stored = _report_of(inspection.id)
        if stored is None:
            raise
        return stored, False
    return visible_report(user, report.id), True


def _report_of(inspection_id: str) -> Report | None:
    return db.session.scalars(select(Report).where(Report.inspection_id == inspection_id)).first()


def send_report(report_id: int, user: User) -> Report:
    """concept -> hearing; the manager may react until ``HEARING_DAYS`` days from today."""
    report = visible_report(user, report_id)
    if not _writes_visit(user, report.inspection):
        raise Forbidden("Only the visit's inspector or a coordinator sends its report")
    due = today() + timedelta(days=hearing_days())
    return _move(
        report,
        user,
        REPORT_CONCEPT,
        REPORT_HEARING,
        {"sent_at": utcnow(), "sent_by_id": user.id, "reaction_due": due},
        reaction_due=due.isoformat(),
    )


def adopt_report(report_id: int, user: User, handling: str) -> Report:
    """hearing -> adopted, with how the reaction was weighed (coordinators).

    The content of the document is stored with it (``Report.content``). Not while
    the manager may still react and has not: the hearing is their right.
    """
    # Imported here: the document's content needs the views, which need this module.
    from inspection.reports.visit import frozen_content

    report = visible_report(user, report_id)
    if report.state == REPORT_HEARING and not _may_adopt(report):
        raise Conflict(
            f"The location may react until {report.reaction_due.isoformat()} and has not yet"
        )
    if report.state != REPORT_HEARING:
        raise Conflict(f"The report is {report.state}; only a hearing report can become adopted")
    # What the document shows is kept as it is now: later data no longer change it.
    content = frozen_content(report)
    return _move(
        report,
        user,
        REPORT_HEARING,
        REPORT_ADOPTED,
        {
            "adopted_at": utcnow(),
            "adopted_by_id": user.id,
            "handling": handling,
            "content": content,
        },
        handling=handling,
    )


def publish_report(report_id: int, user: User) -> Report:
    """adopted -> published (coordinators)."""
    report = visible_report(user, report_id)
    return _move(
        report,
        user,
        REPORT_ADOPTED,
        REPORT_PUBLISHED,
        {"published_at": utcnow(), "published_by_id": user.id},
    )


def _move(
    report: Report,
    user: User,
    before: str,
    after: str,
    values: dict[str, Any],
    **details: Any,
) -> Report:
    if report.state != before:
        raise Conflict(f"The report is {report.state}; only a {before} report can become {after}")
    moved = db.session.execute(
        update(Report)
        .where(Report.id == report.id, Report.state == before)
        .values(state=after, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise Conflict(f"The report is no longer {before}")
    audit.record(
        f"report.{after}",
        "report",
        report.id,
        user,
        inspection=report.inspection_id,
        location=report.location.code,
        state_before=before,
        state=after,
        **details,
    )
    db.session.refresh(report)
    return report


def react(report_id: int, user: User, text: str, corrections: dict[str, str]) -> ReportReaction:
    """The location's manager reacts during the hearing: a text and corrections per norm code.

    Outside the hearing, or after its due day, 409; a norm code that the
    visit's norm set does not have, 422 naming it.
    """
    report = visible_report(user, report_id)
    if not manages(user, report):
        raise NotFound(f"No report {report_id}")
    if report.state != REPORT_HEARING:
        raise Conflict(f"The report is {report.state}; reactions are taken during the hearing")
    if not hearing_open(report):
        raise Conflict(f"The hearing closed at the end of {report.reaction_due.isoformat()}")
    codes = {norm.code for norm in compiled(report.inspection.norm_set).norms}
    unknown = sorted(code for code in corrections if code not in codes)
    if unknown:
        raise ValidationFailed(
            "The request has invalid fields",
            {
                f"corrections.{code}": ["No norm with this code in the visit's norm set"]
                for code in unknown
            },
        )
    reaction = ReportReaction(
        report_id=report.id, author_id=user.id, text=text, corrections=dict(corrections)
    )
    db.session.add(reaction)
    db.session.flush()
    audit.record(
        "report.reacted",
        "report",
        report.id,
        user,
        location=report.location.code,
        reaction=reaction.id,
        corrected_norms=sorted(corrections),
    )
    db.session.refresh(report)
    return reaction
