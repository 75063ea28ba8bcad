"""Sizes as people read them, for the limits a refused upload names."""

from __future__ import annotations

# Binary multiples, as the limits are set (``PHOTO_MAX_BYTES`` is 8 MiB), written
# with the units people know from their phones and computers.
_UNITS = (("MB", 1024 * 1024), ("kB", 1024))


def readable_size(n_bytes: int) -> str:
    """``n_bytes`` as ``8 MB``, ``48.8 kB`` or ``400 bytes``.

    One decimal at most, rounded down: a limit is never named larger than it is.
    """
    for unit, size in _UNITS:
        if n_bytes >= size:
            whole, tenth = divmod(n_bytes * 10 // size, 10)
            return f"{whole} {unit}" if tenth == 0 else f"{whole}.{tenth} {unit}"
    return "1 byte" if n_bytes == 1 else f"{n_bytes} bytes"
