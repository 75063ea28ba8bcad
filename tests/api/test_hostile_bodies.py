"""Generated hostile JSON bodies at every write operation of the OpenAPI document.

Each body looks like what the operation documents (its properties, with
plausible values of their types) but carries at least one value that no
database stores or that lies outside what the operation allows: a lone
surrogate or a NUL (also in a name), nesting past the limit, an integer of
64 bits or thousands of digits, NaN, a date-time outside the years 1-9999
in UTC or one that does not exist, a number past its documented maximum.
Every such body must be refused with a 4xx, and nothing may be stored.

The operations are read from the document, as in test_access_matrix.py, so
a new endpoint is covered as soon as it is documented. The cases are the
same every run (CI repeatable); FUZZ_RANDOM=1 explores anew.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import create_app
from inspection.db import Base, db
from inspection.storable import MAX_DEPTH

API = "/api/v1"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "40"))
INSPECTION_ID = "6f1c2a9e-3b1d-4c1e-9a7b-0c2d4e6f8a10"
# Values for path parameters: rows that exist, so that a body gets past "not found".
PATH_VALUES = {"code": "TER-APEL", "inspection_id": INSPECTION_ID}


def _document() -> dict[str, Any]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get(f"{API}/openapi.json").get_json()


DOCUMENT = _document()
WRITES = sorted(
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method in operations
    if method in ("post", "put", "patch")
)


class Raw:
    """JSON text written into a body as it is (nesting no Python encoder writes)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:40]!r}...)"


def encode(value: Any) -> str:
    """JSON text of ``value``, lone surrogates and NULs as escapes, ``Raw`` as it is."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # NaN, Infinity: what some encoders write
    return json.dumps(value)


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = DOCUMENT["components"]["schemas"][name]
    if "anyOf" in schema:
        return resolve(schema["anyOf"][0])
    return schema


# --- values -------------------------------------------------------------------------------

UNSTORABLE_TEXT = st.one_of(
    st.builds(
        lambda a, s, b: a + s + b,
        st.text(max_size=5),
        st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\x00"]),
        st.text(max_size=5),
    ),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),
)
DEEP = st.integers(MAX_DEPTH + 1, 1100).map(lambda n: Raw("[" * n + "]" * n))
DEEP_OBJECTS = st.integers(MAX_DEPTH + 1, 200).map(lambda n: Raw('{"a":' * n + "1" + "}" * n))
HUGE_INTEGERS = st.one_of(
    st.integers(min_value=2**63, max_value=2**200),
    st.integers(max_value=-(2**63) - 1, min_value=-(2**200)),
    st.integers(4301, 6000).map(lambda n: Raw("9" * n)),
    st.integers(4301, 6000).map(lambda n: Raw("-" + "1" * n)),
)
NOT_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf"), Raw("1e400")])
# Refused wherever they stand: nothing here can be stored.
UNSTORABLE = st.one_of(UNSTORABLE_TEXT, DEEP, DEEP_OBJECTS, HUGE_INTEGERS, NOT_FINITE)

ODD_DATE_TIMES = st.sampled_from(
    [
        "0001-01-01T00:30:00+01:00",
        "0001-01-01T00:00:00+00:01",
        "9999-12-31T23:30:00-01:00",
        "9999-12-31T23:59:59-23:59",
        "2026-02-30T10:00:00+01:00",
        "2026-11-20T24:00:01+01:00",
        "2026-11-20T10:15:00+25:00",
        "2026-11-20T10:15:00",
        "10000-01-01T00:00:00+00:00",
        "-0001-01-01T00:00:00+00:00",
    ]
)


def plausible(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of the type a property documents (not necessarily valid ones)."""
    schema = resolve(schema)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        formats = {
            "uuid": st.uuids().map(str),
            "date-time": st.just("2026-11-20T10:15:00+01:00"),
            "date": st.just("2026-11-20"),
        }
        if schema.get("format") in formats:
            return formats[schema["format"]]
        return st.one_of(st.just("TER-APEL"), st.text(max_size=12))
    if kind == "integer":
        low, high = schema.get("minimum", -1000), schema.get("maximum", 1000)
        return st.integers(int(low), int(high))
    if kind == "number":
        return st.floats(-1000, 1000, allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        if depth > 2:
            return st.just([])
        return st.lists(plausible(schema.get("items", {}), depth + 1), max_size=2)
    if kind == "object" or "properties" in schema:
        if depth > 2:
            return st.just({})
        return st.fixed_dictionaries(
            {
                name: plausible(prop, depth + 1)
                for name, prop in (schema.get("properties") or {}).items()
            }
        )
    return st.one_of(st.none(), st.integers(0, 100), st.text(max_size=5))


def refused_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a property of this schema must refuse: unstorable ones, and its own out-of-range."""
    schema = resolve(schema)
    own: list[st.SearchStrategy[Any]] = []
    if schema.get("format") == "date-time":
        own.append(ODD_DATE_TIMES)
    if schema.get("type") == "integer" and "maximum" in schema:
        maximum = int(schema["maximum"])
        own.append(st.sampled_from([maximum + 1, 2**31, 2**63 - 1]).filter(lambda v: v > maximum))
    return st.one_of(UNSTORABLE, *own)


@st.composite
def hostile_bodies(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """A body shaped as ``schema`` documents, with at least one value that must be refused."""
    schema = resolve(schema)
    properties = schema.get("properties") or {}
    body = dict(draw(plausible(schema))) if properties else {}
    place = draw(st.sampled_from(["property", "nested", "extra", "name"]))
    if place == "property" and properties:
        name = draw(st.sampled_from(sorted(properties)))
        body[name] = draw(refused_for(properties[name]))
    elif place == "nested" and any(isinstance(v, dict) for v in body.values()):
        name = draw(st.sampled_from(sorted(k for k, v in body.items() if isinstance(v, dict))))
        body[name] = {**body[name], draw(st.text(max_size=8)): draw(UNSTORABLE)}
    elif place == "name":
        body[draw(UNSTORABLE_TEXT)] = draw(plausible({}))
    else:
        body[draw(st.text(max_size=8))] = draw(UNSTORABLE)
    return body


# --- the test -----------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def world(app, client, norm_set, create_location, create_user, login, make_submission):
    create_location(code="TER-APEL", type="azc")
    create_user("coordinator", username="coordinator")
    headers = login("coordinator")
    response = client.post(
        f"{API}/inspections", json=make_submission(id=INSPECTION_ID), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return headers


def test_every_write_operation_is_covered():
    """The document lists the write operations; a wrong walk would test nothing."""
    assert ("POST", f"{API}/inspections") in WRITES
    assert ("PATCH", f"{API}/locations/{{code}}") in WRITES
    assert len(WRITES) >= 5


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_hostile_bodies_are_refused_and_store_nothing(client, world, method, path):
    operation = DOCUMENT["paths"][path][method.lower()]
    content = (operation.get("requestBody") or {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {"type": "object"})
    url = path.format(**{name: PATH_VALUES.get(name, "x") for name in _parameters(path)})

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=hostile_bodies(schema))
    def check(body: dict[str, Any]) -> None:
        before = row_counts()
        response = client.open(
            url,
            method=method,
            data=encode(body).encode("utf-8"),
            headers={**world, "Content-Type": "application/json"},
        )
        assert 400 <= response.status_code < 500, (response.status_code, response.get_data()[:300])
        assert response.get_json()["error"]["code"]
        assert row_counts() == before

    check()


def _parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def test_the_generated_bodies_are_json_text():
    """``encode`` writes what a client would send: escapes, never raw surrogates."""
    text = encode({"a": "\ud800\x00", "b": [Raw("[[]]")], "c": uuid.UUID(int=0).hex})

    assert text == '{"a":"\\ud800\\u0000","b":[[[]]],"c":"00000000000000000000000000000000"}'
