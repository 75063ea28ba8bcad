"""The OpenRosa endpoints under /openrosa: form list, form download, submission.

Point ODK Collect or KoboCollect at ``https://<host>/openrosa`` with an
inspector's account. Every response carries ``X-OpenRosa-Version: 1.0``;
refusals are ``OpenRosaResponse`` documents whose message the phone shows.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, g, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from inspection.db import keep_work_on_error
from inspection.errors import (
    DomainError,
    Forbidden,
    PayloadTooLarge,
    TooManyRequests,
)
from inspection.openrosa import documents, messages
from inspection.openrosa.catalogue import form_in_force, forms_in_force, item_labels
from inspection.openrosa.credentials import (
    CHALLENGE,
    MissingCredentials,
    basic_credentials,
    check_credentials,
)
from inspection.openrosa.instances import MalformedInstance
from inspection.openrosa.receiving import receive_submission
from inspection.sizes import readable_size
from inspection.vocabulary import STATUS_LABELS, SUBMITTERS

PREFIX = "/openrosa"
XML_FIELD = "xml_submission_file"
XML_TYPE = "text/xml; charset=utf-8"
# Room for the multipart boundaries and part headers around the announced content.
MULTIPART_OVERHEAD = 64 * 1024

blp = Blueprint("openrosa", __name__, url_prefix=PREFIX)


class ProtocolError(DomainError):
    """An HTTP error (a bad multipart body, a wrong method) told as an OpenRosa refusal."""

    def __init__(self, error: HTTPException) -> None:
        super().__init__(error.description or error.name)
        self.status = error.code or 400
        self.code = (error.name or "error").lower().replace(" ", "_")


def init_openrosa(app: Flask) -> None:
    """Register the blueprint and the OpenRosa headers on everything under /openrosa."""
    app.register_blueprint(blp)

    @app.after_request
    def _openrosa_headers(response: Response) -> Response:
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            response.headers["X-OpenRosa-Version"] = "1.0"
            response.headers["X-OpenRosa-Accept-Content-Length"] = str(_accepted_length())
            response.headers["Content-Language"] = _lang()
        return response


@blp.before_request
def _authenticate() -> None:
    request.max_content_length = _accepted_length() + MULTIPART_OVERHEAD
    credentials = basic_credentials(request.headers.get("Authorization"))
    if credentials is None:
        raise MissingCredentials("Log in with your account (HTTP Basic)")
    user = check_credentials(*credentials, request.remote_addr or "unknown")
    if user.role not in SUBMITTERS:
        raise Forbidden(f"The {user.role} role may not use the OpenRosa API")
    g.user = user


@blp.get("/formList")
def form_list() -> Response:
    """OpenRosa Form List API: one form per location type, for the norm set in force today."""
    forms = forms_in_force(g.user)
    wanted = request.args.get("formID")
    if wanted:
        forms = [form for form in forms if form.form_id == wanted]
    body = documents.form_list(
        forms, lambda form: url_for(".form_xml", form_id=form.form_id, _external=True)
    )
    return Response(body, content_type=XML_TYPE)


@blp.get("/forms/<form_id>.xml")
def form_xml(form_id: str) -> Response:
    """The XForm itself; its MD5 is the form list's hash."""
    return Response(form_in_force(g.user, form_id).xml, content_type=XML_TYPE)


@blp.route("/submission", methods=["GET", "HEAD"])
def submission_probe() -> Response:
    """What ODK Collect asks before it sends: credentials work, and how much to send at once."""
    return Response(status=204)


@blp.post("/submission")
def submission() -> Response:
    """OpenRosa Form Submission API: the instance (``xml_submission_file``) and its photos."""
    try:
        files = request.files
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge(
            f"A request may be at most {readable_size(_accepted_length())}; send photos separately"
        ) from exc
    upload = files.get(XML_FIELD)
    if upload is None:
        raise MalformedInstance(f"Send the instance as the multipart part {XML_FIELD}")
    xml_limit = current_app.config["OPENROSA_XML_MAX_BYTES"]
    xml = upload.read(xml_limit + 1)
    if len(xml) > xml_limit:
        raise PayloadTooLarge(f"The instance may be at most {readable_size(xml_limit)}")
    attachments: dict[str, bytes] = {}
    for field, storage in files.items(multi=True):
        if field != XML_FIELD:
            content = storage.read()
            attachments[field] = content
            if storage.filename:
                attachments[storage.filename] = content
    receipt = receive_submission(xml, attachments, g.user)
    lang = _lang()
    inspection = receipt.inspection
    text = messages.receipt(
        lang,
        inspection.location.name,
        STATUS_LABELS[lang][inspection.status],
        inspection.overall,
        repeated=not receipt.stored_anything,
    )
    status = 201 if receipt.stored_anything else 202
    nature = "submit_success"
    return Response(documents.openrosa_response(text, nature), status, content_type=XML_TYPE)


@blp.errorhandler(DomainError)
def _refused(error: DomainError) -> Response:
    if error.keep_work:
        keep_work_on_error()
    lang = _lang()
    text = messages.refusal(error, lang, item_labels(lang))
    response = Response(
        documents.openrosa_response(text, "error"), error.status, content_type=XML_TYPE
    )
    if error.status == 401:
        response.headers["WWW-Authenticate"] = CHALLENGE
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    if isinstance(error, RequestEntityTooLarge):
        return _refused(PayloadTooLarge(error.description or "Request too large"))
    return _refused(ProtocolError(error))


def _accepted_length() -> int:
    config = current_app.config
    return config["PHOTO_MAX_BYTES"] + config["OPENROSA_XML_MAX_BYTES"]


def _lang() -> str:
    return request.accept_languages.best_match(messages.LANGS) or "nl"
