"""The per-app caches: bounded, least recently used out first, never shared between apps."""

from __future__ import annotations

import threading

import pytest

from app import create_app
from inspection.cache import LruCache, app_cache


def test_the_least_recently_used_entry_goes_first():
    cache = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now more recent than "b"

    cache.put("c", 3)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_a_value_is_made_once_and_then_kept():
    cache = LruCache(4)
    made = []

    def make() -> str:
        made.append(1)
        return "value"

    assert cache.get_or_make("key", make) == "value"
    assert cache.get_or_make("key", make) == "value"
    assert len(made) == 1


def test_threads_never_push_it_past_its_size():
    cache = LruCache(8)

    def fill(offset: int) -> None:
        for n in range(2000):
            cache.get_or_make((offset, n % 50), lambda n=n: n)

    threads = [threading.Thread(target=fill, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(cache) == 8


def test_a_cache_holds_at_least_one_entry():
    with pytest.raises(ValueError):
        LruCache(0)


def test_each_app_has_caches_of_its_own(tmp_path):
    first = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite3'}"})

    with first.app_context():
        app_cache("pictures", 4).put("key", "first app's")
        assert app_cache("pictures", 4).get("key") == "first app's"
    with second.app_context():
        assert app_cache("pictures", 4).get("key") is None
