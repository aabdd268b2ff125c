"""Cache upkeep: a saved or deleted piece of blog content makes stale the stored pages that show it
(core/pagecache.py); saved images get their renditions.

What touches what:
- an article: its own pages, every listing (home, archives, categories, tags, authors, search, feeds), the
  articles that link to it among their related posts (their pages name it as a key), and, when it changes which
  categories have a published article, the pages whose navigation lists those (CATEGORIES);
- a comment: its article's discussion, shown on the article's own pages only, and only while the comment is or
  was approved (pending, spam and trash show nowhere);
- a reference: its article's pages;
- categories, tags, author profiles and the discussion settings: every page (menus, names, cards, forms).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from core.pagecache import invalidate
from core.renditions import renditions_queue

from .models import Article, AuthorProfile, Category, Comment, DiscussionSettings, Reference, Tag

# Every list of articles: the home page, the archives, search, the feeds.
LISTINGS = "blog.listings"
# The categories that have a published article: the navigation lists them while the header menu is empty.
CATEGORIES = "blog.categories"
SITE_WIDE_MODELS = [AuthorProfile, Category, DiscussionSettings, Tag]


def article_key(pk):
    """The page-cache key of the article `pk`: its pages, and the pages that list it among related posts."""
    return f"blog.article:{pk}"


def discussion_key(pk):
    """The page-cache key of the discussion of article `pk`: shown on its own pages only."""
    return f"blog.discussion:{pk}"


def _categories_shown():
    return set(Category.objects.with_published_articles().values_list("pk", flat=True))


def article_changing(sender, instance, **kwargs):
    instance.categories_shown_before = _categories_shown()


def article_changed(sender, instance, **kwargs):
    changed = [article_key(instance.pk), LISTINGS]
    if _categories_shown() != getattr(instance, "categories_shown_before", None):
        changed.append(CATEGORIES)
    invalidate(*changed)


def articles_linked_changed(sender, instance, pk_set=None, **kwargs):
    """Tags or related articles of an article changed (from either side of the relation)."""
    if isinstance(instance, Article):
        invalidate(article_key(instance.pk), LISTINGS)
    else:
        invalidate(*(article_key(pk) for pk in pk_set or ()), LISTINGS)


def comment_changed(sender, instance, **kwargs):
    if Comment.Status.APPROVED in (instance.status, instance.loaded_status):
        invalidate(discussion_key(instance.article_id))
    instance.loaded_status = instance.status


def reference_changed(sender, instance, **kwargs):
    invalidate(article_key(instance.article_id))


def site_changed(**kwargs):
    invalidate()


def make_renditions(sender, instance, **kwargs):
    """Renditions are a cache too: have them made when an image is saved, not when the first reader asks."""
    for field in ("featured_image", "photo"):
        image = getattr(instance, field, None)
        if image:
            renditions_queue(image.name)


def connect():
    post_save.connect(make_renditions, sender=Article, dispatch_uid="renditions-article")
    pre_save.connect(article_changing, sender=Article, dispatch_uid="page-cache-before-save-Article")
    pre_delete.connect(article_changing, sender=Article, dispatch_uid="page-cache-before-delete-Article")
    post_save.connect(make_renditions, sender=AuthorProfile, dispatch_uid="renditions-author")
    for model, handler in [(Article, article_changed), (Comment, comment_changed), (Reference, reference_changed)]:
        post_save.connect(handler, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    for model in SITE_WIDE_MODELS:
        post_save.connect(site_changed, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    for through in (Article.tags.through, Article.related_articles.through):
        m2m_changed.connect(articles_linked_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through.__name__}")
