"""Cache upkeep: saved or deleted blog content makes stored pages stale (core/pagecache.py); saved images get
their renditions."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.images import renditions
from core.pagecache import invalidate

from .models import Article, ArticleRedirect, AuthorProfile, Category, Comment, DiscussionSettings, Reference, Tag

CONTENT_MODELS = [
    Article,
    ArticleRedirect,
    AuthorProfile,
    Category,
    Comment,
    DiscussionSettings,
    Reference,
    Tag,
]


def pages_changed(**kwargs):
    invalidate()


def make_renditions(sender, instance, **kwargs):
    """Renditions are a cache too: make them when an image is saved, not when the first reader asks."""
    for field in ("featured_image", "photo"):
        image = getattr(instance, field, None)
        if image:
            renditions(image.name)


def connect():
    post_save.connect(make_renditions, sender=Article, dispatch_uid="renditions-article")
    post_save.connect(make_renditions, sender=AuthorProfile, dispatch_uid="renditions-author")
    for model in CONTENT_MODELS:
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    for through in (Article.tags.through, Article.related_articles.through):
        m2m_changed.connect(pages_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through.__name__}")
