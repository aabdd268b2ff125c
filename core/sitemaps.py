"""Sitemaps on the site's own address, in pages of at most 5,000 addresses that an index lists.

The index is django.contrib.sitemaps' own view (`index`, below, puts its addresses on SITE_URL); each section
page is its `sitemap` view with the template `sitemap_section.xml`, whose entries `sitemap_urls` writes.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap, views
from django.urls import reverse
from django.utils.functional import cached_property

from .links import absolute_url

SLUG_MARK = "__slug__"


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL when it is set, else on the scheme and host the request came to; 5,000 a page.

    With `location_view`, each item is a dictionary (`.values()`: no model built, 5,000 a page) and its address
    is that view's with the item's `slug`, reversed once per page rather than once per item.
    """

    limit = 5000
    location_view = None

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0] if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1] if settings.SITE_URL else super().get_domain(site)

    @cached_property
    def _slug_address(self):
        return reverse(self.location_view, kwargs={"slug": SLUG_MARK}).split(SLUG_MARK)

    def location(self, item):
        if self.location_view is None:
            return super().location(item)
        before, after = self._slug_address
        return f"{before}{item['slug']}{after}"


def index(request, sitemaps, **kwargs):
    """django.contrib.sitemaps' index of every page of every section, on SITE_URL as the sections' addresses are."""
    response = views.index(request, sitemaps, **kwargs)
    for entry in response.context_data["sitemaps"]:
        path = entry.location.split("://", 1)[1]
        entry.location = absolute_url(path[path.index("/") :], request)
    return response
