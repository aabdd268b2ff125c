"""Two-factor login in a real browser: an editor enrols with the code computed from the key the page shows, keeps
the recovery codes, logs out, and logs in again with password and code."""

import base64
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.helpers import PASSWORD, PHONE, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def app_code(secret):
    """What an authenticator app that was given `secret` (base32, as the page shows it) displays now."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_editor_enrols_then_logs_in_with_password_and_code(axe_context, live_server, editor, settings, time_machine):
    settings.TWO_FACTOR_REQUIRED = "editors"
    # The live server runs in this process: travelling here moves its clock too, and it keeps running.
    time_machine.move_to(timezone.now())
    page = axe_context(viewport=PHONE).new_page()

    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Set up two-factor login")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(live_server.url + reverse("admin:index"))
    expect(page.get_by_label("Username")).to_be_visible()  # nothing else until enrolled
    page.goto(live_server.url + reverse("twofactor:setup"))

    page.get_by_text("Cannot scan it? Type the key instead").click()
    secret = page.locator("#twofactor-secret").inner_text()
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()

    expect(page.get_by_text("shown only this once")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have kept them — continue").click()
    expect(page.get_by_role("heading", name="Content", exact=True)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Two-factor login")).to_be_visible()
    assert axe_violations(page) == []
    # A code is accepted once: the app shows the next one half a minute later.
    time_machine.shift(datetime.timedelta(seconds=30))
    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Verify and log in").click()

    expect(page.get_by_role("heading", name="Content", exact=True)).to_be_visible()
    page.get_by_role("link", name="Two-factor login").click()
    expect(page.get_by_text("10 of 10 unused")).to_be_visible()
