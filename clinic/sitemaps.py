"""The sitemap index of the whole site: the home page and each app's sections, by name (`sitemap-<name>.xml`)."""

from django.urls import reverse

from blog.models import Article
from blog.sitemaps import ArticleSitemap, CategorySitemap, TagSitemap
from core.sitemaps import SiteSitemap
from pages.sitemaps import PageSitemap


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:article-list"]

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
