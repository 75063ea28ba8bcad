"""Fixtures for the OpenRosa tests: a phone's credentials, forms, instances and sends.

The instances are made the way ODK Collect makes them: from the primary
instance of the form it downloaded, with the answers filled in and a fresh
``uuid:`` instanceID; namespaced like Enketo's on request.
"""

from __future__ import annotations

import base64
import copy
import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

XFORMS = "http://www.w3.org/2002/xforms"
ORX = "http://openrosa.org/xforms"
RESPONSE = "{http://openrosa.org/http/response}"
FORM_LIST = "{http://openrosa.org/xforms/xformsList}"
PASSWORD = "correct horse battery"


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    """The headers ODK Collect sends once it has the account's credentials."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-OpenRosa-Version": "1.0"}


def message_of(response: Any) -> str:
    """The message of an OpenRosaResponse (what the phone shows)."""
    root = fromstring(response.data)
    assert root.tag == f"{RESPONSE}OpenRosaResponse", response.data
    return root.find(f"{RESPONSE}message").text


def listed_forms(response: Any) -> dict[str, dict[str, str]]:
    """The ``<xform>`` entries of a form list, by formID."""
    root = fromstring(response.data)
    assert root.tag == f"{FORM_LIST}xforms"
    return {
        entry.find(f"{FORM_LIST}formID").text: {
            child.tag.removeprefix(FORM_LIST): child.text for child in entry
        }
        for entry in root.findall(f"{FORM_LIST}xform")
    }


def primary_instance(form_xml: bytes) -> ET.Element:
    """The blank primary instance of a downloaded XForm (its root element)."""
    form = fromstring(form_xml)
    model = form.find(f"{{http://www.w3.org/1999/xhtml}}head/{{{XFORMS}}}model")
    return copy.deepcopy(model.find(f"{{{XFORMS}}}instance")[0])


def fill_instance(
    form_xml: bytes,
    values: Mapping[str, Any],
    instance_id: str | None = None,
    namespaced: bool = False,
) -> bytes:
    """A submission of ``form_xml`` with ``values`` by element name, as Collect writes it.

    Without ``namespaced`` the elements carry no namespace (ODK Collect);
    with it they stay in the XForms namespace and ``meta`` moves to the
    OpenRosa namespace, as some clients write it.
    """
    root = primary_instance(form_xml)
    remaining = dict(values)
    remaining.setdefault("instanceID", f"uuid:{instance_id or uuid.uuid4()}")
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in remaining:
            value = remaining.pop(local)
            element.text = _text(value)
    assert not remaining, f"not in the form: {sorted(remaining)}"
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if not namespaced:
            element.tag = local
        elif local in ("meta", "instanceID"):
            element.tag = f"{{{ORX}}}{local}"
    if namespaced:
        ET.register_namespace("", XFORMS)
        ET.register_namespace("orx", ORX)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def jpeg(colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def inspector(create_user):
    return create_user("inspector", username="veldwerker")


@pytest.fixture
def locations(create_location, norm_set):
    """One location of each type, and a confidential shelter."""
    return {
        "azc": create_location(code="TER-APEL", name="Ter Apel", type="azc"),
        "noodopvang": create_location(code="BOOT-1", name="Boot Amsterdam", type="noodopvang"),
        "crisisnoodopvang": create_location(
            code="HAL-1", name="Sporthal Zuid", type="crisisnoodopvang"
        ),
        "secret": create_location(
            code="GEHEIM-1", name="Beschermde opvang", type="azc", confidential=True
        ),
    }


@pytest.fixture
def download(client) -> Callable[..., bytes]:
    """Download a form as the phone does (by formID)."""

    def _download(form_id: str, headers: dict[str, str]) -> bytes:
        response = client.get(f"/openrosa/forms/{form_id}.xml", headers=headers)
        assert response.status_code == 200, response.data
        return response.data

    return _download


@pytest.fixture
def send(client) -> Callable[..., Any]:
    """POST an instance and its attachments to /openrosa/submission, as multipart."""

    def _send(
        xml: bytes,
        headers: dict[str, str],
        photos: Mapping[str, bytes] | None = None,
        **extra: Any,
    ) -> Any:
        data: dict[str, Any] = {
            "xml_submission_file": (io.BytesIO(xml), "instance.xml", "text/xml")
        }
        for filename, content in (photos or {}).items():
            data[filename] = (io.BytesIO(content), filename, "image/jpeg")
        return client.post(
            "/openrosa/submission",
            data=data,
            headers=headers,
            content_type="multipart/form-data",
            **extra,
        )

    return _send
