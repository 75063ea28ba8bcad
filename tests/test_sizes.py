"""The limits that a refused upload names, in units people read."""

from __future__ import annotations

import pytest

from inspection.sizes import readable_size


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (1, "1 byte"),
        (400, "400 bytes"),
        (1023, "1023 bytes"),
        (1024, "1 kB"),
        (1536, "1.5 kB"),
        (50_000, "48.8 kB"),  # 48.828...: rounded down, never named larger than it is
        (1024 * 1024, "1 MB"),  # JSON_MAX_BYTES and OPENROSA_XML_MAX_BYTES
        (8 * 1024 * 1024, "8 MB"),  # PHOTO_MAX_BYTES
        (10 * 1024 * 1024 - 1, "9.9 MB"),
    ],
)
def test_sizes_in_words(n_bytes, text):
    assert readable_size(n_bytes) == text
