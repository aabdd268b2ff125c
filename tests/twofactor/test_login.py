"""The admin login's second step: the code, wrong codes counted by django-axes, recovery codes, the pending state."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from tests.factories import UserFactory
from tests.helpers import PASSWORD, authenticator_for, totp_code
from twofactor.services import recovery_codes_renew

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/admin/"


@pytest.fixture
def now(time_machine):
    """A fixed clock, moved by the tests: TOTP codes change every 30 seconds and a wrong one slows the next."""
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    return time_machine


@pytest.fixture
def staff(db):
    return UserFactory(username="jane", is_staff=True, is_superuser=True)


@pytest.fixture
def device(staff):
    return authenticator_for(staff)


def password_step(client, username="jane", password=PASSWORD):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": ADMIN_INDEX})


def code_step(client, code):
    return client.post(reverse("twofactor:code"), {"code": code})


def failures(username="jane"):
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_login_with_an_authenticator_asks_for_the_code_before_logging_in(client, device):
    answer = password_step(client)

    assert answer.status_code == 302
    assert answer.url == reverse("twofactor:code")
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN_INDEX).status_code == 302
    page = client.get(reverse("twofactor:code"))
    assert "Password accepted for <strong>jane</strong>" in page.text


def test_login_the_apps_code_logs_in_verified(client, device, now):
    password_step(client)

    answer = code_step(client, totp_code(device))

    assert answer.status_code == 302
    assert answer.url == ADMIN_INDEX
    assert client.get(ADMIN_INDEX).status_code == 200


def test_login_without_a_second_factor_needs_the_password_alone(client, staff):
    answer = password_step(client)

    assert answer.url == ADMIN_INDEX
    assert client.get(ADMIN_INDEX).status_code == 200


def test_login_wrong_code_is_refused_next_to_the_field_and_counted_as_a_failed_login(client, device, now):
    password_step(client)

    answer = code_step(client, "000000" if totp_code(device) != "000000" else "111111")

    assert answer.status_code == 400
    assert "That code is not right" in answer.text
    assert 'name="code"' in answer.text
    assert failures() == 1
    assert "_auth_user_id" not in client.session


def test_login_a_code_is_never_stored_by_the_failed_login_records(client, device, now):
    password_step(client)
    code_step(client, "123456" if totp_code(device) != "123456" else "654321")

    attempt = AccessAttempt.objects.get(username="jane")
    assert "123456" not in attempt.post_data and "654321" not in attempt.post_data


def test_login_wrong_codes_lock_out_as_wrong_passwords_do(client, device, now, settings):
    settings.AXES_FAILURE_LIMIT = 3
    password_step(client, password="wrong")
    password_step(client)
    code_step(client, "abcdefgh")
    now.shift(datetime.timedelta(seconds=30))

    answer = code_step(client, "bcdefghi")

    assert answer.status_code == 429 or answer.status_code == 403
    assert "Too many failed logins" in answer.text
    now.shift(datetime.timedelta(seconds=30))
    assert code_step(client, totp_code(device)).status_code == 302  # back to the password: the half login ended
    assert "Too many failed logins" in password_step(client).text
    assert client.get(ADMIN_INDEX).status_code == 302


def test_login_a_right_password_does_not_forgive_wrong_codes(client, device, now):
    """Else someone holding the password could guess codes for ever, four at a time."""
    password_step(client)
    code_step(client, "abcdefgh")
    now.shift(datetime.timedelta(seconds=30))

    password_step(client)

    assert failures() == 1


def test_login_a_right_code_forgives_earlier_failures(client, device, now):
    password_step(client, password="wrong")
    password_step(client)
    code_step(client, "abcdefgh")
    now.shift(datetime.timedelta(seconds=30))

    code_step(client, totp_code(device))

    assert failures() == 0


def test_login_codes_in_quick_succession_are_slowed_down(client, device, now):
    password_step(client)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    code_step(client, wrong)

    answer = code_step(client, totp_code(device))

    assert answer.status_code == 400
    assert "wait 1 seconds" in answer.text or "wait 2 seconds" in answer.text
    now.shift(datetime.timedelta(seconds=3))
    assert code_step(client, totp_code(device)).url == ADMIN_INDEX


def test_login_a_code_already_used_is_refused(client, device, now):
    code = totp_code(device)
    password_step(client)
    code_step(client, code)
    client.post(reverse("admin:logout"))

    password_step(client)
    answer = code_step(client, code)

    assert answer.status_code == 400
    assert "already used" in answer.text


def test_login_a_recovery_code_works_once(client, staff, device, now):
    codes = recovery_codes_renew(user=staff)
    password_step(client)

    answer = code_step(client, f"{codes[0][:4]}-{codes[0][4:]}".upper())

    assert answer.url == ADMIN_INDEX
    assert "9 of 10 are left" in client.get(ADMIN_INDEX).text
    client.post(reverse("admin:logout"))
    now.shift(datetime.timedelta(seconds=5))
    password_step(client)
    refused = code_step(client, codes[0])
    assert refused.status_code == 400
    assert "unused recovery codes" in refused.text
    assert StaticDevice.objects.get(user=staff).token_set.count() == 9


def test_login_half_way_ends_after_ten_minutes(client, device, now):
    password_step(client)
    now.shift(datetime.timedelta(minutes=11))

    answer = code_step(client, totp_code(device))

    assert answer.url == reverse("admin:login")
    assert client.get(ADMIN_INDEX).status_code == 302


def test_login_half_way_ends_when_the_password_changes(client, staff, device, now):
    password_step(client)
    staff.set_password("another long passphrase")
    staff.save()

    assert code_step(client, totp_code(device)).url == reverse("admin:login")


def test_login_the_code_step_sends_back_to_where_the_person_was_going(client, device, now):
    target = reverse("admin:blog_article_changelist")
    client.post(reverse("admin:login"), {"username": "jane", "password": PASSWORD, "next": target})

    assert code_step(client, totp_code(device)).url == target


def test_login_the_code_step_never_sends_to_another_site(client, device, now):
    client.post(reverse("admin:login"), {"username": "jane", "password": PASSWORD, "next": "https://evil.example/"})

    assert code_step(client, totp_code(device)).url == ADMIN_INDEX


def test_login_code_step_without_a_password_first_sends_to_the_login(client, device):
    answer = code_step(client, "123456")

    assert answer.url == reverse("admin:login")
    assert failures() == 0
