import sys

from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from wordpress.importer import Importer, ImportRefused
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content) and, optionally, a copy of its "
        "wp-content/uploads folder: posts, pages, authors, categories, tags, images, comments, menus and a 301 for "
        "every old address. Running it again imports what is new or changed and reports what was edited here."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the export file, EXPORT.xml")
        parser.add_argument("--uploads", help="the uploads folder of the old site (wp-content/uploads) from a backup")
        parser.add_argument("--dry-run", action="store_true", help="report what would be imported; change nothing")
        parser.add_argument(
            "--authors", help="a CSV file mapping WordPress logins to users here: login,username-or-email"
        )
        parser.add_argument(
            "--with-ip-addresses",
            action="store_true",
            help="keep commenters' IP addresses and browsers (left out unless asked: privacy); the retention rule "
            "of the discussion settings applies to them",
        )

    def handle(self, *args, **options):
        bar = None

        def progress(done, total):
            nonlocal bar
            if not sys.stderr.isatty():
                if done == total or done % 500 == 0:
                    self.stderr.write(f"{done} of {total} items")
                return
            if bar is None:
                bar = tqdm(total=total, unit="item", desc="Importing", file=sys.stderr)
            bar.update(done - bar.n)

        importer = Importer(
            options["export"],
            uploads=options["uploads"],
            dry_run=options["dry_run"],
            authors=options["authors"],
            with_ip_addresses=options["with_ip_addresses"],
            progress=progress,
        )
        try:
            report = importer.run()
        except (WXRError, ImportRefused, OSError) as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        finally:
            if bar is not None:
                bar.close()
        for line in report.lines():
            self.stdout.write(line)
