from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category, Tag


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL when it is set, else on the scheme and host the request came to."""

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0] if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1] if settings.SITE_URL else super().get_domain(site)


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:article-list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        latest = Article.objects.published().order_by("-updated_at").first()
        return latest.updated_at if latest else None


class ArticleSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("-published_at").only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.with_published_articles()


class TagSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return Tag.objects.with_published_articles()


SITEMAPS = {"home": HomeSitemap, "articles": ArticleSitemap, "categories": CategorySitemap, "tags": TagSitemap}
