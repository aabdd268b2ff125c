"""Template tags of the admin's pages (the dashboard of work in progress, the header's moderation count)."""

import datetime

from django import template
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from ..admin import QuickDraftForm, can_edit_others, can_review
from ..models import Article, Comment

register = template.Library()

# How far ahead the dashboard lists medical reviews coming due.
REVIEWS_AHEAD = datetime.timedelta(days=30)


def _articles_for(user):
    """The articles `user` may see in the admin, out of the Trash: every one for editors, their own for the others."""
    articles = Article.objects.out_of_trash().select_related("author__profile")
    return articles if can_edit_others(user) else articles.filter(author=user)


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()


@register.simple_tag(takes_context=True)
def overdue_reviews(context, limit=10):
    """Articles overdue for medical review that the current admin user may see, most overdue first."""
    return _articles_for(context["request"].user).review_overdue().order_by("next_review_at")[:limit]


@register.simple_tag(takes_context=True)
def upcoming_reviews(context, limit=10):
    """Articles whose medical review falls due in the coming 30 days, soonest first."""
    today = timezone.localdate()
    articles = _articles_for(context["request"].user)
    return articles.filter(next_review_at__gte=today, next_review_at__lte=today + REVIEWS_AHEAD).order_by(
        "next_review_at"
    )[:limit]


@register.simple_tag(takes_context=True)
def my_drafts(context, limit=5):
    """The current person's drafts, the last edited first."""
    user = context["request"].user
    drafts = Article.objects.out_of_trash().filter(author=user, status=Article.Status.DRAFT)
    return drafts.order_by("-updated_at")[:limit]


@register.simple_tag(takes_context=True)
def review_queue(context, limit=10):
    """Articles waiting for review, the longest waiting first: every one for those who publish others' articles;
    for the others, their own and those they are the medical reviewer of."""
    user = context["request"].user
    articles = Article.objects.out_of_trash().filter(status=Article.Status.REVIEW).select_related("author__profile")
    if not can_review(user):
        articles = articles.filter(Q(author=user) | Q(medical_reviewer__user=user))
    return articles.order_by("submitted_at")[:limit]


@register.simple_tag(takes_context=True)
def scheduled_articles(context, limit=10):
    """Articles set to go live later, the soonest first."""
    return _articles_for(context["request"].user).scheduled().order_by("published_at")[:limit]


@register.simple_tag(takes_context=True)
def latest_comments(context, limit=5):
    """The newest comments readers see or may see (no spam, no trash) as (comment, its cell of the comment list:
    status, text and, for those who moderate, the one-click buttons)."""
    request = context["request"]
    comment_admin = admin.site.get_model_admin(Comment)
    moderatable = comment_admin.has_moderate_permission(request)
    comments = Comment.objects.filter(status__in=[Comment.Status.PENDING, Comment.Status.APPROVED])
    rows = []
    for comment in comments.select_related("article", "parent", "user").order_by("-created_at")[:limit]:
        comment.moderatable = moderatable
        rows.append((comment, comment_admin.comment_column(comment)))
    return rows


@register.simple_tag(takes_context=True)
def quick_draft_form(context):
    """The quick draft's form: as sent, when it was refused, else empty."""
    return context.get("quick_draft_form") or QuickDraftForm()
