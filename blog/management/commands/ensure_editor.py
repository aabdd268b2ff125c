import secrets
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from blog.roles import editor_group


def project_python():
    """The Python running this command as typed from the project folder: `.venv/bin/python` under `make run`.

    A bare `python` may be another interpreter without Django, or none at all on Debian.
    """
    environment = Path(sys.prefix)
    if environment.is_relative_to(settings.BASE_DIR) and (environment / "bin" / "python").exists():
        return str(environment.relative_to(settings.BASE_DIR) / "bin" / "python")
    return sys.executable


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
                f"set a new one with `{project_python()} manage.py changepassword {username}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.add(editor_group())
        self.stdout.write(
            self.style.SUCCESS(f"Editor account created: username {username}, password {password}")
            + "\nThis password is shown only now; keep it somewhere safe."
        )
