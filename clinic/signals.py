"""Cache upkeep for the clinic's own model: new settings show on every page (core/pagecache.py)."""

from django.db.models.signals import post_delete, post_save

from core.pagecache import invalidate

from .models import ClinicSettings


def pages_changed(**kwargs):
    invalidate()


def connect():
    post_save.connect(pages_changed, sender=ClinicSettings, dispatch_uid="page-cache-save-ClinicSettings")
    post_delete.connect(pages_changed, sender=ClinicSettings, dispatch_uid="page-cache-delete-ClinicSettings")
