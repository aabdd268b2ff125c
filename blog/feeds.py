from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from clinic.models import clinic_settings
from core.links import absolute_url
from core.pagecache import depends_on

from .models import Article, Category
from .signals import LISTINGS

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """RSS 2.0 feed of the newest published articles; `category` narrows it to one category."""

    feed_type = Rss201rev2Feed
    feed_url_name = "blog:feed-rss"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        depends_on(request, LISTINGS)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category):
        name = clinic_settings(self.request).name
        return f"{category.name} — {name}" if category else name

    def description(self, category):
        return category.description if category and category.description else clinic_settings(self.request).tagline

    subtitle = description

    def link(self, category):
        path = category.get_absolute_url() if category else clinic_settings(self.request).articles_path
        return absolute_url(path, self.request)

    def feed_url(self, category):
        name = self.feed_url_name.replace("blog:", "blog:category-") if category else self.feed_url_name
        kwargs = {"slug": category.slug} if category else {}
        return absolute_url(reverse(name, kwargs=kwargs), self.request)

    def items(self, category):
        articles = Article.objects.published().for_listing().prefetch_related("tags")
        if category:
            articles = articles.filter(category=category)
        return articles[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return absolute_url(article.get_absolute_url(), self.request)

    def item_guid(self, article):
        return self.item_link(article)

    item_guid_is_permalink = True

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.author_name

    def item_categories(self, article):
        names = [article.category.name] if article.category else []
        return names + [tag.name for tag in article.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    feed_url_name = "blog:feed-atom"
