from django import forms
from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from clinic.models import clinic_settings
from core.admin import PreviewChangesMixin, TrashAdminMixin
from core.editing import EditConflictMixin
from core.history import ReaderHistoryHelper, RevisionsAdminMixin
from library.admin import LibraryPickerAdminMixin
from library.forms import LibraryImageField, LibraryImageFormMixin

from .models import Page, under
from .services import page_restore, page_trash
from .views import PagePreviewView


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, page):
        return f"{page.title} (/{page.path}/)"


def can_publish(user):
    return user.has_perm("pages.publish_page")


def can_empty_trash(user):
    """Deleting pages for good is an editor's: those who may delete pages and publish them."""
    return user.has_perm("pages.delete_page") and can_publish(user)


class PageAdminForm(LibraryImageFormMixin, forms.ModelForm):
    featured_from_library = LibraryImageField(image_field="featured_image", alt_field="featured_image_alt")


@admin.register(Page)
class PageAdmin(
    LibraryPickerAdminMixin,
    TrashAdminMixin,
    PreviewChangesMixin,
    EditConflictMixin,
    RevisionsAdminMixin,
    SimpleHistoryAdmin,
):
    """The clinic's pages, as WordPress's Pages: a tree, each page's address following its parents; deleting moves
    a page to the Trash (core.admin.TrashAdminMixin, pages/services.py)."""

    form = PageAdminForm
    preview_view = PagePreviewView
    list_display = ["title", "address", "status_label", "template", "order", "updated_at"]
    list_display_links = ["title"]
    list_filter = ["status", "template"]
    search_fields = ["title", "slug", "body"]
    search_help_text = "Words from the title, the slug or the body."
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            "Content",
            {
                "fields": ["title", "slug", "parent", "order", "body"],
                "description": "What readers read, and where the page sits: its address follows its parent's.",
            },
        ),
        (
            "Media",
            {
                "fields": ["featured_image", "featured_from_library", "featured_image_alt"],
                "description": "The picture at the top of the page and when it is shared: upload one, or choose "
                "one from the media library.",
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "template",
                    "cards_from",
                    "show_share_links",
                    "created_at",
                    "updated_at",
                ],
                "description": "When readers see it and what it shows besides its body.",
            },
        ),
        (
            "SEO",
            {
                "fields": ["seo_title", "seo_description"],
                "classes": ["collapse"],
                "description": "How the page appears in search results and social networks; optional.",
            },
        ),
    ]

    @admin.display(description="address", ordering="path")
    def address(self, page):
        return f"/{page.path}/"

    @admin.display(description="status", ordering="status")
    def status_label(self, page):
        if page.status == Page.Status.PUBLISHED and page.published_at > timezone.now():
            return f"Scheduled for {date_format(timezone.localtime(page.published_at), 'DATETIME_FORMAT')}"
        return page.get_status_display()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("parent", "cards_from"):
            kwargs["form_class"] = ParentChoiceField
            kwargs["queryset"] = Page.objects.out_of_trash()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        pages = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # A menu item or the home page chooses among the pages out of the Trash.
            return pages.out_of_trash()
        return pages

    def trash_object(self, page):
        return " ".join(page_trash(page=page)) or None

    def restore_object(self, page):
        return page_restore(page=page)

    def trash_notes(self, page):
        notes = [
            f"“{page.title}” leaves the site at once: its address /{page.path}/, the menus, search and the sitemap."
        ]
        children = list(page.children.out_of_trash().order_by("order", "title"))
        if children:
            place = f"/{page.parent.path}/" if page.parent_id else "the top of the site"
            names = ", ".join(f"“{child.title}”" for child in children)
            count = len(children)
            notes.append(
                f"The {count} page{pluralize(count)} under it ({names}) move{pluralize(count, 's,')} up to {place} "
                "(their old addresses redirect there), and go back under it if it is restored."
            )
        if clinic_settings().home_page_id == page.pk:
            notes.append("It is the home page: until it is restored, the site's address lists the latest articles.")
        notes.append("Its history, its old addresses and its place in the menus are kept for a restore.")
        return notes

    def can_empty_trash(self, user):
        return can_empty_trash(user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        parent = form_class.base_fields.get("parent")
        if parent is not None and obj is not None and obj.pk:
            # Neither the page itself nor a page under it: that would make a loop.
            parent.queryset = parent.queryset.exclude(pk=obj.pk).exclude(under(obj.path))
        return form_class

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields += ["status", "published_at"]
        return fields

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user):
            if change:
                stored = Page.objects.filter(pk=obj.pk).values("status", "published_at").first() or {}
                obj.status = stored.get("status", Page.Status.DRAFT)
                obj.published_at = stored.get("published_at")
            else:
                obj.status = Page.Status.DRAFT
        super().save_model(request, obj, form, change)

    def view_on_site(self, page):
        return clinic_settings().page_address(page) if page.is_published else page.get_preview_url()

    def get_historical_record_context_helper(self, request, historical_record):
        return ReaderHistoryHelper(self.model, historical_record)
