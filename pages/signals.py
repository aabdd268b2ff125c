"""Cache upkeep: a saved or deleted page makes stale the stored pages that show it (core/pagecache.py).

What touches what: a page, its own address and those of the pages under it (their breadcrumbs name it, and
whether they are visible depends on it), and PAGES, which every list of pages depends on (the sitemap, and the
menus next).
"""

from django.db.models.signals import post_delete, post_save, pre_delete

from clinic.models import clinic_settings
from core.pagecache import invalidate
from core.renditions import renditions_queue

from .models import Page, under

PAGES = "pages.pages"


def page_key(pk):
    return f"pages.page:{pk}"


def page_changed(sender, instance, **kwargs):
    # Saved, a moved page is at its new address while the pages under it are still at the old one.
    addresses = {instance.path, getattr(instance, "previous_path", None) or instance.path}
    below = list(Page.objects.filter(under(*addresses)).values_list("pk", flat=True))
    invalidate(page_key(instance.pk), *(page_key(pk) for pk in below), PAGES)
    home = getattr(instance, "was_home_page", False) or clinic_settings().home_page_id in {instance.pk, *below}
    if home:
        # Whether the home page is shown decides what / is and where the articles are listed, on every page.
        invalidate()


def page_deleting(sender, instance, **kwargs):
    # Deleting the home page clears the setting (SET_NULL) before post_delete could see it was the home page.
    instance.was_home_page = clinic_settings().home_page_id == instance.pk


def make_renditions(sender, instance, **kwargs):
    if instance.featured_image:
        renditions_queue(instance.featured_image.name)


def connect():
    post_save.connect(make_renditions, sender=Page, dispatch_uid="renditions-page")
    post_save.connect(page_changed, sender=Page, dispatch_uid="page-cache-save-Page")
    pre_delete.connect(page_deleting, sender=Page, dispatch_uid="page-cache-deleting-Page")
    post_delete.connect(page_changed, sender=Page, dispatch_uid="page-cache-delete-Page")
