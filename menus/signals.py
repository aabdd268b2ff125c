"""Cache upkeep: the menus are stale when a menu changes, or a page, article or category one of them shows."""

from django.db.models.signals import post_delete, post_save

from blog.models import Article
from core.pagecache import invalidate
from pages.models import Page

from .models import Menu, MenuItem
from .navigation import MENUS


def menu_changed(sender, **kwargs):
    invalidate(MENUS)


def target_changed(sender, instance, **kwargs):
    field = {Page: "page", Article: "article"}[sender]
    if MenuItem.objects.filter(**{field: instance.pk}).exists():
        invalidate(MENUS)


def connect():
    for model in (Menu, MenuItem):
        post_save.connect(menu_changed, sender=model, dispatch_uid=f"menus-save-{model.__name__}")
        post_delete.connect(menu_changed, sender=model, dispatch_uid=f"menus-delete-{model.__name__}")
    for model in (Page, Article):
        post_save.connect(target_changed, sender=model, dispatch_uid=f"menus-target-save-{model.__name__}")
        post_delete.connect(target_changed, sender=model, dispatch_uid=f"menus-target-delete-{model.__name__}")
