"""The sitemap index of the whole site: the home page and each app's sections, by name (`sitemap-<name>.xml`)."""

from django.urls import reverse

from blog.models import Article
from blog.sitemaps import ArticleSitemap, CategorySitemap, TagSitemap
from clinic.models import clinic_settings
from core.sitemaps import SiteSitemap
from pages.sitemaps import PageSitemap


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        """The home page, and the articles list when a page is the home page (it is then at /blog/)."""
        return ["home", *(["blog:article-list"] if clinic_settings().home_page_shown else [])]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Article.objects.published().last_change()


SITEMAPS = {
    "home": HomeSitemap,
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
