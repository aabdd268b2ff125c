"""Everything a page tells search engines and social networks, built in one place per page type.

Views put a `PageMeta` in the context as `meta`; `templates/includes/meta.html` is the only template that turns
it into tags (title, description, canonical, OpenGraph, Twitter/X card, feeds, JSON-LD).
"""

from dataclasses import dataclass, field

from django.templatetags.static import static
from django.urls import reverse

from clinic.models import clinic_settings

from .links import absolute_url

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@dataclass
class PageMeta:
    title: str
    description: str
    canonical_url: str
    og: list = field(default_factory=list)
    twitter: list = field(default_factory=list)
    json_ld: list = field(default_factory=list)
    feeds: list = field(default_factory=list)
    robots: str = ""


def site_feeds(request):
    name = clinic_settings(request).name
    return [
        {"title": f"{name} (RSS)", "type": RSS, "url": absolute_url(reverse("blog:feed-rss"), request)},
        {"title": f"{name} (Atom)", "type": ATOM, "url": absolute_url(reverse("blog:feed-atom"), request)},
    ]


def clinic_organization(request):
    """The clinic as schema.org sees it: a MedicalClinic with its logo, contact details and profiles."""
    clinic = clinic_settings(request)
    home = absolute_url(reverse("blog:article-list"), request)
    logo = clinic.logo.url if clinic.logo else static("img/logo.png")
    organization = {
        "@type": "MedicalClinic",
        "@id": home + "#clinic",
        "name": clinic.name,
        "url": home,
        "logo": {"@type": "ImageObject", "url": absolute_url(logo, request)},
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
    if clinic.opening_hours_lines:
        organization["openingHours"] = clinic.opening_hours_lines
    if clinic.social_links:
        organization["sameAs"] = [url for _, url in clinic.social_links]
    if clinic.appointment_url:
        organization["potentialAction"] = {"@type": "ReserveAction", "target": clinic.appointment_url}
    return organization


def breadcrumbs(request, *trail):
    """A BreadcrumbList from (name, path) pairs, starting at the home page."""
    items = [(clinic_settings(request).name, reverse("blog:article-list")), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path, request)}
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


def _basic_social_tags(request, *, title, description, url, og_type):
    og = [
        ("og:site_name", clinic_settings(request).name),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:type", og_type),
        ("og:locale", "en_US"),
    ]
    twitter = [("twitter:title", title), ("twitter:description", description)]
    return og, twitter


def _page_suffix(page_obj):
    return f"?page={page_obj.number}" if page_obj is not None and page_obj.number > 1 else ""


def listing_meta(request, *, title, description, path, page_obj=None, trail=(), feeds=None, robots=""):
    """Metadata of a list of articles: home, archives, author and search pages."""
    url = absolute_url(path, request) + _page_suffix(page_obj)
    site_name = clinic_settings(request).name
    if page_obj is not None and page_obj.number > 1:
        title = f"{title}, page {page_obj.number}"
    full_title = title if title == site_name else f"{title} — {site_name}"
    og, twitter = _basic_social_tags(request, title=title, description=description, url=url, og_type="website")
    twitter.insert(0, ("twitter:card", "summary"))
    json_ld = [breadcrumbs(request, *trail)] if trail else []
    if path == reverse("blog:article-list"):
        json_ld.append({"@context": "https://schema.org", **clinic_organization(request)})
        json_ld.append(
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": site_name,
                "url": url,
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": absolute_url(reverse("blog:search"), request) + "?q={search_term_string}",
                    "query-input": "required name=search_term_string",
                },
            }
        )
    return PageMeta(
        title=full_title,
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=json_ld,
        feeds=(feeds or []) + site_feeds(request),
        robots=robots,
    )


def article_meta(request, article):
    url = absolute_url(article.get_absolute_url(), request)
    title = article.meta_title
    description = article.meta_description
    og, twitter = _basic_social_tags(request, title=title, description=description, url=url, og_type="article")
    twitter.insert(0, ("twitter:card", "summary_large_image" if article.featured_image else "summary"))
    image_url = absolute_url(article.featured_image.url, request) if article.featured_image else ""
    if image_url:
        og += [
            ("og:image", image_url),
            ("og:image:width", str(article.featured_image_width)),
            ("og:image:height", str(article.featured_image_height)),
            ("og:image:alt", article.featured_image_alt),
        ]
        twitter += [("twitter:image", image_url), ("twitter:image:alt", article.featured_image_alt)]
    og += [
        ("article:published_time", article.published_at.isoformat()),
        ("article:modified_time", article.updated_at.isoformat()),
    ]
    if article.category:
        og.append(("article:section", article.category.name))
    tags = [tag.name for tag in article.tags.all()]
    og += [("article:tag", tag) for tag in tags]

    author = {"@type": "Person", "name": article.author_name}
    if article.author_url:
        author["url"] = absolute_url(article.author_url, request)
    posting = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "description": description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": author,
        "publisher": clinic_organization(request),
        "wordCount": len(article.body_text.split()),
        "inLanguage": "en",
    }
    if image_url:
        posting["image"] = {
            "@type": "ImageObject",
            "url": image_url,
            "width": article.featured_image_width,
            "height": article.featured_image_height,
        }
    if article.category:
        posting["articleSection"] = article.category.name
    if tags:
        posting["keywords"] = ", ".join(tags)
    trail = [(article.category.name, article.category.get_absolute_url())] if article.category else []
    trail.append((article.title, article.get_absolute_url()))

    json_ld = [posting, breadcrumbs(request, *trail)]
    medical_page = medical_web_page(request, article, url)
    if medical_page:
        json_ld.insert(1, medical_page)
    feeds = []
    if article.category:
        feeds = category_feeds(request, article.category)
    return PageMeta(
        title=article.seo_title or f"{article.title} — {clinic_settings(request).name}",
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=json_ld,
        feeds=feeds + site_feeds(request),
    )


def medical_web_page(request, article, url):
    """A MedicalWebPage saying who reviewed the article, when, and which sources it cites; None if neither."""
    references = list(article.references.all())
    reviewer = article.medical_reviewer
    if not (references or (reviewer and article.last_reviewed_at)):
        return None
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": article.title,
        "mainEntity": {"@id": url},
        "publisher": {"@id": absolute_url(reverse("blog:article-list"), request) + "#clinic"},
    }
    if reviewer and article.last_reviewed_at:
        page["reviewedBy"] = {
            "@type": "Person",
            "name": reviewer.name_with_credentials,
            "url": absolute_url(reviewer.get_absolute_url(), request),
        }
        if reviewer.job_title:
            page["reviewedBy"]["jobTitle"] = reviewer.job_title
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
