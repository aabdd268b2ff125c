import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    HTTPS_URL_FIELDS,
    AutocompleteFilter,
    AutocompleteFilterMedia,
    PreviewChangesMixin,
    SingletonModelAdmin,
    TrashAdminMixin,
    YearMonthListFilter,
)
from core.editing import EditConflictMixin
from core.history import ReaderHistoryHelper, RevisionsAdminMixin
from core.optin import unsubscribed_now
from core.privacy import person_erase, person_export
from core.sanitize import sanitize_html
from library.admin import LibraryPickerAdminMixin
from library.forms import LibraryImageField, LibraryImageFormMixin

from .followups import comment_followers_notify
from .models import (
    DISCUSSION_BOUNDS,
    Article,
    AuthorProfile,
    Category,
    Comment,
    CommentSubscription,
    DiscussionSettings,
    Reference,
    Tag,
    overdue_for_review,
)
from .moderation import CommentRefused
from .publishing import REFERENCES, blocking_publish_problems, publish_problems
from .search import admin_search
from .services import (
    article_quick_draft,
    article_request_changes,
    article_restore,
    article_submit_for_review,
    article_trash,
    comment_reply,
    comment_set_status,
    tags_get_or_create,
)
from .views import ArticlePreviewView


@admin.register(Category)
class CategoryAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_medical", "show_disclaimer"]
    list_filter = ["is_medical", "show_disclaimer"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleAdminForm(LibraryImageFormMixin, forms.ModelForm):
    """Puts each pre-publish problem of a medical article next to the field that fixes it."""

    featured_from_library = LibraryImageField(image_field="featured_image", alt_field="featured_image_alt")

    new_tags = forms.CharField(
        label="Add new tags",
        required=False,
        max_length=500,
        help_text="Tags that do not exist yet, separated by commas: each is made and added when you save.",
    )
    publish_problems = ()
    # Set by ArticleAdmin.get_form when the reviewer pressed "Request changes".
    requesting_changes = False

    def clean(self):
        cleaned = super().clean()
        if self.requesting_changes and "review_note" in self.fields and not cleaned.get("review_note", "").strip():
            self.add_error("review_note", "Say what needs changing, so that the writer knows what to do.")
        return cleaned

    def clean_new_tags(self):
        names, seen = [], set()
        for name in self.cleaned_data["new_tags"].split(","):
            name = " ".join(name.split())
            if not name or name.lower() in seen:
                continue
            if len(name) > Tag._meta.get_field("name").max_length:
                raise ValidationError(f"“{name[:20]}…” is longer than a tag may be (60 characters).")
            if not slugify(name):
                raise ValidationError(f"“{name}” needs a letter or a digit to have an address.")
            names.append(name)
            seen.add(name.lower())
        return names

    # Restoring a revision has no references formset: the stored references are the ones it publishes with.
    counts_stored_references = False

    def _post_clean(self):
        super()._post_clean()
        # After the model's own validation, the instance holds the submitted values.
        count = self.instance.references.count() if self.counts_stored_references and self.instance.pk else None
        # Without a count the references are left to the references formset.
        self.publish_problems = blocking_publish_problems(self.instance, count)
        for field, problem in self.publish_problems:
            self.add_error(field if field in self.fields else None, problem)


class QuickDraftForm(forms.Form):
    """The dashboard's quick draft: a title and a few lines, saved as a draft to finish in the editor."""

    title = forms.CharField(max_length=200, error_messages={"required": "Give the draft a title."})
    text = forms.CharField(
        label="A few lines",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Paragraphs at blank lines; finish it in the editor.",
    )


class ReferenceInlineFormSet(BaseInlineFormSet):
    """Refuses to publish a medical article without references (its other checks are on the article's form)."""

    def clean(self):
        super().clean()
        references = [
            form for form in self.forms if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        problems = blocking_publish_problems(self.instance, len(references))
        if any(field == REFERENCES for field, _problem in problems):
            raise ValidationError([problem for field, problem in problems if field == REFERENCES])


class ReferenceInline(admin.StackedInline):
    model = Reference
    formset = ReferenceInlineFormSet
    formfield_overrides = HTTPS_URL_FIELDS
    extra = 0
    fields = [("position", "year"), "authors", "title", "journal", ("doi", "pmid"), "url"]
    verbose_name = "reference"
    verbose_name_plural = "references (cite them in the body as [1], [2]…)"


class MedicalReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", "Due within 30 days"),
            ("current", "Up to date"),
            ("never", "Never reviewed"),
        ]

    def conditions(self):
        today = timezone.localdate()
        return {
            "overdue": overdue_for_review(),
            "soon": Q(next_review_at__gte=today, next_review_at__lte=today + datetime.timedelta(days=30)),
            "current": Q(next_review_at__gte=today),
            "never": Q(last_reviewed_at__isnull=True),
        }

    def queryset(self, request, queryset):
        condition = self.conditions().get(self.value())
        return queryset if condition is None else queryset.filter(condition)

    def get_facet_counts(self, pk_attname, filtered_qs):
        # "Show counts" as conditions on the rows counted, not one `pk IN (every match)` per choice.
        conditions = self.conditions()
        return {
            f"{i}__c": Count(pk_attname, filter=conditions[value])
            for i, (value, _title) in enumerate(self.lookup_choices)
        }


class StaffAuthorFilter(admin.RelatedFieldListFilter):
    """Authors to filter by: the team (staff, or anyone with an author profile), not every account there is."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        team = Q(is_staff=True) | Q(profile__isnull=False)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=team)


AUTHOR_FILTER = ("author", StaffAuthorFilter)


def can_edit_others(user):
    return user.has_perm("blog.edit_others_articles")


def can_publish(user):
    return user.has_perm("blog.publish_article")


def can_review(user):
    """Who decides on articles waiting for review: those who publish others' articles."""
    return can_publish(user) and can_edit_others(user)


SUBMIT_FOR_REVIEW, REQUEST_CHANGES = "_submit_for_review", "_request_changes"


def can_empty_trash(user):
    """Deleting articles for good is an editor's: those who may delete others' articles."""
    return user.has_perm("blog.delete_article") and can_edit_others(user)


@admin.register(Article)
class ArticleAdmin(
    LibraryPickerAdminMixin,
    TrashAdminMixin,
    AutocompleteFilterMedia,
    PreviewChangesMixin,
    EditConflictMixin,
    RevisionsAdminMixin,
    SimpleHistoryAdmin,
):
    """Editors see and edit every article; authors and contributors only their own (see clinic/roles.py)."""

    form = ArticleAdminForm
    preview_view = ArticlePreviewView
    list_display = ["title", "status_label", "published_at", "category", "author_name", "next_review_at"]
    list_display_links = ["title"]
    # Tags are found by typing (a clinic's taxonomy grows); publication dates by year and month on indexed
    # ranges rather than Django's date_hierarchy, which reads every article to list the years.
    list_filter = [
        "status",
        MedicalReviewFilter,
        "category",
        ("tags", AutocompleteFilter),
        AUTHOR_FILTER,
        ("published_at", YearMonthListFilter),
    ]
    list_select_related = ["category", "author__profile"]
    search_fields = ["title", "excerpt", "body"]
    search_help_text = "Words, or the start of words, from the title, excerpt or body."
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "tags", "related_articles", "medical_reviewer"]
    readonly_fields = ["created_at", "updated_at", "review_record"]
    inlines = [ReferenceInline]
    formfield_overrides = HTTPS_URL_FIELDS
    fieldsets = [
        (
            "Content",
            {
                "fields": ["title", "slug", "excerpt", "body", "cta_text", "cta_url"],
                "description": "What readers read, from the title to the call to action that closes the article.",
            },
        ),
        (
            "Media",
            {
                "fields": ["featured_image", "featured_from_library", "featured_image_alt"],
                "description": "The picture at the top of the article, on cards and when the article is shared: "
                "upload one, or choose one from the media library.",
            },
        ),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "author", "category", "tags", "new_tags", "related_articles",
                           "allow_comments", "is_sticky", "created_at", "updated_at"],
                "description": "Who signs it, when readers see it, where it is listed and whether they may reply.",
            },
        ),
        (
            "SEO",
            {
                "fields": ["seo_title", "seo_description"],
                "classes": ["collapse"],
                "description": "How the article appears in search results and social networks; optional.",
            },
        ),
        (
            "Medical review",
            {
                "fields": ["medical_reviewer", "last_reviewed_at", "next_review_at"],
                "description": "The clinician who checked the medical content, shown under the title.",
            },
        ),
        (
            "Review before publishing",
            {
                "fields": ["review_note", "review_record"],
                "description": "“Submit for review” asks the editors (and the medical reviewer) to read the article "
                               "before it is published; they publish it or request changes.",
            },
        ),
    ]  # fmt: skip

    def get_urls(self):
        quick_draft = self.admin_site.admin_view(self.quick_draft_view)
        return [path("quick-draft/", quick_draft, name="blog_article_quick_draft"), *super().get_urls()]

    def trash_object(self, article):
        article_trash(article=article)

    def restore_object(self, article):
        return article_restore(article=article)

    def trash_notes(self, article):
        count = article.comments.count()
        return [
            f"“{article.title}” leaves the site at once: its page, the lists, the feeds, search and the sitemap.",
            f"Its {count} comment{pluralize(count)}, references and history are kept.",
        ]

    def can_empty_trash(self, user):
        return can_empty_trash(user)

    def quick_draft_view(self, request):
        """Save the dashboard's quick draft; a refused one shows the dashboard again with what was typed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuickDraftForm(request.POST)
        if not form.is_valid():
            return self.admin_site.index(request, extra_context={"quick_draft_form": form})
        draft = article_quick_draft(author=request.user, **form.cleaned_data)
        edit = reverse("admin:blog_article_change", args=[draft.pk])
        self.message_user(
            request, format_html('Draft “{}” saved. <a href="{}">Go on writing it</a>.', draft.title, edit)
        )
        return redirect("admin:index")

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.status == Article.Status.PUBLISHED and article.published_at > timezone.now():
            return f"Scheduled for {date_format(timezone.localtime(article.published_at), 'DATETIME_FORMAT')}"
        return article.get_status_display()

    @admin.display(description="author", ordering="author__last_name")
    def author_name(self, article):
        return article.author_name

    @admin.display(description="review")
    def review_record(self, article):
        def when(moment):
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")

        lines = []
        if article.submitted_at:
            lines.append(f"Submitted for review {when(article.submitted_at)}")
        if article.approved_at:
            approver = article.approved_by
            name = (approver.get_full_name() or approver.get_username()) if approver else "an account since removed"
            lines.append(f"Approved for publication by {name}, {when(article.approved_at)}")
        return " · ".join(lines) or "Not submitted for review yet."

    def get_list_filter(self, request):
        # Everyone else sees only their own articles: an author filter would offer one name.
        filters = super().get_list_filter(request)
        return filters if can_edit_others(request.user) else [spec for spec in filters if spec != AUTHOR_FILTER]

    def get_search_results(self, request, queryset, search_term):
        """The full-text index (PostgreSQL's stored vector, SQLite's FTS5), not a scan of every body."""
        if not search_term.strip():
            return queryset, False
        return admin_search(queryset, search_term), False

    def get_queryset(self, request):
        """Others' articles only for editors; choosing an article (autocomplete) also offers published ones.

        Related posts and a comment's article may name any published article (readers see those anyway), never
        another author's draft or scheduled article.
        """
        articles = super().get_queryset(request)
        if can_edit_others(request.user):
            return articles
        own = Q(author=request.user) | Q(status=Article.Status.REVIEW, medical_reviewer__user=request.user)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            return articles.filter(own | Q(pk__in=Article.objects.published().values("pk")))
        return articles.filter(own)

    def _refused_article(self, request, object_id):
        """The refusal for an article that exists but is not this person's, else None."""
        try:
            pk = unquote(object_id)
            hidden = Article.objects.filter(pk=pk).exists() and not self.get_queryset(request).filter(pk=pk).exists()
        except (ValueError, ValidationError):
            return None
        return self._get_obj_does_not_exist_redirect(request, self.opts, object_id) if hidden else None

    def _may_see(self, request, article):
        if article is None or can_edit_others(request.user) or article.author_id == request.user.pk:
            return True
        return article.status == Article.Status.REVIEW and article.is_reviewed_by(request.user)

    def _may_touch(self, request, article):
        if article is None or can_edit_others(request.user):
            return True
        if article.author_id != request.user.pk:
            return False
        # Contributors cannot change what has been published, as in WordPress.
        return article.status != Article.Status.PUBLISHED or can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        # Also decides who may open an article's history and revisions (django-simple-history asks this).
        return super().has_view_permission(request, obj) and self._may_see(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def may_trash(self, request, article):
        return super().may_trash(request, article) and self._may_touch(request, article)

    def get_fieldsets(self, request, obj=None):
        """On a read-only page the body is shown as readers see it, not as HTML source. New tags are typed by
        those who may make tags, on a form they may save."""
        fieldsets = super().get_fieldsets(request, obj)
        may_save = obj is None or self.has_change_permission(request, obj)
        if not (may_save and request.user.has_perm("blog.add_tag")) or getattr(request, "restoring_revision", False):
            fieldsets = [
                (name, {**options, "fields": [field for field in options["fields"] if field != "new_tags"]})
                for name, options in fieldsets
            ]
        if may_save:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": ["body_as_published" if field == "body" else field for field in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="body")
    def body_as_published(self, article):
        return format_html('<div class="article-body-as-published">{}</div>', mark_safe(sanitize_html(article.body)))  # noqa: S308

    def read_only_reason(self, request, article):
        """Why this person gets the article without a form, and what to do about it."""
        if article.author_id != request.user.pk and article.is_reviewed_by(request.user):
            return (
                "You are this article's medical reviewer: read it below or in Preview, and tell the editors what "
                "needs changing; they publish it or send it back."
            )
        if article.author_id == request.user.pk and request.user.has_perm("blog.change_article"):
            state = "published" if article.is_published else "scheduled for publication"
            return (
                f"This article is {state}, so only an editor can change it now. If something needs correcting, "
                "ask an editor. Below is the article as it stands, with its body as readers see it."
            )
        return "Your role lets you read articles, not change them. If this one needs a change, ask an editor."

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_save = obj is None or self.has_change_permission(request, obj)
        if not may_save:
            context["read_only_reason"] = self.read_only_reason(request, obj)
        status = obj.status if obj is not None else Article.Status.DRAFT
        context["may_submit_for_review"] = may_save and status == Article.Status.DRAFT
        context["may_request_changes"] = may_save and status == Article.Status.REVIEW and can_review(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """Say whose article it is when it exists but is another author's: "doesn't exist" would be untrue."""
        try:
            article = Article.objects.select_related("author__profile").filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):
            article = None
        if article is None:
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        self.message_user(
            request,
            f"This article belongs to {article.author_name}; only editors can change other authors' articles. "
            "If it needs a change, ask an editor.",
            messages.WARNING,
        )
        return redirect(
            "admin:blog_article_changelist" if self.has_view_or_change_permission(request) else "admin:index"
        )

    def get_readonly_fields(self, request, obj=None):
        if (
            getattr(request, "restoring_revision", False)
            and obj is not None
            and not self.has_change_permission(request, obj)
        ):
            # A revision one may only read: read-only fields, as Django's change page makes them by itself, but
            # for the prepopulated slug and title, which django-simple-history's page needs as form fields.
            prepopulated = {*self.prepopulated_fields, *sum(self.prepopulated_fields.values(), [])}
            return [field for field in flatten_fieldsets(self.get_fieldsets(request, obj)) if field not in prepopulated]
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields += ["status", "published_at"]
        if not can_review(request.user):
            fields.append("review_note")
        if not can_edit_others(request.user):
            fields.append("author")
        return fields

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if not change and not can_edit_others(request.user):
            obj.author = request.user
        if not can_publish(request.user) and not change:
            obj.status = Article.Status.DRAFT
        stored = self._keep_what_only_others_change(request, obj) if change else None
        was = stored["status"] if stored else None
        if SUBMIT_FOR_REVIEW in request.POST and obj.status != Article.Status.PUBLISHED:
            article_submit_for_review(article=obj, user=request.user)
        elif REQUEST_CHANGES in request.POST and was == Article.Status.REVIEW and can_review(request.user):
            article_request_changes(article=obj, user=request.user)
        elif obj.status == Article.Status.REVIEW and was != Article.Status.REVIEW:
            article_submit_for_review(article=obj, user=request.user)
        if obj.status == Article.Status.PUBLISHED and was != Article.Status.PUBLISHED and obj.is_medical:
            obj.approved_by, obj.approved_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        names = form.cleaned_data.get("new_tags")
        if names and request.user.has_perm("blog.add_tag"):
            form.instance.tags.add(*tags_get_or_create(names))

    def _keep_what_only_others_change(self, request, article):
        """Keep the stored author and publication state that this person may not change; return what is stored.

        Their form shows those fields read-only, but a restored revision brings its own values: without this a
        contributor could publish by restoring a published revision, or an author hand an article to another.
        """
        stored = Article.objects.filter(pk=article.pk).values("author_id", "status", "published_at").first()
        if stored is None:
            return None
        if not can_edit_others(request.user):
            article.author_id = stored["author_id"]
        if not can_publish(request.user):
            article.status, article.published_at = stored["status"], stored["published_at"]
        return stored

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published else article.get_preview_url()

    def response_add(self, request, obj, post_url_continue=None):
        if not getattr(request, "previewing_changes", False):
            self.warn_of_publish_problems(request, obj)
            self.tell_of_review(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if not getattr(request, "previewing_changes", False):
            self.warn_of_publish_problems(request, obj)
            self.tell_of_review(request, obj)
        return super().response_change(request, obj)

    def tell_of_review(self, request, article):
        if REQUEST_CHANGES in request.POST and article.status == Article.Status.DRAFT:
            self.message_user(request, f"“{article.title}” is back with its writer, with your note.", messages.SUCCESS)
        elif article.status == Article.Status.REVIEW and SUBMIT_FOR_REVIEW in request.POST:
            self.message_user(request, f"“{article.title}” is waiting for review; the editors are told.")

    def warn_of_publish_problems(self, request, article):
        """A published medical article saved with problems it already had is saved, and the editor is told."""
        problems = publish_problems(article, article.references.count())
        if problems:
            missing = " ".join(problem for _field, problem in problems)
            self.message_user(
                request, f"This published article is in a medical category and still needs: {missing}", messages.WARNING
            )

    def history_view(self, request, object_id, extra_context=None):
        return self._refused_article(request, object_id) or super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A revision, restored on POST only by someone who may change the article as it stands now.

        django-simple-history itself saves the POST for anyone who may view the article.
        """
        refused = self._refused_article(request, object_id)
        if refused is not None:
            return refused
        if request.method == "POST":
            article = self.get_object(request, unquote(object_id))
            if article is None:
                revision = get_object_or_404(Article.history.model, id=unquote(object_id), history_id=version_id)
                article = revision.instance
            if not self.has_change_permission(request, article):
                raise PermissionDenied
        request.restoring_revision = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "restoring_revision", False):
            form_class = type(form_class.__name__, (form_class,), {"counts_stored_references": True})
        if REQUEST_CHANGES in request.POST:
            form_class = type(form_class.__name__, (form_class,), {"requesting_changes": True})
        return form_class

    def get_historical_record_context_helper(self, request, historical_record):
        return ReaderHistoryHelper(self.model, historical_record)


@admin.register(AuthorProfile)
class AuthorProfileAdmin(EditConflictMixin, admin.ModelAdmin):
    list_display = ["display_name", "credentials", "job_title", "user"]
    search_fields = ["display_name", "credentials", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}
    fields = ["user", "display_name", "slug", "credentials", "job_title", "bio", "photo"]


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        ("Moderation", {"fields": ["require_moderation", "auto_approve_known_commenters", "hold_link_count"]}),
        ("Words", {"fields": ["moderation_words", "disallowed_words"]}),
        ("Threads and pages", {"fields": ["close_after_days", "thread_depth", "comments_per_page"]}),
        ("Email", {"fields": ["notify_moderators", "notify_authors"]}),
        ("Privacy", {"fields": ["ip_retention_days"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in DISCUSSION_BOUNDS:
            low, high = DISCUSSION_BOUNDS[db_field.name]
            field.widget.attrs.update(min=low, max=high)
        return field


class CommentChangeList(ChangeList):
    def apply_select_related(self, qs):
        """The page's articles (titles only), staff authors and answered comments each in a query of their own.

        With a join, SQLite's planner read every article (or user) and sorted all 100,000 comments instead of
        walking the newest-first index: 160-170 ms a page. The staff query runs only when the page has replies.
        """
        titles = Prefetch("article", queryset=Article.objects.only("title"))
        staff = Prefetch("user", queryset=get_user_model().objects.select_related("profile"))
        answered = Prefetch("parent", queryset=Comment.objects.only("name"))
        return qs.prefetch_related(titles, staff, answered)

    def get_results(self, request):
        super().get_results(request)
        moderatable = self.model_admin.has_moderate_permission(request)
        for comment in self.result_list:
            comment.moderatable = moderatable

    def get_queryset(self, request, exclude_parameters=None):
        """Without a status chosen, the comments readers see or may see, as WordPress's "All": no spam, no trash."""
        comments = super().get_queryset(request, exclude_parameters)
        if STATUS_PARAM not in self.params:
            comments = comments.filter(status__in=[Comment.Status.PENDING, Comment.Status.APPROVED])
        return comments

    def status_tabs(self):
        """Pending, Approved, Spam, Trash and All (pending and approved) as (label, count, status, address, current),
        counted on the chosen article."""
        comments = self.root_queryset
        article = self.params.get("article__id__exact")
        if article:
            comments = comments.filter(article_id=article)
        counts = dict(comments.order_by().values_list("status").annotate(Count("pk")))
        current = self.params.get(STATUS_PARAM)
        tabs = [
            (label, counts.get(status, 0), status, self.get_query_string({STATUS_PARAM: status}, ["p"]))
            for status, label in Comment.Status.choices
        ]
        shown = counts.get(Comment.Status.PENDING, 0) + counts.get(Comment.Status.APPROVED, 0)
        tabs.append(("All", shown, None, self.get_query_string(remove=[STATUS_PARAM, "p"])))
        return [(label, count, status, url, status == current) for label, count, status, url in tabs]


STATUS_PARAM = "status__exact"
_S = Comment.Status
# One click on a comment's row, by its status: (new status, button, keyboard shortcut as WordPress's).
ROW_MOVES = {
    _S.PENDING: [(_S.APPROVED, "Approve", "a"), (_S.SPAM, "Spam", "s"), (_S.TRASH, "Trash", "d")],
    _S.APPROVED: [(_S.PENDING, "Unapprove", "u"), (_S.SPAM, "Spam", "s"), (_S.TRASH, "Trash", "d")],
    _S.SPAM: [(_S.PENDING, "Not spam", "z"), (_S.TRASH, "Trash", "d")],
    _S.TRASH: [(_S.PENDING, "Restore", "z")],
}
MOVE_DONE = {_S.APPROVED: "approved", _S.SPAM: "marked as spam", _S.TRASH: "moved to the trash"}
DELETE = "delete"


def move_done(previous, status):
    if status == _S.PENDING:
        return "unapproved" if previous == _S.APPROVED else "restored to pending"
    return MOVE_DONE[status]


class ClinicReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=65525,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Please write your reply."},
    )


@admin.register(Comment)
class CommentAdmin(AutocompleteFilterMedia, admin.ModelAdmin):
    """The moderation queue: counts per status as tabs, and one click on a comment's row approves, unapproves,
    marks as spam, trashes, restores or replies (JavaScript does it in place; without it, each is a plain POST)."""

    # As WordPress's list: the status, why it was held, the date and the one-click buttons go with the comment's text
    # (four columns fit beside the admin's two sidebars; newest first, as the model orders them).
    list_display = ["author_column", "comment_column", "article"]
    # The status is chosen in the tabs above the list (CommentChangeList.status_tabs). The article is found by
    # typing: a link for every commented article made the list 1.1 MB at 10,000, and its "Show counts" one column
    # per article, past what the databases allow. No date_hierarchy (a DISTINCT over every comment, 417 ms at
    # 100,000 on SQLite): the date filter's ranges walk the index.
    list_filter = [("article", AutocompleteFilter), "created_at"]
    search_fields = ["name", "email", "body", "url", "ip_address"]
    autocomplete_fields = ["article", "parent"]
    readonly_fields = ["held_reason", "ip_address", "user_agent", "consent_at", "created_at", "updated_at", "user"]
    fieldsets = [
        (None, {"fields": ["article", "parent", "body", "status"]}),
        ("Author", {"fields": ["name", "email", "url", "user"]}),
        ("Moderation details", {"fields": ["held_reason", "ip_address", "user_agent", "consent_at", "created_at"]}),
    ]
    formfield_overrides = HTTPS_URL_FIELDS
    actions = ["approve", "mark_spam", "move_to_trash", "restore", "export_commenter_data", "erase_commenter_data"]
    # The tabs count each status; Django's "N total" would count spam and trash too, under the All tab's name.
    show_full_result_count = False
    # Each row carries its text and buttons: 50 a page (WordPress shows 20) keeps the page light.
    list_per_page = 50

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-moderation.js"], css={"all": ["css/admin-moderation.css"]})

    def get_urls(self):
        return [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="blog_comment_moderate",
            ),
            path("<path:object_id>/reply/", self.admin_site.admin_view(self.reply_view), name="blog_comment_reply"),
            *super().get_urls(),
        ]

    def get_changelist(self, request, **kwargs):
        return CommentChangeList

    def changelist_view(self, request, extra_context=None):
        extra_context = {"may_moderate": self.has_moderate_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        """Deleting for good is for the trash only, and comes last there."""
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if delete and request.GET.get(STATUS_PARAM) == _S.TRASH:
            actions["delete_selected"] = (delete[0], delete[1], "Delete selected comments permanently")
        return actions

    def has_moderate_permission(self, request):
        return request.user.has_perm("blog.moderate_comment")

    def may_delete_for_good(self, request, comment):
        """A comment is deleted for good from the trash only (its replies may go with it, after a confirmation)."""
        return comment.status == _S.TRASH and self.has_delete_permission(request, comment)

    def delete_view(self, request, object_id, extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        if comment is not None and not self.may_delete_for_good(request, comment):
            raise PermissionDenied
        return super().delete_view(request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is not None:
            response.context_data["has_delete_permission"] = self.may_delete_for_good(request, obj)
        return response

    def _set_status(self, request, queryset, status, done):
        changed = comment_set_status(comments=queryset, status=status)
        self.message_user(request, f"{changed} comment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self._set_status(request, queryset, _S.APPROVED, "approved")

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, _S.SPAM, "marked as spam")

    @admin.action(description="Move selected comments to the trash", permissions=["moderate"])
    def move_to_trash(self, request, queryset):
        self._set_status(request, queryset, _S.TRASH, "moved to the trash")

    @admin.action(description="Restore selected comments to pending", permissions=["moderate"])
    def restore(self, request, queryset):
        self._set_status(request, queryset, _S.PENDING, "restored to pending")

    @admin.display(description="author", ordering="name")
    def author_column(self, comment):
        if comment.is_clinic_reply:
            return format_html("{} <strong>(clinic team)</strong>", comment.display_name)
        return format_html("{}<br><small>{}</small>", comment.name, comment.email)

    @admin.display(description="comment")
    def comment_column(self, comment):
        """The comment's status, text and, for those who moderate (CommentChangeList.get_results), its buttons."""
        context = {"comment": comment, "actions": self.row_actions(comment) if comment.moderatable else ""}
        return render_to_string("admin/blog/comment/comment_cell.html", context)

    def row_actions(self, comment):
        return render_to_string("admin/blog/comment/row_actions.html", self.row_context(comment))

    def row_context(self, comment):
        return {
            "comment": comment,
            "moves": ROW_MOVES[comment.status],
            "may_reply": comment.status in (_S.PENDING, _S.APPROVED),
            "may_delete": comment.status == _S.TRASH,
        }

    def _moderation_answer(self, request, message, *, status=200, level=messages.SUCCESS, **data):
        """JSON for the list's script (it asks for it), else the message and back to the list."""
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"message": message, **data}, status=status)
        self.message_user(request, message, level)
        return redirect(data.get("location") or self._back(request))

    def _back(self, request):
        """Where the person came from (the list with its filters), if it is this site; else the list."""
        back = request.POST.get("next") or request.GET.get("next") or request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            return back
        return reverse("admin:blog_comment_changelist")

    def moderate_view(self, request, object_id):
        """One comment's one-click move (POST `status`: a status, or "delete" for a comment in the trash)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        status, previous = request.POST.get("status"), comment.status
        shown = request.GET.get("from")
        if shown and shown != previous:
            # Another moderator moved it since this list was drawn: say so rather than undo their decision.
            return self._moderation_answer(
                request,
                f"Someone else moved the comment by {comment.name} meanwhile: it is {comment.get_status_display()} "
                "now. Nothing was changed.",
                status=409,
                level=messages.WARNING,
                new_status=previous,
                status_label=comment.get_status_display(),
                actions=self.row_actions(comment),
            )
        if status == DELETE:
            if not self.may_delete_for_good(request, comment):
                raise PermissionDenied
            if comment.replies.exists():
                # Replies go with it: Django's confirmation page lists them before anything is deleted.
                confirm = reverse("admin:blog_comment_delete", args=[comment.pk])
                return self._moderation_answer(
                    request, "This comment has replies: confirm what is deleted with it.", status=409,
                    level=messages.WARNING, location=confirm,
                )  # fmt: skip
            comment.delete()
            return self._moderation_answer(
                request, f"Comment by {comment.name} deleted permanently.", status_label="Deleted", deleted=True
            )
        if status not in ROW_MOVES:
            return self._moderation_answer(request, "Unknown moderation action.", status=400, level=messages.ERROR)
        comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=status)
        comment.status = status
        return self._moderation_answer(
            request,
            f"Comment by {comment.name} {move_done(previous, status)}.",
            status=200,
            previous=previous,
            new_status=status,
            status_label=comment.get_status_display(),
            actions=self.row_actions(comment),
        )

    def reply_view(self, request, object_id):
        """A clinic reply under one comment: published at once; a waiting comment is approved with it."""
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404
        if not (self.has_moderate_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        form = ClinicReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reply = comment_reply(parent=comment, user=request.user, body=form.cleaned_data["body"])
            except CommentRefused as refusal:
                form.add_error("body", refusal.message)
            else:
                comment.status = _S.APPROVED
                return self._moderation_answer(
                    request,
                    f"Your reply to {comment.name} is published.",
                    reply_url=reply.get_absolute_url(),
                    new_status=comment.status,
                    status_label=comment.get_status_display(),
                    actions=self.row_actions(comment),
                )
        if request.method == "POST" and "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"errors": {field: list(errors) for field, errors in form.errors.items()}}, status=400)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Reply to {comment.name}",
            "comment": comment,
            "form": form,
            "next": self._back(request),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/blog/comment/reply.html", context)

    def save_model(self, request, obj, form, change):
        """A comment written here is a clinic reply: by the logged-in staff member, published at once."""
        if not change:
            if obj.parent_id:
                obj.article = obj.parent.article
            obj.user = request.user
            obj.name = obj.name or request.user.get_full_name() or request.user.get_username()
            obj.email = obj.email or request.user.email
            obj.status = Comment.Status.APPROVED
            obj.consent_at = timezone.now()
        super().save_model(request, obj, form, change)
        if obj.is_approved and (not change or "status" in form.changed_data):
            comment_followers_notify(obj)

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
        data = [person_export(email) for email in emails]
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        return response

    @admin.action(description="Erase all data of the selected comments' authors", permissions=["moderate"])
    def erase_commenter_data(self, request, queryset):
        emails = {email.lower() for email in queryset.exclude(email="").values_list("email", flat=True)}
        erased = sum(person_erase(email)["comments"] for email in emails)
        self.message_user(
            request,
            f"Erased the data of {len(emails)} commenter(s) from {erased} comment(s), and their subscriptions.",
            messages.SUCCESS,
        )


@admin.register(CommentSubscription)
class CommentSubscriptionAdmin(admin.ModelAdmin):
    """Who asked for follow-up comments, and where each request stands. Made by commenters only; an editor
    may unsubscribe an address on request (or delete it with the person's data)."""

    list_display = ["email", "article", "scope", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "scope"]
    search_fields = ["email"]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["article"]
    fields = ["email", "article", "comment", "scope", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields
    actions = ["unsubscribe"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Unsubscribe the selected subscriptions", permissions=["change"])
    def unsubscribe(self, request, queryset):
        stopped = unsubscribed_now(queryset)
        self.message_user(request, f"Unsubscribed {stopped} subscription(s).", messages.SUCCESS)
