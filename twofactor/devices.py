"""Reads about a person's second factor: whether they need one, which devices they have, what to show them.

The devices are django-otp's: one TOTP device (the authenticator app) and one static device whose tokens are the
recovery codes. Nothing here writes; the writes are in services.py.
"""

import re
from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import clinic_settings
from clinic.roles import EDITOR

REQUIRED_CHOICES = ("none", "editors", "staff")
RECOVERY_CODE_COUNT = 10
# A TOTP code is six digits; a recovery code is eight letters and digits (StaticToken.random_token()).
TOTP_CODE = re.compile(r"^\d{6}$")


def required_for(user):
    """Whether TWO_FACTOR_REQUIRED makes a second factor compulsory for `user` (superusers count as editors)."""
    rule = settings.TWO_FACTOR_REQUIRED
    if not user.is_authenticated or not user.is_staff or rule == "none":
        return False
    if rule == "staff":
        return True
    return user.is_superuser or user.groups.filter(name=EDITOR).exists()


def has_second_factor(user):
    """Whether `user` has a confirmed authenticator app or recovery codes: then a password alone is not enough."""
    return user_has_device(user, confirmed=True)


def needs_second_factor(user):
    return has_second_factor(user) or required_for(user)


def authenticator(user):
    """The person's confirmed authenticator app (TOTP device), or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def recovery_device(user):
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user):
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def normalize_code(code):
    """What a person typed, as stored: spaces and dashes dropped (codes are shown as `abcd-efgh`), lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def is_totp_code(code):
    return bool(TOTP_CODE.match(code))


def recovery_code_display(token):
    return f"{token[:4]}-{token[4:]}"


def secret_of(device):
    """The device's key in base32, as authenticator apps take it typed, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(device):
    """The otpauth:// address an authenticator app reads from the QR code, the clinic's name as the issuer.

    Built here rather than with TOTPDevice.config_url, which reads the issuer from settings: the clinic's name
    is edited in the admin (Clinic settings).
    """
    issuer = clinic_settings().name.replace(":", "")
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode(
        {
            "secret": b32encode(device.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{query}&issuer={quote(issuer)}"


def qr_svg(uri):
    """The QR code of `uri` as inline SVG, drawn here (segno): the secret never leaves the server for an image service.

    Dark modules on a white quiet zone whatever the admin's colour scheme, so every camera reads it.
    """
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="twofactor-qr", lineclass=None, omitsize=False
    )
    # segno writes numbers and the fixed attributes above only; the label is added escaped.
    label = format_html(' role="img" aria-label="{}"', "QR code for your authenticator app")
    return mark_safe(svg.replace("<svg ", f"<svg{label} ", 1))  # noqa: S308
