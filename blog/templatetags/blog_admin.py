"""Template tags of the admin's pages (the dashboard, the header's moderation count)."""

from django import template

from ..models import Article, Comment

register = template.Library()


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()


@register.simple_tag(takes_context=True)
def overdue_reviews(context, limit=10):
    """Articles overdue for medical review that the current admin user may see, most overdue first."""
    articles = Article.objects.review_overdue().order_by("next_review_at")
    user = context["request"].user
    if not user.has_perm("blog.edit_others_articles"):
        articles = articles.filter(author=user)
    return articles[:limit]
