"""The pages as HTML: security headers, no inline script or style, labels, local assets."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from geodata.colours import STATUS_COLOURS
from inspection.db import db
from inspection.location_types import add_location_type, location_types
from inspection.vocabulary import ROLES, STATUS_LABELS
from inspection.web.pages import tile_host
from inspection.web.status import contrast_ratio, statuses

PAGES = ("/", "/locations/TER-APEL", "/form", "/map")
CSP = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


class PageParser(HTMLParser):
    """Collects what the checks need: scripts, attributes, controls and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.in_script = False
        self.html_lang: str | None = None
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.handlers += [name for name in attributes if name.startswith("on")]
        if "style" in attributes or tag == "style":
            self.styles.append(tag)
        self.urls += [v for k, v in attributes.items() if k in ("src", "href") and v]
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "script":
            self.scripts.append(attributes)
            self.in_script = True
        elif tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            self.controls.append({**attributes, "wrapped": "yes" if self.open_labels else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False
        elif tag == "label":
            self.open_labels -= 1

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.script_text.append(data)


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_html_with_a_strict_content_security_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    directives = policy(response.headers["Content-Security-Policy"])
    for name, value in CSP.items():
        assert directives[name] == value, name
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", PAGES)
def test_a_page_has_no_inline_script_style_or_event_handler(client, path):
    page = parse(client.get(path).get_data(as_text=True))

    assert page.scripts, "every page runs its script from a file"
    assert all(script.get("src", "").startswith("/static/") for script in page.scripts)
    assert page.script_text == []
    assert page.handlers == []
    assert page.styles == []
    assert all(url.startswith(("/", "#")) for url in page.urls), "no other origin, no CDN"


@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_dutch_and_every_control_has_a_label(client, path):
    page = parse(client.get(path).get_data(as_text=True))

    assert page.html_lang == "nl"
    unlabelled = [
        c for c in page.controls if not c["wrapped"] and c.get("id") not in page.label_for
    ]
    assert unlabelled == []


def test_the_login_form_never_puts_the_password_in_a_url(client):
    html = client.get("/form").get_data(as_text=True)

    assert '<form id="login-form" method="post">' in html
    assert 'type="password"' in html


def test_the_location_page_escapes_the_code_from_the_url(client):
    html = client.get('/locations/X"><b>').get_data(as_text=True)

    assert '"><b>' not in html
    assert 'data-code="X&#34;&gt;&lt;b&gt;"' in html


def fetch(client, url: str) -> tuple[int, str, bytes]:
    """Status, type and body of a GET, with the (file) response closed."""
    with client.get(url) as response:
        return response.status_code, response.mimetype, response.data


def test_leaflet_is_served_from_the_installed_package(client):
    assert fetch(client, "/static/leaflet/leaflet.css")[:2] == (200, "text/css")
    assert fetch(client, "/static/leaflet/images/layers.png")[:2] == (200, "image/png")
    status, mimetype, body = fetch(client, "/static/leaflet/leaflet.js")
    assert (status, mimetype) == (200, "text/javascript")
    assert b"Leaflet" in body
    assert fetch(client, "/static/leaflet/%2e%2e/__init__.py")[0] == 404
    html = client.get("/map").get_data(as_text=True)
    assert 'src="/static/leaflet/leaflet.js"' in html
    assert 'href="/static/leaflet/leaflet.css"' in html


def test_the_service_worker_may_control_the_form_and_lists_files_that_exist(client):
    response = client.get("/form/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/form"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    start = script.index("const SHELL = ") + len("const SHELL = ")
    shell = __import__("json").loads(script[start : script.index(";", start)])
    assert "/form" in shell and "/static/web/js/form.js" in shell
    for url in shell:
        assert fetch(client, url)[0] == 200, url


def test_the_service_worker_keeps_every_module_the_form_imports(client):
    """Offline, a module the worker did not keep fails to load and the form stays blank."""
    script = client.get("/form/sw.js").get_data(as_text=True)
    start = script.index("const SHELL = ") + len("const SHELL = ")
    shell = set(json.loads(script[start : script.index(";", start)]))
    imports = re.compile(r'from "\./([\w.-]+\.js)"')
    seen, todo = set(), ["form.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(imports.findall(fetch(client, f"/static/web/js/{name}")[2].decode()))

    assert len(seen) > 5
    assert {f"/static/web/js/{name}" for name in seen} <= shell


def test_without_a_tile_url_the_map_has_no_tiles_and_no_other_image_host(client):
    html = client.get("/map").get_data(as_text=True)

    assert 'data-tile-url=""' in html
    assert "http" not in policy(client.get("/map").headers["Content-Security-Policy"])["img-src"]


def test_a_tile_url_adds_its_host_to_the_image_sources(another_app):
    app = another_app(
        MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png",
        MAP_TILE_ATTRIBUTION="© Example & co",
    )
    response = app.test_client().get("/map")

    img = policy(response.headers["Content-Security-Policy"])["img-src"]
    assert img == "'self' data: blob: https://*.tile.example.org"
    html = response.get_data(as_text=True)
    assert 'data-tile-url="https://{s}.tile.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© Example &amp; co"' in html


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("", None),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
        ("javascript:alert(1)", None),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("https://{z}.example.org/{x}.png", None),
    ],
)
def test_tile_host(url, source):
    assert tile_host(url) == source


def test_status_badges_use_the_map_colours_with_readable_text(client):
    css = client.get("/styles/status.css")

    assert css.status_code == 200 and css.mimetype == "text/css"
    for status in statuses():
        assert status["colour"] == STATUS_COLOURS[status["code"]]
        assert contrast_ratio(status["text"], status["colour"]) >= 4.5, status["code"]
        assert f".status-{status['code']}{{background:{status['colour']}" in css.get_data(
            as_text=True
        )


def test_the_status_labels_are_plain_dutch():
    assert STATUS_LABELS["nl"] == {
        "critical": "Kritiek: direct ingrijpen nodig",
        "below_norm": "Onder de norm",
        "incomplete": "Onvolledig ingevuld",
        "meets_norms": "Voldoet aan de normen",
        "not_inspected": "Nog niet geïnspecteerd",
    }


def test_the_pages_carry_the_labels_for_their_scripts(client):
    html = client.get("/form").get_data(as_text=True)

    assert "Kritiek: direct ingrijpen nodig" in html
    assert "data-statuses='[" in html


def test_the_api_keeps_its_own_headers(client):
    response = client.get("/api/v1/locations")

    assert response.status_code == 401
    assert "Content-Security-Policy" not in response.headers


class BodyData(HTMLParser):
    """The data-* attributes of a page's body."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "body":
            self.data = {k[5:]: v for k, v in attrs if k.startswith("data-")}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_gets_the_vocabulary_of_the_service(client, page):
    parser = BodyData()
    parser.feed(client.get(page).get_data(as_text=True))

    vocabulary = json.loads(parser.data["vocabulary"])

    shipped = ["azc", "noodopvang", "crisisnoodopvang", "aanmeldcentrum", "beschermde-opvang"]
    assert set(shipped) <= set(vocabulary["location_types"])
    assert vocabulary["location_type_labels"]["nl"]["azc"] == "Asielzoekerscentrum (azc)"
    assert vocabulary["roles"] == list(ROLES)
    assert vocabulary["submitters"] == ["inspector", "coordinator"]
    assert vocabulary["worst_first"][0] == "critical"
    assert vocabulary["draw_order"] == vocabulary["worst_first"][::-1]
    assert vocabulary["status_labels"]["en"]["below_norm"] == "Below the norms"
    assert vocabulary["time_zone"] == "Europe/Amsterdam"


def test_the_map_offers_every_location_type_to_filter_by(client):
    add_location_type(
        {
            "code": "asielhotel",
            "name_nl": "Asielhotel",
            "name_en": "Asylum hotel",
            "kind": "emergency",
            "responsible": "COA",
        }
    )
    db.session.commit()

    html = client.get("/map").get_data(as_text=True)

    for location_type in location_types():
        assert (
            f'<option value="{location_type.code}" data-en="{escape(location_type.name_en)}">'
            f"{escape(location_type.name_nl)}</option>"
        ) in html
    assert '<option value="asielhotel" data-en="Asylum hotel">Asielhotel</option>' in html


@pytest.mark.parametrize("path", ["/static/web/js/form.js", "/static/leaflet/leaflet.js"])
def test_scripts_are_sent_compressed_and_answered_304_when_unchanged(client, path):
    plain = client.get(path)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    for coding in ("br", "gzip"):
        sent = client.get(path, headers={"Accept-Encoding": coding})
        assert sent.headers["Content-Encoding"] == coding
        assert len(sent.data) < len(plain.data) / 2
        again = client.get(
            path, headers={"Accept-Encoding": coding, "If-None-Match": sent.headers["ETag"]}
        )
        assert again.status_code == 304 and again.data == b""
    assert client.get(path, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert plain.headers["Content-Type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "path", ["/static/web/../pages.py", "/static/web/js/nothing.js", "/static/web/js"]
)
def test_only_the_pages_own_files_are_served(client, path):
    assert client.get(path).status_code == 404
