from django import template

from ..models import Category

register = template.Library()


@register.simple_tag
def nav_categories():
    """Categories that have at least one published article, for the main navigation."""
    return Category.objects.with_published_articles()
