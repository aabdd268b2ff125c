from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from blog.models import AuthorProfile, Category
from clinic.theme import DEFAULT_BRAND_COLOR, csp_hash, theme_css

register = template.Library()


@register.simple_tag(takes_context=True)
def theme_style(context):
    """The clinic's colours as an inline <style>, allowed by its hash in the page's Content-Security-Policy.

    Inline, because a second stylesheet request would delay the first paint on phones; its content is
    computed from a validated #rrggbb colour only, never from free text.
    """
    clinic = context.get("clinic")
    css = theme_css(clinic.brand_color if clinic else DEFAULT_BRAND_COLOR)
    request = context.get("request")
    if request is not None:
        request.csp_style_hashes = {*getattr(request, "csp_style_hashes", ()), csp_hash(css)}
    return mark_safe(f"<style>{css}</style>")  # noqa: S308 (made of validated hex colours)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool = False


@register.inclusion_tag("includes/site_menu.html", takes_context=True)
def site_menu(context):
    """The main navigation: the articles, then each category that has a published article.

    The item for the page being read is marked current (`aria-current`), whichever page of it this is.
    """
    request = context.get("request")
    path = request.path if request is not None else ""
    links = [("Articles", reverse("blog:article-list"))]
    links += [(category.name, category.get_absolute_url()) for category in Category.objects.with_published_articles()]
    return {"items": [MenuItem(label, url, current=url == path) for label, url in links]}


@register.simple_tag
def team_profiles():
    """The clinic's people for a team page: every author profile, by name (a profile changes every page)."""
    return list(AuthorProfile.objects.order_by("display_name"))
