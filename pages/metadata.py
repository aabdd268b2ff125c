"""What a page tells search engines and social networks (see clinic/metadata.py)."""

from django.urls import reverse

from clinic.metadata import (
    PageMeta,
    SocialImage,
    breadcrumbs,
    clinic_organization,
    graph,
    image_object,
    ref,
    short_description,
    site_feeds,
    site_image,
    social_tags,
    website,
)
from clinic.models import clinic_settings
from core.links import absolute_url

from .models import Page

SCHEMA_TYPES = {Page.Template.CONTACT: "ContactPage", Page.Template.TEAM: "AboutPage"}


def page_image(request, page):
    if not page.featured_image:
        return site_image(request)
    return SocialImage(
        url=absolute_url(page.featured_image.url, request),
        width=page.featured_image_width,
        height=page.featured_image_height,
        alt=page.featured_image_alt,
        card="summary_large_image",
    )


def page_meta(request, page, ancestors, *, is_home=False):
    """`ancestors`: (title, address) of the pages above `page`, from the top."""
    url = absolute_url(reverse("home") if is_home else page.get_absolute_url(), request)
    site_name = clinic_settings(request).name
    title = page.meta_title
    description = page.seo_description or short_description(page.body_text) or f"{page.title} — {site_name}."
    image = page_image(request, page)
    og, twitter = social_tags(request, title=title, description=description, url=url, og_type="website", image=image)
    site, clinic = website(request), clinic_organization(request)
    # The home page is the first crumb already (breadcrumbs starts there).
    above = [(title, address) for title, address in ancestors if address != reverse("home")]
    trail = [] if is_home else [*above, (page.title, page.get_absolute_url())]
    crumbs = breadcrumbs(request, url, *trail)
    node = {
        "@type": SCHEMA_TYPES.get(page.template, "WebPage"),
        "@id": url + "#webpage",
        "url": url,
        "name": title,
        "description": description,
        "inLanguage": "en",
        "isPartOf": ref(site),
        "about": ref(clinic),
        "breadcrumb": ref(crumbs),
        "datePublished": page.published_at.isoformat(),
        "dateModified": page.updated_at.isoformat(),
    }
    if page.featured_image:
        node["primaryImageOfPage"] = image_object(image)
    if page.template == Page.Template.CONTACT:
        node["mainEntity"] = ref(clinic)
    return PageMeta(
        title=title if title == site_name else f"{title} — {site_name}",
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=graph(site, clinic, node, crumbs),
        feeds=site_feeds(request),
    )
