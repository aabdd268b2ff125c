from clinic.models import clinic_settings
from core.sitemaps import SiteSitemap

from .models import Page


class PageSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        """The published pages, but the home page, which is at / (clinic's HomeSitemap)."""
        pages = Page.objects.published().only("path", "updated_at").order_by("path")
        home = clinic_settings().home_page_id
        return pages.exclude(pk=home) if home else pages

    def lastmod(self, page):
        return page.updated_at
