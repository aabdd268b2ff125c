"""Every model of the admin, opened and saved unchanged by an Editor, on the demo content with its images.

The worst defect so far (every re-save of an article with a featured image answered 500) passed hundreds of
tests because none re-saved existing content: this walks every registered model so a new one cannot be missed.
"""

import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from blog.models import Article, AuthorProfile
from clinic.models import ClinicSettings
from newsletter.models import Announcement, NewsletterSettings, Subscriber
from outbox.models import Email
from outbox.tasks import emails_deliver
from redirects.models import NotFound
from tests.factories import image_bytes
from tests.helpers import form_data
from wordpress.models import ImportRun

pytestmark = pytest.mark.django_db

REGISTERED = sorted(model._meta.label for model in admin.site._registry)
# What an Editor must be able to save unchanged; the others they may only open, or are refused (403).
EDITOR_SAVES = {
    "auth.User",
    "blog.Article",
    "blog.AuthorProfile",
    "blog.Category",
    "blog.Comment",
    "blog.DiscussionSettings",
    "blog.Tag",
    "clinic.ClinicSettings",
    "library.MediaItem",
    "menus.Menu",
    "newsletter.NewsletterSettings",
    "pages.Page",
    "redirects.Redirect",
}


@pytest.fixture
def demo_content(editor):
    """The demo of `make run`, with a portrait and a logo as well, and a record of each admin table."""
    call_command("seed_demo", stdout=io.StringIO())
    for profile in AuthorProfile.objects.all():
        profile.photo = ContentFile(image_bytes("JPEG", size=(400, 400)), name="portrait.jpg")
        profile.save()
    clinic = ClinicSettings.load()
    clinic.logo = ContentFile(image_bytes("PNG", size=(512, 512)), name="logo.png")
    clinic.save()
    AccessAttempt.objects.create(username="someone", ip_address="203.0.113.9", failures_since_start=3)
    AccessLog.objects.create(username="editor", ip_address="203.0.113.10")
    AccessFailureLog.objects.create(username="someone", ip_address="203.0.113.9")
    NotFound.objects.create(path="/old-price-list.pdf", referrer_host="forum.example")
    email = Email.objects.create(kind="Test", to=["reader@example.com"], subject="Hello", text="Hello")
    emails_deliver.enqueue([email.pk])
    Subscriber.objects.create(email="reader@example.com", status="confirmed")
    Announcement.objects.create(article=Article.objects.published().first(), status="sent")
    NewsletterSettings.load()
    ImportRun.objects.create(export="wordpress/2026/12/export.xml", status="done", report={})


def image_names(obj):
    files = [field.name for field in obj._meta.fields if field.get_internal_type() in ("FileField", "ImageField")]
    return {name: getattr(obj, name).name for name in files}


def test_every_model_an_editor_saves_is_registered():
    assert set(REGISTERED) >= EDITOR_SAVES


@pytest.mark.parametrize("label", REGISTERED)
def test_editor_opens_and_saves_unchanged_every_admin_form(label, editor_client, demo_content):
    model = next(model for model in admin.site._registry if model._meta.label == label)
    opts = model._meta

    add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    add_page = editor_client.get(add_url)
    assert add_page.status_code in (200, 403)
    if add_page.status_code == 200:
        # Saved as opened: refused with messages next to the fields, or stored; never an error.
        data = form_data(add_page.content.decode(), f"{opts.model_name}_form")
        assert editor_client.post(add_url, data).status_code in (200, 302)

    objects = list(model._default_manager.order_by("pk")[:10])
    assert objects, f"the demo content has no {label}"
    for obj in objects:
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        change_page = editor_client.get(change_url)
        if label not in EDITOR_SAVES:
            assert change_page.status_code in (200, 403)
            continue
        assert change_page.status_code == 200
        images = image_names(obj)
        data = form_data(change_page.content.decode(), f"{opts.model_name}_form", _save="Save")

        response = editor_client.post(change_url, data)

        form = response.context and response.context.get("adminform")
        assert response.status_code == 302, (obj, form.form.errors if form else response)
        obj.refresh_from_db()
        assert image_names(obj) == images


def test_editor_reverts_a_demo_article_with_a_featured_image_to_an_earlier_revision(editor_client, demo_content):
    article = Article.objects.get(slug="what-is-prolotherapy")
    image = article.featured_image.name
    first = article.history.earliest("history_date")
    change_url = reverse("admin:blog_article_change", args=[article.pk])
    data = form_data(editor_client.get(change_url).content.decode(), "article_form", title="A new title")
    assert editor_client.post(change_url, data).status_code == 302

    revert_url = reverse("admin:blog_article_simple_history", args=[article.pk, first.history_id])
    response = editor_client.post(
        revert_url, form_data(editor_client.get(revert_url).content.decode(), "historicalarticle_form")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "What Is Prolotherapy?"
    assert article.featured_image.name == image
