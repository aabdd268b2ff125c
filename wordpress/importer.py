"""Import a WordPress export (WXR) and a copy of its uploads folder: posts, pages, authors, categories, tags,
attachments, comments, menus and every old address, offline, re-runnable, with a report of what it could not do.

The file is read twice, as a stream (wxr.py): first an index of what the export holds (authors, terms,
attachments, each item's kind and parent), small next to the content; then the import itself, item by item, each
in a transaction of its own, so that a failure leaves no half-imported post. What each WordPress object became
is kept in `Imported` with a digest of what WordPress had: a second run skips what did not change, updates what
changed in WordPress since, and reports as a conflict what an editor changed here since (nothing is overwritten).
"""

import contextlib
import csv
import hashlib
import html
import json
import logging
import os
import re
import sqlite3
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email, validate_ipv46_address
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

from blog.models import Article, AuthorProfile, Category, Comment, DiscussionSettings, Tag
from core.editor import editor_image_store
from core.images import validate_raster_image
from core.names import first_free
from core.pagecache import renew
from library.services import media_item_for_stored_image
from menus.models import Menu, MenuItem
from newsletter.services import article_announcement_skip
from pages.models import Page, taken_by_the_site
from redirects.models import answered_by_the_site

from .content import UPLOADS, convert, original_upload, upload_key
from .models import Imported, OldAddress, old_address_target
from .wxr import Author, Item, Site, Term, read_wxr

logger = logging.getLogger(__name__)
Kind = Imported.Kind
COMMENT_STATUSES = {"1": Comment.Status.APPROVED, "approve": Comment.Status.APPROVED, "0": Comment.Status.PENDING,
                    "hold": Comment.Status.PENDING, "spam": Comment.Status.SPAM, "trash": Comment.Status.TRASH,
                    "post-trashed": Comment.Status.TRASH}  # fmt: skip
DOCUMENTS = {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv"}
IMAGES = {"jpg", "jpeg", "png", "gif", "webp"}
YOAST_VARIABLES = re.compile(r"%%[a-z_]+%%")


class ImportRefused(Exception):
    """The import cannot start (another site's export, an unreadable authors file): nothing was changed."""


@dataclass
class Report:
    """What an import did and could not do; `as_dict()` is stored with an ImportRun, `lines()` printed."""

    site: str = ""
    dry_run: bool = False
    counts: dict = field(default_factory=lambda: defaultdict(Counter))  # kind -> {"imported": n, ...}
    statuses: Counter = field(default_factory=Counter)  # "private → draft" -> n
    skipped: list = field(default_factory=list)  # [kind, title, reason]
    conflicts: list = field(default_factory=list)  # [kind, title, reason]
    shortcodes: dict = field(default_factory=lambda: defaultdict(list))  # name -> [titles]
    missing_media: dict = field(default_factory=lambda: defaultdict(list))  # address -> [titles]
    foreign_media: dict = field(default_factory=lambda: defaultdict(list))  # address -> [titles]
    orphan_comments: list = field(default_factory=list)  # [title, comment id]
    clashes: list = field(default_factory=list)  # [old address, reason]
    headings: list = field(default_factory=list)  # [title, problem]
    notes: list = field(default_factory=list)
    flattened: list = field(default_factory=list)  # categories that had a parent
    pingbacks: int = 0

    def count(self, kind, what, number=1):
        self.counts[kind][what] += number

    def as_dict(self):
        return {
            "site": self.site,
            "dry_run": self.dry_run,
            "counts": {kind: dict(counted) for kind, counted in self.counts.items()},
            "statuses": dict(self.statuses),
            "skipped": self.skipped,
            "conflicts": self.conflicts,
            "shortcodes": {name: sorted(set(titles)) for name, titles in sorted(self.shortcodes.items())},
            "missing_media": {address: sorted(set(titles)) for address, titles in sorted(self.missing_media.items())},
            "foreign_media": {address: sorted(set(titles)) for address, titles in sorted(self.foreign_media.items())},
            "orphan_comments": self.orphan_comments,
            "clashes": self.clashes,
            "headings": self.headings,
            "notes": self.notes
            + (
                [f"Categories here are one level: {', '.join(self.flattened)} sat under another in WordPress."]
                if self.flattened
                else []
            ),
            "pingbacks": self.pingbacks,
        }

    def lines(self):
        return report_lines(self.as_dict())


def report_summary(report):
    """The report's counts as lines: "posts: 58 imported, 2 updated"..."""
    lines = [f"{kind}: " + ", ".join(f"{number} {what}" for what, number in counted.items())
             for kind, counted in report["counts"].items()]  # fmt: skip
    if report["pingbacks"]:
        lines.append(f"pingbacks and trackbacks left out: {report['pingbacks']}")
    lines.extend(f"status {status}: {number}" for status, number in report["statuses"].items())
    return lines


def report_sections(report):
    """The report's lists, [(title, [entries])], the empty ones left out (the command and the admin show them)."""
    sections = [
        ("Skipped", [f"{kind} “{title}”: {reason}" for kind, title, reason in report["skipped"]]),
        (
            "Changed here since the last import, left as they are",
            [f"{kind} “{title}”: {reason}" for kind, title, reason in report["conflicts"]],
        ),
        (
            "Shortcodes left as text",
            [f"[{name}] in {', '.join(titles)}" for name, titles in report["shortcodes"].items()],
        ),
        (
            "Files missing from the uploads folder",
            [f"{address} (used by {', '.join(titles)})" for address, titles in report["missing_media"].items()],
        ),
        (
            "Images on other sites, left out (this site shows only images stored here)",
            [f"{address} (in {', '.join(titles)})" for address, titles in report.get("foreign_media", {}).items()],
        ),
        (
            "Comments whose parent was missing (shown at the top level)",
            [f"comment {number} on “{title}”" for title, number in report["orphan_comments"]],
        ),
        ("Old addresses without a redirect", [f"{path}: {reason}" for path, reason in report["clashes"]]),
        ("Headings out of order", [f"“{title}”: {problem}" for title, problem in report["headings"]]),
        ("Notes", report["notes"]),
    ]
    return [(title, entries) for title, entries in sections if entries]


def report_lines(report):
    """The report as lines of text, for the command's output."""
    lines = [f"{'Dry run (nothing was changed)' if report['dry_run'] else 'Imported'} from {report['site']}"]
    lines.extend(f"  {line}" for line in report_summary(report))
    for title, entries in report_sections(report):
        lines.append(f"{title} ({len(entries)}):")
        lines.extend(f"  - {entry}" for entry in entries)
    return lines


@dataclass
class Attachment:
    id: int
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    description: str = ""
    parent: int | None = None
    link: str = ""


@dataclass
class Index:
    """What pass one learnt: enough to resolve every reference however the file is ordered."""

    site: Site = None
    total: int = 0
    attachments: dict = field(default_factory=dict)  # id -> Attachment
    by_upload: dict = field(default_factory=dict)  # "2019/05/knee.jpg" -> attachment id
    children: dict = field(default_factory=lambda: defaultdict(list))  # post id -> its attachment ids
    terms: dict = field(default_factory=dict)  # term id -> (taxonomy, slug)
    pages: set = field(default_factory=set)  # the ids of the pages: a page's parent may come after it


@contextlib.contextmanager
def rolled_back():
    """Where a dry run writes: a transaction rolled back at its end.

    On SQLite, whose one writer at a time is the whole database's, that transaction would hold up every comment
    and every save of the site for the whole run (minutes for a large export): there the dry run writes to a copy
    of the database (SQLite's backup API) in a temporary folder, and the site never waits for it.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block or connection.is_in_memory_db():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
        return
    with tempfile.TemporaryDirectory(prefix="wordpress-dry-run-") as folder:
        copy = os.path.join(folder, "dry-run.sqlite3")
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        original = connection.settings_dict
        connection.close()
        connection.settings_dict = {**original, "NAME": copy}
        try:
            with transaction.atomic():
                yield
                transaction.set_rollback(True)
        finally:
            connection.close()
            connection.settings_dict = original


def digest(*values):
    return hashlib.blake2b(json.dumps(values, default=str, sort_keys=True).encode(), digest_size=16).hexdigest()


def old_path(address):
    """The path part of one of the old site's addresses, as a reader's request gives it to the site."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return ""
    path = re.sub(r"/{2,}", "/", unquote(parts.path)) or "/"
    return path if path.startswith("/") else ""


class Importer:
    def __init__(self, export, *, uploads=None, dry_run=False, authors=None, with_ip_addresses=False,
                 progress=None):  # fmt: skip
        self.export, self.dry_run, self.with_ip_addresses = export, dry_run, with_ip_addresses
        self.uploads = Path(uploads).resolve() if uploads else None
        # Part of what an item's import is made from: a run given the uploads folder converts again the items a
        # run without it left without their images (and finds the files a later run without it then reuses).
        self.with_files = "uploads" if uploads else ""
        self.progress = progress or (lambda done, total: None)
        self.author_map = self._read_author_map(authors) if authors else {}
        self.report = Report(dry_run=dry_run)
        self.users = {}  # WordPress login -> user
        self.users_by_id = {}  # WordPress author id -> user
        self.categories, self.tags = {}, {}  # slug -> Category / Tag
        self.stored = {}  # upload key -> its Imported, or None when it has no file here
        self.waiting_pages = []  # pages whose parent comes later in the file
        self.menu_items = []
        self.discussion = DiscussionSettings.load()
        self.types = {
            model: ContentType.objects.get_for_model(model)
            for model in (Article, Page, Comment, Category, Tag, get_user_model(), MenuItem)
        }

    # The run ---------------------------------------------------------------------------------------------------
    def run(self):
        self.index = self._read_index()
        site = self.index.site
        self.report.site = site.base_blog_url or site.base_site_url or site.link
        self.hosts = {urlsplit(url).hostname for url in (site.link, site.base_site_url, site.base_blog_url) if url}
        self._refuse_another_site()
        if self.dry_run:
            with rolled_back():
                self._import()
        else:
            self._import()
            renew()
        return self.report

    def _import(self):
        if not Imported.objects.filter(kind=Kind.SITE).exists():
            Imported.objects.create(kind=Kind.SITE, wp_key=self.report.site[:200], source_hash="")
        done = 0
        for entry in read_wxr(self.export):
            if isinstance(entry, Author):
                with transaction.atomic():
                    self._author(entry)
            elif isinstance(entry, Term):
                with transaction.atomic():
                    self._term(entry)
            elif isinstance(entry, Item):
                self._item_alone(entry)
                done += 1
                if done % 25 == 0 or done == self.index.total:
                    self.progress(done, self.index.total)
        with transaction.atomic():
            self._waiting_pages()
            self._menus()
            self._rewrite_links()

    def _item_alone(self, item):
        """Import `item` in a transaction of its own: if anything about it fails, none of it is kept, it is
        reported, and the import goes on with the next."""
        try:
            with transaction.atomic():
                self._item(item)
        except Exception as error:
            logger.exception("WordPress item %s (%s) was not imported", item.id, item.post_type)
            reason = f"not imported: {type(error).__name__}: {error}"[:500]
            self.report.skipped.append([item.post_type or "item", item.title or f"#{item.id}", reason])

    def _read_index(self):
        index = Index()
        for entry in read_wxr(self.export):
            if isinstance(entry, Site):
                index.site = entry
            elif isinstance(entry, Term):
                if entry.id:
                    index.terms[entry.id] = (entry.taxonomy, entry.slug)
            elif isinstance(entry, Item):
                index.total += 1
                if entry.post_type == "page" and entry.id:
                    index.pages.add(entry.id)
                if entry.post_type == "attachment" and entry.id:
                    attachment = Attachment(
                        id=entry.id,
                        url=entry.attachment_url or entry.guid,
                        title=entry.title,
                        alt=_first(entry.meta, "_wp_attachment_image_alt"),
                        caption=entry.excerpt.strip(),
                        description=entry.content.strip(),
                        parent=entry.parent,
                        link=entry.link,
                    )
                    index.attachments[entry.id] = attachment
                    if upload_key(attachment.url):
                        index.by_upload[upload_key(attachment.url)] = entry.id
                    if entry.parent:
                        index.children[entry.parent].append(entry.id)
        return index

    def _refuse_another_site(self):
        known = set(Imported.objects.filter(kind=Kind.SITE).values_list("wp_key", flat=True))
        if known and _site_key(self.report.site) not in {_site_key(site) for site in known}:
            raise ImportRefused(
                f"This site was imported from {', '.join(sorted(known))}; this export is from {self.report.site}. "
                "WordPress ids of two sites would be mixed up: import one site only."
            )

    # Authors and terms -----------------------------------------------------------------------------------------
    def _read_author_map(self, path):
        mapping, User = {}, get_user_model()
        try:
            with open(path, newline="", encoding="utf-8-sig") as file:
                for number, row in enumerate(csv.reader(file), 1):
                    if (
                        not row
                        or not "".join(row).strip()
                        or (number == 1 and row[0].strip().lower() in ("login", "wordpress"))
                    ):
                        continue
                    if len(row) < 2:
                        raise ImportRefused(f"{path}, line {number}: write the WordPress login, then the user here.")
                    login, name = row[0].strip(), row[1].strip()
                    user = User.objects.filter(Q(username=name) | Q(email__iexact=name)).first()
                    if user is None:
                        raise ImportRefused(f"{path}, line {number}: nobody here is called or has the email “{name}”.")
                    mapping[login] = user
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise ImportRefused(f"The authors file cannot be read: {error}") from error
        return mapping

    def _author(self, author):
        if not author.login:
            return
        user = self.author_map.get(author.login)
        if user is None:
            user = self._imported_target(Kind.AUTHOR, author.login)
        if user is None:
            user = self._author_create(author)
            self.report.count("authors", "imported")
        else:
            self.report.count("authors", "mapped" if author.login in self.author_map else "unchanged")
        self.users[author.login] = user
        if author.id:
            self.users_by_id[author.id] = user

    def _author_create(self, author):
        User = get_user_model()
        username = first_free(
            slugify(author.login)[:140] or "wordpress-author", lambda name: User.objects.filter(username=name).exists()
        )
        email = author.email if _valid(validate_email, author.email) else ""
        user = User(username=username, email=email, first_name=author.first_name[:150],
                    last_name=author.last_name[:150], is_staff=True, is_active=False)  # fmt: skip
        user.set_unusable_password()
        user.save()
        name = " ".join(author.display_name.split()) or author.login
        slug = first_free(slugify(name)[:90] or username, lambda slug: AuthorProfile.objects.filter(slug=slug).exists())
        AuthorProfile.objects.create(user=user, display_name=name[:120], slug=slug)
        imported = self._remember(Kind.AUTHOR, author.login, user, digest(author))
        # WordPress's author archive, /author/<nicename>/ (the login, made an address), is the profile's now.
        self._old_address(imported, f"/author/{slugify(author.login)}/", name)
        return user

    def _user_for(self, login):
        """The user of a post's author, made when the export did not list them among its authors."""
        login = login or "wordpress"
        if login not in self.users:
            self._author(Author(id=None, login=login))
        return self.users[login]

    def _term(self, term):
        if term.taxonomy == "category":
            self.categories[term.slug] = self._category(term)
        elif term.taxonomy == "post_tag":
            self.tags[term.slug] = self._tag(term)

    def _category(self, term):
        found = self._imported_target(Kind.CATEGORY, term.slug)
        if found is not None:
            self.report.count("categories", "unchanged")
            return found
        slug = _ascii_slug(term.slug, term.name, 100, "category")
        found = Category.objects.filter(slug=slug).first()
        if found is None:
            name = html.unescape(term.name).strip()[:100] or slug
            if Category.objects.filter(name=name).exists():
                name = f"{name} ({slug})"[:100]
            found = Category.objects.create(name=name, slug=slug, description=strip_tags(term.description))
            self.report.count("categories", "imported")
        else:
            self.report.count("categories", "matched by slug")
        if term.parent:
            self.report.flattened.append(found.name)
        self._remember(Kind.CATEGORY, term.slug, found, digest(term))
        return found

    def _tag(self, term):
        found = self._imported_target(Kind.TAG, term.slug)
        if found is not None:
            self.report.count("tags", "unchanged")
            return found
        slug = _ascii_slug(term.slug, term.name, 60, "tag")
        found = Tag.objects.filter(slug=slug).first()
        if found is None:
            name = html.unescape(term.name).strip()[:60] or slug
            if Tag.objects.filter(name=name).exists():
                name = f"{name} ({slug})"[:60]
            found = Tag.objects.create(name=name, slug=slug)
            self.report.count("tags", "imported")
        else:
            self.report.count("tags", "matched by slug")
        self._remember(Kind.TAG, term.slug, found, digest(term))
        return found

    def _terms_of(self, item):
        """(categories in the item's order, primary first; tags), made when the export did not list them."""
        categories, tags = [], []
        for taxonomy, slug, name in item.terms:
            term = Term(taxonomy=taxonomy, slug=slug, name=name)
            if taxonomy == "category":
                if slug not in self.categories:
                    self.categories[slug] = self._category(term)
                categories.append(self.categories[slug])
            elif taxonomy == "post_tag":
                if slug not in self.tags:
                    self.tags[slug] = self._tag(term)
                tags.append(self.tags[slug])
        primary = _first(item.meta, "_yoast_wpseo_primary_category")
        if primary.isdigit() and int(primary) in self.index.terms:
            slug = self.index.terms[int(primary)][1]
            categories.sort(key=lambda category: category != self.categories.get(slug))
        return categories, tags

    # Items -----------------------------------------------------------------------------------------------------
    def _item(self, item):
        if item.post_type == "post":
            self._post(item)
        elif item.post_type == "page":
            if item.parent and not self._imported(Kind.PAGE, item.parent) and item.parent in self.index.pages:
                self.waiting_pages.append(item)
            else:
                self._page(item)
        elif item.post_type == "attachment":
            self._attachment(item.id, count=True)
        elif item.post_type == "nav_menu_item":
            self.menu_items.append(item)
        else:
            self.report.count(f"other items ({item.post_type or 'no type'})", "left out")

    def _saved(self, kind, label, item, source, model, fill, after=None):
        """The object WordPress's `item` became, filled by `fill(obj)` and saved (then `after(obj)`) unless
        WordPress's version is unchanged or an editor saved it here since the last import (reported); (its
        Imported, the object), or (None, None) when it was deleted here after an earlier import."""
        imported = self._imported(kind, item.id)
        target = imported.target if imported else None
        if imported and target is None:
            self.report.skipped.append([label, item.title, "deleted here after an earlier import"])
            return None, None
        if imported and imported.source_hash == source:
            self.report.count(f"{label}s", "unchanged")
        elif imported and _edited_here(target, imported):
            self.report.count(f"{label}s", "edited here, left alone")
            self.report.conflicts.append(
                [label, item.title, "edited here since the last import; WordPress's change left out"]
            )
        else:
            target = target or model()
            fill(target)
            target._change_reason = "Imported from WordPress"
            target.save()
            if after is not None:
                after(target)
            imported = self._remember(kind, item.id, target, source, imported)
            self.report.count(f"{label}s", "imported" if self._created else "updated")
        return imported, target

    def _post(self, item):
        source = digest(item.title, item.content, item.excerpt, item.status, item.date, item.date_gmt, item.slug,
                        item.terms, item.comment_status, item.password, item.creator, item.meta,
                        self.with_files)  # fmt: skip
        imported, article = self._saved(
            Kind.POST,
            "post",
            item,
            source,
            Article,
            fill=lambda article: self._fill_article(article, item),
            after=lambda article: self._article_saved(article, item),
        )
        if imported is None:
            return
        self._old_addresses(imported, item, article)
        self._comments(item, article)

    def _fill_article(self, article, item):
        categories, _ = self._terms_of(item)
        article.title = _title(item, 200)
        article.slug = article.slug or self._free_slug(Article, item, 200)
        article.author = self._user_for(item.creator)
        article.excerpt = " ".join(strip_tags(html.unescape(item.excerpt)).split())
        article.body = self._body(item)
        article.category = categories[0] if categories else None
        article.status, article.published_at = self._status(item, reviewed=True)
        article.allow_comments = item.comment_status != "closed"
        seo_title, seo_description = self._seo(item)
        article.seo_title, article.seo_description = seo_title[:70], seo_description[:160]
        self._featured_image(article, item)
        article.is_sticky = item.sticky

    def _article_saved(self, article, item):
        _, tags = self._terms_of(item)  # made and remembered by _fill_article
        article.tags.set(tags)
        if article.is_published or (article.published_at and article.published_at <= timezone.now()):
            article_announcement_skip(article, reason="Imported from WordPress, where it was published")

    def _page(self, item):
        source = digest(item.title, item.content, item.status, item.date, item.date_gmt, item.slug, item.parent,
                        item.menu_order, item.password, item.meta, self.with_files)  # fmt: skip
        imported, page = self._saved(
            Kind.PAGE, "page", item, source, Page, fill=lambda page: self._fill_page(page, item)
        )
        if imported is None:
            return
        self._old_addresses(imported, item, page)
        if item.comments:
            self.report.notes.append(f"Page “{item.title}” had {len(item.comments)} comments: pages here have none.")

    def _fill_page(self, page, item):
        parent = self._imported_target(Kind.PAGE, item.parent) if item.parent else None
        if item.parent and parent is None:
            self.report.notes.append(f"Page “{item.title}”: its parent page was not in the export; it is at the top.")
        elif parent is not None and parent.is_trashed:
            # As the Trash did with the pages that were under it: up to its place, and back under it on a restore.
            self.report.notes.append(
                f"Page “{item.title}”: its parent page “{parent.title}” is in the Trash here; it is at its place."
            )
            page.parent_before_trash, parent = parent, parent.parent
        page.title = _title(item, 200)
        page.parent = parent
        page.order = max(0, item.menu_order)
        page.body = self._body(item)
        page.status, page.published_at = self._status(item)
        seo_title, seo_description = self._seo(item)
        page.seo_title, page.seo_description = seo_title[:70], seo_description[:160]
        if not page.slug:
            page.slug = self._free_page_slug(page, item)
        self._featured_image(page, item)

    def _waiting_pages(self):
        """Pages that came before their parent in the file, each once its parent is in (or at the top if never)."""
        while self.waiting_pages:
            ready = [item for item in self.waiting_pages if self._imported(Kind.PAGE, item.parent)]
            for item in ready or self.waiting_pages:
                self._page(item)
            self.waiting_pages = [item for item in self.waiting_pages if item not in ready] if ready else []

    def _status(self, item, *, reviewed=False):
        """(status, publication time) of `item`; `reviewed` for what has a "waiting for review" state (articles),
        which WordPress's "pending" becomes."""
        moment = item.date_gmt or (timezone.make_aware(item.date) if item.date else None)
        if item.password:
            self.report.statuses["password-protected → draft"] += 1
            return "draft", None
        if item.status == "publish":
            return "published", moment or timezone.now()
        if item.status == "future":
            self.report.statuses["future → scheduled"] += 1
            return "published", moment
        if item.status == "pending" and reviewed:
            self.report.statuses["pending → waiting for review"] += 1
            return "review", None
        if item.status != "draft":
            self.report.statuses[f"{item.status or 'none'} → draft"] += 1
        return "draft", None

    def _seo(self, item):
        def filled(value):
            value = value.replace("%%title%%", item.title).replace("%%sitename%%", self.index.site.title)
            value = value.replace("%%sep%%", "–")
            return " ".join(YOAST_VARIABLES.sub("", html.unescape(value)).split())

        return filled(_first(item.meta, "_yoast_wpseo_title")), filled(_first(item.meta, "_yoast_wpseo_metadesc"))

    def _free_slug(self, model, item, length):
        base = _ascii_slug(item.slug, item.title, length, f"{model.__name__.lower()}-{item.id}")
        slug = first_free(base, lambda slug: model.objects.filter(slug=slug).exists(), length)
        if slug != base:
            self.report.notes.append(f"“{item.title}”: /{base}/ was taken here; it is /{slug}/.")
        return slug

    def _free_page_slug(self, page, item):
        base = _ascii_slug(item.slug, item.title, 100, f"page-{item.id}")

        def taken(slug):
            path = f"{page.parent.path}/{slug}" if page.parent_id else slug
            return (not page.parent_id and bool(taken_by_the_site(slug))) or Page.objects.filter(path=path).exists()

        slug = first_free(base, taken, 100)
        if slug != base:
            self.report.notes.append(f"Page “{item.title}”: the address “{base}” was taken here; it is “{slug}”.")
        return slug

    def _body(self, item):
        title = item.title or f"#{item.id}"
        converted = convert(item.content, media=self._media_for(title), gallery=self._gallery_for(item))
        for name in converted.shortcodes:
            self.report.shortcodes[name].append(title)
        for address in converted.missing_media:
            self.report.missing_media[address].append(title)
        for address in converted.foreign_media:
            self.report.foreign_media[address].append(title)
        for problem in converted.heading_problems:
            self.report.headings.append([title, problem])
        return converted.html

    def _featured_image(self, owner, item):
        thumbnail = _first(item.meta, "_thumbnail_id")
        if not thumbnail.isdigit() or owner.featured_image:
            return
        attachment = self.index.attachments.get(int(thumbnail))
        if attachment is None:
            self.report.notes.append(
                f"“{item.title}”: its featured image (attachment {thumbnail}) is not in the export."
            )
            return
        stored = self._attachment(attachment.id)
        if stored and stored.file.startswith("editor/") and not self.dry_run:
            owner.featured_image = stored.file
            owner.featured_image_alt = (attachment.alt or attachment.title or owner.title)[:250]

    # Media -----------------------------------------------------------------------------------------------------
    def _media_for(self, title):
        def media(address):
            key = self._file_key(upload_key(address))
            if not key:
                return None
            attachment = self.index.attachments.get(self.index.by_upload.get(key))
            imported = self._attachment(attachment.id) if attachment else self._upload(key, None)
            if imported is None:
                return None
            return imported.address(), (attachment.alt if attachment else "")

        return media

    def _file_key(self, key):
        """`key` if the export or the uploads folder has that very file, else the original it is a resized copy of
        (`knee-300x200.jpg` → `knee.jpg`): a file may be called `banner-1920x1080.jpg` from the start."""
        if not key or key in self.index.by_upload or (self.uploads and (self.uploads / key).is_file()):
            return key
        return original_upload(key)

    def _gallery_for(self, item):
        def gallery(ids):
            images = []
            for number in ids or sorted(self.index.children.get(item.id, [])):
                attachment = self.index.attachments.get(number)
                imported = self._attachment(number) if attachment else None
                if imported is not None and imported.file.startswith("editor/"):
                    images.append((imported.address(), attachment.alt, attachment.caption))
                elif attachment is not None:
                    self.report.missing_media[attachment.url].append(item.title or f"#{item.id}")
            return images

        return gallery

    def _attachment(self, number, count=False):
        """The Imported of attachment `number` with its file stored here (once), or None without a file."""
        attachment = self.index.attachments.get(number)
        if attachment is None:
            return None
        imported = self._upload(upload_key(attachment.url), attachment)
        if count:
            self.report.count("attachments", "with their file" if imported else "without a file here")
            if imported is not None:
                for address in (attachment.link, attachment.url):
                    self._old_address(imported, old_path(address), attachment.title)
        return imported

    def _upload(self, key, attachment):
        if not key:
            return None
        if key in self.stored:
            return self.stored[key]
        wp_key = str(attachment.id) if attachment else f"file:{key}" if len(key) < 190 else f"file#{digest(key)}"
        imported = self._imported(Kind.ATTACHMENT, wp_key)
        if imported is None:
            name = self._store(key)
            if name is not None:
                imported = self._remember(Kind.ATTACHMENT, wp_key, None, digest(key), file=name)
                details = {}
                if attachment is not None:
                    details = {"title": attachment.title, "alt": attachment.alt, "caption": attachment.caption,
                               "description": attachment.description}  # fmt: skip
                    Imported.objects.filter(pk=imported.pk).update(details=details)
                if not self.dry_run and PurePosixPath(name).suffix.lower().lstrip(".") in IMAGES:
                    media_item_for_stored_image(
                        name=name,
                        title=details.get("title") or PurePosixPath(key).stem,
                        alt_text=details.get("alt", ""),
                        caption=details.get("caption") or details.get("description", ""),
                    )
        self.stored[key] = imported
        if imported is not None:
            self._old_address(imported, UPLOADS.rstrip("/") + "/" + key, key)
        return imported

    def _store(self, key):
        """Store the file `key` of the uploads folder like an upload here; its stored name, or None."""
        if self.uploads is None:
            return None
        path = (self.uploads / key).resolve()
        if not path.is_relative_to(self.uploads) or not path.is_file():
            return None
        extension = path.suffix.lower().lstrip(".")
        if self.dry_run:
            return f"editor/dry-run/{key}" if extension in IMAGES else f"documents/dry-run/{key}"
        with path.open("rb") as opened:
            upload = File(opened, name=path.name)
            if extension in IMAGES:
                try:
                    validate_raster_image(upload)
                except ValidationError as error:
                    self.report.skipped.append(["file", key, error.messages[0]])
                    return None
                return editor_image_store(upload)
            if extension in DOCUMENTS and path.stat().st_size <= settings.WORDPRESS_DOCUMENT_MAX_BYTES:
                if extension == "pdf" and opened.read(5) != b"%PDF-":
                    self.report.skipped.append(["file", key, "not a PDF, whatever its name says"])
                    return None
                opened.seek(0)
                name = f"documents/{PurePosixPath(key).parent}/{slugify(path.stem)[:80] or 'document'}.{extension}"
                return default_storage.save(name, upload)
        self.report.skipped.append(["file", key, "not an image or an allowed document (or larger than allowed)"])
        return None

    # Comments --------------------------------------------------------------------------------------------------
    def _comments(self, item, article):
        comments = []
        for comment in item.comments:
            if comment.type in ("pingback", "trackback"):
                self.report.pingbacks += 1
            elif comment.id:
                comments.append(comment)
        if not comments:
            return
        keys = [str(comment.id) for comment in comments]
        known = {row.wp_key: row for row in Imported.objects.filter(kind=Kind.COMMENT, wp_key__in=keys)}
        made = {int(key): row.object_id for key, row in known.items() if row.object_id}
        existing = {comment.pk: comment for comment in Comment.objects.filter(pk__in=made.values())}
        placed = {number: existing[pk] for number, pk in made.items() if pk in existing}
        ids = {comment.id for comment in comments}
        waiting = []
        for comment in comments:
            row = known.get(str(comment.id))
            source = digest(comment)
            if row is None:
                waiting.append(comment)
                continue
            target = placed.get(comment.id)
            if row.source_hash == source or target is None:
                self.report.count("comments", "unchanged")
            elif _edited_here(target, row):
                self.report.conflicts.append(
                    ["comment", f"{comment.id} on {article.title}", "moderated or edited here since the last import"]
                )
            else:
                self._fill_comment(target, comment)
                target.save()
                Imported.objects.filter(pk=row.pk).update(source_hash=source, saved_at=target.updated_at)
                self.report.count("comments", "updated")
        # Parents before their replies, whatever the file's order: level by level.
        while waiting:
            ready = [
                comment
                for comment in waiting
                if not comment.parent or comment.parent in placed or comment.parent not in ids
            ]
            if not ready:  # a loop of parents: WordPress would not show these either; they start threads here
                ready = waiting[:1]
                waiting[0].parent = None
            new = []
            for comment in ready:
                parent = placed.get(comment.parent) if comment.parent else None
                if comment.parent and parent is None:
                    self.report.orphan_comments.append([article.title, comment.id])
                while parent is not None and parent.depth >= self.discussion.thread_depth:
                    parent = parent.parent
                target = Comment(article=article, parent=parent)
                if parent is not None:
                    target.depth, target.thread_id = parent.depth + 1, parent.thread_id or parent.pk
                self._fill_comment(target, comment)
                new.append((comment, target))
            Comment.objects.bulk_create([target for _, target in new])
            roots = [target.pk for _, target in new if target.thread_id is None]
            Comment.objects.filter(pk__in=roots).update(thread_id=F("pk"))
            for comment, target in new:
                if target.thread_id is None:
                    target.thread_id = target.pk
                placed[comment.id] = target
            Imported.objects.bulk_create(
                Imported(
                    kind=Kind.COMMENT,
                    wp_key=str(comment.id),
                    content_type=self.types[Comment],
                    object_id=target.pk,
                    source_hash=digest(comment),
                    saved_at=target.updated_at,
                )
                for comment, target in new
            )
            self.report.count("comments", "imported", len(new))
            done = {comment.id for comment in ready}
            waiting = [comment for comment in waiting if comment.id not in done]

    def _fill_comment(self, target, comment):
        target.status = COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING)
        target.name = " ".join(comment.author.split())[:245] or "Anonymous"
        target.email = comment.email[:100] if _valid(validate_email, comment.email) else ""
        target.url = comment.url[:200] if _valid(URLValidator(), comment.url) else ""
        target.body = html.unescape(strip_tags(comment.content)).strip()[:65525] or "…"
        target.user = self.users_by_id.get(comment.user_id) if comment.user_id else None
        target.created_at = comment.date_gmt or (timezone.make_aware(comment.date) if comment.date else timezone.now())
        if self.with_ip_addresses and _valid(validate_ipv46_address, comment.ip):
            target.ip_address = comment.ip
            target.user_agent = _first(comment.meta, "_comment_agent")[:500]
        else:
            target.ip_address = None

    # Old addresses ---------------------------------------------------------------------------------------------
    def _old_addresses(self, imported, item, target):
        if imported is None:
            return
        self._old_address(imported, old_path(item.link), item.title)
        link_path = old_path(item.link)
        for old_slug in item.meta.get("_wp_old_slug", []):
            old_slug = old_slug.strip()
            if old_slug and link_path.rstrip("/").endswith("/" + (item.slug or "")) and item.slug:
                self._old_address(imported, link_path.rstrip("/")[: -len(item.slug)] + old_slug + "/", item.title)
            elif old_slug:
                self._old_address(imported, f"/{old_slug}/", item.title)

    def _old_address(self, imported, path, title):
        if not path or path == "/" or len(path) > 500 or imported is None:
            return
        if OldAddress.objects.filter(path=path).exists():
            return
        current = imported.address()
        if current and path.rstrip("/") == current.rstrip("/"):
            return
        if answered_by_the_site(path):
            self.report.clashes.append([path, f"an address of this site (for “{title}”)"])
            return
        OldAddress.objects.create(path=path, imported=imported)

    def _rewrite_links(self):
        """Links in imported bodies to the old site's posts, pages and files: to where they are now."""
        for model in (Article, Page):
            ids = Imported.objects.filter(content_type=self.types[model]).values_list("object_id", flat=True)
            for owner in model.objects.filter(pk__in=ids).only("pk", "body"):
                body = re.sub(
                    r'(href=")([^"]+)(")',
                    lambda match: (
                        match.group(1) + html.escape(self._new_link(html.unescape(match.group(2)))) + match.group(3)
                    ),
                    owner.body,
                )
                if body != owner.body:
                    model.objects.filter(pk=owner.pk).update(body=body)

    def _new_link(self, address):
        try:
            parts = urlsplit(address)
        except ValueError:
            return address
        if parts.hostname and parts.hostname not in self.hosts:
            return address
        if not parts.hostname and not address.startswith("/"):
            return address
        found = old_address_target(unquote(parts.path) or "/", parts.query)
        return (found + (f"#{parts.fragment}" if parts.fragment else "")) if found else address

    # Menus -----------------------------------------------------------------------------------------------------
    def _menus(self):
        menus = defaultdict(list)
        for item in self.menu_items:
            for taxonomy, slug, name in item.terms:
                if taxonomy == "nav_menu":
                    menus[(slug, name)].append(item)
        free = [location for location in (Menu.Location.HEADER, Menu.Location.FOOTER)]
        for (slug, name), items in menus.items():
            wanted = Menu.Location.FOOTER if "footer" in f"{slug} {name}".lower() else Menu.Location.HEADER
            location = wanted if wanted in free else (free[0] if free else None)
            if location is None:
                self.report.notes.append(f"Menu “{name}” was left out: the header and footer menus are taken.")
                continue
            free.remove(location)
            menu = Menu.at(location)
            if (
                menu.items.exists()
                and not Imported.objects.filter(kind=Kind.MENU_ITEM, object_id__in=menu.items.values("pk")).exists()
            ):
                self.report.notes.append(f"Menu “{name}” was left out: the {location} menu here has items already.")
                continue
            self._menu_items(menu, items, name)

    def _menu_items(self, menu, items, name):
        made = {}
        for item in sorted(items, key=lambda entry: entry.menu_order):
            if self._imported(Kind.MENU_ITEM, item.id):
                self.report.count("menu items", "unchanged")
                continue
            kind, number = _first(item.meta, "_menu_item_type"), _first(item.meta, "_menu_item_object_id")
            target_kind = _first(item.meta, "_menu_item_object")
            entry = MenuItem(menu=menu, order=item.menu_order, label=html.unescape(item.title)[:100])
            if kind == "post_type" and target_kind == "page" and self._imported_target(Kind.PAGE, number):
                entry.kind, entry.page = MenuItem.Kind.PAGE, self._imported_target(Kind.PAGE, number)
            elif kind == "post_type" and target_kind == "post" and self._imported_target(Kind.POST, number):
                entry.kind, entry.article = MenuItem.Kind.ARTICLE, self._imported_target(Kind.POST, number)
            elif (
                kind == "taxonomy"
                and target_kind == "category"
                and number.isdigit()
                and int(number) in self.index.terms
            ):
                entry.kind, entry.category = (
                    MenuItem.Kind.CATEGORY,
                    self.categories.get(self.index.terms[int(number)][1]),
                )
            elif kind == "custom" and _first(item.meta, "_menu_item_url").strip("#"):
                address = self._new_link(_first(item.meta, "_menu_item_url"))
                entry.kind, entry.address = MenuItem.Kind.ADDRESS, address[:500]
                entry.label = entry.label or address[:100]
            else:
                reason = (
                    "a heading without a link (“#”): a menu item here links somewhere, its items are at the top"
                    if kind == "custom"
                    else "what it linked to was not imported"
                )
                self.report.skipped.append(["menu item", item.title or f"#{item.id}", f"in “{name}”: {reason}"])
                continue
            parent = _first(item.meta, "_menu_item_menu_item_parent")
            if parent.isdigit() and int(parent) in made and menu.location == Menu.Location.HEADER:
                above = made[int(parent)]
                entry.parent = above if above.parent_id is None else above.parent
            try:
                entry.full_clean()
            except ValidationError as error:
                self.report.skipped.append(["menu item", item.title or f"#{item.id}", " ".join(error.messages)])
                continue
            entry.save()
            made[item.id] = entry
            self._remember(Kind.MENU_ITEM, item.id, entry, digest(item.meta))
            self.report.count("menu items", "imported")

    # The id map ------------------------------------------------------------------------------------------------
    def _imported(self, kind, wp_key):
        return Imported.objects.filter(kind=kind, wp_key=str(wp_key)).first() if wp_key else None

    def _imported_target(self, kind, wp_key):
        imported = self._imported(kind, wp_key)
        return imported.target if imported else None

    def _remember(self, kind, wp_key, target, source, imported=None, file=""):
        self._created = imported is None
        imported = imported or Imported(kind=kind, wp_key=str(wp_key))
        if target is not None:
            imported.content_type, imported.object_id = self.types[type(target)], target.pk
        imported.file = file or imported.file
        imported.source_hash, imported.saved_at = source, getattr(target, "updated_at", None) or timezone.now()
        imported.save()
        return imported


def _site_key(address):
    """A site's address without what may change while it stays the same site: http or https, www., a final /."""
    parts = urlsplit(address.strip().lower())
    return (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")


def _edited_here(target, imported):
    updated = getattr(target, "updated_at", None)
    return bool(updated and imported.saved_at and updated > imported.saved_at)


def _first(meta, key):
    values = meta.get(key) or [""]
    return values[0].strip()


def _valid(validator, value):
    if not value:
        return False
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _title(item, length):
    title = " ".join(html.unescape(item.title).split()) or f"(no title, WordPress #{item.id})"
    return Truncator(title).chars(length)


def _ascii_slug(slug, title, length, fallback):
    return (slugify(unquote(slug or "")) or slugify(html.unescape(title or "")) or fallback)[:length].strip(
        "-"
    ) or fallback
