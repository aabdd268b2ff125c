"""The old WordPress site's addresses, answered with a permanent redirect where nothing else answers them."""

import re

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.urls.converters import SlugConverter

from blog.models import Article

# What a slug may be (the `<slug:...>` converter's pattern); anything else was never an article's address.
SLUG = re.compile(SlugConverter.regex)


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


class OldAddressFallbackMiddleware:
    """Turn a 404 for an old address into a 301 to where its article is now.

    A fallback after URL resolution (as django.contrib.redirects' is) rather than a catch-all URL pattern, so that
    every top-level address stays free for the site's own pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        article = moved_article(request.path_info)
        if article is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(article.get_absolute_url() + (f"?{query}" if query else ""))
