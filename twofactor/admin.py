"""django-otp registers admins for its devices; they show each person's secret key (and its QR code) to whoever
may view them, so they are taken away. A person manages their own second factor (views.security); an operator
removes someone's with `manage.py twofactor_reset`."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
