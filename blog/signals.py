"""Cache upkeep: any saved or deleted content makes the stored pages stale (clinic/pagecache.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from clinic.models import ClinicSettings
from clinic.pagecache import invalidate

from .models import (
    Article,
    ArticleRedirect,
    AuthorProfile,
    Category,
    Comment,
    DiscussionSettings,
    Reference,
    Tag,
)

CONTENT_MODELS = [
    Article,
    ArticleRedirect,
    AuthorProfile,
    Category,
    Comment,
    DiscussionSettings,
    Reference,
    Tag,
    ClinicSettings,
]


def pages_changed(**kwargs):
    invalidate()


def connect():
    for model in CONTENT_MODELS:
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    for through in (Article.tags.through, Article.related_articles.through):
        m2m_changed.connect(pages_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through.__name__}")
