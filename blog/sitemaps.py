from core.sitemaps import SiteSitemap

from .models import Article, Category, Tag


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
