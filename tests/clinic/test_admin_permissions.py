"""Every admin URL of every registered model, as each role: what it may see and change, object by object.

The URL list comes from the admin itself (`admin.site.get_urls()` and each ModelAdmin's `get_urls()`), so a URL
added later fails `test_every_admin_url_is_classified` until this file says who may use it. Every object URL is
opened and posted with real ids: the role's own and someone else's article, draft and published, a revision.
A refused POST must leave the database as it was, even when it carries valid form data and a new image.
"""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from blog.models import Article, AuthorProfile, Category, Comment, CommentSubscription, DiscussionSettings, Tag
from clinic.models import ClinicSettings
from clinic.roles import AUTHOR, CONTRIBUTOR, EDITOR, MODERATOR
from menus.models import Menu
from newsletter.models import Announcement, NewsletterSettings, Subscriber
from outbox.models import Email
from outbox.tasks import emails_deliver
from redirects.models import NotFound, Redirect
from tests.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    CategoryFactory,
    CommentFactory,
    MediaItemFactory,
    PageFactory,
    TagFactory,
    UserFactory,
    uploaded_image,
)
from tests.helpers import form_data
from wordpress.models import ImportRun

pytestmark = pytest.mark.django_db

NO_ROLE = "staff without a role"
ROLES = [EDITOR, AUTHOR, CONTRIBUTOR, MODERATOR, NO_ROLE]

# What each ModelAdmin URL needs, by the end of its name (`blog_article_<kind>`); None is the unnamed
# `<id>/` pattern that redirects to the change page.
MODEL_URL_KINDS = {
    "changelist": "view",
    "add": "add",
    "change": "change",
    "history": "view",
    "delete": "delete",
    "simple_history": "change",
    "editing": "change",
    "import_for_real": "add",
    "preview_add": "add",
    "import": "add",
    "preview_changes": "change",
    "password_change": "change",
    "previews": "view",
    "moderate": "change",
    "reply": "add",
    "quick_draft": "add",
    "history_compare": "view",
    # Restoring from the Trash (tests/blog/test_trash.py): refused here, where nothing is in the Trash.
    "restore": "delete",
    None: "redirect",
}
# The admin site's own URLs, tested in the functions named beside them.
SITE_URLS = {
    "index": "test_site_urls_answer_every_staff_member",
    "login": "test_site_urls_answer_every_staff_member",
    "logout": "test_site_urls_answer_every_staff_member",
    "password_change": "test_site_urls_answer_every_staff_member",
    "password_change_done": "test_site_urls_answer_every_staff_member",
    "jsi18n": "test_site_urls_answer_every_staff_member",
    "app_list": "test_app_lists_show_only_what_a_role_may_see",
    "autocomplete": "test_autocomplete_as_each_role",
    "view_on_site": "test_view_on_site_never_names_anothers_draft",
    None: "test_site_urls_answer_every_staff_member",
}

ALL, OWN, OWN_DRAFTS, NONE = "all", "own", "own drafts", "none"
# Admins whose change page has no editable field of its own row: a permitted POST saves nothing there (a menu's
# items are inline rows, tested in tests/menus).
READ_ONLY_ADMINS = {
    "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "menus.menu", "blog.commentsubscription",
    "newsletter.subscriber", "newsletter.announcement",
}  # fmt: skip
# role → model → (view, change, delete, add): what the role may do, written out rather than derived from the
# code under test. OWN is the role's own article (or profile, account); OWN_DRAFTS its own unpublished ones.
MAY = {
    EDITOR: {
        "blog.article": (ALL, ALL, ALL, True),
        "blog.category": (ALL, ALL, ALL, True),
        "blog.tag": (ALL, ALL, ALL, True),
        "blog.authorprofile": (ALL, ALL, ALL, True),
        "blog.comment": (ALL, ALL, ALL, True),
        # Made by commenters only; an editor unsubscribes an address (an action) or deletes it on request.
        "blog.commentsubscription": (ALL, ALL, ALL, False),
        "blog.discussionsettings": (ALL, ALL, NONE, False),
        "clinic.clinicsettings": (ALL, ALL, NONE, False),
        "pages.page": (ALL, ALL, ALL, True),
        # The two menus exist always: their items are edited, the menus neither added nor deleted.
        "menus.menu": (ALL, ALL, NONE, False),
        "redirects.redirect": (ALL, ALL, ALL, True),
        # The 404 log is read, and cleared; its rows are made by readers' requests only.
        "redirects.notfound": (ALL, NONE, ALL, False),
        "auth.user": (ALL, ALL, NONE, True),
        # Raw groups and permissions are a superuser's; editors give roles on the user's page.
        "auth.group": (NONE, NONE, NONE, False),
        "axes.accessattempt": (ALL, ALL, ALL, False),
        "axes.accesslog": (ALL, ALL, ALL, False),
        "axes.accessfailurelog": (ALL, ALL, ALL, False),
        # What the site sent and could not send: read, and a failed one sent again (an action), never edited.
        "outbox.email": (ALL, NONE, NONE, False),
        # The raw task queue is a superuser's (its rows hold the tasks' arguments).
        "django_tasks_database.dbtaskresult": (NONE, NONE, NONE, False),
        # Readers subscribe themselves; editors read, export, unsubscribe on request and delete with their data.
        "newsletter.subscriber": (ALL, ALL, ALL, False),
        # What was announced, read only: deleting it would announce the article again.
        "newsletter.announcement": (ALL, NONE, NONE, False),
        "newsletter.newslettersettings": (ALL, ALL, NONE, False),
        # Importing a WordPress site creates users and content: a superuser's.
        "wordpress.importrun": (NONE, NONE, NONE, False),
        "library.mediaitem": (ALL, ALL, ALL, True),
    },
    AUTHOR: {
        "blog.article": (OWN, OWN, OWN, True),
        "blog.category": (ALL, NONE, NONE, False),
        "blog.tag": (ALL, NONE, NONE, True),
        "blog.authorprofile": (ALL, NONE, NONE, False),
        # Their own uploads, as WordPress's Authors (others' images of published content: tests/library).
        "library.mediaitem": (OWN, OWN, OWN, True),
    },
    CONTRIBUTOR: {
        "blog.article": (OWN, OWN_DRAFTS, NONE, True),
        "blog.category": (ALL, NONE, NONE, False),
        "blog.tag": (ALL, NONE, NONE, True),
        "blog.authorprofile": (ALL, NONE, NONE, False),
        "library.mediaitem": (OWN, OWN, NONE, True),
    },
    MODERATOR: {
        # The article list (to filter comments by article) but no article page: they write none.
        "blog.article": (OWN, NONE, NONE, False),
        # They reply as the clinic (a new comment under one, from the list).
        "blog.comment": (ALL, ALL, ALL, True),
    },
    NO_ROLE: {},
}


def _names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern.name, prefix + str(pattern.pattern)


def model_urls():
    """(model label, kind, url name) of every URL of every registered ModelAdmin."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        start = f"{opts.app_label}_{opts.model_name}_"
        for name, _pattern in _names(model_admin.get_urls()):
            kind = name.removeprefix(start) if name else None
            yield opts.label_lower, kind, name


def site_url_names():
    model_prefixes = {f"{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry}
    for name, pattern in _names(admin.site.get_urls()):
        if not any(pattern.lstrip("^").startswith(prefix) for prefix in model_prefixes):
            yield name


def test_every_admin_url_is_classified():
    unknown = [(label, kind) for label, kind, _name in model_urls() if kind not in MODEL_URL_KINDS]
    unknown += [("site", name) for name in site_url_names() if name not in SITE_URLS]
    assert not unknown, f"Say who may use these admin URLs in {__file__}: {unknown}"
    assert set(MAY[EDITOR]) == {model._meta.label_lower for model in admin.site._registry}


def staff(role):
    user = UserFactory(is_staff=True)
    if role != NO_ROLE:
        user.groups.add(Group.objects.get(name=role))
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """Objects of every registered model, with another author's drafts and published articles."""
    other = staff(AUTHOR)
    AuthorProfileFactory(user=other, display_name="Dr. Other")
    category, tag = CategoryFactory(), TagFactory()
    others_draft = ArticleFactory(author=other, draft=True, title="Secret draft of the other author", category=category)
    others_published = ArticleFactory(author=other, title="Published by the other author", category=category)
    return {
        "other": other,
        "editor": staff(EDITOR),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        "auth.group": Group.objects.get(name=AUTHOR),
        "articles": {"others draft": others_draft, "others published": others_published},
        "blog.category": category,
        "blog.tag": tag,
        # In the trash: only there is a comment deleted for good.
        "blog.comment": CommentFactory(article=others_published, status=Comment.Status.TRASH),
        # On a comment of its own: deleting the comment above would take it along.
        "blog.commentsubscription": CommentSubscription.objects.create(
            email="reader@example.com", article=others_published, comment=CommentFactory(article=others_published)
        ),
        "blog.discussionsettings": DiscussionSettings.load(),
        "clinic.clinicsettings": ClinicSettings.load(),
        "pages.page": PageFactory(title="About the clinic", slug="about"),
        "menus.menu": Menu.at(Menu.Location.HEADER),
        "redirects.redirect": Redirect.objects.create(old_path="/old-offer/", new_address="/about/"),
        "redirects.notfound": NotFound.objects.create(path="/missing/"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", ip_address="203.0.113.9", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="x", ip_address="203.0.113.9"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(username="x", ip_address="203.0.113.9"),
        "outbox.email": (email := Email.objects.create(kind="Test", to=["a@example.com"], subject="Hi", text="Hi")),
        "django_tasks_database.dbtaskresult": emails_deliver.enqueue([email.pk]).db_result,
        "newsletter.subscriber": Subscriber.objects.create(email="subscriber@example.com"),
        "newsletter.announcement": Announcement.objects.create(article=others_published, status="sent"),
        "newsletter.newslettersettings": NewsletterSettings.load(),
        "wordpress.importrun": ImportRun.objects.create(export="wordpress/2026/12/export.xml", status="done"),
        # Another author's upload, used nowhere readers see it.
        "library.mediaitem": MediaItemFactory(uploaded_by=other, title="Secret draft picture"),
    }


def objects_for(world, user, label):
    """(variant, object) pairs of `label` to try as `user`: own and others' where ownership applies."""
    if label == "blog.article":
        own = {
            "own draft": ArticleFactory(author=user, draft=True, title="My own draft"),
            "own published": ArticleFactory(author=user, title="My own published article"),
        }
        return [*own.items(), *world["articles"].items()]
    if label == "blog.authorprofile":
        own = AuthorProfileFactory(user=user, display_name="Dr. Me")
        return [("own", own), ("others", world["other"].profile)]
    if label == "auth.user":
        return [("own", user), ("others", world["other"])]
    if label == "library.mediaitem":
        return [("own", MediaItemFactory(uploaded_by=user)), ("others", world[label])]
    return [("all", world[label])]


def allowed(scope, variant):
    if scope == ALL:
        return True
    if scope == OWN:
        return variant.startswith("own")
    if scope == OWN_DRAFTS:
        return variant == "own draft"
    return False


def snapshot(obj):
    """Everything stored about `obj` (fields, many-to-many, revisions), to compare before and after."""
    model = type(obj)
    row = model._base_manager.filter(pk=obj.pk).values().first()
    m2m = {
        field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True)) for field in model._meta.many_to_many
    }
    history = obj.history.count() if hasattr(obj, "history") else None
    return row, m2m, history


def refused(response):
    """Refused: 403, 404, or sent away to a list or the index (with a message) instead of the page."""
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location in (reverse("admin:index"), reverse("admin:blog_article_changelist")) or (
            location.startswith(reverse("admin:login"))
        )
    return False


def editors_form(world, url, model_name, changes):
    """What a superuser's browser would post from the form at `url`, with `changes`: valid data for a takeover."""
    response = login(world["superuser"]).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    form_id = f"{model_name}_form" if f'id="{model_name}_form"' in html else f"historical{model_name}_form"
    return form_data(html, form_id, **changes)


TAKEOVER = {
    "blog.article": lambda: {
        "title": "TAKEN OVER",
        "body": "<p>TAKEN OVER</p>",
        "featured_image": uploaded_image("takeover.png"),
        "featured_image_alt": "Taken over",
    },
    "blog.category": lambda: {"name": "TAKEN OVER"},
    "blog.tag": lambda: {"name": "TAKEN OVER"},
    "auth.group": lambda: {"name": "TAKEN OVER"},
    "blog.authorprofile": lambda: {"display_name": "TAKEN OVER", "photo": uploaded_image("takeover.png")},
    "blog.comment": lambda: {"body": "TAKEN OVER"},
    "auth.user": lambda: {"first_name": "TAKEN OVER", "email": "takeover@example.com"},
    "blog.discussionsettings": lambda: {"moderation_words": "TAKEN OVER"},
    "clinic.clinicsettings": lambda: {"name": "TAKEN OVER"},
    "newsletter.newslettersettings": lambda: {"paused": "on", "digest_hour": "9"},
    "pages.page": lambda: {"title": "TAKEN OVER", "body": "<p>TAKEN OVER</p>"},
    "library.mediaitem": lambda: {"alt_text": "TAKEN OVER"},
    "redirects.redirect": lambda: {"new_address": "/taken-over/"},
    "menus.menu": lambda: {"items-0-kind": "address", "items-0-address": "/taken-over/", "items-0-label": "TAKEN"},
}


def object_url(name, obj, kind):
    if kind == "simple_history":
        return reverse(f"admin:{name}", args=[obj.pk, obj.history.latest("history_date").history_id])
    return reverse(f"admin:{name}", args=[obj.pk])


def check_object_url(world, client, user, label, kind, name, variant, obj, problems):
    view, change, delete, _add = MAY[role_of(user)].get(label, (NONE, NONE, NONE, False))
    needed = {"change": change, "simple_history": change, "editing": change, "preview_changes": change}
    model_name = label.split(".")[1]
    url = object_url(name, obj, kind) if name else reverse(f"admin:{label.replace('.', '_')}_change", args=[obj.pk])
    where = f"{role_of(user)} {kind} {label} ({variant}) {url}"
    before = snapshot(obj)

    # GET: the page shows the object to those who may see it (the change page read-only to viewers).
    if name is None:
        redirect_url = url  # the bare `<id>/` address: a redirect to the change page, which decides
        response = client.get(url.removesuffix("change/"))
        if response.status_code != 302 or not response["Location"].endswith(redirect_url):
            problems.append(f"{where}: GET of the bare address answered {response.status_code}")
        return
    response = client.get(url)
    may_see = allowed(view, variant) or allowed(change, variant)
    if kind in ("editing", "import_for_real", "moderate", "restore"):
        expected_get = response.status_code == 405
    elif kind == "reply":
        expected_get = (response.status_code == 200) == (_add and allowed(change, variant))
    elif kind == "history_compare":
        # Two revisions of the object, side by side, for those who may see it (tests/blog/test_history.py).
        revisions = obj.history.order_by("-history_id").values_list("history_id", flat=True)[:2]
        response = client.get(url, {"a": revisions[0], "b": revisions[len(revisions) - 1]})
        shown = response.status_code == 200 or (response.status_code == 302 and "/history/" in response["Location"])
        if shown != may_see or (not may_see and not refused(response)):
            problems.append(f"{where}: GET answered {response.status_code} (may see: {may_see})")
        return
    elif kind in ("preview_changes",):
        expected_get = response.status_code == 302
    elif kind == "delete":
        expected_get = (response.status_code == 200) == allowed(delete, variant) and (
            response.status_code == 200 or refused(response)
        )
    elif kind == "password_change":
        expected_get = (response.status_code == 200) == allowed(change, variant) and (
            response.status_code == 200 or refused(response)
        )
    else:
        expected_get = (response.status_code == 200) == may_see and (response.status_code == 200 or refused(response))
    if not expected_get:
        problems.append(f"{where}: GET answered {response.status_code} (may see: {may_see})")
    if may_see is False and response.status_code == 200 and kind != "editing":
        for text in ("Secret draft", "My own draft"):
            if text in response.content.decode() and text in str(obj):
                problems.append(f"{where}: GET showed {text!r}")

    # POST: valid data that would change the object; refused ones change nothing.
    if kind == "delete":
        may_post, data = allowed(delete, variant), {"post": "yes"}
    elif kind == "history":
        may_post, data = may_see, {}
    elif kind == "editing":
        may_post, data = allowed(change, variant), {"version": ""}
    elif kind == "import_for_real":
        may_post, data = _add, {}
    elif kind == "restore":
        may_post, data = False, {}
    elif kind == "moderate":
        may_post = allowed(change, variant)
        response = client.post(url, {"status": Comment.Status.SPAM})
        moved = Comment.objects.get(pk=obj.pk).status == Comment.Status.SPAM
        if may_post != moved or (not may_post and not refused(response)):
            problems.append(f"{where}: POST answered {response.status_code}, moved: {moved}")
        Comment.objects.filter(pk=obj.pk).update(status=Comment.Status.TRASH)
        return
    elif kind == "reply":
        replies = Comment.objects.filter(parent=obj)
        before_replies = replies.count()
        obj.status = Comment.Status.APPROVED  # one may reply to comments readers see or may see
        obj.save(update_fields=["status"])
        before = snapshot(obj)
        may_post = _add and allowed(change, variant)
        response = client.post(url, {"body": f"Reply by {where}"})
        if may_post and replies.count() != before_replies + 1:
            problems.append(f"{where}: POST did not publish the reply ({response.status_code})")
        if not may_post and (not refused(response) or replies.count() != before_replies):
            problems.append(f"{where}: POST answered {response.status_code} and replied: {replies.count()}")
        obj.status = Comment.Status.TRASH
        obj.save(update_fields=["status"])
        return
    elif kind == "password_change":
        may_post, data = allowed(change, variant), {"password1": "a new Pass phrase 42", "password2": "x"}
    else:
        may_post = allowed(needed[kind], variant)
        form_page = (
            url if kind != "preview_changes" else reverse(f"admin:{label.replace('.', '_')}_change", args=[obj.pk])
        )
        data = editors_form(world, form_page, model_name, TAKEOVER.get(label, dict)())
    response = client.post(url, data)
    unchanged = snapshot(obj) == before and label not in READ_ONLY_ADMINS
    if may_post and (response.status_code in (403, 404) or (response.status_code == 302 and unchanged)):
        problems.append(f"{where}: POST refused ({response.status_code}) though the role may")
    if not may_post:
        if not refused(response) and not (kind == "history" and response.status_code == 200):
            problems.append(f"{where}: POST answered {response.status_code}, not a refusal")
        after = snapshot(obj)
        if after != before:
            problems.append(f"{where}: a refused POST changed the database")
        if kind == "history" and not may_see and response.status_code == 200:
            problems.append(f"{where}: POST showed the history")


def role_of(user):
    group = user.groups.first()
    return group.name if group else NO_ROLE


# Deleting comes last (of every model: a comment goes with its article), so every other URL sees the object.
KIND_ORDER = ["changelist", "add", "preview_add", "import", "quick_draft", "change", "history", "simple_history",
              "editing", "import_for_real", "preview_changes", "password_change", "previews", "moderate", "reply",
              "restore", "history_compare", None, "delete"]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_model_url_as_each_role(world, role):
    user = staff(role)
    client = login(user)
    problems = []
    urls = sorted(
        model_urls(), key=lambda url: (url[1] == "delete", url[0] == "blog.article", url[0], KIND_ORDER.index(url[1]))
    )
    objects = {}
    for label, kind, name in urls:
        view, change, delete, add = MAY[role].get(label, (NONE, NONE, NONE, False))
        where = f"{role} {kind} {label}"
        if kind in ("changelist", "previews"):
            response = client.get(reverse(f"admin:{name}"))
            ok = (response.status_code in (200, 302)) if view != NONE else response.status_code == 403
            if not ok:
                problems.append(f"{where}: GET answered {response.status_code}")
            continue
        if kind in ("add", "preview_add", "import", "quick_draft"):
            url = reverse(f"admin:{name}")
            response = client.get(url)
            if kind in ("add", "import") and (response.status_code == 200) != add:
                problems.append(f"{where}: GET answered {response.status_code}")
            response = client.post(url, {})
            if not add and response.status_code != 403:
                problems.append(f"{where}: POST answered {response.status_code}, not 403")
            if add and response.status_code == 403:
                problems.append(f"{where}: POST refused though the role may add")
            continue
        if label not in objects:
            objects[label] = objects_for(world, user, label)
        for variant, obj in objects[label]:
            if kind == "delete" and label == "auth.user" and variant == "own":
                continue  # nobody deletes accounts (they deactivate them); covered as "others"
            check_object_url(world, client, user, label, kind, name, variant, obj, problems)
    assert not problems, "\n".join(problems)


def test_author_cannot_restore_a_revision_of_anothers_article(world):
    """The reported takeover: a multipart POST of the revert form with a new image, as an Author."""
    author = staff(AUTHOR)
    client = login(author)
    article = world["articles"]["others published"]
    revision = article.history.latest("history_date")
    url = reverse("admin:blog_article_simple_history", args=[article.pk, revision.history_id])
    data = editors_form(world, url, "article", TAKEOVER["blog.article"]())
    before = snapshot(article)

    response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:blog_article_changelist")
    assert snapshot(article) == before
    article.refresh_from_db()
    assert article.title == "Published by the other author" and not article.featured_image


def test_editor_restores_a_revision_with_a_new_image(world):
    article = world["articles"]["others published"]
    revision = article.history.latest("history_date")
    url = reverse("admin:blog_article_simple_history", args=[article.pk, revision.history_id])
    data = editors_form(world, url, "article", TAKEOVER["blog.article"]())

    response = login(world["editor"]).post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "TAKEN OVER" and article.featured_image


def test_contributor_cannot_publish_by_restoring_a_published_revision(world):
    contributor = staff(CONTRIBUTOR)
    article = ArticleFactory(author=contributor, title="Once published")
    published = article.history.latest("history_date")
    article.status, article.published_at = Article.Status.DRAFT, None
    article.save()
    url = reverse("admin:blog_article_simple_history", args=[article.pk, published.history_id])
    data = editors_form(world, url, "article", {"title": "Restored"})

    response = login(contributor).post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Restored"
    assert article.status == Article.Status.DRAFT and article.published_at is None


def draft_titles_in(response):
    return [title for title in ("Secret draft of the other author",) if title in response.content.decode()]


def test_authors_pages_never_show_anothers_draft_title(world):
    author = staff(AUTHOR)
    client = login(author)
    own = ArticleFactory(author=author, title="My own published article")
    draft = world["articles"]["others draft"]
    pages = [
        reverse("admin:blog_article_changelist"),
        reverse("admin:blog_article_changelist") + "?q=Secret",
        reverse("admin:blog_article_history", args=[draft.pk]),
        reverse("admin:blog_article_simple_history", args=[draft.pk, draft.history.latest("history_date").history_id]),
        reverse("admin:blog_article_history", args=[own.pk]),
        reverse("admin:blog_article_change", args=[draft.pk]),
        reverse("blog:article-preview", args=[draft.pk]),
    ]
    for page in pages:
        response = client.get(page, follow=True)
        assert not draft_titles_in(response), page

    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "blog", "model_name": "article", "field_name": "related_articles", "term": ""},
    )
    assert autocomplete.status_code == 200
    titles = {result["text"] for result in autocomplete.json()["results"]}
    assert "Secret draft of the other author" not in titles
    assert {"My own published article", "Published by the other author"} <= titles


AUTOCOMPLETE = [
    ("blog", "article", "related_articles"),
    ("blog", "article", "category"),
    ("blog", "article", "tags"),
    ("blog", "article", "medical_reviewer"),
    ("blog", "comment", "article"),
    ("blog", "comment", "parent"),
    ("blog", "authorprofile", "user"),
]
# role → the autocomplete fields it may use (of models it may change or add).
# Django asks only the chosen model's admin, so any article field answers the same list: own and published.
WRITERS_AUTOCOMPLETE = {field for field in AUTOCOMPLETE if field[1] == "article" or field[2] == "article"}
MAY_AUTOCOMPLETE = {
    EDITOR: set(AUTOCOMPLETE),
    AUTHOR: WRITERS_AUTOCOMPLETE,
    CONTRIBUTOR: WRITERS_AUTOCOMPLETE,
    # Articles to pick a comment's article (published ones only); their autocomplete answers on any article field.
    MODERATOR: {("blog", "comment", "article"), ("blog", "comment", "parent"), ("blog", "article", "related_articles")},
    NO_ROLE: set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_autocomplete_as_each_role(world, role):
    client = login(staff(role))
    for app_label, model_name, field_name in AUTOCOMPLETE:
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
        )
        may = (app_label, model_name, field_name) in MAY_AUTOCOMPLETE[role]
        assert (response.status_code == 200) == may, (role, field_name, response.status_code)
        if response.status_code == 200 and role != EDITOR:
            assert "Secret draft of the other author" not in response.content.decode(), (role, field_name)


@pytest.mark.parametrize("role", ROLES)
def test_site_urls_answer_every_staff_member(world, role):
    client = login(staff(role))
    for name in ("index", "password_change", "password_change_done"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    assert client.get(reverse("admin:jsi18n")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 302
    assert client.get(reverse("admin:index") + "no-such-page/").status_code == 404
    index = client.get(reverse("admin:index")).content.decode()
    assert "Secret draft" not in index
    assert client.post(reverse("admin:logout")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


APPS = {"blog": {EDITOR, AUTHOR, CONTRIBUTOR, MODERATOR}, "clinic": {EDITOR}, "auth": {EDITOR}, "axes": {EDITOR}}


@pytest.mark.parametrize("role", ROLES)
def test_app_lists_show_only_what_a_role_may_see(world, role):
    client = login(staff(role))
    for app_label, roles in APPS.items():
        response = client.get(reverse("admin:app_list", args=[app_label]))
        assert (response.status_code == 200) == (role in roles), (app_label, response.status_code)


@pytest.mark.parametrize("role", [AUTHOR, CONTRIBUTOR, MODERATOR, NO_ROLE])
def test_view_on_site_never_names_anothers_draft(world, role):
    from django.contrib.contenttypes.models import ContentType

    draft = world["articles"]["others draft"]
    content_type = ContentType.objects.get_for_model(Article)
    response = login(staff(role)).get(reverse("admin:view_on_site", args=[content_type.pk, draft.pk]))
    assert response.status_code == 404
    assert draft.slug not in response.get("Location", "")


def test_view_on_site_still_takes_an_editor_to_the_article(world):
    from django.contrib.contenttypes.models import ContentType

    published = world["articles"]["others published"]
    content_type = ContentType.objects.get_for_model(Article)
    response = login(staff(EDITOR)).get(reverse("admin:view_on_site", args=[content_type.pk, published.pk]))
    assert response.status_code == 302 and response["Location"].endswith(published.get_absolute_url())


@pytest.mark.parametrize("role", ROLES)
def test_previews_and_uploads_as_each_role(world, role):
    user = staff(role)
    client = login(user)
    own = ArticleFactory(author=user, draft=True) if role in (EDITOR, AUTHOR, CONTRIBUTOR) else None
    draft = world["articles"]["others draft"]
    writes = role in (EDITOR, AUTHOR, CONTRIBUTOR)

    response = client.get(reverse("blog:article-preview", args=[draft.pk]))
    assert response.status_code == (200 if role == EDITOR else 403)
    if own is not None:
        assert client.get(reverse("blog:article-preview", args=[own.pk])).status_code == 200

    response = client.post(reverse("core:editor-image-upload"), {"upload": uploaded_image()})
    assert response.status_code == (200 if writes else 403)

    before = snapshot(draft)
    data = editors_form(world, reverse("admin:blog_article_change", args=[draft.pk]), "article", {"title": "X"})
    response = client.post(reverse("admin:blog_article_preview_changes", args=[draft.pk]), data)
    if role == EDITOR:
        assert response.status_code == 200 and b"X" in response.content
    else:
        assert refused(response) and not draft_titles_in(response)
    assert snapshot(draft) == before


def test_comment_actions_need_the_moderate_permission(world):
    comment = CommentFactory(article=world["articles"]["others published"], status=Comment.Status.PENDING)
    changelist = reverse("admin:blog_comment_changelist")
    data = {"action": "approve", "_selected_action": [comment.pk]}
    for role in (AUTHOR, CONTRIBUTOR, NO_ROLE):
        assert login(staff(role)).post(changelist, data).status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING
    login(staff(MODERATOR)).post(changelist, data)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_article_actions_touch_only_own_articles(world):
    author = staff(AUTHOR)
    own = ArticleFactory(author=author)
    others = world["articles"]["others published"]
    client = login(author)
    for action, where in (("move_to_trash", ""), ("delete_selected", "?trash=in")):
        data = {"action": action, "_selected_action": [own.pk, others.pk], "post": "yes"}
        client.post(reverse("admin:blog_article_changelist") + where, data)
    # Their own goes to the Trash; deleting for good is an editor's; the other's is untouched.
    assert Article.objects.get(pk=own.pk).is_trashed
    assert Article.objects.get(pk=others.pk).trashed_at is None


def test_profiles_are_changed_only_by_editors(world):
    author = staff(AUTHOR)
    own = AuthorProfileFactory(user=author)
    for profile in (own, world["other"].profile):
        url = reverse("admin:blog_authorprofile_change", args=[profile.pk])
        data = editors_form(world, url, "authorprofile", {"display_name": "TAKEN OVER"})
        assert login(author).post(url, data).status_code == 403
        assert AuthorProfile.objects.get(pk=profile.pk).display_name != "TAKEN OVER"


def test_the_url_walk_sees_the_models_it_needs():
    assert {Article, Category, Tag, Comment, AuthorProfile} <= set(admin.site._registry)
    assert re.search("simple_history", " ".join(name or "" for _l, _k, name in model_urls()))
