from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from .models import NotFound, Redirect
from .services import redirect_import

MAX_CSV_BYTES = 2 * 1024 * 1024


class RedirectImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="One redirect a line: old address, new address (a header line is skipped)."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError("The file is larger than 2 MB: split it in parts.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.") from error


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_address", "kind", "hits", "last_hit_at"]
    list_filter = ["kind"]
    search_fields = ["old_path", "new_address"]
    readonly_fields = ["hits", "last_hit_at", "created_at"]
    fields = ["old_path", "new_address", "kind", "hits", "last_hit_at", "created_at"]

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="redirects_redirect_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import redirects from a CSV file (old,new), with a report of the rows refused and why."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RedirectImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                saved, replaced, refused = redirect_import(
                    form.cleaned_data["file"], may_replace=self.has_change_permission(request)
                )
            report = {"saved": saved, "replaced": replaced, "refused": refused}
            self.message_user(
                request,
                f"{len(saved)} redirect(s) saved, {len(replaced)} replaced, {len(refused)} row(s) refused.",
                messages.SUCCESS if not refused else messages.WARNING,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import redirects",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/redirects/redirect/import.html", context)

    def get_changeform_initial_data(self, request):
        return {"old_path": request.GET.get("old_path", ""), **super().get_changeform_initial_data(request)}


@admin.register(NotFound)
class NotFoundAdmin(admin.ModelAdmin):
    """The addresses readers asked for that the site lacks, most asked first; one click makes a redirect."""

    list_display = ["path", "hits", "first_seen_at", "last_seen_at", "referrer_host", "make_redirect"]
    search_fields = ["path", "referrer_host"]
    readonly_fields = ["path", "hits", "first_seen_at", "last_seen_at", "referrer_host"]

    @admin.display(description="")
    def make_redirect(self, not_found):
        address = reverse("admin:redirects_redirect_add") + "?" + urlencode({"old_path": not_found.path})
        return format_html('<a href="{}">Make a redirect</a>', address)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
