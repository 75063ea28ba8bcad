"""Multipart bodies that mix a file with form fields, parsed and documented as one schema.

flask-smorest documents one request body per operation; a file and its form
fields read from separate locations would become two. The ``form_and_files``
location reads both into one schema, documented as ``multipart/form-data``.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

parser = FlaskParser()


@parser.location_loader("form_and_files")
def _load_form_and_files(request: Any, schema: Any) -> MultiDictProxy:
    return MultiDictProxy(CombinedMultiDict([request.form, request.files]), schema)


class MultipartBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = parser
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }
