from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.shortcuts import redirect

from .devices import has_second_factor, needs_second_factor
from .pending import pending_begin


class SecondFactorMiddleware:
    """A session logged in without the second factor its person needs goes back to the code step (or enrolment).

    Logins through the admin's form never get such a session (views.TwoFactorLoginView); this catches sessions
    from before the person turned two-factor login on or before TWO_FACTOR_REQUIRED covered them, and any other
    way of calling login(). Runs after django_otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and needs_second_factor(user):
            next_url = request.get_full_path() if request.method == "GET" else ""
            user.backend = request.session.get(BACKEND_SESSION_KEY, "django.contrib.auth.backends.ModelBackend")
            logout(request)
            pending_begin(request, user, next_url=next_url)
            return redirect("twofactor:code" if has_second_factor(user) else "twofactor:setup")
        return self.get_response(request)
