from django.conf import settings
from django.contrib.sitemaps import Sitemap


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL when it is set, else on the scheme and host the request came to."""

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0] if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1] if settings.SITE_URL else super().get_domain(site)
