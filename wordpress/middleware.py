"""The old WordPress site's addresses, answered with one permanent redirect where nothing else answers them.

WordPress's shapes, and where each goes now:
- `/<slug>/`, `/YYYY/MM/<slug>/`, `/YYYY/MM/DD/<slug>/` (its permalink settings), and a renamed article's
  old slugs (`ArticleRedirect`), also under /blog/: the article;
- `/<slug>/feed/` (an article's comment feed): the article;
- `/page/N/`, `/category/<slug>/page/N/`, `/tag/<slug>/page/N/`, `/author/<slug>/page/N/`: that page of the list;
- `/feed/rss2/`, `/feed/rss/`, `/feed/rdf/`, `/?feed=rss2`: the feed; `/feed/atom/` and `/?feed=atom`: the Atom feed;
- `/YYYY/MM/DD/`: the month's archive;
- `/?s=term`: the search for it;
- what an import from WordPress mapped (wordpress/models.py): each item's permalink, old slugs and id
  (`/?p=123`, `/?page_id=12`), attachment pages and uploaded files, resized copies included.
The query string of an address is kept; WordPress's own parameters (`s`, `feed`) become ours.
"""

import re
from urllib.parse import urlencode

from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import reverse
from django.urls.converters import SlugConverter

from blog.models import Article
from blog.search import canonical_parameters
from clinic.models import clinic_settings
from core.links import with_query_string

from .models import old_address_target

# What a slug may be (the `<slug:...>` converter's pattern); anything else was never an article's address.
SLUG = re.compile(SlugConverter.regex)
DATED = re.compile(
    r"(?P<year>[0-9]{4})/(?P<month>0[1-9]|1[0-2])(?:/(?P<day>0[1-9]|[12][0-9]|3[01]))?(?:/(?P<rest>.+))?"
)
PAGED = re.compile(r"(?:(?P<kind>category|tag|author)/(?P<slug>[-a-zA-Z0-9_]+)/)?page/(?P<number>[0-9]{1,6})")
RSS_FEEDS = {"feed/rss2", "feed/rss", "feed/rdf"}
FEEDS = {"rss2": "blog:feed-rss", "rss": "blog:feed-rss", "rdf": "blog:feed-rss", "atom": "blog:feed-atom"}


def moved_article(path):
    """The published article an old address names, or None.

    WordPress served articles at `/<slug>/` (and redirected `/<slug>` there); an article renamed since keeps its
    old slugs (`ArticleRedirect`), at `/<old-slug>/` and under the blog's own prefix.
    """
    parts = path.strip("/").split("/")
    blog_prefix = reverse("blog:article-detail", kwargs={"slug": "-"}).strip("/").split("/")[:-1]
    if parts[:-1] not in ([], blog_prefix) or not SLUG.fullmatch(parts[-1]):
        return None
    slug, published = parts[-1], Article.objects.published()
    if not parts[:-1]:
        found = published.filter(slug=slug).first()
        if found is not None:
            return found
    return published.filter(redirects__old_slug=slug).first()


def new_address(request, path):
    """Where the old address `path` is now (without its query string), or None."""
    imported = old_address_target(path)
    if imported:
        return imported
    path = path.strip("/")
    if path in RSS_FEEDS:
        return reverse("blog:feed-rss")
    paged = PAGED.fullmatch(path)
    if paged:
        if paged["kind"]:
            listing = reverse(f"blog:{paged['kind']}-detail", kwargs={"slug": paged["slug"]})
        else:
            listing = clinic_settings(request).articles_path
        return listing + ("" if paged["number"] in ("0", "1") else f"?page={paged['number']}")
    dated = DATED.fullmatch(path)
    if dated:
        if dated["rest"] is None:
            # A day's archive; a month's is the site's own (and a 404 there is one).
            month = {"year": int(dated["year"]), "month": int(dated["month"])}
            return reverse("blog:archive-month", kwargs=month) if dated["day"] else None
        path = dated["rest"]
    if path.endswith("/feed"):
        path = path.removesuffix("/feed")
    article = moved_article(path)
    return article.get_absolute_url() if article is not None else None


class OldAddressFallbackMiddleware:
    """Turn a 404 for an old address into a 301 to where it is now, and WordPress's `/?s=` and `/?feed=` too.

    A fallback after URL resolution (as django.contrib.redirects' is) rather than a catch-all URL pattern, so that
    every top-level address stays free for the site's own pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info == "/":
            moved = self.wordpress_query(request)
            if moved is not None:
                return HttpResponsePermanentRedirect(moved)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        address = new_address(request, request.path_info)
        if address is None:
            return response
        return HttpResponsePermanentRedirect(with_query_string(address, request))

    def wordpress_query(self, request):
        """The address of WordPress's search (`/?s=`) or feed (`/?feed=`) query, or None."""
        params = QueryDict(request.META.get("QUERY_STRING", ""), mutable=True)
        if "s" in params:
            # Straight to the search's one address (blog.search), not through a second redirect.
            asked = QueryDict(mutable=True)
            asked.update({"q": params["s"], **({"page": params["paged"]} if "paged" in params else {})})
            canonical = canonical_parameters(asked)
            query = urlencode({"q": params["s"]}) if canonical is None else canonical
            return reverse("blog:search") + (f"?{query}" if query else "")
        feed = FEEDS.get(params.get("feed", ""))
        if feed:
            return reverse(feed)
        if params.keys() & {"p", "page_id", "attachment_id"}:  # a WordPress id (its guid), if it was imported
            moved = old_address_target("/", request.META.get("QUERY_STRING", ""))
            if moved == "":
                raise Http404("Not public here: a draft, or something deleted since the import.")
            return moved
        return None
