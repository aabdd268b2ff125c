from django import template
from django.db.models import Exists, OuterRef
from django.utils.safestring import mark_safe

from blog.models import Article, AuthorProfile, Category
from blog.signals import CATEGORIES, LISTINGS
from clinic.models import clinic_settings
from clinic.theme import DEFAULT_BRAND_COLOR, csp_hash, theme_css, theme_properties
from core.pagecache import depends_on, remember
from menus.models import Menu
from menus.navigation import MENUS, MenuEntry, menu_entries
from pages.models import Page
from pages.signals import PAGES, page_key

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


@register.simple_tag
def email_theme():
    """The clinic's name and colours for an HTML email (templates/email/base.html): the site's light theme."""
    clinic = clinic_settings()
    colors = theme_properties(clinic.brand_color)["light"]
    return {"name": clinic.name, **{name.replace("-", "_"): value for name, value in colors.items()}}


@register.inclusion_tag("includes/site_menu.html", takes_context=True)
def site_menu(context):
    """The main navigation: the header menu (Menus in the admin), or while it is empty the articles and each
    category that has a published article.

    The item for the page being read is marked current (`aria-current`), whichever page of it this is.
    """
    request = context.get("request")
    path = request.path if request is not None else ""
    clinic = clinic_settings(request)
    if request is not None:
        depends_on(request, MENUS)
    entries = menu_entries(Menu.Location.HEADER, clinic)
    if not entries:
        if request is not None:
            depends_on(request, CATEGORIES)
        categories = remember("menus.categories", _category_entries, depends_on=[MENUS, CATEGORIES])
        entries = [MenuEntry("Articles", clinic.articles_path), *categories]
    return {"items": [entry.at(path) for entry in entries]}


def _category_entries():
    return [
        MenuEntry(category.name, category.get_absolute_url()) for category in Category.objects.with_published_articles()
    ]


@register.inclusion_tag("includes/footer_menu.html", takes_context=True)
def footer_menu(context):
    """The footer menu (Menus in the admin): the privacy policy and other pages every page links to."""
    request = context.get("request")
    if request is not None:
        depends_on(request, MENUS)
    return {"items": menu_entries(Menu.Location.FOOTER, clinic_settings(request))}


@register.simple_tag
def team_profiles():
    """The clinic's people for a team page: every author profile, by name (a profile changes every page)."""
    return list(AuthorProfile.objects.order_by("display_name"))


@register.simple_tag(takes_context=True)
def privacy_policy_url(context):
    """The address of the privacy policy page of Clinic settings while it is published, else ""."""
    clinic = context.get("clinic")
    if clinic is None or clinic.privacy_page_id is None:
        return ""
    request = context.get("request")
    if request is not None:
        depends_on(request, page_key(clinic.privacy_page_id))
    page = Page.objects.published().filter(pk=clinic.privacy_page_id).only("path").first()
    return page.get_absolute_url() if page is not None else ""


@register.simple_tag(takes_context=True)
def landing_cards(context, page):
    """The published pages under a landing page's `cards_from` page, in their order, for its cards."""
    if page.cards_from_id is None:
        return []
    cards = list(Page.objects.published().filter(parent_id=page.cards_from_id).order_by("order", "title"))
    request = context.get("request")
    if request is not None:
        depends_on(request, PAGES, *(page_key(card.pk) for card in cards))
    return cards


@register.simple_tag(takes_context=True)
def latest_articles(context, count):
    """The `count` newest published articles, for a landing page."""
    request = context.get("request")
    if request is not None:
        depends_on(request, LISTINGS)
    return list(Article.objects.published().for_listing()[:count])


@register.simple_tag
def medical_reviewers():
    """The clinicians who reviewed a published article (profiles change every page when they change)."""
    reviewed = Article.objects.published().filter(medical_reviewer=OuterRef("pk"))
    return list(AuthorProfile.objects.filter(Exists(reviewed)).order_by("display_name"))


@register.simple_tag(takes_context=True)
def page_address(context, page):
    """Where readers find `page` (the site's own address for the home page)."""
    return clinic_settings(context.get("request")).page_address(page)


@register.simple_tag(takes_context=True)
def matching_pages(context, query, limit=5):
    """Up to `limit` published pages that match `query`: shown, labelled, above the articles a search finds."""
    request = context.get("request")
    if request is not None:
        depends_on(request, PAGES)
    return list(Page.objects.published().matching(query)[:limit])


# The admin apps of accounts and logins, listed under "Security" below the content on the dashboard.
SECURITY_APPS = {"auth", "axes", "otp_totp", "otp_static", "two_factor"}


@register.filter
def work_apps(app_list):
    return [app for app in app_list if app["app_label"] not in SECURITY_APPS]


@register.filter
def security_apps(app_list):
    return [app for app in app_list if app["app_label"] in SECURITY_APPS]
