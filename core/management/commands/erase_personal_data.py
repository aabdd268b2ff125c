from django.core.management.base import BaseCommand

from core.privacy import person_erase


class Command(BaseCommand):
    help = (
        "Erase everything the site stores about the person with this email address (erasure request). Their "
        "comments stay, anonymised, so that replies keep their thread; subscriptions are deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        erased = person_erase(email)
        counts = ", ".join(f"{name}: {count}" for name, count in erased.items())
        self.stdout.write(f"Erased the personal data of {email} ({counts}).")
