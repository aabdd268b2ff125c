from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect

from .editing import EditConflictMixin

# Django 6 reads a typed address without a scheme as https; do so now, without the deprecation warning.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SingletonModelAdmin(EditConflictMixin, admin.ModelAdmin):
    """One settings page: the list goes straight to it, and it can be neither added nor deleted."""

    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", self.model.load().pk)
