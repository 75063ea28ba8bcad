"""Schemas of reception locations: what may be created or changed, and how it is shown."""

from __future__ import annotations

import decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_dump, pre_load, validate

from inspection.storable import text_problem
from inspection.vocabulary import LOCATION_STATUSES
from schemas.common import PageArgsSchema, PageSchema
from schemas.location_types import known_location_type
from schemas.scores import DomainScoreSchema, FailedNormSchema, NormSetRefSchema

# What ``GET /locations?with=`` may add to each location.
FAILED_NORMS = "failed_norms"
LIST_INCLUDES = (FAILED_NORMS,)

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,63}$"
# Far above any reception location (the largest hold a few thousand people),
# far below what the database column holds.
CAPACITY_MAX = 100_000

NOT_BLANK = validate.Regexp(r"\s*\S", error="must not be blank")
CODE = validate.Regexp(CODE_PATTERN, error="Use capitals, digits and hyphens, e.g. TER-APEL.")
LATITUDE = validate.Range(-90, 90)
LONGITUDE = validate.Range(-180, 180)
CAPACITY = validate.Range(min=0, max=CAPACITY_MAX)
CAPACITY_DOC = {"description": f"Places for residents, 0 to {CAPACITY_MAX}"}


def _storable(text: str) -> None:
    # The API refuses such text for the whole body; files come in through the schemas only.
    problem = text_problem(text)
    if problem:
        raise ValidationError(problem)


def _text(max_length: int, blank: bool = False) -> list[Any]:
    rules: list[Any] = [validate.Length(min=0 if blank else 1, max=max_length), _storable]
    return rules if blank else [*rules, NOT_BLANK]


class WholeNumber(fields.Integer):
    """An integer, also when written ``2000.0`` (as spreadsheets and GIS files do), never 2000.5."""

    default_error_messages = {"huge": "a number of {digits} digits is too large"}

    def _validated(self, value: Any) -> int:
        if isinstance(value, str):
            try:
                number = decimal.Decimal(value.strip())
            except decimal.InvalidOperation as exc:
                raise self.make_error("invalid") from exc
            if not number.is_finite() or number != number.to_integral_value():
                raise self.make_error("invalid")
            if number.adjusted() >= 18:
                raise self.make_error("huge", digits=number.adjusted() + 1)
            value = int(number)
        elif isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


class LocationUpdateSchema(Schema):
    """A change to a location (PATCH): only the fields sent change; the code never does.

    No field has a default, so that nothing that was not sent is touched.
    """

    name = fields.String(validate=_text(200))
    type = fields.String(validate=known_location_type)
    operator = fields.String(allow_none=True, validate=_text(200, blank=True))
    municipality = fields.String(validate=_text(100))
    province = fields.String(validate=_text(100))
    latitude = fields.Float(validate=LATITUDE)
    longitude = fields.Float(validate=LONGITUDE)
    capacity = WholeNumber(allow_none=True, validate=CAPACITY, metadata=CAPACITY_DOC)
    confidential = fields.Boolean(
        metadata={"description": "A protected shelter: only coordinators see where it is"}
    )
    active = fields.Boolean()


class LocationCreateSchema(LocationUpdateSchema):
    """A new location: its code, name, type and place are required; the rest has defaults."""

    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=_text(200))
    type = fields.String(required=True, validate=known_location_type)
    operator = fields.String(load_default=None, allow_none=True, validate=_text(200, blank=True))
    municipality = fields.String(required=True, validate=_text(100))
    province = fields.String(required=True, validate=_text(100))
    latitude = fields.Float(required=True, validate=LATITUDE)
    longitude = fields.Float(required=True, validate=LONGITUDE)
    capacity = WholeNumber(
        load_default=None, allow_none=True, validate=CAPACITY, metadata=CAPACITY_DOC
    )
    confidential = fields.Boolean(
        load_default=False,
        metadata={"description": "A protected shelter: only coordinators see where it is"},
    )
    active = fields.Boolean(load_default=True)


class LocationImportRowSchema(LocationUpdateSchema):
    """One row of an import file about an existing location: its code and what the row gives.

    Like a change, it has no defaults: a column that is absent, or a cell
    that is empty, leaves the stored value as it is. A row with a new code is
    read by ``LocationCreateSchema`` instead.
    """

    code = fields.String(required=True, validate=CODE)

    @pre_load
    def _blank_is_missing(self, data: Any, **kwargs: Any) -> Any:
        return without_blanks(data)


def without_blanks(row: Any) -> Any:
    """An import row without its empty cells (spreadsheets write them as empty strings)."""
    if isinstance(row, dict):
        return {
            key: value
            for key, value in row.items()
            if value is not None and not (isinstance(value, str) and value.strip() == "")
        }
    return row


# Viewers see no single visits, and so no visit's id.
_VISIT_ID = "The visit; null for viewers"


class LatestInspectionSchema(Schema):
    id = fields.String(allow_none=True, required=True, metadata={"description": _VISIT_ID})
    observed_at = fields.DateTime(attribute="observed_at_local", required=True)
    status = fields.String(required=True)
    overall = fields.Float(allow_none=True, required=True)
    coverage = fields.Float(allow_none=True, required=True)
    norm_set = fields.Nested(NormSetRefSchema, required=True)


class LocationOutSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    masked = fields.Boolean(
        required=True,
        metadata={
            "description": "True when the code and name are masked (a confidential location "
            "as a viewer sees it): the code is not the location's own and cannot be looked up"
        },
    )
    type = fields.String(required=True)
    operator = fields.String(allow_none=True, required=True)
    municipality = fields.String(required=True)
    province = fields.String(required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)
    position_generalised = fields.Boolean(
        required=True,
        metadata={
            "description": "True when a confidential location is shown at its "
            "municipality's mean position (or none)"
        },
    )
    capacity = fields.Integer(allow_none=True, required=True)
    confidential = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(LOCATION_STATUSES),
        metadata={
            "description": "The current picture: per norm the latest visit that assessed it "
            "(a follow-up that checks a few norms leaves the others as they were)"
        },
    )
    overall = fields.Float(
        allow_none=True, required=True, metadata={"description": "The current picture's score"}
    )
    coverage = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "Percent of the applicable norms with a current outcome"},
    )
    domains = fields.Dict(
        keys=fields.String(), values=fields.Nested(DomainScoreSchema), required=True
    )
    failing_since = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={"description": "Since when the longest-failing of the failed norms fails"},
    )
    latest = fields.Nested(
        LatestInspectionSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The latest visit, with its own score"},
    )
    open_findings = fields.Integer(
        required=True, metadata={"description": "Findings open at this location"}
    )
    overdue_findings = fields.Integer(
        required=True, metadata={"description": "Of those, the ones past their deadline"}
    )


class PictureNormSchema(FailedNormSchema):
    failing_since = fields.DateTime(
        required=True,
        metadata={"description": "The first failure of the current run (no pass in between)"},
    )
    last_assessed = fields.DateTime(required=True)
    inspection = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The visit whose finding this is; null for viewers"},
    )


class LocationDetailSchema(LocationOutSchema):
    failed_norms = fields.List(
        fields.Nested(PictureNormSchema),
        required=True,
        metadata={
            "description": "The norms the current picture fails, critical first, each as the "
            "visit that last assessed it found it"
        },
    )


class LocationListArgsSchema(PageArgsSchema):
    type = fields.String(validate=known_location_type)
    province = fields.String()
    municipality = fields.String()
    status = fields.List(
        fields.String(validate=validate.OneOf(LOCATION_STATUSES)),
        metadata={"description": "Status of the current picture; repeatable"},
    )
    include = fields.List(
        fields.String(validate=validate.OneOf(LIST_INCLUDES)),
        data_key="with",
        load_default=(),
        metadata={
            "description": "`failed_norms`: each location with its failed norms, as "
            "`GET /locations/{code}` gives them"
        },
    )


class LocationListItemSchema(LocationOutSchema):
    failed_norms = fields.List(
        fields.Nested(PictureNormSchema),
        metadata={"description": "Only with `with=failed_norms`: as `GET /locations/{code}`"},
    )

    @post_dump(pass_original=True)
    def _failed_norms_when_asked(self, data: dict[str, Any], view: Any, **kwargs: Any) -> Any:
        if view.failed_norms is None:
            del data["failed_norms"]
        return data


class LocationPageSchema(PageSchema):
    items = fields.List(fields.Nested(LocationListItemSchema), required=True)


_DOMAIN_SCORES = {
    "type": "object",
    "additionalProperties": {"type": "number", "nullable": True},
    "description": "Domain code -> score (0-100; null when nothing in it was assessed)",
}


class PicturePointSchema(Schema):
    day = fields.Date(
        required=True,
        metadata={"description": "The local day at whose end the picture stood so"},
    )
    overall = fields.Float(allow_none=True, required=True)
    coverage = fields.Float(allow_none=True, required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(LOCATION_STATUSES), metadata={"example": "critical"}
    )
    domains = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        required=True,
        metadata=_DOMAIN_SCORES,
    )
    failed_norms = fields.List(
        fields.String(), required=True, metadata={"description": "The norms the picture fails"}
    )
    critical_norms = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Of those, the ones failed with critical severity"},
    )


class ScorePointSchema(Schema):
    inspection = fields.String(
        attribute="id", allow_none=True, required=True, metadata={"description": _VISIT_ID}
    )
    observed_at = fields.DateTime(attribute="observed_at_local", required=True)
    overall = fields.Float(
        allow_none=True, required=True, metadata={"description": "This visit's own score"}
    )
    coverage = fields.Float(
        allow_none=True, required=True, metadata={"description": "This visit's own coverage"}
    )
    status = fields.String(required=True, metadata={"description": "This visit's own status"})
    domains = fields.Method(
        "domain_scores",
        required=True,
        metadata={**_DOMAIN_SCORES, "description": "This visit's own score per domain"},
    )
    picture = fields.Nested(
        PicturePointSchema,
        attribute="picture_summary",
        required=True,
        metadata={
            "description": "The location's current picture as it stood at the end of this "
            "visit's local day (per norm, the latest visit that assessed it): what the "
            "location's status and score were then"
        },
    )

    def domain_scores(self, inspection: Any) -> dict[str, float | None]:
        return {code: d["score"] for code, d in inspection.domain_scores.items()}


CHART_LANGUAGES = ("en", "nl")


class ChartArgsSchema(Schema):
    lang = fields.String(
        load_default="nl",
        validate=validate.OneOf(CHART_LANGUAGES),
        metadata={"description": "Language of the chart's texts"},
    )
