from django.core.management.base import BaseCommand

from blog.services import commenter_erase


class Command(BaseCommand):
    help = (
        "Erase the personal data of the commenter with this email address from all their comments "
        "(erasure request). The comments stay, anonymised, so replies keep their thread."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        erased = commenter_erase(email=email)
        self.stdout.write(f"Erased the personal data of {email} from {erased} comment(s).")
