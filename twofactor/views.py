"""The admin login with a second step, enrolment, recovery codes and each person's own security page."""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .devices import (
    RECOVERY_CODE_COUNT,
    authenticator,
    has_second_factor,
    otpauth_uri,
    qr_svg,
    recovery_code_display,
    recovery_codes_left,
    required_for,
    secret_of,
)
from .forms import CodeForm, EnrolForm
from .pending import RECOVERY_CODES_KEY, pending_begin, pending_end, pending_finish, pending_user
from .services import (
    CodeRefused,
    authenticator_confirm,
    authenticator_start,
    recovery_codes_renew,
    second_factor_check,
    second_factor_turn_off,
)


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, "subtitle": None, **extra}


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


class TwoFactorLoginView(LoginView):
    """Django's admin login, except that a person who has (or must have) a second factor is not logged in yet.

    A right password then leads to the code step, or to enrolment for a person required to have a second factor
    who has none; see pending.py.
    """

    authentication_form = AdminAuthenticationForm
    template_name = "admin/login.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and admin.site.has_permission(request):
            return redirect("admin:index")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = {
            **super().get_context_data(**kwargs),
            **_context(self.request, "Log in"),
            "app_path": self.request.get_full_path(),
            "username": self.request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in self.request.GET and REDIRECT_FIELD_NAME not in self.request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index")
        return context

    def form_valid(self, form):
        user = form.get_user()
        if has_second_factor(user) or required_for(user):
            pending_begin(self.request, user, next_url=self.get_redirect_url())
            return redirect("twofactor:code" if has_second_factor(user) else "twofactor:setup")
        return super().form_valid(form)


login = TwoFactorLoginView.as_view()


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code(request):
    """The second step of the login: a code from the authenticator app or a recovery code."""
    user = pending_user(request)
    if user is None:
        messages.info(
            request, "Log in with your username and password first (a login left half-way ends after ten minutes)."
        )
        return redirect("admin:login")
    if not has_second_factor(user):
        if required_for(user):
            return redirect("twofactor:setup")
        return redirect(_safe_next(request, pending_finish(request, user)))
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            pending_end(request)
            return get_lockout_response(request, None, credentials)
        if form.is_valid():
            try:
                device = second_factor_check(request=request, user=user, code=form.cleaned_data["code"])
            except CodeRefused as refusal:
                if getattr(request, "axes_locked_out", False):
                    pending_end(request)
                    return get_lockout_response(request, None, credentials)
                form.add_error("code", str(refusal))
            else:
                next_url = pending_finish(request, user, device)
                if device != authenticator(user):
                    left = recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You logged in with a recovery code; it cannot be used again. {left} of "
                        f"{RECOVERY_CODE_COUNT} are left: make new ones on your two-factor login page "
                        "if you are running out.",
                    )
                return redirect(_safe_next(request, next_url))
    context = _context(request, "Two-factor login", form=form, person=user)
    return TemplateResponse(request, "twofactor/code.html", context, status=400 if form.errors else 200)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def setup(request):
    """Add an authenticator app: scan the QR code (or type the key), then confirm with the code it shows.

    Logged in, anyone may add or replace theirs. Half-way through a login, only a person without a second factor
    gets here (they must enrol before anything else): with one, the password alone must not let anyone add another.
    """
    if request.user.is_authenticated and request.user.is_staff:
        user, pending = request.user, False
    else:
        user, pending = pending_user(request), True
        if user is None:
            return redirect("admin:login")
        if has_second_factor(user):
            return redirect("twofactor:code")
    device = authenticator_start(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = authenticator_confirm(device=device, code=form.cleaned_data["code"])
        except CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            if pending:
                next_url = pending_finish(request, user, device)
            else:
                django_otp.login(request, device)
                next_url = reverse("twofactor:security")
            messages.success(
                request, "Two-factor login is on: from now on you log in with your password and a code from the app."
            )
            if codes:
                request.session[RECOVERY_CODES_KEY] = {"codes": codes, "next": _safe_next(request, next_url)}
                return redirect("twofactor:recovery-codes")
            return redirect(_safe_next(request, next_url))
    uri = otpauth_uri(device)
    context = _context(
        request,
        "Set up two-factor login",
        form=form,
        qr=qr_svg(uri),
        secret=secret_of(device),
        uri=uri,
        pending=pending,
        required=required_for(user),
        replacing=not pending and authenticator(user) is not None,
    )
    return TemplateResponse(request, "twofactor/setup.html", context, status=400 if form.errors else 200)


@never_cache
def recovery_codes(request):
    """The recovery codes just made, shown this once (they are kept hashed nowhere else to be read back)."""
    fresh = request.session.pop(RECOVERY_CODES_KEY, None)
    if not request.user.is_authenticated or not fresh:
        return redirect("twofactor:security")
    codes = [recovery_code_display(code) for code in fresh["codes"]]
    context = _context(request, "Your recovery codes", codes=codes, next_url=fresh["next"])
    return TemplateResponse(request, "twofactor/recovery_codes.html", context)


def security(request):
    """A person's own two-factor login: its state, new recovery codes, replacing the app, turning it off."""
    user = request.user
    device = authenticator(user)
    context = _context(
        request,
        "Two-factor login",
        device=device,
        on=has_second_factor(user),
        required=required_for(user),
        codes_left=recovery_codes_left(user),
        code_count=RECOVERY_CODE_COUNT,
    )
    return TemplateResponse(request, "twofactor/security.html", context)


@require_POST
def recovery_codes_new(request):
    if not has_second_factor(request.user):
        messages.error(request, "Set up an authenticator app first; recovery codes come with it.")
        return redirect("twofactor:security")
    codes = recovery_codes_renew(user=request.user)
    request.session[RECOVERY_CODES_KEY] = {"codes": codes, "next": reverse("twofactor:security")}
    return redirect("twofactor:recovery-codes")


@require_POST
def turn_off(request):
    if required_for(request.user):
        messages.error(request, "Two-factor login is required for your role: it cannot be turned off.")
        return redirect("twofactor:security")
    second_factor_turn_off(user=request.user)
    messages.success(request, "Two-factor login is off: you log in with your password alone.")
    return redirect("twofactor:security")
