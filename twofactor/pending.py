"""The half-way state of a login: the password was right, the second factor is still to come.

Nobody is logged in meanwhile (django.contrib.auth's login() has not run), so no page of the site treats the
person as logged in, django-axes has not reset their failures, and a session cookie alone opens nothing. The
state lives in the session for PENDING_SECONDS and is bound to the password: changing it ends the state.
"""

import time

import django_otp
from django.contrib.auth import get_user_model, login
from django.utils.crypto import constant_time_compare

PENDING_KEY = "twofactor_pending"
RECOVERY_CODES_KEY = "twofactor_new_recovery_codes"
PENDING_SECONDS = 10 * 60


def pending_begin(request, user, *, next_url):
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "hash": user.get_session_auth_hash(),
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "started": int(time.time()),
        "next": next_url,
    }


def pending_user(request):
    """The person half-way through logging in, or None (no such state, too old, account changed or switched off)."""
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    user = get_user_model().objects.filter(pk=state.get("user"), is_active=True).first()
    fresh = 0 <= time.time() - state.get("started", 0) <= PENDING_SECONDS
    if user is None or not fresh or not constant_time_compare(user.get_session_auth_hash(), state.get("hash", "")):
        pending_end(request)
        return None
    user.backend = state["backend"]
    return user


def pending_next(request):
    state = request.session.get(PENDING_KEY)
    return state.get("next", "") if isinstance(state, dict) else ""


def pending_end(request):
    request.session.pop(PENDING_KEY, None)


def pending_finish(request, user, device=None):
    """Log the person in, verified by `device` (django-otp keeps it in the session for OTPMiddleware).

    Without a device: the person's second factor was removed (twofactor_reset) while they were at the code step
    and none is required of them, so the password was enough after all. Returns where they were going.
    """
    next_url = pending_next(request)
    pending_end(request)
    login(request, user, backend=user.backend)
    if device is not None:
        django_otp.login(request, device)
    return next_url
