from django.core.management.base import BaseCommand

from blog.models import DiscussionSettings
from blog.services import comment_tracking_data_purge


class Command(BaseCommand):
    help = (
        "Erase IP addresses and user agents of comments older than the retention period of the discussion "
        "settings (60 days by default). The background worker does it every day by itself (blog/tasks.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override the retention period, in days.")

    def handle(self, *args, days=None, **options):
        if days is None:
            days = DiscussionSettings.load().ip_retention_days
        purged = comment_tracking_data_purge(older_than_days=days)
        self.stdout.write(f"Erased IP addresses and user agents from {purged} comment(s) older than {days} days.")
