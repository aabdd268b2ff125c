from django import template
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

from ..models import Category, Comment

register = template.Library()


@register.simple_tag
def nav_categories():
    """Categories that have at least one published article, for the main navigation."""
    return Category.objects.with_published_articles()


@register.filter(needs_autoescape=True)
def comment_html(text, autoescape=True):
    """A commenter's plain text as HTML: escaped, paragraphs and line breaks kept, addresses made links."""
    linked = urlize(text, nofollow=True, autoescape=autoescape)
    # urlize escapes everything else, so a commenter's own text can never contain this attribute.
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308


@register.filter
def thoughts_heading(count):
    return "One thought" if count == 1 else f"{count} thoughts"


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
