"""Staff accounts: editors onboard people with one of the four roles; everyone edits their own account.

Least privilege, whoever is logged in: nobody but a superuser sees a superuser's account, makes anyone a
superuser or edits raw groups and permissions; a role is only given by someone who holds all of its
permissions; an account holding permissions beyond yours is not yours to change.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from blog.models import AuthorProfile
from clinic.roles import EDITOR, ROLE_PERMISSIONS
from core.links import absolute_url
from core.names import first_free
from outbox.services import email_queue

from .models import clinic_settings

logger = logging.getLogger(__name__)
User = get_user_model()


def _permission_names(permissions):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    }


def permissions_held(user):
    """Every permission `user` holds through groups or directly, active or not (Django ignores inactive users)."""
    return _permission_names(Permission.objects.filter(Q(group__user=user) | Q(user=user)).distinct())


def may_manage(user, account):
    """Whether `user` may see and change `account`: never a superuser's, nor one holding more than `user`."""
    if user.is_superuser:
        return True
    if account.is_superuser:
        return False
    return permissions_held(account) <= permissions_held(user)


def role_groups():
    return Group.objects.filter(name__in=ROLE_PERMISSIONS).order_by("name")


def grantable_roles(user):
    """The roles `user` may give: those whose every permission `user` holds."""
    if user.is_superuser:
        return role_groups()
    own = permissions_held(user)
    names = [group.name for group in role_groups() if _permission_names(group.permissions) <= own]
    return role_groups().filter(name__in=names)


def role_of(account):
    return account.groups.filter(name__in=ROLE_PERMISSIONS).order_by("name").first()


ROLE_HELP = (
    "Editor: everything, including staff accounts and settings. Author: writes and publishes their own articles. "
    "Contributor: writes drafts an editor publishes. Moderator: comments only."
)


def role_field():
    return forms.ModelChoiceField(queryset=Group.objects.none(), empty_label="— choose a role —", help_text=ROLE_HELP)


def editors_to_ask(user, limit=3):
    """A few active editors other than `user`, to name on a refusal."""
    editors = User.objects.filter(is_active=True, is_staff=True, groups__name=EDITOR).exclude(pk=user.pk)
    return editors.order_by("first_name", "last_name", "username")[:limit]


class RoleFormMixin:
    """The "role" field (one of the four groups): giving it makes the account staff and replaces its old role.

    Only roles the person granting may give are offered (`granting_user`, set by the admin); groups that are not
    roles, given by a superuser, are kept as they are. Nobody changes their own role.
    """

    granting_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        role.queryset = grantable_roles(self.granting_user)
        if self.instance.pk:
            role.initial = role_of(self.instance)
        if self.instance.pk and self.instance.pk == self.granting_user.pk:
            role.disabled, role.required = True, False
            role.queryset = role_groups()
            role.help_text = "Your own role is changed by another editor."

    def _save_m2m(self):
        super()._save_m2m()
        role = self.cleaned_data.get("role")
        if role is not None:
            self.instance.groups.remove(*role_groups().exclude(pk=role.pk))
            self.instance.groups.add(role)


class StaffCreationForm(RoleFormMixin, AdminUserCreationForm):
    role = role_field()
    usable_password = forms.ChoiceField(
        label="How they get a password",
        required=False,
        initial="true",
        choices={
            "true": "Set a password now and give it to them",
            "email": "Email them a link to choose their own password",
            "false": "Set it later: the account cannot log in until someone sets a password on its page",
        },
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )

    class Meta(AdminUserCreationForm.Meta):
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "Where moderation and comment emails reach them."
        self.fields["first_name"].required = True

    def validate_passwords(self, *args, **kwargs):
        self.send_password_link = self.cleaned_data.get("usable_password") == "email"
        if self.send_password_link:
            # The account has no password until its owner chooses one from the link.
            self.cleaned_data["usable_password"] = "false"  # noqa: S105 (a choice, not a password)
        super().validate_passwords(*args, **kwargs)

    def save(self, commit=True):
        self.instance.is_staff = True
        return super().save(commit)


class StaffChangeForm(RoleFormMixin, UserChangeForm):
    role = role_field()

    class Meta(UserChangeForm.Meta):
        fields = ["username", "password", "first_name", "last_name", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk == self.granting_user.pk:
            self.fields["is_active"].disabled = True
            self.fields["is_active"].help_text = "You cannot deactivate your own account."
        else:
            self.fields["is_active"].help_text = "Untick instead of deleting: the person can no longer log in."

    def save(self, commit=True):
        self.instance.is_staff = True
        return super().save(commit)


class StaffUserAdmin(UserAdmin):
    """Users as editors manage them (see the module docstring); superusers keep Django's full user admin."""

    staff_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Name and email", {"fields": ["first_name", "last_name", "email"]}),
        ("Role and access", {"fields": ["role", "is_active"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        ("What they may do", {"fields": ["role"]}),
        ("Password", {"fields": ["usable_password", "password1", "password2"]}),
    ]
    add_form = StaffCreationForm
    list_display = ["username", "full_name", "email", "role", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is None or not request.user.is_superuser:
            return self.add_fieldsets if obj is None else self.staff_fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = StaffChangeForm
        form = super().get_form(request, obj, **kwargs)
        if issubclass(form, RoleFormMixin):
            form = type(form.__name__, (form,), {"granting_user": request.user})
        return form

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or may_manage(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_manage(request.user, obj))

    def save_related(self, request, form, formsets, change):
        """The password link is written once the account has its role (groups are saved after the account)."""
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not change and getattr(form, "send_password_link", False):
            staff_password_link_send(user=obj, invited_by=request.user, request=request)
            self.message_user(
                request,
                f"A link to choose a password is on its way to {obj.email}; it works for "
                f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days. If it does not arrive, set a password here.",
                messages.INFO,
            )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if User.objects.filter(pk=object_id, is_superuser=True).exists():
            self.message_user(
                request,
                "That account is a superuser's: only a superuser can see or change it.",
                messages.WARNING,
            )
            return redirect("admin:auth_user_changelist")
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    @admin.display(description="name", ordering="last_name")
    def full_name(self, account):
        return account.get_full_name()

    @admin.display(description="role")
    def role(self, account):
        roles = [group.name for group in account.groups.all() if group.name in ROLE_PERMISSIONS]
        return ", ".join(roles) or ("Superuser" if account.is_superuser else "—")


class AccountForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        help_texts = {"email": "Where moderation and comment emails reach you. Never shown on the site."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["email"].required = True


class ProfileForm(forms.ModelForm):
    """How readers see you; left empty, no author profile is made (moderators may not want one)."""

    required_css_class = "required"

    class Meta:
        model = AuthorProfile
        fields = ["display_name", "credentials", "job_title", "bio", "photo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = False

    @property
    def wanted(self):
        return self.instance.pk is not None or any(
            self.cleaned_data.get(name) for name in ("display_name", "credentials", "job_title", "bio", "photo")
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.wanted and not (cleaned_data.get("display_name") or "").strip():
            self.add_error("display_name", "Give the name readers see, e.g. “Dr. Jane Doe”, for your author profile.")
        return cleaned_data

    def save(self, commit=True):
        profile = super().save(commit=False)
        if not profile.slug:
            profile.slug = _free_slug(slugify(profile.display_name) or "author")
        if commit:
            profile.save()
        return profile


def _free_slug(base):
    return first_free(base, lambda slug: AuthorProfile.objects.filter(slug=slug).exists())


def staff_password_link_send(*, user, invited_by, request=None):
    """Email a new staff member a one-time link to choose their password (Django's password reset token)."""
    site_name = clinic_settings().name
    path = reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "invited_by": invited_by.get_full_name() or invited_by.get_username(),
        "role": role_of(user),
        "site_name": site_name,
        "link": absolute_url(path, request),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    email_queue(
        kind="Staff account: password link",
        subject=f"[{site_name}] Your staff account: choose your password",
        template="admin/email/staff_password_link.txt",
        context=context,
        recipients=[user.email],
        secret=True,
    )


def my_account(request):
    """Any staff member's own name, email and author profile; the password has Django's own page (linked)."""
    user = request.user
    profile = AuthorProfile.objects.filter(user=user).first() or AuthorProfile(user=user)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    account_form = AccountForm(data, instance=user, prefix="account")
    profile_form = ProfileForm(data, files, instance=profile, prefix="profile")
    if request.method == "POST" and account_form.is_valid() and profile_form.is_valid():
        with transaction.atomic():
            account_form.save()
            if profile_form.wanted:
                profile_form.save()
        messages.success(request, "Your account was saved.")
        return redirect("my-account")
    context = {
        **admin.site.each_context(request),
        "title": "My account",
        "account_form": account_form,
        "profile_form": profile_form,
        "profile": profile if profile.pk else None,
        "role": role_of(user),
        "password_url": reverse("admin:password_change") if user.has_usable_password() else "",
    }
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "admin/my_account.html", context, status=status)
