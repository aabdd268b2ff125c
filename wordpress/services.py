"""Writes with side effects for imports started from the admin."""

from django.db import transaction

from core.tasks import enqueue_on_commit

from .models import ImportRun
from .tasks import wordpress_import


def import_run_queue(run):
    """Have a worker run the saved ImportRun `run` once the current transaction commits."""
    enqueue_on_commit(wordpress_import, run.pk)
    return run


def import_run_from_dry_run(run, *, user):
    """The import for real of the files a finished dry run read, queued; return it."""
    with transaction.atomic():
        real = ImportRun.objects.create(
            export=run.export.name,
            uploads=run.uploads.name,
            dry_run=False,
            with_ip_addresses=run.with_ip_addresses,
            site_url=run.site_url,
            created_by=user,
        )
        return import_run_queue(real)


def import_runs_delete(runs):
    """Delete the runs and the uploaded files no remaining run reads (an export holds commenters' emails)."""
    runs = list(runs)
    files = {(field.storage, field.name) for run in runs for field in (run.export, run.uploads) if field}
    with transaction.atomic():
        ImportRun.objects.filter(pk__in=[run.pk for run in runs]).delete()
        kept = set(ImportRun.objects.values_list("export", flat=True)) | set(
            ImportRun.objects.values_list("uploads", flat=True)
        )
    for storage, name in files:
        if name not in kept:
            storage.delete(name)
