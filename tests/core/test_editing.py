"""Two editors on one article: a stale save is refused, nothing is lost, and each sees who else is editing."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, DiscussionSettings
from clinic.roles import AUTHOR, sync_roles
from core.editing import PRESENCE_SECONDS
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_editors_from_earlier_tests():
    """Who is editing and who saved last live in the shared cache, keyed by primary keys that tests reuse."""
    cache.clear()


@pytest.fixture
def second_editor(editor):
    user = UserFactory(username="chen", first_name="Michael", last_name="Chen", is_staff=True)
    user.groups.add(*editor.groups.all())
    return user


@pytest.fixture
def two_clients(client, editor, second_editor, django_user_model):
    from django.test import Client

    client.force_login(editor)
    other = Client()
    other.force_login(second_editor)
    return client, other


def change_url(article):
    return reverse("admin:blog_article_change", args=[article.pk])


def opened_form(client, obj, model="article"):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return url, form_data(client.get(url).content.decode(), f"{model}_form", _save="Save")


def test_a_save_based_on_an_older_version_is_refused_and_keeps_what_was_typed(two_clients):
    a, b = two_clients
    article = ArticleFactory(title="Knee pain", excerpt="Old excerpt.", body="<p>First paragraph.</p>")
    url, form_a = opened_form(a, article)
    _, form_b = opened_form(b, article)

    form_a.update(body="<p>First paragraph.</p><p>A second paragraph by A.</p>", excerpt="A's excerpt.")
    assert a.post(url, form_a).status_code == 302
    form_b.update(title="Knee pain after running")
    response = b.post(url, form_b)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Knee pain"
    assert "A second paragraph by A." in article.body and article.excerpt == "A's excerpt."
    page = response.content.decode()
    assert "Not saved: Jane " in page  # the editor fixture's name: who saved first
    assert 'value="Knee pain after running"' in page  # what B typed
    # Fields only A changed now show A's version, so saving again applies B's change on top of A's.
    assert "A&#x27;s excerpt." in page and "A second paragraph by A." in page
    assert "second paragraph by A." in " ".join(
        change.theirs for change in response.context["editing"]["conflict"].changes
    )

    again = b.post(url, form_data(page, "article_form", _save="Save"))

    assert again.status_code == 302
    article.refresh_from_db()
    assert article.title == "Knee pain after running"
    assert article.excerpt == "A's excerpt." and "A second paragraph by A." in article.body


def test_a_field_both_editors_changed_is_marked_and_keeps_the_second_editors_text(two_clients):
    a, b = two_clients
    article = ArticleFactory(title="Knee pain")
    url, form_a = opened_form(a, article)
    _, form_b = opened_form(b, article)
    assert a.post(url, {**form_a, "title": "Title by A"}).status_code == 302

    response = b.post(url, {**form_b, "title": "Title by B"})

    form = response.context["adminform"].form
    assert "changed this too" in form.errors["title"][0]
    assert 'value="Title by B"' in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Title by A"


def test_a_stale_save_of_a_settings_page_is_refused(two_clients):
    a, b = two_clients
    settings_page = DiscussionSettings.load()
    url, form_a = opened_form(a, settings_page, "discussionsettings")
    _, form_b = opened_form(b, settings_page, "discussionsettings")
    assert a.post(url, {**form_a, "comments_per_page": "20"}).status_code == 302

    response = b.post(url, {**form_b, "thread_depth": "3"})

    assert response.status_code == 200
    stored = DiscussionSettings.load()
    assert (stored.comments_per_page, stored.thread_depth) == (20, 5)
    assert b.post(url, form_data(response.content.decode(), "discussionsettings_form", _save="Save")).status_code == 302
    stored = DiscussionSettings.load()
    assert (stored.comments_per_page, stored.thread_depth) == (20, 3)


@pytest.fixture
def referenced_article_open_twice(two_clients):
    """An article with one reference, whose change form both editors opened: (a, b, article, url, form a, form b)."""
    a, b = two_clients
    article = ArticleFactory()
    article.references.create(position=1, authors="Rabago D", title="Prolotherapy trial", pmid="23690322")
    url, form_a = opened_form(a, article)
    _, form_b = opened_form(b, article)
    return a, b, article, url, form_a, form_b


def test_references_only_the_other_editor_changed_are_kept(referenced_article_open_twice):
    a, b, article, url, form_a, form_b = referenced_article_open_twice
    assert a.post(url, {**form_a, "references-0-title": "Prolotherapy for knee osteoarthritis"}).status_code == 302

    response = b.post(url, {**form_b, "title": "New title"})
    assert b.post(url, form_data(response.content.decode(), "article_form", _save="Save")).status_code == 302

    assert article.references.get().title == "Prolotherapy for knee osteoarthritis"
    assert Article.objects.get(pk=article.pk).title == "New title"


def test_an_unchanged_form_saved_twice_is_not_a_conflict(editor_client, editor):
    article = ArticleFactory(author=editor)
    url, form = opened_form(editor_client, article)

    assert editor_client.post(url, form).status_code == 302


def a_name(client):
    return client.get(reverse("admin:index")).context["user"].get_full_name()


def test_the_change_form_says_who_else_has_it_open(two_clients):
    a, b = two_clients
    article = ArticleFactory()
    heartbeat = reverse("admin:blog_article_editing", args=[article.pk])

    editor_name = a_name(a)
    assert b.post(heartbeat).json() == {"others": [], "newer": None}
    page = a.get(change_url(article)).content.decode()

    assert "<strong>Michael Chen</strong> is editing this article (since" in page
    assert [other["name"] for other in b.post(heartbeat).json()["others"]] == [editor_name]
    a.post(heartbeat, {"leave": "1"})
    assert b.post(heartbeat).json()["others"] == []


def test_an_editor_who_closed_the_page_is_no_longer_shown(two_clients, time_machine):
    a, b = two_clients
    article = ArticleFactory()
    heartbeat = reverse("admin:blog_article_editing", args=[article.pk])
    time_machine.move_to(timezone.now(), tick=False)
    a.post(heartbeat)

    time_machine.shift(datetime.timedelta(seconds=PRESENCE_SECONDS + 1))

    assert b.post(heartbeat).json()["others"] == []


def test_the_heartbeat_tells_of_a_newer_version(two_clients):
    a, b = two_clients
    article = ArticleFactory()
    url, form_a = opened_form(a, article)
    heartbeat = reverse("admin:blog_article_editing", args=[article.pk])
    assert a.post(url, {**form_a, "title": "Changed by A"}).status_code == 302

    newer = b.post(heartbeat, {"version": form_a["_edit_version"]}).json()["newer"]

    assert newer["name"] == a_name(a)


def test_only_people_who_may_change_the_article_use_its_heartbeat(client, article):
    sync_roles()
    author = UserFactory(is_staff=True)
    author.groups.add(Group.objects.get(name=AUTHOR))
    client.force_login(author)

    assert client.post(reverse("admin:blog_article_editing", args=[article.pk])).status_code in (403, 404)
    assert client.get(reverse("admin:blog_article_editing", args=[article.pk])).status_code in (403, 404, 405)


def test_the_heartbeat_of_an_address_that_is_no_article_is_404(editor_client):
    assert editor_client.post(reverse("admin:blog_article_editing", args=["not-a-number"])).status_code == 404


def test_a_form_refused_for_a_missing_title_saves_on_the_next_try(editor_client):
    article = ArticleFactory(title="Knee pain")
    url, form = opened_form(editor_client, article)

    refused = editor_client.post(url, {**form, "title": ""})
    assert refused.context["adminform"].form.errors["title"]
    again = form_data(refused.content.decode(), "article_form", title="Knee pain, again", _save="Save")

    assert editor_client.post(url, again).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Knee pain, again"


def test_a_save_that_only_respelled_the_html_is_no_conflict(two_clients):
    a, b = two_clients
    article = ArticleFactory(title="Knee pain", body="<p>Prolotherapy <em>heals</em>\n  ligaments.</p>\n<p>Ask us.</p>")
    url, form_a = opened_form(a, article)
    _, form_b = opened_form(b, article)
    # What CKEditor sends back for the same text.
    assert (
        a.post(url, {**form_a, "body": "<p>Prolotherapy <i>heals</i> ligaments.</p><p>Ask us.</p>"}).status_code == 302
    )

    assert b.post(url, {**form_b, "title": "Knee pain explained"}).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Knee pain explained"


def test_a_reference_one_editor_deleted_and_the_other_edited_never_blocks_saving(referenced_article_open_twice):
    a, b, article, url, form_a, form_b = referenced_article_open_twice
    assert a.post(url, {**form_a, "references-0-DELETE": "on"}).status_code == 302

    refused = b.post(url, {**form_b, "references-0-title": "Prolotherapy for knee pain", "excerpt": "B's excerpt."})

    conflict = refused.context["editing"]["conflict"]
    references = next(change for change in conflict.changes if change.inline == "references")
    assert "Prolotherapy for knee pain" in references.yours
    again = b.post(url, form_data(refused.content.decode(), "article_form", _save="Save"))
    assert again.status_code == 302
    assert Article.objects.get(pk=article.pk).excerpt == "B's excerpt."
    assert not article.references.exists()


def test_settings_conflicts_are_worded_for_a_plural_name(two_clients):
    a, b = two_clients
    settings_page = DiscussionSettings.load()
    url, form_a = opened_form(a, settings_page, "discussionsettings")
    _, form_b = opened_form(b, settings_page, "discussionsettings")
    assert a.post(url, {**form_a, "comments_per_page": "20"}).status_code == 302

    page = b.post(url, {**form_b, "thread_depth": "3"}).content.decode()

    assert "changed the discussion settings" in page and "this discussion settings" not in page
