"""Everything a page tells search engines and social networks, built in one place per page type.

Views put a `PageMeta` in the context as `meta`; `templates/includes/meta.html` is the only template that turns
it into tags (title, description, canonical, OpenGraph, Twitter/X card, feeds, JSON-LD).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

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
    return [
        {"title": f"{settings.SITE_NAME} (RSS)", "type": RSS, "url": absolute_url(reverse("blog:feed-rss"), request)},
        {
            "title": f"{settings.SITE_NAME} (Atom)",
            "type": ATOM,
            "url": absolute_url(reverse("blog:feed-atom"), request),
        },
    ]


def publisher(request):
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute_url(reverse("blog:article-list"), request),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static("img/logo.png"), request),
            "width": 512,
            "height": 512,
        },
    }


def breadcrumbs(request, *trail):
    """A BreadcrumbList from (name, path) pairs, starting at the home page."""
    items = [(settings.SITE_NAME, reverse("blog:article-list")), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path, request)}
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


def _basic_social_tags(*, title, description, url, og_type):
    og = [
        ("og:site_name", settings.SITE_NAME),
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
    if page_obj is not None and page_obj.number > 1:
        title = f"{title}, page {page_obj.number}"
    full_title = title if title == settings.SITE_NAME else f"{title} — {settings.SITE_NAME}"
    og, twitter = _basic_social_tags(title=title, description=description, url=url, og_type="website")
    twitter.insert(0, ("twitter:card", "summary"))
    json_ld = [breadcrumbs(request, *trail)] if trail else []
    if path == reverse("blog:article-list"):
        json_ld.append(
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": settings.SITE_NAME,
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
    og, twitter = _basic_social_tags(title=title, description=description, url=url, og_type="article")
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
        "publisher": publisher(request),
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

    feeds = []
    if article.category:
        feeds = category_feeds(request, article.category)
    return PageMeta(
        title=article.seo_title or f"{article.title} — {settings.SITE_NAME}",
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=[posting, breadcrumbs(request, *trail)],
        feeds=feeds + site_feeds(request),
    )


def category_feeds(request, category):
    return [
        {
            "title": f"{category.name} — {settings.SITE_NAME} (RSS)",
            "type": RSS,
            "url": absolute_url(reverse("blog:category-feed-rss", kwargs={"slug": category.slug}), request),
        },
        {
            "title": f"{category.name} — {settings.SITE_NAME} (Atom)",
            "type": ATOM,
            "url": absolute_url(reverse("blog:category-feed-atom", kwargs={"slug": category.slug}), request),
        },
    ]
