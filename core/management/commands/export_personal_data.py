import json

from django.core.management.base import BaseCommand

from core.privacy import person_export


class Command(BaseCommand):
    help = "Print, as JSON, everything the site stores about the person with this email address (access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(person_export(email), indent=2, ensure_ascii=False))
