"""Reports of visits and their hearing: creating, reading and moving them on.

A report the caller may not read is 404 (its existence does not leak); a
move out of order is 409; a role that may never make a move gets 403.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from inspection.http.downloads import content_disposition
from inspection.http.security import current_user, requires
from inspection.inspections import page_of
from inspection.reports.documents import (
    Document,
    national_report_document,
    visit_report_document,
)
from inspection.reports.rendering import HTML, PDF
from inspection.reports.views import report_view
from inspection.reports.workflow import (
    adopt_report,
    create_report,
    publish_report,
    react,
    reports_for,
    send_report,
    today,
    visible_report,
)
from inspection.vocabulary import COORDINATOR, MANAGER, SUBMITTERS, VIEWER
from schemas.common import ErrorSchema, NoBodySchema
from schemas.exports import BINARY, TEXT
from schemas.reports import (
    AdoptSchema,
    DocumentArgsSchema,
    NationalArgsSchema,
    ReactionCreateSchema,
    ReportListArgsSchema,
    ReportOutSchema,
    ReportPageSchema,
)

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports and hearing")

OUT_OF_ORDER = "Not in the state this move starts from"
NOT_FOUND = "No such report in your scope"


@blp.route("/inspections/<inspection_id>/report", methods=["POST"])
@requires(blp, *SUBMITTERS)
@blp.arguments(NoBodySchema, required=False)
@blp.response(201, ReportOutSchema, description="The report, made now as a concept")
@blp.alt_response(200, schema=ReportOutSchema, description="The visit's report already existed")
@blp.alt_response(404, schema=ErrorSchema, description="No such inspection")
def create_visit_report(_: dict[str, Any], inspection_id: str) -> Any:
    """Write the report of a visit (its inspector or a coordinator); a second call finds it."""
    user = current_user()
    report, created = create_report(inspection_id, user)
    return report_view(report, user), 201 if created else 200


@blp.route("/reports", methods=["GET"])
@requires(blp)
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, ReportPageSchema)
def list_reports(args: dict[str, Any]) -> dict[str, Any]:
    """Reports you may read, latest visit first.

    Managers read their locations' reports from the hearing on, viewers only
    published ones (confidential locations masked).
    """
    user = current_user()
    reports, total = reports_for(user, **args)
    return page_of([report_view(r, user) for r in reports], total, args)


@blp.route("/reports/<int:report_id>", methods=["GET"])
@requires(blp)
@blp.response(200, ReportOutSchema)
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
def get_report(report_id: int) -> dict[str, Any]:
    """One report, with the moves the caller may make now (``actions``)."""
    user = current_user()
    return report_view(visible_report(user, report_id), user)


@blp.route("/reports/<int:report_id>/send", methods=["POST"])
@requires(blp, *SUBMITTERS)
@blp.arguments(NoBodySchema, required=False)
@blp.response(200, ReportOutSchema, description="In the hearing")
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description=OUT_OF_ORDER)
def send(_: dict[str, Any], report_id: int) -> dict[str, Any]:
    """concept -> hearing: the location's manager may react until ``reaction_due``."""
    user = current_user()
    return report_view(send_report(report_id, user), user)


@blp.route("/reports/<int:report_id>/reactions", methods=["POST"])
@requires(blp, MANAGER)
@blp.arguments(ReactionCreateSchema)
@blp.response(201, ReportOutSchema, description="The reaction is recorded")
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="Not in the hearing, or after its due day")
def add_reaction(data: dict[str, Any], report_id: int) -> Any:
    """The location's manager reacts during the hearing: a text and corrections per norm code."""
    user = current_user()
    react(report_id, user, data["text"], data["corrections"])
    return report_view(visible_report(user, report_id), user), 201


@blp.route("/reports/<int:report_id>/adopt", methods=["POST"])
@requires(blp, COORDINATOR)
@blp.arguments(AdoptSchema)
@blp.response(200, ReportOutSchema, description="Adopted")
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
@blp.alt_response(
    409, schema=ErrorSchema, description="Not in the hearing, or the location may still react"
)
def adopt(data: dict[str, Any], report_id: int) -> dict[str, Any]:
    """hearing -> adopted, with how the reaction was weighed (``handling``)."""
    user = current_user()
    return report_view(adopt_report(report_id, user, data["handling"]), user)


@blp.route("/reports/<int:report_id>/publish", methods=["POST"])
@requires(blp, COORDINATOR)
@blp.arguments(NoBodySchema, required=False)
@blp.response(200, ReportOutSchema, description="Published")
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description=OUT_OF_ORDER)
def publish(_: dict[str, Any], report_id: int) -> dict[str, Any]:
    """adopted -> published: viewers can read it from now on."""
    user = current_user()
    return report_view(publish_report(report_id, user), user)


@blp.route("/reports/<int:report_id>.pdf", methods=["GET"])
@requires(blp)
@blp.arguments(DocumentArgsSchema, location="query")
@blp.response(200, BINARY, content_type=PDF)
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
def report_pdf(args: dict[str, Any], report_id: int) -> Response:
    """The report's document as A4 PDF (Dutch; `lang=en` English); "CONCEPT" until adopted."""
    return _document(visit_report_document(report_id, current_user(), "pdf", args["lang"]))


@blp.route("/reports/<int:report_id>.html", methods=["GET"])
@requires(blp)
@blp.arguments(DocumentArgsSchema, location="query")
@blp.response(200, TEXT, content_type=HTML)
@blp.alt_response(404, schema=ErrorSchema, description=NOT_FOUND)
def report_html(args: dict[str, Any], report_id: int) -> Response:
    """The report's document as HTML: the same page the PDF is made from."""
    return _document(visit_report_document(report_id, current_user(), "html", args["lang"]))


@blp.route("/reports/national.pdf", methods=["GET"])
@requires(blp, COORDINATOR, VIEWER)
@blp.arguments(NationalArgsSchema, location="query")
@blp.response(200, BINARY, content_type=PDF)
def national_pdf(args: dict[str, Any]) -> Response:
    """The national report on `as_of` as A4 PDF: the same numbers as the exports on that day.

    Viewers get the published version: confidential locations masked.
    """
    day = args.get("as_of") or today()
    return _document(national_report_document(day, current_user(), "pdf", args["lang"]))


@blp.route("/reports/national.html", methods=["GET"])
@requires(blp, COORDINATOR, VIEWER)
@blp.arguments(NationalArgsSchema, location="query")
@blp.response(200, TEXT, content_type=HTML)
def national_html(args: dict[str, Any]) -> Response:
    """The national report on `as_of` as HTML: the page the PDF is made from."""
    day = args.get("as_of") or today()
    return _document(national_report_document(day, current_user(), "html", args["lang"]))


def _document(document: Document) -> Response:
    response = Response(document.body, mimetype=document.media_type)
    response.headers["Content-Disposition"] = content_disposition(document.filename, inline=True)
    # A report may hold what only its readers may see: no shared cache keeps it.
    response.headers["Cache-Control"] = "private, no-store"
    return response
