"""Writes on a person's second factor: enrolment, recovery codes, checking a code at login, the operator's reset."""

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .devices import RECOVERY_CODE_COUNT, authenticator, is_totp_code, normalize_code, recovery_device

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class CodeRefused(Exception):
    """A code that did not let the person in; `wait_seconds` when it was not even checked (too many just before)."""

    def __init__(self, message, *, wait_seconds=0):
        super().__init__(message)
        self.wait_seconds = wait_seconds


def authenticator_start(*, user):
    """The unconfirmed authenticator the person is setting up: the same one until confirmed, so a reload keeps
    the secret already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_confirm(*, device, code):
    """Confirm `device` with the code its app shows now; it replaces any older authenticator.

    Returns the new recovery codes (shown once) when the person had none left, else an empty list.
    Raises CodeRefused on a wrong code.
    """
    code = normalize_code(code)
    _refuse_while_throttled(device)
    if not is_totp_code(code) or not device.verify_token(code):
        raise CodeRefused(
            "That code is not the one your app shows: check that your phone's clock is right "
            "and type the code now shown."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery = recovery_device(device.user)
        if recovery is None or not recovery.token_set.exists():
            return recovery_codes_renew(user=device.user)
    return []


def recovery_codes_renew(*, user):
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT new ones; the old ones stop working."""
    with transaction.atomic():
        device = recovery_device(user)
        if device is None:
            StaticDevice.objects.filter(user=user).delete()
            device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        device.token_set.all().delete()
        tokens = {StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)}
        while len(tokens) < RECOVERY_CODE_COUNT:
            tokens.add(StaticToken.random_token())
        StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in sorted(tokens))
    return sorted(tokens)


def _refuse_while_throttled(device):
    """django-otp ignores codes for a while after wrong ones (1, 2, 4... seconds): say so, not "wrong code"."""
    allowed, details = device.verify_is_allowed()
    if not allowed and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        seconds = "second" if wait == 1 else "seconds"
        raise CodeRefused(f"Too many wrong codes in a row: wait {wait} {seconds}, then try again.", wait_seconds=wait)


def second_factor_check(*, request, user, code):
    """The device that accepts `code` (the authenticator's six digits, or an unused recovery code), used up.

    A wrong code counts as a failed login for django-axes, as a wrong password does (same username and address,
    same limit), so the lockout covers both steps. Raises CodeRefused.
    """
    code = normalize_code(code)
    device = authenticator(user) if is_totp_code(code) else recovery_device(user)
    if device is not None:
        _refuse_while_throttled(device)
        with transaction.atomic():
            device = type(device).objects.select_for_update().get(pk=device.pk)
            if device.verify_token(code):
                return device
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if is_totp_code(code):
        raise CodeRefused("That code is not right, or it was already used: type the code your app shows now.")
    raise CodeRefused("That is not the six-digit code of your app nor one of your unused recovery codes.")


def second_factor_turn_off(*, user):
    """Remove every device of the person (authenticator and recovery codes); returns what was removed."""
    removed = []
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                removed.append(f"recovery codes ({left} unused)")
            else:
                state = "confirmed" if device.confirmed else "never confirmed"
                removed.append(f"{device.name.lower()} ({state}, added {device.created_at:%Y-%m-%d})")
            device.delete()
    return removed
