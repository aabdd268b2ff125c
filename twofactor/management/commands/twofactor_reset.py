from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twofactor.devices import required_for
from twofactor.services import second_factor_turn_off


class Command(BaseCommand):
    help = (
        "Remove a person's second factor (authenticator app and recovery codes), e.g. when their phone is lost. "
        "They next log in with their password, and set up a new app if two-factor login is required for them."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The login name of the person whose second factor goes.")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user named {username!r} (login names are case-sensitive).")
        removed = second_factor_turn_off(user=user)
        if not removed:
            self.stdout.write(f"{username} has no second factor: nothing was removed.")
            return
        self.stdout.write(f"Removed from {username}: " + "; ".join(removed) + ".")
        if required_for(user):
            self.stdout.write("Two-factor login is required for them: after their password they set up a new app.")
        else:
            self.stdout.write("They now log in with their password alone until they turn two-factor login on again.")
