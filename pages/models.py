"""The clinic's pages (About, Our team, Treatments → Prolotherapy, Contact, Privacy policy): a tree whose
addresses follow it, `/treatments/prolotherapy/`.

A page is visible to readers when it and every page above it are published and their time has come
(`PageQuerySet.published()`, the one definition every surface uses): a draft section hides what is inside it.
Renaming or moving a published page keeps its old address, and those of the pages under it, as a 301
(`PageRedirect`). A page moved to the Trash leaves the tree: the pages under it move up to its parent, as in
WordPress, and go back under it when it is restored (pages/services.py).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field
from simple_history.models import HistoricalRecords

from clinic.metadata import META_DESCRIPTION_LENGTH
from core.images import CleanImageField, generated_image_name, validate_raster_image
from core.sanitize import plain_text, sanitize_html
from core.trash import Trashable, TrashQuerySet

MAX_PATH_LENGTH = 500
# First parts of addresses the site answers, or will: a top-level page may not take them. Those the URL
# configuration answers are found in it (`taken_by_the_site`); these are the ones it answers only further down,
# or answers elsewhere (static and media files are served before Django in production).
RESERVED_SLUGS = {
    "admin", "blog", "category", "tag", "author", "search", "feed", "static", "media", "preview", "sitemap", "robots",
    "favicon",
    # WordPress's own addresses, which old links and bots still ask for (wordpress.middleware answers some).
    "page", "comments", "trackback", "wp-admin", "wp-content", "wp-includes", "wp-json", "wp-login", "xmlrpc",
}  # fmt: skip
YEAR = re.compile(r"^[0-9]{4}$")


def taken_by_the_site(slug):
    """Why a top-level page may not be called `slug`, or "" when it may."""
    if slug in RESERVED_SLUGS or slug in _first_parts_of_routes():
        return f"/{slug}/ is an address of the site itself"
    if YEAR.match(slug):
        return f"/{slug}/ is the archive of the year {slug}"
    for address in (f"/{slug}/", f"/{slug}"):
        try:
            match = resolve(address)
        except Resolver404:
            continue
        if match.url_name != "page-detail":
            return f"{address} is an address of the site itself"
    return ""


def _first_parts_of_routes(patterns=None):
    """The literal first part of each route of the URL configuration (`sitemap.xml`, `admin`, `blog`...)."""
    parts = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern).lstrip("^")
        head = re.split(r"[/<(\[\\$?]", route, maxsplit=1)[0]
        if head:
            parts.add(head)
        elif hasattr(pattern, "url_patterns"):
            parts |= _first_parts_of_routes(pattern.url_patterns)
    return parts


def under(*paths, field="path"):
    """The condition "sits under one of `paths`": its address starts with one of them and a slash."""
    condition = models.Q()
    for path in paths:
        condition |= models.Q(**{f"{field}__startswith": path + "/"})
    return condition


class PageQuerySet(TrashQuerySet):
    def live(self):
        """Pages published, their time come, not in the Trash (whether or not the pages above them are)."""
        return self.filter(status=Page.Status.PUBLISHED, published_at__lte=timezone.now(), trashed_at=None)

    def published(self):
        """Pages readers may see: live, and every page above them live too."""
        hidden_above = (
            Page.objects.exclude(status=Page.Status.PUBLISHED, published_at__lte=timezone.now(), trashed_at=None)
            .annotate(below=models.ExpressionWrapper(models.OuterRef("path"), output_field=models.CharField()))
            .filter(below__startswith=Concat(models.F("path"), models.Value("/")))
        )
        return self.live().exclude(models.Exists(hidden_above))

    def matching(self, query, *, words=10):
        """Pages with each of the first `words` words of `query` in their title, description or text (never in
        their markup), those with every word in the title first, then in menu order."""
        terms = query.split()[:words]
        if not terms:
            return self.none()
        found = self.filter(*(models.Q(search_text__contains=term.lower()) for term in terms))
        in_title = models.Q(*(models.Q(title__icontains=term) for term in terms))
        return found.annotate(
            in_title=models.Case(models.When(in_title, then=1), default=0, output_field=models.IntegerField())
        ).order_by("-in_title", "order", "title")

    def scheduled(self):
        return self.filter(status=Page.Status.PUBLISHED, published_at__gt=timezone.now(), trashed_at=None)

    def next_publication_at(self):
        """When the next scheduled page goes live, or None."""
        return self.scheduled().order_by("published_at").values_list("published_at", flat=True).first()


def featured_image_path(page, filename):
    return generated_image_name("pages", validate_raster_image(page.featured_image))


class Page(Trashable):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Template(models.TextChoices):
        PLAIN = "plain", "Plain page"
        CONTACT = "contact", "Contact page (the clinic's address, phone, hours and a map link)"
        TEAM = "team", "Team page (the author profiles)"
        LANDING = "landing", "Landing page (a hero with the booking button, cards, the latest articles, the reviewers)"

    title = models.CharField(max_length=200, help_text="The heading readers see, and the page's name in menus.")
    slug = models.SlugField(
        max_length=100,
        help_text="The page's part of its address, /parent/this-part/: lowercase words separated by hyphens.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The page this one sits under (Treatments for Prolotherapy); its address starts with the parent's.",
    )
    order = models.PositiveIntegerField(
        "order among siblings", default=0, help_text="Lower numbers come first in menus and lists of subpages."
    )
    body = CKEditor5Field(
        config_name="article",
        blank=True,
        help_text="Use “Heading 2” for sections and give every picture a text alternative.",
    )
    featured_image = CleanImageField(
        upload_to=featured_image_path,
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        validators=[validate_raster_image],
        help_text="Shown at the top of the page and when it is shared. JPEG, PNG, WebP or GIF.",
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_alt = models.CharField(
        "featured image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Required with a featured image.",
    )
    template = models.CharField(
        max_length=10,
        choices=Template.choices,
        default=Template.PLAIN,
        help_text="What the page shows besides its body.",
    )
    cards_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cards of the pages under",
        help_text="For a landing page: the published pages under this one are shown as cards (e.g. Treatments).",
    )
    show_share_links = models.BooleanField(
        "share links", default=False, help_text="Show “Share This Story” under the page, as under articles."
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts are seen only by the team (use Preview); published pages from their publication date.",
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="Filled in with the current time when you publish; a future time schedules the page.",
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="The title search engines show (about 60 characters). Left empty, the page's title is used.",
    )
    seo_description = models.CharField(
        "meta description",
        max_length=META_DESCRIPTION_LENGTH,
        blank=True,
        help_text="The summary search engines and social networks show (up to 160 characters). "
        "Left empty, the start of the body is used.",
    )
    parent_before_trash = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The page this one sat under until that page was moved to the Trash: restoring it brings this "
        "one back under it.",
    )
    # What a search looks in, kept by save(): the title, the description and the body's words without markup, in
    # lower case (a case-sensitive match of a lower-cased word needs no case folding of every page per search).
    search_text = models.TextField(editable=False, default="")
    # "treatments/prolotherapy": the address without its slashes, kept by save() for the page and those under it.
    path = models.CharField(max_length=MAX_PATH_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "path", "search_text"], user_related_name="+")

    class Meta:
        ordering = ["path"]
        permissions = [("publish_page", "Can publish pages")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        self.search_text = " ".join([self.title, self.seo_description, self.body_text]).lower()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.path = self.address_path()
        with transaction.atomic():
            previous = Page.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None
            self.previous_path = previous
            super().save(*args, **kwargs)
            if previous and previous != self.path:
                self._move_from(previous)
            # A published page now living at an address that used to redirect takes it back (a draft leaves the
            # redirect working until it is published).
            if self.status == self.Status.PUBLISHED:
                PageRedirect.objects.filter(old_path=self.path).delete()

    def get_absolute_url(self):
        return reverse("pages:page-detail", kwargs={"path": self.path})

    def get_preview_url(self):
        return reverse("pages:page-preview", kwargs={"pk": self.pk})

    def _move_from(self, old_path):
        """The pages under this one follow it; every address a reader may have kept redirects to its new place."""
        below = list(Page.objects.filter(under(old_path)).order_by("path"))
        moved = [(self, old_path)]
        for page in below:
            moved.append((page, page.path))
            page.path = self.path + page.path[len(old_path) :]
        Page.objects.bulk_update(below, ["path"])
        for page, path in moved:
            if page.was_ever_published:
                PageRedirect.objects.update_or_create(old_path=path, defaults={"page": page})
        PageRedirect.objects.filter(old_path__in=[page.path for page, _ in moved]).delete()

    @property
    def was_ever_published(self):
        """Whether readers may have kept its address: it is or was published (drafts never had readers)."""
        return self.status == self.Status.PUBLISHED or self.history.filter(status=self.Status.PUBLISHED).exists()

    def address_path(self):
        return f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug

    def clean(self):
        errors = {}
        if self.featured_image and not self.featured_image_alt.strip():
            errors["featured_image_alt"] = "Describe the featured image for readers who cannot see it."
        if self.parent_id and self.pk and (self.parent_id == self.pk or self.parent.is_below(self)):
            errors["parent"] = "A page cannot sit under itself or under a page that sits under it."
        elif self.parent_id and self.parent.is_trashed:
            errors["parent"] = "That page is in the Trash: restore it first, or choose another."
        elif self.slug:
            clash = "" if self.parent_id else taken_by_the_site(self.slug)
            path = self.address_path()
            if clash:
                errors["slug"] = f"Choose another slug: {clash}."
            elif Page.objects.filter(path=path).exclude(pk=self.pk).exists():
                errors["slug"] = f"Another page already has the address /{path}/: choose another slug or parent."
            elif len(path) + self._deepest_below() > MAX_PATH_LENGTH:
                errors["slug"] = (
                    f"The address, or one of the pages under it, would be longer than {MAX_PATH_LENGTH} characters."
                )
        if errors:
            raise ValidationError(errors)

    def _deepest_below(self):
        """How much longer than this page's the longest address under it is (they follow it when it moves)."""
        if not self.pk:
            return 0
        stored = Page.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
        below = Page.objects.filter(under(stored)).values_list("path", flat=True)
        return max((len(path) - len(stored) for path in below), default=0)

    def address_taken(self, slug, parent=None):
        """Whether the address this page would have with `slug` under `parent` (its own parent when not given) is
        another page's, or the site's own."""
        parent = self.parent if parent is None else parent
        if parent is None and taken_by_the_site(slug):
            return True
        path = f"{parent.path}/{slug}" if parent is not None else slug
        return Page.objects.filter(path=path).exclude(pk=self.pk).exists()

    def is_below(self, page):
        """Whether this page sits somewhere under `page`."""
        return self.path.startswith(page.path + "/")

    @property
    def is_published(self):
        return Page.objects.published().filter(pk=self.pk).exists()

    def ancestors(self):
        """The pages above this one, from the top, in one query."""
        parts = self.path.split("/")
        paths = ["/".join(parts[:end]) for end in range(1, len(parts))]
        return sorted(Page.objects.filter(path__in=paths), key=lambda page: page.path.count("/")) if paths else []

    def can_be_previewed_by(self, user):
        return user.is_active and user.is_staff and user.has_perm("pages.change_page")

    @property
    def body_text(self):
        return plain_text(self.body)

    @property
    def meta_title(self):
        return self.seo_title or self.title


class PageRedirect(models.Model):
    """An old address of a page that was renamed or moved: `/<old_path>/` redirects permanently to it."""

    old_path = models.CharField(max_length=MAX_PATH_LENGTH, unique=True)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"/{self.old_path}/ → {self.page}"
