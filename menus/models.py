"""The header and footer menus, as WordPress's Appearance → Menus: ordered items, nested one level in the header.

An item links to a page, a category, an article, the articles list or an address typed in; an item whose page or
article is not published (or whose category has no published article) is left out until it is, with the items
under it.
"""

from django.core.exceptions import ValidationError
from django.db import models

from core.links import has_hidden_characters, is_site_path

# Addresses an editor may type: the site's own (/about/, core.links.is_site_path), the web, email and telephone.
# Never javascript: or data:.
ALLOWED_SCHEMES = ("https://", "http://", "mailto:", "tel:")


def validate_menu_address(value):
    if has_hidden_characters(value):
        raise ValidationError("An address has no tabs, line breaks or backslashes.")
    if is_site_path(value):
        return
    if not value.lower().startswith(ALLOWED_SCHEMES):
        raise ValidationError(
            "Use an address of this site starting with / (such as /about/), or one starting with https://, "
            "mailto: or tel:."
        )


class Menu(models.Model):
    class Location(models.TextChoices):
        HEADER = "header", "Header"
        FOOTER = "footer", "Footer"

    location = models.CharField(max_length=10, choices=Location.choices, unique=True)

    class Meta:
        ordering = ["location"]

    def __str__(self):
        return f"{self.get_location_display()} menu"

    @classmethod
    def at(cls, location):
        """The menu at `location`, made when first asked for: the site always has its two."""
        return cls.objects.get_or_create(location=location)[0]


class MenuItem(models.Model):
    class Kind(models.TextChoices):
        PAGE = "page", "A page"
        CATEGORY = "category", "A category"
        ARTICLE = "article", "An article"
        ARTICLES = "articles", "The articles list"
        ADDRESS = "address", "An address"

    # The field holding what an item of each kind links to.
    TARGETS = {Kind.PAGE: "page", Kind.CATEGORY: "category", Kind.ARTICLE: "article"}

    menu = models.ForeignKey(Menu, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="In the header, an item may sit under another: it then shows in that item's dropdown.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    kind = models.CharField("links to", max_length=10, choices=Kind.choices, default=Kind.PAGE)
    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.ForeignKey("blog.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    article = models.ForeignKey("blog.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    address = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_menu_address],
        help_text="For “An address”: /about/, https://…, mailto:… or tel:…",
    )
    label = models.CharField(
        "text",
        max_length=100,
        blank=True,
        help_text="What the menu shows. Left empty, the page's, category's or article's own title.",
    )

    class Meta:
        ordering = ["menu", "order", "pk"]

    def __str__(self):
        return self.text

    def clean(self):
        errors = {}
        target = self.TARGETS.get(self.kind)
        if target and getattr(self, f"{target}_id") is None:
            errors[target] = f"Choose the {target} this item links to."
        if self.kind == self.Kind.ADDRESS:
            if not self.address:
                errors["address"] = "Type the address this item links to."
            if not self.label.strip():
                errors["label"] = "Type the text the menu shows for this address."
        if self.parent_id is not None:
            if self.menu_id is not None and self.menu.location != Menu.Location.HEADER:
                errors["parent"] = "Only the header menu has dropdowns: leave this empty."
            elif self.parent.parent_id is not None:
                errors["parent"] = "Menus nest one level: choose an item at the top of the menu."
            elif self.parent_id == self.pk or (self.menu_id is not None and self.parent.menu_id != self.menu_id):
                errors["parent"] = "Choose another item of the same menu."
            elif self.pk and self.children.exists():
                errors["parent"] = "This item has items under it: it stays at the top of the menu."
        if errors:
            raise ValidationError(errors)
        # Only the chosen kind's target is kept, so that a hidden choice never decides what the item shows.
        for kind, field in self.TARGETS.items():
            if kind != self.kind:
                setattr(self, field, None)
        if self.kind != self.Kind.ADDRESS:
            self.address = ""

    @property
    def target(self):
        field = self.TARGETS.get(self.kind)
        return getattr(self, field) if field else None

    @property
    def text(self):
        if self.label.strip():
            return self.label.strip()
        if self.kind == self.Kind.ARTICLES:
            return "Articles"
        target = self.target
        return getattr(target, "name", None) or getattr(target, "title", "") or self.address

    def url_on(self, clinic):
        """The item's address on the site as `clinic` (its settings: the home page) lays it out."""
        if self.kind == self.Kind.ARTICLES:
            return clinic.articles_path
        if self.kind == self.Kind.ADDRESS:
            return self.address
        target = self.target
        if self.kind == self.Kind.PAGE and target is not None:
            return clinic.page_address(target)
        return target.get_absolute_url() if target is not None else ""
