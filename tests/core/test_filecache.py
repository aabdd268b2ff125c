"""The embedded default's file cache (core/filecache.py): bounded like Django's, without counting its whole
directory before every write."""

import threading

import pytest

from core.filecache import FileCache


def file_cache(path, **options):
    return FileCache(str(path), {"OPTIONS": options})


@pytest.fixture
def listings(monkeypatch):
    """How many times any file cache listed its directory to count it."""
    calls = []
    original = FileCache._list_cache_files
    monkeypatch.setattr(FileCache, "_list_cache_files", lambda self: calls.append(1) or original(self))
    return calls


def test_the_directory_is_counted_on_one_write_in_a_hundredth_of_its_size(tmp_path, listings):
    cache = file_cache(tmp_path, MAX_ENTRIES=1000)
    for n in range(500):
        cache.set(f"page-{n}", "stored page")
    assert len(listings) == 50
    assert cache.get("page-499") == "stored page"


def test_writes_of_every_thread_share_the_count(tmp_path, listings):
    def write(thread):
        cache = file_cache(tmp_path, MAX_ENTRIES=1000)
        for n in range(100):
            cache.set(f"page-{thread}-{n}", "stored page")

    threads = [threading.Thread(target=write, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(listings) == 40


def test_the_cache_stays_bounded(tmp_path):
    cache = file_cache(tmp_path, MAX_ENTRIES=60, CULL_CHECK_EVERY=10)
    for n in range(1000):
        cache.set(f"page-{n}", "stored page")
        assert len(cache._list_cache_files()) <= 70
    assert cache.get("page-999") == "stored page"
