"""The menus as readers get them: only what they may open, remembered until a menu or what it shows changes."""

from dataclasses import dataclass, replace

from blog.models import Article, Category
from core.pagecache import remember
from pages.models import Page

from .models import MenuItem

# The page-cache key of the menus: every page that draws them depends on it (clinic's site_menu).
MENUS = "menus.menus"


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    children: tuple = ()
    current: bool = False

    def at(self, path):
        """This entry with the one for `path` marked current (`aria-current`), at any depth."""
        children = tuple(child.at(path) for child in self.children)
        return replace(self, children=children, current=self.url == path)


def menu_entries(location, clinic):
    """The visible entries of the menu at `location`, in order, each with its visible children.

    Both menus are remembered together: drawing them costs one query when anything they show changed, else none.
    `clinic` is the clinic settings of the request (they say which page is the home page).
    """
    return remember("menus", lambda: _visible_menus(clinic), depends_on=[MENUS]).get(location, [])


def _visible_menus(clinic):
    items = list(MenuItem.objects.select_related("menu", "page", "category", "article"))
    shown = {
        MenuItem.Kind.PAGE: _visible(Page.objects.published(), items, "page_id"),
        MenuItem.Kind.ARTICLE: _visible(Article.objects.published(), items, "article_id"),
        MenuItem.Kind.CATEGORY: _visible(Category.objects.with_published_articles(), items, "category_id"),
    }

    def visible(item):
        field = MenuItem.TARGETS.get(item.kind)
        return field is None or getattr(item, f"{field}_id") in shown[item.kind]

    # The pages under a page in the Trash moved up out of it (pages/services.py): so do their items, in its place.
    page_ids = {item.page_id for item in items if item.parent_id is None and item.page_id is not None}
    trashed = set(Page.objects.in_trash().filter(pk__in=page_ids).values_list("pk", flat=True)) if page_ids else set()

    children = {}
    for item in items:
        if item.parent_id is not None and visible(item):
            children.setdefault(item.parent_id, []).append(MenuEntry(item.text, item.url_on(clinic)))
    menus = {}
    for item in items:
        if item.parent_id is not None:
            continue
        if visible(item):
            entry = MenuEntry(item.text, item.url_on(clinic), tuple(children.get(item.pk, ())))
            menus.setdefault(item.menu.location, []).append(entry)
        elif item.kind == MenuItem.Kind.PAGE and item.page_id in trashed:
            menus.setdefault(item.menu.location, []).extend(children.get(item.pk, ()))
    return menus


def _visible(published, items, field):
    ids = {getattr(item, field) for item in items if getattr(item, field) is not None}
    return set(published.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
