"""Cache upkeep: the menus are stale when a menu changes, or a page, article or category one of them shows."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from blog.models import Article
from core.pagecache import invalidate
from pages.models import Page, under

from .models import Menu, MenuItem
from .navigation import MENUS


def menu_changed(sender, **kwargs):
    invalidate(MENUS)


def page_changed(sender, instance, **kwargs):
    """A page in a menu, or above one (it hides or moves those below), changed."""
    addresses = {instance.path, getattr(instance, "previous_path", None) or instance.path}
    if MenuItem.objects.filter(Q(page=instance.pk) | under(*addresses, field="page__path")).exists():
        invalidate(MENUS)


def article_category_before(sender, instance, **kwargs):
    if instance.pk and MenuItem.objects.filter(kind=MenuItem.Kind.CATEGORY).exists():
        instance.category_before = Article.objects.filter(pk=instance.pk).values_list("category", flat=True).first()


def article_changed(sender, instance, **kwargs):
    """An article in a menu changed, or one of a category in a menu (whether the category is shown depends on
    its published articles)."""
    categories = {instance.category_id, getattr(instance, "category_before", None)} - {None}
    if MenuItem.objects.filter(Q(article=instance.pk) | Q(category__in=categories)).exists():
        invalidate(MENUS)


def connect():
    for model in (Menu, MenuItem):
        post_save.connect(menu_changed, sender=model, dispatch_uid=f"menus-save-{model.__name__}")
        post_delete.connect(menu_changed, sender=model, dispatch_uid=f"menus-delete-{model.__name__}")
    for model, handler in [(Page, page_changed), (Article, article_changed)]:
        post_save.connect(handler, sender=model, dispatch_uid=f"menus-target-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"menus-target-delete-{model.__name__}")
    pre_save.connect(article_category_before, sender=Article, dispatch_uid="menus-article-category")
