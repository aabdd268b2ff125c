import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": reverse("admin:index")})


def test_five_wrong_passwords_lock_the_account_out_even_with_the_right_one(client, editor):
    for _ in range(4):
        assert attempt(client, "editor", "wrong").status_code == 200
    assert attempt(client, "editor", "wrong").status_code == 429

    locked = attempt(client, "editor", "correct horse battery staple")

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_before_the_limit_logs_in_and_resets(client, editor):
    for _ in range(4):
        attempt(client, "editor", "wrong")

    response = attempt(client, "editor", "correct horse battery staple")

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_lockouts_are_visible_to_staff_in_the_admin(client, editor):
    for _ in range(5):
        attempt(client, "someone", "guess")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    html = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()

    assert "someone" in html


def test_editors_see_lockouts_and_can_lift_them(client, editor):
    for _ in range(5):
        attempt(client, "victim", "guess")
    client.force_login(editor)

    listing = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert listing.status_code == 200
    assert "victim" in listing.content.decode()
    assert editor.has_perm("axes.delete_accessattempt")


def test_the_lockout_page_says_how_long_in_words(client, editor):
    for _ in range(5):
        attempt(client, "editor", "wrong")

    html = attempt(client, "editor", "wrong").content.decode()

    assert "locked for 15 minutes" in html
    assert "PT15M" not in html
