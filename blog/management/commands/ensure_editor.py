import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from blog.roles import editor_group


class Command(BaseCommand):
    help = (
        "Create the staff account editors log in with, with a random password printed once. "
        "If it exists already, only say how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            self.stdout.write(
                f"Editor account: {username} (its password was printed when it was created; "
                f"set a new one with `python manage.py changepassword {username}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.add(editor_group())
        self.stdout.write(
            self.style.SUCCESS(f"Editor account created: username {username}, password {password}")
            + "\nThis password is shown only now; keep it somewhere safe."
        )
