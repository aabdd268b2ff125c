"""Losing a phone: the operator's reset command; the password link that must not open the account by itself."""

from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.helpers import PASSWORD, authenticator_for
from twofactor.services import recovery_codes_renew

pytestmark = pytest.mark.django_db


@pytest.fixture
def jane(db):
    user = UserFactory(username="jane", is_staff=True)
    authenticator_for(user)
    recovery_codes_renew(user=user)
    return user


def test_twofactor_reset_removes_the_app_and_the_recovery_codes_and_says_so(jane):
    out = StringIO()

    call_command("twofactor_reset", "jane", stdout=out)

    assert not TOTPDevice.objects.filter(user=jane).exists()
    assert not StaticDevice.objects.filter(user=jane).exists()
    assert "Removed from jane: authenticator app (confirmed, added" in out.getvalue()
    assert "recovery codes (10 unused)" in out.getvalue()
    assert "password alone" in out.getvalue()


def test_twofactor_reset_says_when_a_new_app_is_required(jane, settings):
    settings.TWO_FACTOR_REQUIRED = "staff"
    out = StringIO()

    call_command("twofactor_reset", "jane", stdout=out)

    assert "set up a new app" in out.getvalue()


def test_twofactor_reset_lets_the_person_in_with_the_password_alone_afterwards(client, jane):
    call_command("twofactor_reset", "jane", stdout=StringIO())

    answer = client.post(reverse("admin:login"), {"username": "jane", "password": PASSWORD, "next": "/admin/"})

    assert answer.url == "/admin/"


def test_twofactor_reset_refuses_an_unknown_user_clearly():
    with pytest.raises(CommandError, match="There is no user named 'nobody'"):
        call_command("twofactor_reset", "nobody", stdout=StringIO())


def test_twofactor_reset_of_a_person_without_a_second_factor_removes_nothing():
    UserFactory(username="ann", is_staff=True)
    out = StringIO()

    call_command("twofactor_reset", "ann", stdout=out)

    assert "ann has no second factor: nothing was removed." in out.getvalue()


def test_password_link_does_not_log_in_past_the_second_factor(client, jane):
    """The emailed link to choose a password (clinic/urls.py password-set) changes the password, nothing more."""
    path = reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(jane.pk)),
            "token": default_token_generator.make_token(jane),
        },
    )
    form_page = client.get(path, follow=True)

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "my own long passphrase 3", "new_password2": "my own long passphrase 3"},
    )

    assert done.url == reverse("password-set-done")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert TOTPDevice.objects.filter(user=jane, confirmed=True).exists()
    login = client.post(
        reverse("admin:login"), {"username": "jane", "password": "my own long passphrase 3", "next": "/admin/"}
    )
    assert login.url == reverse("twofactor:code")
    assert client.get("/admin/").status_code == 302


def test_the_login_page_offers_no_password_reset_that_could_log_in():
    """Django's admin shows "Forgotten your login credentials?" only when admin_password_reset exists."""
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin_password_reset")


@pytest.mark.parametrize("value", ["always", "editor", "yes"])
def test_two_factor_setting_refuses_an_unknown_rule(monkeypatch, value):
    from clinic.settings.base import TWO_FACTOR_CHOICES, env_choice

    monkeypatch.setenv("DJANGO_TWO_FACTOR_REQUIRED", value)

    with pytest.raises(ImproperlyConfigured, match="DJANGO_TWO_FACTOR_REQUIRED must be one of editors, staff, none"):
        env_choice("DJANGO_TWO_FACTOR_REQUIRED", TWO_FACTOR_CHOICES, "editors")


def test_two_factor_setting_reads_any_case(monkeypatch):
    from clinic.settings.base import TWO_FACTOR_CHOICES, env_choice

    monkeypatch.setenv("DJANGO_TWO_FACTOR_REQUIRED", " Staff ")

    assert env_choice("DJANGO_TWO_FACTOR_REQUIRED", TWO_FACTOR_CHOICES, "editors") == "staff"
