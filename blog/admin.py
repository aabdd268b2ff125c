import json

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import Article, AuthorProfile, Category, Comment, DiscussionSettings, Tag
from .services import comment_set_status, commenter_erase, commenter_export


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "published_at", "category", "author_name"]
    list_display_links = ["title"]
    list_filter = ["status", "category", "tags", "author"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "tags", "related_articles"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        ("Content", {"fields": ["title", "slug", "excerpt", "body"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_alt"]}),
        ("Organisation", {"fields": ["category", "tags", "related_articles"]}),
        ("SEO", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "allow_comments", "created_at", "updated_at"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if (
            article.status == Article.Status.PUBLISHED
            and article.published_at
            and article.published_at > timezone.now()
        ):
            return "Scheduled"
        return article.get_status_display()

    @admin.display(description="author", ordering="author__last_name")
    def author_name(self, article):
        return article.author.get_full_name() or article.author.get_username()

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "credentials", "job_title", "user"]
    search_fields = ["display_name", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """One settings page: the list goes straight to it, and it can be neither added nor deleted."""

    fieldsets = [
        ("Moderation", {"fields": ["require_moderation", "auto_approve_known_commenters", "hold_link_count"]}),
        ("Words", {"fields": ["moderation_words", "disallowed_words"]}),
        ("Threads and pages", {"fields": ["close_after_days", "thread_depth", "comments_per_page"]}),
        ("Email", {"fields": ["notify_moderators", "notify_authors"]}),
        ("Privacy", {"fields": ["ip_retention_days"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_object = DiscussionSettings.load()
        return redirect("admin:blog_discussionsettings_change", settings_object.pk)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_column", "excerpt", "article", "status", "held_reason", "created_at", "reply_link"]
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["name", "email", "body", "url", "ip_address"]
    list_select_related = ["article", "user__profile"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article", "parent"]
    readonly_fields = ["held_reason", "ip_address", "user_agent", "consent_at", "created_at", "updated_at", "user"]
    fieldsets = [
        (None, {"fields": ["article", "parent", "body", "status"]}),
        ("Author", {"fields": ["name", "email", "url", "user"]}),
        ("Moderation details", {"fields": ["held_reason", "ip_address", "user_agent", "consent_at", "created_at"]}),
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve", "mark_spam", "move_to_trash", "restore", "export_commenter_data", "erase_commenter_data"]

    def has_moderate_permission(self, request):
        return request.user.has_perm("blog.moderate_comment")

    def _set_status(self, request, queryset, status, done):
        changed = comment_set_status(comments=queryset, status=status)
        self.message_user(request, f"{changed} comment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Move selected comments to the trash", permissions=["moderate"])
    def move_to_trash(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.TRASH, "moved to the trash")

    @admin.action(description="Restore selected comments to pending", permissions=["moderate"])
    def restore(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.PENDING, "restored to pending")

    @admin.display(description="author", ordering="name")
    def author_column(self, comment):
        if comment.is_clinic_reply:
            return format_html("{} <strong>(clinic team)</strong>", comment.display_name)
        return format_html("{}<br><small>{}</small>", comment.name, comment.email)

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(120)

    @admin.display(description="")
    def reply_link(self, comment):
        if not comment.is_approved:
            return ""
        url = reverse("admin:blog_comment_add") + f"?parent={comment.pk}&article={comment.article_id}"
        return format_html('<a href="{}">Reply</a>', url)

    def save_model(self, request, obj, form, change):
        """A comment written here is a clinic reply: by the logged-in staff member, published at once."""
        if not change:
            if obj.parent_id:
                obj.article = obj.parent.article
                obj.depth = obj.parent.depth + 1
            obj.user = request.user
            obj.name = obj.name or request.user.get_full_name() or request.user.get_username()
            obj.email = obj.email or request.user.email
            obj.status = Comment.Status.APPROVED
            obj.consent_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["name"].required = False
            form.base_fields["name"].help_text = "Left empty, your name as a staff member is used."
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("name", request.user.get_full_name() or request.user.get_username())
        initial.setdefault("email", request.user.email)
        return initial

    @admin.action(description="Export all data of the selected comments' authors (JSON)", permissions=["moderate"])
    def export_commenter_data(self, request, queryset):
        emails = sorted({email.lower() for email in queryset.exclude(email="").values_list("email", flat=True)})
        data = [commenter_export(email=email) for email in emails]
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        return response

    @admin.action(description="Erase all data of the selected comments' authors", permissions=["moderate"])
    def erase_commenter_data(self, request, queryset):
        emails = {email.lower() for email in queryset.exclude(email="").values_list("email", flat=True)}
        erased = sum(commenter_erase(email=email) for email in emails)
        self.message_user(
            request, f"Erased the data of {len(emails)} commenter(s) from {erased} comment(s).", messages.SUCCESS
        )
