"""Writes on pages with side effects: the Trash.

A page in the Trash leaves the tree, as in WordPress: its address is free for another page at once, and the pages
under it move up to its parent (their old addresses redirect to the new ones), so that none becomes unreachable
under a page readers cannot open. Each remembers where it was, and restoring the page brings them back under it.
"""

from django.db import transaction
from django.db.models import Q

from core.names import first_free

from .models import Page, PageRedirect, under


def page_trash(*, page):
    """Move `page` to the Trash: off every public surface and menu at once, the pages under it moved up to its
    parent; return a sentence per page whose address changed more than that (its slug was taken there)."""
    with transaction.atomic():
        address = page.path
        page.trash()
        page.save()
        notes = _move_children_up(page)
        # Its older addresses stay, for a restore. The one it had until now leads nowhere (a reader asking for it
        # gets a 404, and another page may take it), nor do those under the Trash's own name the moves recorded.
        PageRedirect.objects.filter(Q(old_path=address, page=page) | under(page.path, field="old_path")).delete()
    return notes


def _move_children_up(page):
    notes = []
    for child in page.children.order_by("order", "pk"):
        child.parent_before_trash, child.parent = page, page.parent
        if not child.is_trashed:
            slug = first_free(child.slug, child.address_taken, Page._meta.get_field("slug").max_length)
            if slug != child.slug:
                child.slug_before_trash, child.slug = child.slug, slug
                notes.append(
                    f"“{child.title}” moved up to /{child.address_path()}/: its own slug was taken there. "
                    "It gets it back when it goes back under the page in the Trash."
                )
        child.save()
    return notes


def page_restore(*, page):
    """Take `page` out of the Trash with the pages that were under it; return a message when it could not come
    back as it was, else None.

    If its address was taken meanwhile it gets the first free one and comes back as a draft, to be checked before
    it is published again at a new address.
    """
    with transaction.atomic():
        trashed_path, wanted = page.path, page.slug_before_trash
        same_address = page.untrash(page.address_taken)
        if not same_address:
            page.status = Page.Status.DRAFT
        page.save()
        PageRedirect.objects.filter(old_path=trashed_path).delete()  # the Trash's own name is no old address
        notes = _move_children_back(page)
    if not same_address:
        parent = f"/{page.parent.path}/" if page.parent_id else "/"
        notes.insert(
            0,
            f"The address {parent}{wanted}/ was taken while “{page.title}” was in the Trash, so it is back as a "
            f"draft at /{page.path}/: check its address, then publish it.",
        )
    return " ".join(notes) or None


def _move_children_back(page):
    notes = []
    for child in Page.objects.filter(parent_before_trash=page).order_by("order", "pk"):
        if child.parent_id != page.parent_id:
            notes.append(f"“{child.title}” was moved elsewhere meanwhile and stays at /{child.path}/.")
        else:
            child.parent = page
            if not child.is_trashed:
                child.slug = first_free(
                    child.slug_before_trash or child.slug, child.address_taken, Page._meta.get_field("slug").max_length
                )
                child.slug_before_trash = ""
        child.parent_before_trash = None
        child.save()
    return notes


def pages_trash_purge():
    """Delete for good the pages in the Trash for longer than settings.TRASH_DAYS; return how many."""
    expired = list(Page.objects.trash_expired())
    for page in expired:
        page_delete(page=page)
    return len(expired)


def page_delete(*, page):
    """Delete `page` for good, with its menu items and old addresses; a page still under it moves up first."""
    with transaction.atomic():
        _move_children_up(page)
        page.delete()
