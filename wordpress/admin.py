import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .importer import report_sections, report_summary
from .models import ImportRun
from .services import import_run_from_dry_run, import_run_queue, import_runs_delete
from .tasks import import_progress


class ImportRunForm(forms.ModelForm):
    class Meta:
        model = ImportRun
        fields = ["export", "uploads", "dry_run", "with_ip_addresses"]
        labels = {
            "dry_run": "Dry run: read everything and report, change nothing",
            "with_ip_addresses": "Keep commenters' IP addresses and browsers",
        }
        help_texts = {
            "export": "In WordPress: Tools → Export → All content → Download Export File.",
            "uploads": "Optional: wp-content/uploads from a backup of the old site, as a zip. Images and documents "
            "come from it, never from the old site.",
            "with_ip_addresses": "Left out unless needed (privacy); the discussion settings' retention applies.",
        }

    def clean_export(self):
        export = self.cleaned_data["export"]
        export.seek(0)
        start = export.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        export.seek(0)
        if not start.startswith((b"<?xml", b"<rss")):
            raise ValidationError(
                "This is not a WordPress export: choose the .xml file from Tools → Export → All content."
            )
        return export

    def clean_uploads(self):
        uploads = self.cleaned_data.get("uploads")
        if uploads and not zipfile.is_zipfile(uploads):
            raise ValidationError("The uploads folder must be a .zip archive of wp-content/uploads.")
        if uploads:
            uploads.seek(0)
        return uploads


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Tools → Import from WordPress: upload an export, read the dry run's report, import, read the report."""

    form = ImportRunForm
    list_display = ["__str__", "status", "progress", "created_by", "created_at", "finished_at"]
    list_select_related = ["created_by"]
    list_filter = ["status", "dry_run"]
    actions = ["delete_with_files"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-for-real/",
                self.admin_site.admin_view(self.import_for_real_view),
                name="wordpress_importrun_import_for_real",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="progress")
    def progress(self, run):
        done, total = import_progress(run)
        return f"{done} of {total} items" if total else "–"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Delete the selected imports and their uploaded files", permissions=["delete"])
    def delete_with_files(self, request, queryset):
        count = queryset.count()
        import_runs_delete(queryset)
        self.message_user(request, f"{count} import(s) deleted with their files.", messages.SUCCESS)

    def delete_model(self, request, obj):
        import_runs_delete([obj])

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        import_run_queue(obj)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:wordpress_importrun_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The run's progress while a worker has it (the page renews itself), then its report."""
        run = get_object_or_404(ImportRun, pk=object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        done, total = import_progress(run)
        report = run.report or {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(run),
            "run": run,
            "done": done,
            "total": total,
            "percent": min(100, round(100 * done / total)) if total else 0,
            "working": run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
            "summary": report_summary(report) if report else [],
            "sections": report_sections(report) if report else [],
            "may_import": run.dry_run and run.status == ImportRun.Status.DONE and self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/wordpress/importrun/report.html", context)

    def import_for_real_view(self, request, pk):
        """Import for real what a finished dry run read (a POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk, dry_run=True, status=ImportRun.Status.DONE)
        real = import_run_from_dry_run(run, user=request.user)
        self.message_user(request, "The import has started: this page shows its progress.")
        return HttpResponseRedirect(reverse("admin:wordpress_importrun_change", args=[real.pk]))
