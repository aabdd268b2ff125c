"""Onboarding a staff member in the real admin: the editor adds them with a role, they log in and edit their account."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a long unusual passphrase 7"


def test_editor_onboards_an_author_who_edits_their_own_account(new_context, live_server, editor):
    editor_page = new_context().new_page()
    log_in(editor_page, live_server, editor)

    editor_page.get_by_role("link", name="Users").first.click()
    editor_page.get_by_role("link", name="Add user").click()
    editor_page.get_by_label("Username").fill("drchen")
    editor_page.get_by_label("First name").fill("Wei")
    editor_page.get_by_label("Last name").fill("Chen")
    editor_page.get_by_label("Email address").fill("wei.chen@example.com")
    editor_page.get_by_label("Role").select_option(label="Author")
    editor_page.get_by_label("Set a password now").check()
    editor_page.locator("#id_password1").fill(NEW_PASSWORD)
    editor_page.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    expect(editor_page.locator("[name=is_superuser]")).to_have_count(0)
    editor_page.get_by_role("button", name="Save", exact=True).click()
    expect(editor_page.locator(".messagelist")).to_contain_text("was added successfully")

    member = new_context().new_page()
    member.goto(live_server.url + reverse("admin:login"))
    member.get_by_label("Username").fill("drchen")
    member.get_by_label("Password").fill(NEW_PASSWORD)
    member.get_by_role("button", name="Log in").click()
    member.get_by_role("link", name="My account").click()
    member.get_by_label("First name").fill("Wei-Lin")
    member.get_by_label("Display name").fill("Dr. Wei-Lin Chen")
    member.get_by_label("Credentials").fill("MD")
    member.get_by_role("button", name="Save").click()
    expect(member.locator(".messagelist")).to_contain_text("Your account was saved.")

    member.goto(live_server.url + reverse("admin:auth_user_changelist"))
    expect(member.locator("body")).to_contain_text("with the role Author, and your role does not include this page")

    user = get_user_model().objects.get(username="drchen")
    assert user.get_full_name() == "Wei-Lin Chen" and user.is_staff and not user.is_superuser
    assert user.profile.name_with_credentials == "Dr. Wei-Lin Chen, MD"
