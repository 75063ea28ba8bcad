"""One Jinja template per document, rendered to HTML and, by WeasyPrint, to PDF.

The PDF is made from exactly the HTML the ``.html`` address serves. WeasyPrint
may fetch nothing from outside: the documents carry their images as data URIs
and their style inline, so a note that smuggles in a URL cannot make the
server request it.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import render_template

HTML = "text/html"
PDF = "application/pdf"


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_template(template, **context)


# One font configuration per thread, kept across documents: making it anew (fontconfig's
# set-up and pango's font map) cost every PDF some 30 ms of CPU. Per thread, because
# pango's font map is not made to be shared between threads.
_fonts = threading.local()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a document's HTML (A4, as its stylesheet says)."""
    # Imported here: WeasyPrint loads pango and its fonts, which only documents need.
    from weasyprint import HTML as WeasyHTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = getattr(_fonts, "configuration", None)
    if fonts is None:
        fonts = _fonts.configuration = FontConfiguration()
    only_data = URLFetcher(allowed_protocols=("data",))
    return WeasyHTML(string=html, url_fetcher=only_data).write_pdf(font_config=fonts)
