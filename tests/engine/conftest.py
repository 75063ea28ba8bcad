"""Factories for small norm set documents, varied per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from inspection.engine import parse_norm_set


def _label(text: str) -> dict[str, str]:
    return {"nl": f"{text} (nl)", "en": text}


def _item(code: str, type: str = "integer", **fields) -> dict:
    data = {"code": code, "type": type, "label": _label(code)}
    if type == "integer":
        data.update(min=0, max=5000)
    elif type == "number":
        data.update(min=0, max=100000)
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _norm(code: str, rule: dict, domain: str = "SAF", severity: str = "major", **fields) -> dict:
    data = {
        "code": code,
        "domain": domain,
        "severity": severity,
        "title": _label(code),
        "rule": rule,
        "basis": "source",
        "source": "test source",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _doc(items: list[dict] | None = None, norms: list[dict] | None = None, **fields) -> dict:
    """A minimal valid norm set: one boolean item and one norm, unless given others."""
    data = {
        "catalogue": "test-children",
        "version": "2023.1",
        "valid_from": dt.date(2023, 5, 3),
        "title": _label("Test norms"),
        "domains": [
            {"code": "SAF", "title": _label("Safety")},
            {"code": "HYG", "title": _label("Hygiene")},
            {"code": "LIV", "title": _label("Living space")},
        ],
        "items": items if items is not None else [_item("staff_on_site_24h", "boolean")],
        "norms": norms
        if norms is not None
        else [_norm("SAF-01", {"item": "staff_on_site_24h", "equals": True})],
    }
    data.update(fields)
    return data


@pytest.fixture
def label() -> Callable[..., dict]:
    """``label("x")`` -> ``{"nl": "x (nl)", "en": "x"}``."""
    return _label


@pytest.fixture
def make_item() -> Callable[..., dict]:
    """``make_item(code, type="integer", **fields)``: an item dict (integers 0..5000)."""
    return _item


@pytest.fixture
def make_norm() -> Callable[..., dict]:
    """``make_norm(code, rule, domain="SAF", severity="major", **fields)``: a norm dict."""
    return _norm


@pytest.fixture
def make_doc() -> Callable[..., dict]:
    """``make_doc(items=None, norms=None, **top_level_fields)``: a valid document dict."""
    return _doc


@pytest.fixture
def build() -> Callable:
    """``build(items, norms, **fields)``: a parsed NormSetDocument."""

    def build(items: list[dict] | None = None, norms: list[dict] | None = None, **fields):
        return parse_norm_set(_doc(items, norms, **fields))

    return build


@pytest.fixture
def three_norms(build) -> object:
    """Staff at night (critical), toilets per resident (major) and towels (minor), 30 days stale.

    What the tests of a location's picture over time share: enough norms for
    every status, in two domains.
    """
    return build(
        stale_after_days=30,
        items=[
            _item("staff_on_site_24h", "boolean"),
            _item("residents_present"),
            _item("toilets_working"),
            _item("towels", "boolean"),
        ],
        norms=[
            _norm("SAF-02", {"item": "staff_on_site_24h", "equals": True}, severity="critical"),
            _norm(
                "HYG-01",
                {"ratio": ["residents_present", "toilets_working"], "max": 20, "critical_max": 50},
                domain="HYG",
            ),
            _norm("HYG-03", {"item": "towels", "equals": True}, domain="HYG", severity="minor"),
        ],
    )
