"""Included under admin/ ahead of the admin's own URLs (clinic/urls.py): its login view answers admin:login."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("two-factor/code/", views.code, name="code"),
    path("two-factor/setup/", views.setup, name="setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/", admin.site.admin_view(views.security), name="security"),
    path("two-factor/recovery-codes/new/", admin.site.admin_view(views.recovery_codes_new), name="recovery-codes-new"),
    path("two-factor/turn-off/", admin.site.admin_view(views.turn_off), name="turn-off"),
]
