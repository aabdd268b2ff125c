import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.models import Article
from clinic.models import clinic_settings
from core.admin import SingletonModelAdmin
from outbox.models import Email

from .models import Announcement, NewsletterSettings, Subscriber
from .services import confirmation_subject, digest_subject, subscriber_unsubscribe

# The emails editors can preview: (name, templates without .txt / .html).
PREVIEWS = [
    ("Confirmation", "newsletter/email/confirm"),
    ("New article", "newsletter/email/announcement"),
    ("Weekly digest", "newsletter/email/digest"),
]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Who gets new articles by email. Readers subscribe themselves (double opt-in); editors read, export,
    unsubscribe on request, and delete with a person's data."""

    list_display = ["email", "status", "frequency", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "frequency"]
    search_fields = ["email"]
    show_facets = admin.ShowFacets.ALWAYS
    date_hierarchy = None
    fields = ["email", "status", "frequency", "created_at", "confirmed_at", "unsubscribed_at", "last_digest_at"]
    readonly_fields = fields
    actions = ["export_csv", "unsubscribe"]
    change_list_template = "admin/newsletter/subscriber/change_list.html"

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        counts = Subscriber.objects.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in Subscriber.Status.values}
        )
        extra_context = {
            **(extra_context or {}),
            "status_counts": [(label, counts[value]) for value, label in Subscriber.Status.choices],
            "previews_url": reverse("admin:newsletter_subscriber_previews"),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        previews = path(
            "previews/", self.admin_site.admin_view(self.previews_view), name="newsletter_subscriber_previews"
        )
        return [previews, *super().get_urls()]

    def previews_view(self, request):
        """The newsletter's emails as subscribers get them, with the latest article (or a sample)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        article = Article.objects.published().order_by("-published_at").first() or Article(
            title="What Is Prolotherapy?", excerpt="A short introduction.", slug="what-is-prolotherapy"
        )
        site_name = clinic_settings().name
        sample = Subscriber(email="reader@example.com", frequency=Subscriber.Frequency.EACH)
        context = {
            "site_name": site_name,
            "subscriber": sample,
            "article": article,
            "article_url": request.build_absolute_uri(article.get_absolute_url()),
            "summary": article.summary,
            "articles": [(article, request.build_absolute_uri(article.get_absolute_url()))],
            "confirm_url": request.build_absolute_uri("/newsletter/confirm/…/"),
            "manage_url": request.build_absolute_uri("/newsletter/manage/…/"),
            "unsubscribe_url": request.build_absolute_uri("/newsletter/unsubscribe/…/"),
            "days": 7,
        }
        subjects = {
            "Confirmation": confirmation_subject(site_name),
            "New article": article.title,
            "Weekly digest": digest_subject(site_name, [article]),
        }
        previews = [
            {
                "name": name,
                "subject": subjects[name],
                "text": render_to_string(f"{template}.txt", context),
                "html": render_to_string(f"{template}.html", {**context, "subject": subjects[name]}),
            }
            for name, template in PREVIEWS
        ]
        return TemplateResponse(
            request,
            "admin/newsletter/previews.html",
            {**self.admin_site.each_context(request), "title": "Newsletter emails", "previews": previews,
             "opts": self.model._meta},
        )  # fmt: skip

    @admin.action(description="Export the selected subscribers (CSV)", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{timezone.localdate()}.csv"'
        writer = csv.writer(response)
        writer.writerow(["email", "status", "frequency", "subscribed at", "confirmed at", "unsubscribed at"])
        for subscriber in queryset.order_by("created_at"):
            writer.writerow(
                [
                    subscriber.email,
                    subscriber.status,
                    subscriber.frequency,
                    *(moment.isoformat() if moment else "" for moment in (
                        subscriber.created_at, subscriber.confirmed_at, subscriber.unsubscribed_at
                    )),
                ]
            )  # fmt: skip
        return response

    @admin.action(description="Unsubscribe the selected subscribers", permissions=["change"])
    def unsubscribe(self, request, queryset):
        stopped = [subscriber_unsubscribe(subscriber=subscriber) for subscriber in queryset]
        self.message_user(request, f"Unsubscribed {len(stopped)} subscriber(s).", messages.SUCCESS)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Each article told to subscribers, with how many emails went, wait and failed."""

    list_display = ["article", "status", "reason", "created_at", "delivered", "waiting", "failed"]
    list_filter = ["status"]
    search_fields = ["article__title"]
    list_select_related = ["article"]
    fields = ["article", "status", "reason", "created_at", "finished_at", "delivered", "waiting", "failed"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # The record that an article went out, and to whom, is never deleted on its own (the article would be
    # announced again); it goes with its article, whose deletion the role's delete permission allows.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})

    def get_queryset(self, request):
        counted = {
            name: Count("deliveries", filter=Q(deliveries__email__status__in=statuses))
            for name, statuses in {
                "delivered_count": [Email.Status.SENT],
                "waiting_count": [Email.Status.PENDING, Email.Status.SENDING],
                "failed_count": [Email.Status.FAILED],
            }.items()
        }
        return super().get_queryset(request).annotate(**counted)

    @admin.display(description="delivered", ordering="delivered_count")
    def delivered(self, announcement):
        return announcement.delivered_count

    @admin.display(description="waiting", ordering="waiting_count")
    def waiting(self, announcement):
        return announcement.waiting_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, announcement):
        if not announcement.failed_count:
            return 0
        url = reverse("admin:outbox_email_changelist") + "?status__exact=failed&kind=New+article"
        return format_html('<a href="{}">{}</a>', url, announcement.failed_count)


@admin.register(NewsletterSettings)
class NewsletterSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        (None, {"fields": ["paused", "quiet_categories"]}),
        ("Weekly digest", {"fields": ["digest_weekday", "digest_hour"]}),
    ]
    filter_horizontal = ["quiet_categories"]
