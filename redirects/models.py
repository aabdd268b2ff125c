"""Redirects an editor keeps (admin → Redirects), and the addresses readers asked for that the site lacks
(admin → Not found), as WordPress's Redirection plugin does.

A redirect answers only where the site itself does not (a 404 fallback, `middleware.py`): an address the site
answers cannot be redirected away, and a chain is resolved when it is saved, so a reader gets one hop.
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve
from django.utils import timezone

from blog.models import Article, AuthorProfile, Category, Tag
from core.links import has_hidden_characters, is_site_path
from pages.models import Page

# Hops a chain of redirects may have before it is refused as a chain (resolved on save, a reader gets one).
MAX_CHAIN = 5
# Rows the 404 log keeps; past that, the least recently seen go (a bot asking for random addresses).
NOT_FOUND_LOG_SIZE = 1000
ALLOWED_TARGETS = ("https://", "http://")
MAX_PATH = 500


def normalised_path(value):
    """`value` as the path readers ask for (decoded, as Django gives it): the part after the host, with a leading
    slash, without the query. Raises ValueError for what is no address (a broken link such as `http://[`)."""
    value = value.strip()
    parts = urlsplit(value)
    path = parts.path if parts.scheme or parts.netloc else value.split("?", 1)[0].split("#", 1)[0]
    return "/" + unquote(path).lstrip("/")


def _referring_host(referrer):
    try:
        return (urlsplit(referrer).hostname or "")[:255]
    except ValueError:  # a Referer header is whatever a client sends
        return ""


def answered_by_the_site(path):
    """Whether the site answers `path` itself (a page, an article, a list...): then it is never redirected."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.url_name == "page-detail":
        return Page.objects.published().filter(path=match.kwargs["path"]).exists()
    found_by_slug = {
        "article-detail": Article.objects.published(),
        "category-detail": Category.objects.all(),
        "tag-detail": Tag.objects.all(),
        "author-detail": AuthorProfile.objects.all(),
    }.get(match.url_name)
    return found_by_slug is None or found_by_slug.filter(slug=match.kwargs.get("slug", "")).exists()


class Redirect(models.Model):
    class Kind(models.IntegerChoices):
        PERMANENT = 301, "Permanent (301)"
        TEMPORARY = 302, "Temporary (302)"
        GONE = 410, "Gone (410): the content was removed on purpose"

    old_path = models.CharField(
        "old address",
        max_length=MAX_PATH,
        unique=True,
        help_text="The address readers still ask for, as /old-page/ (a full link is trimmed to its path).",
    )
    new_address = models.CharField(
        "new address",
        max_length=500,
        blank=True,
        help_text="Where it is now: an address of this site (/treatments/) or a full https:// link. Empty for “Gone”.",
    )
    kind = models.PositiveSmallIntegerField(choices=Kind.choices, default=Kind.PERMANENT)
    hits = models.PositiveIntegerField(default=0, editable=False)
    last_hit_at = models.DateTimeField("last used", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_address or 'gone'}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Redirects that led here now lead where this one does: one hop for every reader.
        if self.kind != self.Kind.GONE:
            Redirect.objects.filter(new_address=self.old_path).exclude(pk=self.pk).update(new_address=self.new_address)

    def clean(self):
        errors = {}
        self.new_address = self.new_address.strip()
        try:
            self.old_path = normalised_path(self.old_path) if self.old_path else ""
        except ValueError:
            raise ValidationError({"old_path": "That is not an address: write it as /old-page/."}) from None
        if has_hidden_characters(self.old_path):
            errors["old_path"] = "An address has no tabs, line breaks, backslashes or invisible characters."
        elif len(self.old_path) > MAX_PATH:
            errors["old_path"] = f"Addresses are at most {MAX_PATH} characters long."
        elif self.old_path and answered_by_the_site(self.old_path):
            errors["old_path"] = f"The site answers {self.old_path} itself: a redirect there would never be used."
        if self.kind == self.Kind.GONE:
            self.new_address = ""
        elif not self.new_address:
            errors["new_address"] = "Say where the content is now, or choose “Gone”."
        elif has_hidden_characters(self.new_address) or not (
            is_site_path(self.new_address) or self.new_address.lower().startswith(ALLOWED_TARGETS)
        ):
            errors["new_address"] = "Use an address of this site starting with / or a full link starting with https://."
        else:
            try:
                self.new_address = self.resolved_target(self.new_address)
            except ValidationError as problem:
                errors["new_address"] = problem.messages
        if errors:
            raise ValidationError(errors)

    def resolved_target(self, address):
        """`address`, or where the redirects from it lead in the end: refused if that comes back here."""
        seen = [self.old_path]
        for _ in range(MAX_CHAIN):
            if normalised_path(address) in seen and not address.lower().startswith(ALLOWED_TARGETS):
                raise ValidationError(f"That would make a loop: {' → '.join([*seen, address])}.")
            following = Redirect.objects.filter(old_path=address).exclude(pk=self.pk).first()
            if following is None:
                return address
            if following.kind == Redirect.Kind.GONE:
                raise ValidationError(f"{address} is marked as gone: choose where the content is now.")
            seen.append(address)
            address = following.new_address
        raise ValidationError(f"That is a chain of more than {MAX_CHAIN} redirects: point at the last address.")

    def record_hit(self):
        Redirect.objects.filter(pk=self.pk).update(hits=models.F("hits") + 1, last_hit_at=timezone.now())


class NotFound(models.Model):
    """An address readers asked for that the site does not have: an editor turns a frequent one into a redirect."""

    path = models.CharField("address", max_length=500, unique=True)
    hits = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    referrer_host = models.CharField(
        "last referring site", max_length=255, blank=True, help_text="Only the host of the page that linked here."
    )

    class Meta:
        ordering = ["-hits", "-last_seen_at"]
        verbose_name = "address not found"
        verbose_name_plural = "addresses not found"

    def __str__(self):
        return self.path


def not_found_record(*, path, referrer):
    """Count a 404 for `path`; past NOT_FOUND_LOG_SIZE addresses, the least recently seen tenth makes room."""
    host = _referring_host(referrer) if referrer else ""
    path = path[:500]
    updated = NotFound.objects.filter(path=path).update(
        hits=models.F("hits") + 1, last_seen_at=timezone.now(), **({"referrer_host": host} if host else {})
    )
    if updated:
        return
    if NotFound.objects.count() >= NOT_FOUND_LOG_SIZE:
        oldest = NotFound.objects.order_by("last_seen_at").values_list("pk", flat=True)[: NOT_FOUND_LOG_SIZE // 10]
        NotFound.objects.filter(pk__in=list(oldest)).delete()
    NotFound.objects.get_or_create(path=path, defaults={"referrer_host": host})
