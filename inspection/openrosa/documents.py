"""The XML documents of the OpenRosa APIs: the form list and the response envelope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

from inspection.openrosa.xforms import XForm

FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
RESPONSE_NS = "http://openrosa.org/http/response"


def form_list(forms: Sequence[XForm], download_url: Callable[[XForm], str]) -> bytes:
    """An ``<xforms>`` document (OpenRosa Form List API) announcing ``forms``."""
    root = Element("xforms", xmlns=FORM_LIST_NS)
    for form in forms:
        entry = SubElement(root, "xform")
        SubElement(entry, "formID").text = form.form_id
        SubElement(entry, "name").text = form.name
        SubElement(entry, "version").text = form.version
        SubElement(entry, "hash").text = f"md5:{form.md5}"
        SubElement(entry, "downloadUrl").text = download_url(form)
    return tostring(root, encoding="utf-8", xml_declaration=True)


def openrosa_response(message: str, nature: str) -> bytes:
    """An ``<OpenRosaResponse>`` envelope with one message for the phone to show."""
    root = Element("OpenRosaResponse", xmlns=RESPONSE_NS, items="0")
    SubElement(root, "message", nature=nature).text = message
    return tostring(root, encoding="utf-8", xml_declaration=True)
