import json

from django.core.management.base import BaseCommand

from blog.services import commenter_export


class Command(BaseCommand):
    help = "Print, as JSON, everything stored about the commenter with this email address (data access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(commenter_export(email=email), indent=2, ensure_ascii=False))
