"""Many pages in a deep tree, for benchmarks and query counts: sections of `--depth` levels, the last one
`/bulk-section-0/bulk-0-1/.../bulk-0-<depth-1>/` (the page `make bench` asks for)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from pages.models import Page

BODY = "<p>About this treatment: how it works, who it helps, what to expect.</p>" * 8


class Command(BaseCommand):
    help = "Create --pages pages in sections --depth levels deep (the first section holds the benchmark's page)."

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=500)
        parser.add_argument("--depth", type=int, default=5)

    @transaction.atomic
    def handle(self, *args, pages, depth, **options):
        made = 0
        for section in range(max(1, pages // depth)):
            parent = None
            for level in range(depth):
                slug = f"bulk-section-{section}" if level == 0 else f"bulk-{section}-{level}"
                parent = Page.objects.create(
                    title=f"Section {section}, level {level}", slug=slug, parent=parent, body=BODY, status="published"
                )
                made += 1
        self.stdout.write(f"{made} pages in {max(1, pages // depth)} sections of {depth} levels.")
