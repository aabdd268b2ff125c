import secrets
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from clinic.roles import editor_group


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
        "Create the staff account editors log in with, with a random password printed once, and the editor's name "
        "and email (asked for when the terminal allows, or given with --name and --email). If it exists already, "
        "fill in a missing name or email and say how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--name", help='The editor\'s name as it signs replies, e.g. "Jane Doe".')
        parser.add_argument("--email", help="Where moderation emails reach the editor.")

    def handle(self, *args, username, name=None, email=None, **options):
        if email is not None and not _valid_email(email):
            raise CommandError(f"“{email}” is not an email address.")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(editor_group())
        name = name if name is not None else (user.get_full_name() or self.ask("Your name (signs your replies)"))
        email = (
            email if email is not None else (user.email or self.ask("Your email (for moderation emails)", _valid_email))
        )
        user.first_name, _, user.last_name = (name or "").strip().partition(" ")
        user.email = (email or "").strip()
        user.save(update_fields=["first_name", "last_name", "email"])
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Editor account created: username {username}, password {password}")
                + "\nThis password is shown only now; keep it somewhere safe."
            )
        else:
            self.stdout.write(
                f"Editor account: {username} (its password was printed when it was created; "
                f"set a new one with `{project_python()} manage.py changepassword {username}`)."
            )
        if not (user.get_full_name() and user.email):
            self.stdout.write(
                "The account has no name or email yet: replies are signed with the login name and no moderation "
                f"email reaches it. Add them under My account in the admin, or run `{project_python()} manage.py "
                f'ensure_editor --username {username} --name "Jane Doe" --email jane@example.com`.'
            )

    def ask(self, question, valid=None):
        """Ask on a terminal (Enter skips); never wait for an answer that cannot come, as under `make run` in CI."""
        if not sys.stdin.isatty():
            return ""
        while True:
            try:
                answer = input(f"{question}, or Enter to skip: ").strip()
            except EOFError:
                return ""
            if not answer or valid is None or valid(answer):
                return answer
            self.stdout.write(f"“{answer}” is not an email address; try again.")


def _valid_email(value):
    try:
        validate_email(value.strip())
    except ValidationError:
        return False
    return True
