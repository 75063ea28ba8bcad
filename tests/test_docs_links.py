"""The README and docs/ read on their own: every relative link leads to a file of the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target) and [text](target "title"); images too.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def prose(page: Path) -> str:
    """The page without code: links in examples are not links."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return INLINE_CODE.sub("", text)


def links(page: Path) -> list[str]:
    text = prose(page)
    return LINK.findall(text) + REFERENCE.findall(text)


def anchors(page: Path) -> set[str]:
    """The anchors a renderer such as GitHub's gives the page's headings."""
    found = set()
    for heading in HEADING.findall(prose(page)):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        found.add(slug)
    return found


def is_relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) and not target.startswith(
        "//"
    )


def test_there_are_docs_pages():
    names = {page.name for page in PAGES}
    assert {"README.md", "norms.md", "api.md", "deployment.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files_of_the_project(page):
    for target in filter(is_relative, links(page)):
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.is_relative_to(ROOT), f"{page.name}: {target} leaves the project"
        assert resolved.exists(), f"{page.name}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{page.name}: no heading for {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_refers_to_files_outside_the_project(page):
    text = page.read_text(encoding="utf-8")

    assert "../shared" not in text
    assert not re.search(r"\b(?:DESIGN|NORMS|STYLE)\.md\b", text)


def test_the_readme_links_the_docs():
    targets = {target.partition("#")[0] for target in links(ROOT / "README.md")}

    assert {"docs/README.md", "docs/norms.md", "docs/api.md", "docs/deployment.md"} <= targets
