"""Django's SQLite backend, with writers served in turn.

SQLite lets one transaction write at a time; the others wait in its busy handler, which sleeps and tries again
(1, 2, 5... up to 100 ms between tries). Under a burst of writes (comments posted at once, a worker storing a
batch) a waiter can keep missing the moment the lock is free, and one request in a hundred waited over a second
while the lock was mostly idle. Here a transaction first takes an exclusive `flock` on a file beside the database
(`<database>.writers`): waiting processes sleep in the kernel and one is woken as soon as the lock is released,
so writes follow each other without gaps. The lock is held from BEGIN to COMMIT or ROLLBACK, the same span as
SQLite's own write lock under `transaction_mode = "IMMEDIATE"`; statements outside a transaction (autocommit)
still use SQLite's busy handler alone. An in-memory database has no file and no other process: no lock.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    writers = None  # the lock file's descriptor, opened with the connection

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self.writers = os.open(f"{self.settings_dict['NAME']}.writers", os.O_RDWR | os.O_CREAT, 0o600)
        return connection

    def _start_transaction_under_autocommit(self):
        if self.writers is not None:
            fcntl.flock(self.writers, fcntl.LOCK_EX)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writers_release()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._writers_release()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._writers_release()

    def _close(self):
        try:
            super()._close()
        finally:
            if self.writers is not None:
                os.close(self.writers)  # closing the descriptor releases its lock too
                self.writers = None

    def _writers_release(self):
        if self.writers is not None:
            fcntl.flock(self.writers, fcntl.LOCK_UN)
