"""Django's file cache for the embedded default, without counting the whole directory on every write.

FileBasedCache lists its directory before each `set` to decide whether to cull. With the pages of a site of
10,000 articles stored that is 20,000 files, and every write cost 40 ms here (0.5 ms in an empty directory):
each first visit of an article writes its page and its related posts, so the cache made first visits slower the
fuller it got. This one counts the files on one write in CULL_CHECK_EVERY per process and directory (1 % of
MAX_ENTRIES unless set), so the directory exceeds MAX_ENTRIES by at most that many writes of each process before
it is culled as before.
"""

import itertools
import threading

from django.core.cache.backends.filebased import FileBasedCache

_writes = {}
_writes_lock = threading.Lock()


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_check_every = max(1, int(options.get("CULL_CHECK_EVERY", self._max_entries // 100)))
        # Django makes a cache object per thread; the count belongs to the directory, for every thread.
        with _writes_lock:
            self._writes = _writes.setdefault(self._dir, itertools.count())

    def _cull(self):
        if next(self._writes) % self._cull_check_every == 0:
            super()._cull()
