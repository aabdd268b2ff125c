"""Staff accounts (clinic/accounts.py): editors onboard people with a role; nobody gains more than they hold."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from blog.models import AuthorProfile
from clinic.roles import AUTHOR, CONTRIBUTOR, EDITOR, MODERATOR
from outbox.models import Email
from tests.factories import AuthorProfileFactory, UserFactory, uploaded_image
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db

User = get_user_model()
USERS = reverse("admin:auth_user_changelist")
ADD_USER = reverse("admin:auth_user_add")
MY_ACCOUNT = reverse("my-account")


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def staff(role, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def new_staff_form(**overrides):
    return {
        "username": "drchen",
        "first_name": "Wei",
        "last_name": "Chen",
        "email": "wei.chen@example.com",
        "role": Group.objects.get(name=AUTHOR).pk,
        "usable_password": "true",
        "password1": "a long unusual passphrase 7",
        "password2": "a long unusual passphrase 7",
        **overrides,
    }


def change_form(user, **overrides):
    role = user.groups.filter(name__in=[EDITOR, AUTHOR, CONTRIBUTOR, MODERATOR]).first()
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "role": role.pk if role else "",
        **overrides,
    }


def test_editor_sees_the_staff_list(editor_client, editor):
    author = staff(AUTHOR, first_name="Wei", last_name="Chen")
    UserFactory(username="root", is_superuser=True, is_staff=True)

    response = editor_client.get(USERS)

    assert response.status_code == 200
    listed = {user.username for user in response.context["cl"].result_list}
    assert author.username in listed and editor.username in listed
    assert "root" not in listed
    assert "Author" in response.content.decode()


def test_editor_adds_a_staff_member_with_a_role_and_a_password(editor_client):
    response = editor_client.post(ADD_USER, new_staff_form())

    assert response.status_code == 302
    user = User.objects.get(username="drchen")
    assert user.is_staff and not user.is_superuser
    assert (user.get_full_name(), user.email) == ("Wei Chen", "wei.chen@example.com")
    assert list(user.groups.values_list("name", flat=True)) == [AUTHOR]
    assert not user.user_permissions.exists()
    assert user.check_password("a long unusual passphrase 7")


def test_editor_adds_a_staff_member_whose_password_is_set_later(editor_client):
    form = new_staff_form(
        usable_password="false", password1="", password2="", role=Group.objects.get(name=MODERATOR).pk
    )

    assert editor_client.post(ADD_USER, form).status_code == 302

    user = User.objects.get(username="drchen")
    assert not user.has_usable_password()
    assert user.groups.get().name == MODERATOR
    assert editor_client.get(reverse("admin:auth_user_password_change", args=[user.pk])).status_code == 200


def test_the_add_form_asks_for_name_email_role_and_password_in_one_page(editor_client):
    html = editor_client.get(ADD_USER).content.decode()

    for name in ("username", "first_name", "last_name", "email", "role", "usable_password", "password1"):
        assert f'name="{name}"' in html
    for forbidden in ("is_superuser", "user_permissions", "groups"):
        assert f'name="{forbidden}"' not in html
    for role in (EDITOR, AUTHOR, CONTRIBUTOR, MODERATOR):
        assert f">{role}</option>" in html


def test_adding_a_staff_member_without_a_role_or_email_is_refused_next_to_the_field(editor_client):
    response = editor_client.post(ADD_USER, new_staff_form(role="", email=""))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"role", "email"}
    assert response.context["adminform"].form["username"].value() == "drchen"
    assert not User.objects.filter(username="drchen").exists()


def test_editor_posting_is_superuser_makes_nobody_a_superuser(editor_client):
    form = new_staff_form(is_superuser="on", user_permissions=[Permission.objects.get(codename="delete_user").pk])

    editor_client.post(ADD_USER, form)
    user = User.objects.get(username="drchen")
    editor_client.post(
        change_url(user), change_form(user, is_superuser="on", groups=[Group.objects.get(name=EDITOR).pk])
    )

    user.refresh_from_db()
    assert not user.is_superuser
    assert not user.user_permissions.exists()
    assert list(user.groups.values_list("name", flat=True)) == [AUTHOR]


def test_editor_posting_a_role_they_may_not_give_is_refused(editor_client):
    outside = Group.objects.create(name="Site administrators")
    outside.permissions.add(Permission.objects.get(codename="delete_user"))

    response = editor_client.post(ADD_USER, new_staff_form(role=outside.pk))

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="drchen").exists()


def test_editor_cannot_open_or_change_a_superusers_account(editor_client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, email="root@example.com")

    opened = editor_client.get(change_url(root), follow=True)
    posted = editor_client.post(change_url(root), change_form(root, email="taken@example.com"))
    password = editor_client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "x very long new password 9", "password2": "x very long new password 9"},
    )

    assert "only a superuser can see or change it" in opened.content.decode()
    assert "doesn’t exist" not in opened.content.decode()
    assert posted.status_code in (302, 403)
    assert password.status_code in (302, 403, 404)
    root.refresh_from_db()
    assert root.email == "root@example.com"
    assert not root.check_password("x very long new password 9")


def test_editor_cannot_change_an_account_holding_more_than_they_do(editor_client):
    powerful = staff(EDITOR, email="power@example.com")
    powerful.user_permissions.add(Permission.objects.get(codename="delete_user"))

    assert editor_client.get(change_url(powerful)).status_code == 403
    editor_client.post(change_url(powerful), change_form(powerful, email="taken@example.com"))

    powerful.refresh_from_db()
    assert powerful.email == "power@example.com"


def test_editor_cannot_delete_accounts(editor_client):
    author = staff(AUTHOR)

    assert editor_client.post(reverse("admin:auth_user_delete", args=[author.pk]), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=author.pk).exists()


def test_editor_changes_a_staff_members_role_name_and_deactivates_them(editor_client):
    author = staff(AUTHOR)

    response = editor_client.post(
        change_url(author),
        change_form(author, first_name="Wei", role=Group.objects.get(name=CONTRIBUTOR).pk, is_active=""),
    )

    assert response.status_code == 302
    author.refresh_from_db()
    assert author.first_name == "Wei" and not author.is_active and author.is_staff
    assert list(author.groups.values_list("name", flat=True)) == [CONTRIBUTOR]


def test_changing_a_role_keeps_groups_that_are_not_roles(editor_client):
    author = staff(AUTHOR)
    newsletter = Group.objects.create(name="Newsletter")
    author.groups.add(newsletter)

    editor_client.post(change_url(author), change_form(author, role=Group.objects.get(name=MODERATOR).pk))

    assert set(author.groups.values_list("name", flat=True)) == {MODERATOR, "Newsletter"}


def test_editor_cannot_change_their_own_role_or_deactivate_themselves(editor_client, editor):
    response = editor_client.post(
        change_url(editor), change_form(editor, role=Group.objects.get(name=MODERATOR).pk, is_active="")
    )

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.is_active
    assert list(editor.groups.values_list("name", flat=True)) == [EDITOR]


@pytest.mark.parametrize("role", [AUTHOR, CONTRIBUTOR, MODERATOR])
def test_other_roles_cannot_open_admin_users(client, role):
    client.force_login(staff(role))

    assert client.get(USERS).status_code == 403
    assert client.get(ADD_USER).status_code == 403
    assert client.post(ADD_USER, new_staff_form()).status_code == 403
    assert not User.objects.filter(username="drchen").exists()


def test_editors_get_exactly_view_add_and_change_user_from_auth():
    editor = Group.objects.get(name=EDITOR)

    auth = set(editor.permissions.filter(content_type__app_label="auth").values_list("codename", flat=True))

    assert auth == {"view_user", "add_user", "change_user"}
    for role in (AUTHOR, CONTRIBUTOR, MODERATOR):
        assert not Group.objects.get(name=role).permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.parametrize("role", [EDITOR, AUTHOR, CONTRIBUTOR, MODERATOR])
def test_every_staff_member_finds_my_account_in_the_user_tools(client, role):
    client.force_login(staff(role))

    html = client.get(reverse("admin:index")).content.decode()

    assert f'href="{MY_ACCOUNT}"' in html
    assert client.get(MY_ACCOUNT).status_code == 200


def test_my_account_needs_a_staff_login(client):
    response = client.get(MY_ACCOUNT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def my_account_form(**overrides):
    return {
        "account-first_name": "Wei",
        "account-last_name": "Chen",
        "account-email": "wei@example.com",
        "profile-display_name": "",
        "profile-credentials": "",
        "profile-job_title": "",
        "profile-bio": "",
        **overrides,
    }


def test_my_account_changes_own_name_and_email_and_creates_the_author_profile(client):
    moderator = staff(MODERATOR)
    client.force_login(moderator)

    response = client.post(
        MY_ACCOUNT,
        my_account_form(
            **{
                "profile-display_name": "Dr. Wei Chen",
                "profile-credentials": "MD",
                "profile-job_title": "Sports medicine",
                "profile-bio": "Treats tendons.",
                "profile-photo": uploaded_image(),
            }
        ),
    )

    assert response.status_code == 302
    moderator.refresh_from_db()
    assert (moderator.get_full_name(), moderator.email) == ("Wei Chen", "wei@example.com")
    profile = moderator.profile
    assert (profile.name_with_credentials, profile.job_title, profile.slug) == (
        "Dr. Wei Chen, MD",
        "Sports medicine",
        "dr-wei-chen",
    )
    assert profile.photo


def test_my_account_edits_an_existing_profile_and_keeps_its_address(client):
    profile = AuthorProfileFactory(slug="dr-jane-doe", display_name="Dr. Jane Doe")
    client.force_login(profile.user)

    client.post(MY_ACCOUNT, my_account_form(**{"profile-display_name": "Dr. Jane Doe-Smith"}))

    profile.refresh_from_db()
    assert (profile.display_name, profile.slug) == ("Dr. Jane Doe-Smith", "dr-jane-doe")


def test_my_account_left_empty_makes_no_profile(client):
    moderator = staff(MODERATOR)
    client.force_login(moderator)

    assert client.post(MY_ACCOUNT, my_account_form()).status_code == 302
    assert not AuthorProfile.objects.filter(user=moderator).exists()


def test_my_account_bad_input_comes_back_as_typed_and_saves_nothing(client):
    author = staff(AUTHOR, email="old@example.com")
    client.force_login(author)

    response = client.post(
        MY_ACCOUNT,
        my_account_form(**{"account-email": "not an address", "profile-credentials": "MD", "profile-bio": "Typed bio"}),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Give the name readers see" in html
    assert "Typed bio" in html and 'value="not an address"' in html
    author.refresh_from_db()
    assert author.email == "old@example.com"
    assert not AuthorProfile.objects.filter(user=author).exists()


def test_my_account_cannot_make_anyone_a_superuser_or_change_roles(client):
    author = staff(AUTHOR)
    client.force_login(author)

    client.post(MY_ACCOUNT, my_account_form(is_superuser="on", **{"account-is_superuser": "on", "account-groups": "1"}))

    author.refresh_from_db()
    assert not author.is_superuser
    assert list(author.groups.values_list("name", flat=True)) == [AUTHOR]


def test_my_account_links_to_the_password_change_which_every_role_may_use(client):
    contributor = staff(CONTRIBUTOR)
    client.force_login(contributor)

    html = client.get(MY_ACCOUNT).content.decode()
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "another long passphrase 42",
            "new_password2": "another long passphrase 42",
        },
    )

    assert reverse("admin:password_change") in html
    assert response.status_code == 302
    contributor.refresh_from_db()
    assert contributor.check_password("another long passphrase 42")


def test_editor_emails_a_new_staff_member_a_link_to_choose_their_password(
    editor_client, editor, client, mailoutbox, django_capture_on_commit_callbacks
):
    editor.first_name, editor.last_name = "Ana", "Ruiz"
    editor.save()
    form = new_staff_form(usable_password="email", password1="", password2="")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD_USER, form, follow=True)
    assert mailoutbox == []  # a worker sends it, never the editor's request
    run_tasks()

    user = User.objects.get(username="drchen")
    assert not user.has_usable_password()
    assert "A link to choose a password is on its way to wei.chen@example.com" in response.content.decode()
    [email] = mailoutbox
    assert email.to == ["wei.chen@example.com"]
    assert "Ana Ruiz made you a staff account" in email.body and "role Author" in email.body
    assert Email.objects.get().text == ""  # the link is not kept once sent
    prefix = reverse("password-set", kwargs={"uidb64": "UID", "token": "TOKEN"}).split("UID")[0]
    link = next(line for line in email.body.splitlines() if prefix in line)
    path = urlsplit(link).path

    form_page = client.get(path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "my own long passphrase 3", "new_password2": "my own long passphrase 3"},
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("password-set-done")
    user.refresh_from_db()
    assert user.check_password("my own long passphrase 3")
    assert client.get(path, follow=True).context["validlink"] is False
