"""Enrolment, the TWO_FACTOR_REQUIRED rule, sessions without the second factor, and each person's security page."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.roles import AUTHOR, EDITOR, sync_roles
from tests.factories import UserFactory
from tests.helpers import PASSWORD, authenticator_for, force_login_verified, totp_code

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/admin/"


@pytest.fixture
def roles(db):
    sync_roles()
    from django.contrib.auth.models import Group

    return {name: Group.objects.get(name=name) for name in (EDITOR, AUTHOR)}


def staff_with(role_group, username):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(role_group)
    return user


@pytest.fixture
def jane(roles):
    return staff_with(roles[EDITOR], "jane")


@pytest.fixture
def ann(roles):
    return staff_with(roles[AUTHOR], "ann")


def password_step(client, username):
    return client.post(reverse("admin:login"), {"username": username, "password": PASSWORD, "next": ADMIN_INDEX})


def new_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_required_for_editors_sends_an_editor_without_an_app_to_enrolment(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"

    answer = password_step(client, "jane")

    assert answer.url == reverse("twofactor:setup")
    page = client.get(answer.url)
    assert "Your role requires two-factor login" in page.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "name",
    ["admin:index", "admin:blog_article_changelist", "my-account", "twofactor:security", "admin:password_change"],
)
def test_required_editor_reaches_nothing_else_before_enrolling(client, jane, settings, name):
    settings.TWO_FACTOR_REQUIRED = "editors"
    password_step(client, "jane")

    answer = client.get(reverse(name))

    assert answer.status_code == 302
    assert answer.url.startswith(reverse("admin:login"))


def test_required_for_editors_leaves_authors_with_their_password(client, ann, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"

    assert password_step(client, "ann").url == ADMIN_INDEX


def test_required_for_staff_covers_authors(client, ann, settings):
    settings.TWO_FACTOR_REQUIRED = "staff"

    assert password_step(client, "ann").url == reverse("twofactor:setup")


def test_required_for_editors_covers_superusers(client, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    UserFactory(username="root", is_staff=True, is_superuser=True)

    assert password_step(client, "root").url == reverse("twofactor:setup")


def test_a_session_from_before_the_rule_is_sent_to_enrolment(client, jane, settings):
    client.force_login(jane)
    settings.TWO_FACTOR_REQUIRED = "editors"

    answer = client.get(reverse("admin:blog_article_changelist"))

    assert answer.url == reverse("twofactor:setup")
    assert "_auth_user_id" not in client.session


def test_a_session_with_the_password_alone_is_sent_to_the_code_step_once_the_person_has_an_app(client, ann):
    client.force_login(ann)
    authenticator_for(ann)

    answer = client.get(ADMIN_INDEX)

    assert answer.url == reverse("twofactor:code")
    assert client.get(ADMIN_INDEX).status_code == 302


def test_force_login_keeps_working_where_two_factor_is_not_required(client, ann, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    client.force_login(ann)

    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_verified_session_reaches_the_admin_where_two_factor_is_required(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "staff"
    force_login_verified(client, jane)

    assert client.get(ADMIN_INDEX).status_code == 200


def test_enrolment_shows_the_qr_code_as_inline_svg_with_nothing_from_elsewhere(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    password_step(client, "jane")

    page = client.get(reverse("twofactor:setup")).text

    svg = re.search(r"<svg[^>]*twofactor-qr.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "href" not in svg and "http" not in svg
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "otpauth://totp/" in page
    secret = re.search(r'id="twofactor-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32


def test_enrolment_the_page_keeps_its_secret_when_reloaded(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    password_step(client, "jane")

    first = client.get(reverse("twofactor:setup")).text
    second = client.get(reverse("twofactor:setup")).text

    secret = re.compile(r'id="twofactor-secret">([^<]+)<')
    assert secret.search(first).group(1) == secret.search(second).group(1)
    assert TOTPDevice.objects.filter(user=jane).count() == 1


def test_enrolment_a_wrong_code_is_refused_next_to_the_field_and_turns_nothing_on(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    password_step(client, "jane")
    client.get(reverse("twofactor:setup"))
    wrong = "000000" if totp_code(new_device(jane)) != "000000" else "111111"

    answer = client.post(reverse("twofactor:setup"), {"code": wrong})

    assert answer.status_code == 400
    assert "That code is not the one your app shows" in answer.text
    assert f'value="{wrong}"' in answer.text
    assert not TOTPDevice.objects.filter(user=jane, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=jane).exists()


def test_enrolment_the_right_code_logs_in_and_shows_ten_recovery_codes_once(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    password_step(client, "jane")
    client.get(reverse("twofactor:setup"))

    answer = client.post(reverse("twofactor:setup"), {"code": totp_code(new_device(jane))}, follow=True)

    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", answer.text)
    assert len(set(codes)) == 10
    assert StaticDevice.objects.get(user=jane).token_set.count() == 10
    assert client.get(ADMIN_INDEX).status_code == 200
    assert client.get(reverse("twofactor:recovery-codes")).url == reverse("twofactor:security")


def test_enrolment_is_closed_to_a_person_half_way_who_already_has_an_app(client, jane):
    """With the password alone nobody may add a second app to an account that has one."""
    authenticator_for(jane)
    password_step(client, "jane")

    answer = client.get(reverse("twofactor:setup"))

    assert answer.url == reverse("twofactor:code")
    assert TOTPDevice.objects.filter(user=jane).count() == 1


def test_enrolment_is_closed_to_visitors(client):
    assert client.get(reverse("twofactor:setup")).url == reverse("admin:login")


def test_security_page_is_linked_from_every_admin_page(client, ann):
    client.force_login(ann)

    assert reverse("twofactor:security") in client.get(ADMIN_INDEX).text


def test_security_page_turns_two_factor_on_for_a_person_it_is_optional_for(client, ann):
    client.force_login(ann)
    assert "Two-factor login is <strong>off</strong>" in client.get(reverse("twofactor:security")).text
    client.get(reverse("twofactor:setup"))

    client.post(reverse("twofactor:setup"), {"code": totp_code(new_device(ann))})

    assert client.get(reverse("twofactor:security")).status_code == 200  # the session counts as verified
    assert "Two-factor login is <strong>on</strong>" in client.get(reverse("twofactor:security")).text


def test_security_page_new_recovery_codes_replace_the_old_ones(client, ann):
    device = force_login_verified(client, ann)
    from twofactor.services import recovery_codes_renew

    old = recovery_codes_renew(user=ann)

    answer = client.post(reverse("twofactor:recovery-codes-new"), follow=True)

    new = [code.replace("-", "") for code in re.findall(r"<code>([a-z2-7-]{9})</code>", answer.text)]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticDevice.objects.get(user=ann).token_set.values_list("token", flat=True)) == set(new)
    assert device.user == ann


def test_security_page_counts_the_recovery_codes_used(client, ann):
    force_login_verified(client, ann)
    from twofactor.services import recovery_codes_renew

    codes = recovery_codes_renew(user=ann)
    StaticDevice.objects.get(user=ann).token_set.filter(token__in=codes[:3]).delete()

    assert "7 of 10 unused" in client.get(reverse("twofactor:security")).text


def test_security_page_turn_off_is_refused_where_two_factor_is_required(client, jane, settings):
    settings.TWO_FACTOR_REQUIRED = "editors"
    force_login_verified(client, jane)

    answer = client.post(reverse("twofactor:turn-off"), follow=True)

    assert "required for your role" in answer.text
    assert TOTPDevice.objects.filter(user=jane).exists()


def test_security_page_turn_off_removes_the_second_factor_where_optional(client, ann):
    force_login_verified(client, ann)

    client.post(reverse("twofactor:turn-off"))

    assert not TOTPDevice.objects.filter(user=ann).exists()
    assert client.get(ADMIN_INDEX).status_code == 200


def test_the_device_admins_of_django_otp_are_not_in_the_admin():
    """They would show every person's secret key to whoever may view them."""
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_replacing_the_app_stops_the_old_one_and_keeps_the_recovery_codes(client, ann):
    from twofactor.services import recovery_codes_renew

    old = force_login_verified(client, ann)
    codes = recovery_codes_renew(user=ann)
    assert "replacing your authenticator app" in client.get(reverse("twofactor:setup")).text

    answer = client.post(reverse("twofactor:setup"), {"code": totp_code(new_device(ann))})

    assert answer.url == reverse("twofactor:security")  # no new recovery codes to show
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.get(user=ann).confirmed
    assert set(StaticDevice.objects.get(user=ann).token_set.values_list("token", flat=True)) == set(codes)
    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_right_enrolment_code_just_after_a_wrong_one_is_told_to_wait_not_called_wrong():
    from twofactor.services import CodeRefused, authenticator_confirm, authenticator_start

    device = authenticator_start(user=UserFactory(is_staff=True))
    with pytest.raises(CodeRefused):
        authenticator_confirm(device=device, code="000000")

    with pytest.raises(CodeRefused, match=r"Too many wrong codes in a row: wait 1 second, then try again\."):
        authenticator_confirm(device=device, code=totp_code(device))
