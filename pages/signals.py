"""Cache upkeep: a saved or deleted page makes stale the stored pages that show it (core/pagecache.py).

What touches what: a page, its own address and those of the pages under it (their breadcrumbs name it, and
whether they are visible depends on it), and PAGES, which every list of pages depends on (the sitemap, and the
menus next).
"""

import functools
import operator

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from clinic.models import clinic_settings
from core.images import renditions
from core.pagecache import invalidate

from .models import Page

PAGES = "pages.pages"


def page_key(pk):
    return f"pages.page:{pk}"


def page_changed(sender, instance, **kwargs):
    # Saved, a moved page is at its new address while the pages under it are still at the old one.
    addresses = {instance.path, getattr(instance, "previous_path", None) or instance.path}
    below = Page.objects.filter(
        functools.reduce(operator.or_, (Q(path__startswith=address + "/") for address in addresses))
    ).values_list("pk", flat=True)
    invalidate(page_key(instance.pk), *(page_key(pk) for pk in below), PAGES)
    if clinic_settings().home_page_id == instance.pk:
        # Whether it is shown decides what / is and where the articles are listed, on every page.
        invalidate()


def make_renditions(sender, instance, **kwargs):
    if instance.featured_image:
        renditions(instance.featured_image.name)


def connect():
    post_save.connect(make_renditions, sender=Page, dispatch_uid="renditions-page")
    post_save.connect(page_changed, sender=Page, dispatch_uid="page-cache-save-Page")
    post_delete.connect(page_changed, sender=Page, dispatch_uid="page-cache-delete-Page")
