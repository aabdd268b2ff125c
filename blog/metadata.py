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

from clinic.models import clinic_settings

from .links import absolute_url
from .models import META_DESCRIPTION_LENGTH

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
DEFAULT_LOGO = "img/logo.png"
DEFAULT_LOGO_SIZE = (512, 512)
# Words written before a name that schema.org wants in honorificPrefix rather than in the name.
HONORIFICS = {"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"}


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
    return absolute_url(reverse("blog:article-list"), request)


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


def clinic_organization(request):
    """The clinic as schema.org sees it: a MedicalClinic with its logo, contact details, hours and profiles."""
    clinic = clinic_settings(request)
    home = _home_url(request)
    organization = {
        "@type": "MedicalClinic",
        "@id": home + "#clinic",
        "name": clinic.name,
        "url": home,
        "logo": _image_object(logo_image(request)),
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


def _image_object(image):
    node = {"@type": "ImageObject", "url": image.url}
    if image.width and image.height:
        node.update(width=image.width, height=image.height)
    return node


def person_name(display_name, credentials=""):
    """(honorificPrefix, name, honorificSuffix) of "Dr. Emily Harper" and "MD": ("Dr.", "Emily Harper", "MD").

    Degrees written after a comma in the display name ("Emily Harper, MD") count as credentials too.
    """
    name, _, written_after = display_name.partition(",")
    words = name.split()
    prefix = []
    while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
        prefix.append(words.pop(0))
    return " ".join(prefix), " ".join(words), credentials.strip() or written_after.strip()


def person(request, profile):
    """A staff member's Person node, with the same `@id` on every page (their author page's address)."""
    page = absolute_url(profile.get_absolute_url(), request)
    prefix, name, suffix = person_name(profile.display_name, profile.credentials)
    node = {"@type": "Person", "@id": page + "#person", "name": name, "url": page}
    if prefix:
        node["honorificPrefix"] = prefix
    if suffix:
        node["honorificSuffix"] = suffix
    if profile.job_title:
        node["jobTitle"] = profile.job_title
    if profile.photo:
        node["image"] = absolute_url(profile.photo.url, request)
    node["worksFor"] = {"@id": _home_url(request) + "#clinic"}
    return node


def breadcrumbs(request, page_url, *trail):
    """A BreadcrumbList from (name, path) pairs, starting at the home page."""
    items = [(clinic_settings(request).name, reverse("blog:article-list")), *trail]
    return {
        "@type": "BreadcrumbList",
        "@id": page_url + "#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path, request)}
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


def _social_tags(request, *, title, description, url, og_type, image):
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
    og, twitter = _social_tags(
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


def article_image(request, article):
    if not article.featured_image:
        return site_image(request)
    return SocialImage(
        url=absolute_url(article.featured_image.url, request),
        width=article.featured_image_width,
        height=article.featured_image_height,
        alt=article.featured_image_alt,
        card="summary_large_image",
    )


def article_meta(request, article):
    url = absolute_url(article.get_absolute_url(), request)
    title = article.meta_title
    description = article.meta_description
    image = article_image(request, article)
    og, twitter = _social_tags(request, title=title, description=description, url=url, og_type="article", image=image)
    og += [
        ("article:published_time", article.published_at.isoformat()),
        ("article:modified_time", article.updated_at.isoformat()),
    ]
    if article.category:
        og.append(("article:section", article.category.name))
    tags = [tag.name for tag in article.tags.all()]
    og += [("article:tag", tag) for tag in tags]

    site, clinic = website(request), clinic_organization(request)
    if article.author_profile is not None:
        author = person(request, article.author_profile)
    else:
        author = {"@type": "Person", "@id": url + "#author", "name": article.author_name}
    trail = [(article.category.name, article.category.get_absolute_url())] if article.category else []
    trail.append((article.title, article.get_absolute_url()))
    crumbs = breadcrumbs(request, url, *trail)
    reviewer = None
    if article.medical_reviewer and article.last_reviewed_at:
        reviewer = person(request, article.medical_reviewer)
    page = web_page(request, article, url, reviewer=reviewer)
    posting = {
        "@type": "BlogPosting",
        "@id": url + "#article",
        "headline": article.title,
        "description": description,
        "url": url,
        "mainEntityOfPage": ref(page),
        "isPartOf": ref(site),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": ref(author),
        "publisher": ref(clinic),
        "wordCount": len(article.body_text.split()),
        "inLanguage": "en",
    }
    if article.featured_image:
        posting["image"] = _image_object(image)
    if article.category:
        posting["articleSection"] = article.category.name
    if tags:
        posting["keywords"] = ", ".join(tags)
    page.update(isPartOf=ref(site), breadcrumb=ref(crumbs), mainEntity=ref(posting), publisher=ref(clinic))
    feeds = []
    if article.category:
        feeds = category_feeds(request, article.category)
    return PageMeta(
        title=article.seo_title or f"{article.title} — {clinic_settings(request).name}",
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=graph(site, clinic, page, posting, author, reviewer, crumbs),
        feeds=feeds + site_feeds(request),
    )


def web_page(request, article, url, *, reviewer=None):
    """The article's page: a MedicalWebPage saying who reviewed it (`reviewer`, a Person node), when, and what
    it cites; a plain WebPage when it has neither."""
    references = list(article.references.all())
    page = {
        "@type": "MedicalWebPage" if references or reviewer else "WebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": article.meta_title,
        "description": article.meta_description,
        "inLanguage": "en",
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
    }
    if reviewer:
        page["reviewedBy"] = ref(reviewer)
        page["lastReviewed"] = article.last_reviewed_at.isoformat()
    if references:
        page["citation"] = [_citation(reference) for reference in references]
    return page


def _citation(reference):
    citation = {"@type": "ScholarlyArticle", "name": reference.title, "author": reference.authors}
    if reference.journal:
        citation["isPartOf"] = {"@type": "Periodical", "name": reference.journal}
    if reference.year:
        citation["datePublished"] = str(reference.year)
    if reference.link:
        citation["url"] = reference.link
    identifiers = []
    if reference.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": reference.doi})
    if reference.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": reference.pmid})
    if identifiers:
        citation["identifier"] = identifiers
    return citation


def category_feeds(request, category):
    site_name = clinic_settings(request).name
    return [
        {
            "title": f"{category.name} — {site_name} (RSS)",
            "type": RSS,
            "url": absolute_url(reverse("blog:category-feed-rss", kwargs={"slug": category.slug}), request),
        },
        {
            "title": f"{category.name} — {site_name} (Atom)",
            "type": ATOM,
            "url": absolute_url(reverse("blog:category-feed-atom", kwargs={"slug": category.slug}), request),
        },
    ]
