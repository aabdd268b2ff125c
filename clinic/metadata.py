"""Everything a page tells search engines and social networks, built in one place per page type.

Views put a `PageMeta` in the context as `meta`; `templates/includes/meta.html` is the only template that turns
it into tags (title, description, canonical, OpenGraph, Twitter/X card, feeds, JSON-LD).

The JSON-LD of a page is one `@graph`: the WebSite, the clinic, the page, what the page is about (the
BlogPosting, or the author on an author page), the people and the breadcrumbs, each with an `@id`, pointing at
each other by `{"@id": ...}`, so that a reviewer or a citation belongs to the article and not to nothing.
"""

from dataclasses import dataclass, field

from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator

from core.links import absolute_url

from .models import clinic_settings

META_DESCRIPTION_LENGTH = 160
RSS = "application/rss+xml"
ATOM = "application/atom+xml"
DEFAULT_LOGO = "img/logo.png"
DEFAULT_LOGO_SIZE = (512, 512)


@dataclass
class PageMeta:
    title: str
    description: str
    canonical_url: str
    og: list = field(default_factory=list)
    twitter: list = field(default_factory=list)
    json_ld: dict = field(default_factory=dict)
    feeds: list = field(default_factory=list)
    robots: str = ""


@dataclass
class SocialImage:
    url: str
    width: int | None
    height: int | None
    alt: str
    card: str


def site_feeds(request):
    name = clinic_settings(request).name
    return [
        {"title": f"{name} (RSS)", "type": RSS, "url": absolute_url(reverse("blog:feed-rss"), request)},
        {"title": f"{name} (Atom)", "type": ATOM, "url": absolute_url(reverse("blog:feed-atom"), request)},
    ]


def _home_url(request):
    return absolute_url(reverse("home"), request)


def ref(node):
    return {"@id": node["@id"]}


def graph(*nodes):
    """One JSON-LD document of `nodes`, each `@id` once (the first node given with it wins)."""
    unique = {}
    for node in nodes:
        if node:
            unique.setdefault(node["@id"], node)
    return {"@context": "https://schema.org", "@graph": list(unique.values())}


def logo_image(request):
    clinic = clinic_settings(request)
    if clinic.logo:
        url, width, height = clinic.logo.url, clinic.logo_width, clinic.logo_height
    else:
        url, (width, height) = static(DEFAULT_LOGO), DEFAULT_LOGO_SIZE
    return SocialImage(absolute_url(url, request), width, height, alt=f"Logo of {clinic.name}", card="summary")


def site_image(request):
    """The picture shared for pages without their own: the share image, else the logo (on a small card)."""
    clinic = clinic_settings(request)
    if not clinic.share_image:
        return logo_image(request)
    return SocialImage(
        url=absolute_url(clinic.share_image.url, request),
        width=clinic.share_image_width,
        height=clinic.share_image_height,
        alt=clinic.share_image_alt or clinic.name,
        card="summary_large_image",
    )


def clinic_ref(request):
    """A reference to the clinic's node (see `clinic_organization`), for nodes that belong to it."""
    return {"@id": _home_url(request) + "#clinic"}


def clinic_organization(request):
    """The clinic as schema.org sees it: a MedicalClinic with its logo, contact details, hours and profiles."""
    clinic = clinic_settings(request)
    home = _home_url(request)
    organization = {
        "@type": "MedicalClinic",
        "@id": clinic_ref(request)["@id"],
        "name": clinic.name,
        "url": home,
        "logo": image_object(logo_image(request)),
    }
    if clinic.phone:
        organization["telephone"] = clinic.phone
    if clinic.email:
        organization["email"] = clinic.email
    if clinic.street_address or clinic.city:
        organization["address"] = {
            "@type": "PostalAddress",
            "streetAddress": clinic.street_address,
            "postalCode": clinic.postal_code,
            "addressLocality": clinic.city,
            "addressRegion": clinic.region,
            "addressCountry": clinic.country,
        }
    if clinic.opening_hours_schema:
        organization["openingHours"] = clinic.opening_hours_schema
    if clinic.social_links:
        organization["sameAs"] = [url for _, url in clinic.social_links]
    if clinic.appointment_url:
        organization["potentialAction"] = {"@type": "ReserveAction", "target": clinic.appointment_url}
    return organization


def website(request):
    home = _home_url(request)
    return {
        "@type": "WebSite",
        "@id": home + "#website",
        "url": home,
        "name": clinic_settings(request).name,
        "inLanguage": "en",
        "publisher": {"@id": home + "#clinic"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute_url(reverse("blog:search"), request) + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


def image_object(image):
    node = {"@type": "ImageObject", "url": image.url}
    if image.width and image.height:
        node.update(width=image.width, height=image.height)
    return node


def breadcrumbs(request, page_url, *trail):
    """A BreadcrumbList from (name, path) pairs, starting at the home page."""
    items = [(clinic_settings(request).name, reverse("home")), *trail]
    return {
        "@type": "BreadcrumbList",
        "@id": page_url + "#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path, request)}
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


def social_tags(request, *, title, description, url, og_type, image):
    og = [
        ("og:site_name", clinic_settings(request).name),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:type", og_type),
        ("og:locale", "en_US"),
        ("og:image", image.url),
    ]
    if image.width and image.height:
        og += [("og:image:width", str(image.width)), ("og:image:height", str(image.height))]
    og.append(("og:image:alt", image.alt))
    twitter = [
        ("twitter:card", image.card),
        ("twitter:title", title),
        ("twitter:description", description),
        ("twitter:image", image.url),
        ("twitter:image:alt", image.alt),
    ]
    return og, twitter


def _page_suffix(page_obj):
    return f"?page={page_obj.number}" if page_obj is not None and page_obj.number > 1 else ""


def short_description(text):
    """`text` cut at a word to fit a meta description."""
    return Truncator(" ".join(text.split())).chars(META_DESCRIPTION_LENGTH)


def listing_meta(
    request,
    *,
    title,
    description,
    path,
    page_obj=None,
    trail=(),
    feeds=None,
    robots="",
    page_type="CollectionPage",
    main_entity=None,
):
    """Metadata of a list of articles: home, archives, author and search pages.

    `main_entity` is the node the page is about (the author's Person on an author page).
    """
    url = absolute_url(path, request) + _page_suffix(page_obj)
    site_name = clinic_settings(request).name
    if page_obj is not None and page_obj.number > 1:
        title = f"{title}, page {page_obj.number}"
    full_title = title if title == site_name else f"{title} — {site_name}"
    description = short_description(description) or f"Articles from {site_name}."
    og, twitter = social_tags(
        request, title=title, description=description, url=url, og_type="website", image=site_image(request)
    )
    site, clinic = website(request), clinic_organization(request)
    crumbs = breadcrumbs(request, url, *trail) if trail else None
    page = {
        "@type": page_type,
        "@id": url + "#webpage",
        "url": url,
        "name": full_title,
        "description": description,
        "inLanguage": "en",
        "isPartOf": ref(site),
        "about": ref(clinic),
    }
    if crumbs:
        page["breadcrumb"] = ref(crumbs)
    if main_entity:
        page["mainEntity"] = ref(main_entity)
    return PageMeta(
        title=full_title,
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=graph(site, clinic, page, main_entity, crumbs),
        feeds=(feeds or []) + site_feeds(request),
        robots=robots,
    )
