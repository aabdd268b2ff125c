from django.contrib import admin, messages
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from core.editing import EditConflictMixin

from .models import MediaItem
from .services import media_item_delete
from .views import may_pick


def may_manage_others(user):
    return user.has_perm("library.manage_others_media")


class LibraryPickerAdminMixin:
    """For a ModelAdmin whose form uses LibraryImageFormMixin: only the images this person may see are offered,
    and only on a form they may save (a read-only page, or a revision, shows the stored image alone)."""

    library_fields = ["featured_from_library"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        may_save = obj is None or self.has_change_permission(request, obj)
        if may_save and may_pick(request.user) and not getattr(request, "restoring_revision", False):
            return fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in self.library_fields]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"library_user": request.user})

    def save_model(self, request, obj, form, change):
        """A new upload in an image field became a library item on save: it is this person's upload."""
        super().save_model(request, obj, form, change)
        uploaded = [name for name in form.changed_data if form.add_prefix(name) in request.FILES]
        names = [getattr(obj, name).name for name in uploaded if getattr(getattr(obj, name, None), "name", "")]
        if names:
            MediaItem.objects.filter(file__in=names).update(uploaded_by=request.user)


def usage_links(usages):
    """Where the image is used, as links to each place's admin page (or its name where there is none)."""
    rows = []
    for usage in usages:
        opts = usage.obj._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[usage.obj.pk])
        except NoReverseMatch:
            url = ""
        state = "published" if usage.is_public else "not published"
        rows.append((url, usage.kind.capitalize(), usage.obj, usage.field_label, state))
    return rows


@admin.register(MediaItem)
class MediaItemAdmin(EditConflictMixin, admin.ModelAdmin):
    """Every uploaded image with its texts; editors manage all of them, writers their own uploads."""

    list_display = ["thumbnail", "title", "alt_text", "uploader", "uploaded_at", "used"]
    list_display_links = ["thumbnail", "title"]
    list_filter = [("uploaded_at", admin.DateFieldListFilter)]
    list_select_related = ["uploaded_by"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    search_help_text = "Words from the title, alt text, caption or credit."
    readonly_fields = ["preview", "dimensions", "uploader", "uploaded_at", "where_used"]
    fieldsets = [
        (None, {"fields": ["preview", "file", "title", "alt_text", "caption", "credit"]}),
        (
            "About the file",
            {
                "fields": ["dimensions", "uploader", "uploaded_at", "where_used"],
                "description": "Where the image is used: an image in use cannot be deleted until it is removed there.",
            },
        ),
    ]
    delete_confirmation_template = "admin/library/mediaitem/delete_confirmation.html"

    class Media:
        css = {"all": ["library/picker.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).annotate(usage_count=Count("usage_rows"))

    def _own(self, request, obj):
        return obj is None or may_manage_others(request.user) or obj.uploaded_by_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The file of an existing item is what its places show: it is replaced by uploading a new item.
        return [*fields, "file"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "title", "alt_text", "caption", "credit"]})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="image")
    def thumbnail(self, item):
        return format_html('<img src="{}" alt="" width="80" class="library-thumbnail" loading="lazy">', item.url)

    @admin.display(description="preview")
    def preview(self, item):
        return format_html('<img src="{}" alt="{}" class="library-preview">', item.url, item.alt_text)

    @admin.display(description="size")
    def dimensions(self, item):
        return f"{item.width} × {item.height} pixels" if item.width and item.height else "unknown"

    @admin.display(description="uploaded by", ordering="uploaded_by__last_name")
    def uploader(self, item):
        user = item.uploaded_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description="used in", ordering="usage_count")
    def used(self, item):
        count = getattr(item, "usage_count", 0)
        return f"{count} place{'s' if count != 1 else ''}" if count else "not used"

    @admin.display(description="used in")
    def where_used(self, item):
        rows = usage_links(item.usages())
        if not rows:
            return "Not used anywhere yet."
        return format_html(
            "<ul class='library-usages'>{}</ul>",
            format_html_join(
                "",
                "<li><a href='{}'>{} “{}”</a> ({}, {})</li>",
                rows,
            ),
        )

    def get_deleted_objects(self, objs, request):
        """An image in use cannot be deleted: its places are listed as what protects it."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for item in objs:
            for url, kind, obj, field_label, state in usage_links(item.usages()):
                text = f"{kind} “{obj}” ({field_label}, {state})"
                protected.append(format_html('Image “{}” is used in <a href="{}">{}</a>', item, url, text))
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        media_item_delete(item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            try:
                media_item_delete(item=item)
            except ValueError as error:
                self.message_user(request, f"“{item}”: {error}", messages.ERROR)
