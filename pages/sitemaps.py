from clinic.models import ClinicSettings
from core.sitemaps import SiteSitemap

from .models import Page


class PageSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        """The published pages, but the home page, which is at / (clinic's HomeSitemap)."""
        home = ClinicSettings.objects.filter(home_page__isnull=False).values("home_page")
        return Page.objects.published().exclude(pk__in=home).only("path", "updated_at").order_by("path")

    def lastmod(self, page):
        return page.updated_at
