from core.sitemaps import SiteSitemap

from .models import Article, Category, Tag


class ArticleSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.8
    location_view = "blog:article-detail"

    def items(self):
        # The listing index's order, so each page of 5,000 is read from it; only what an entry shows.
        return Article.objects.published().order_by("-published_at", "-id").values("slug", "updated_at")

    def lastmod(self, article):
        return article["updated_at"]

    def get_latest_lastmod(self):
        return Article.objects.published().last_change()


class ArchiveSitemap(SiteSitemap):
    """Categories or tags with published articles, each as recent as the latest change among its articles."""

    changefreq = "weekly"
    model = None

    def items(self):
        return (
            self.model.objects.with_last_published_change()
            .order_by("name", "pk")
            .values("slug", "last_published_change")
        )

    def lastmod(self, archive):
        return archive["last_published_change"]

    def get_latest_lastmod(self):
        return self.model.objects.all().last_published_change()


class CategorySitemap(ArchiveSitemap):
    priority = 0.5
    model = Category
    location_view = "blog:category-detail"


class TagSitemap(ArchiveSitemap):
    priority = 0.3
    model = Tag
    location_view = "blog:tag-detail"
