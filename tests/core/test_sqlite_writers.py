"""SQLite's writers wait their turn in the kernel (core/db/sqlite3): a transaction holds `<database>.writers` from
BEGIN to COMMIT or ROLLBACK, so the next writer is woken when it ends instead of sleeping and retrying."""

import fcntl
import os

import pytest
from django.db import connection, transaction

from blog.models import Category

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL has row locks, not one writer"),
]


def lock_is_free():
    descriptor = os.open(connection.settings_dict["NAME"] + ".writers", os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def test_a_transaction_holds_the_writers_lock_until_it_commits():
    with transaction.atomic():
        Category.objects.create(name="Knees", slug="knees")
        assert not lock_is_free()

    assert lock_is_free()
    assert Category.objects.filter(slug="knees").exists()


def test_a_transaction_rolled_back_lets_the_next_writer_in():
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.create(name="Knees", slug="knees")
        assert not lock_is_free()
        raise RuntimeError("the save failed")

    assert lock_is_free()
    assert not Category.objects.filter(slug="knees").exists()


def test_statements_outside_a_transaction_do_not_take_it():
    Category.objects.create(name="Knees", slug="knees")

    assert lock_is_free()
