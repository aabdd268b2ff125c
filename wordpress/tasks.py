"""An import started from the admin, run by a worker: the request that uploaded the files never waits for it."""

import logging
import re
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from .importer import Importer, ImportRefused
from .models import ImportRun
from .wxr import WXRError

logger = logging.getLogger(__name__)
YEAR_FOLDER = re.compile(r"^(19|20)[0-9]{2}$")


def progress_key(run_id):
    return f"wordpress-import-progress:{run_id}"


def import_progress(run):
    """(done, total) of a run: from the cache while it runs (a dry run's own rows are rolled back), else the row."""
    found = cache.get(progress_key(run.pk)) if run.status == ImportRun.Status.RUNNING else None
    return tuple(found) if found else (run.done, run.total)


class UnsafeArchive(Exception):
    pass


def uploads_unpack(archive, folder):
    """Unpack the zip `archive` of an uploads folder into `folder`; return the folder holding its year folders.

    Refused: a member that would land outside `folder` (`../`, an absolute path), and an archive larger than
    WORDPRESS_UPLOADS_MAX_BYTES once unpacked (a zip bomb). Links and special files are not unpacked.
    """
    folder = Path(folder).resolve()
    with zipfile.ZipFile(archive) as opened:
        members = [member for member in opened.infolist() if not member.is_dir()]
        if sum(member.file_size for member in members) > settings.WORDPRESS_UPLOADS_MAX_BYTES:
            limit = settings.WORDPRESS_UPLOADS_MAX_BYTES // 1024**3
            raise UnsafeArchive(f"The uploads archive is larger than {limit} GB once unpacked.")
        for member in members:
            target = (folder / member.filename).resolve()
            if not target.is_relative_to(folder):
                raise UnsafeArchive(f"The uploads archive has a file outside its folder: {member.filename}")
            if (member.external_attr >> 16) & 0o170000 not in (0, 0o100000):  # a link or a device, not a file
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with opened.open(member) as source, target.open("wb") as written:
                while chunk := source.read(1024 * 1024):
                    written.write(chunk)
    return _uploads_root(folder)


def _uploads_root(folder):
    """The folder whose children are year folders (2019/, 2020/...): the zip may hold uploads/ or wp-content/."""
    for candidate in [folder, *sorted(path for path in folder.rglob("*") if path.is_dir())]:
        if any(child.is_dir() and YEAR_FOLDER.match(child.name) for child in candidate.iterdir()):
            return candidate
    return folder


@task()
def wordpress_import(run_id):
    """Run the import `run_id` (ImportRun) once, with its progress for the admin, and keep its report."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    if not claimed:
        return "not waiting"  # run already: a task may be delivered twice
    run = ImportRun.objects.get(pk=run_id)

    def progress(done, total):
        cache.set(progress_key(run_id), (done, total), timeout=24 * 3600)

    outcome = {"status": ImportRun.Status.DONE, "error": ""}
    with tempfile.TemporaryDirectory(prefix="wordpress-uploads-") as folder:
        try:
            uploads = uploads_unpack(run.uploads.path, folder) if run.uploads else None
            report = Importer(
                run.export.path, uploads=uploads, dry_run=run.dry_run, with_ip_addresses=run.with_ip_addresses,
                progress=progress,
            ).run()  # fmt: skip
            outcome.update(report=report.as_dict(), site_url=report.site[:500])
        except (WXRError, ImportRefused, UnsafeArchive, zipfile.BadZipFile, OSError) as error:
            outcome.update(status=ImportRun.Status.FAILED, error=f"Nothing was imported: {error}")
        except Exception as error:
            logger.exception("The WordPress import %s failed", run_id)
            outcome.update(status=ImportRun.Status.FAILED, error=f"The import stopped on an unexpected error: {error}")
    done, total = cache.get(progress_key(run_id)) or (0, 0)
    ImportRun.objects.filter(pk=run_id).update(done=done, total=total, finished_at=timezone.now(), **outcome)
    cache.delete(progress_key(run_id))
    return outcome["status"]
