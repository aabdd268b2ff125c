"""The admin's dashboard: the work in progress first, for each person what they may see, then the lists."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, Comment
from clinic.roles import AUTHOR, MODERATOR
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.helpers import role_member

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
QUICK_DRAFT = reverse("admin:blog_article_quick_draft")


def test_dashboard_lists_my_drafts_the_scheduled_articles_and_the_reviews_coming_due(editor_client, editor):
    today = timezone.localdate()
    mine = ArticleFactory(author=editor, draft=True, title="My unfinished piece")
    ArticleFactory(draft=True, title="Someone else's draft")
    soon = ArticleFactory(title="Goes live on Friday", published_at=timezone.now() + datetime.timedelta(days=3))
    due = ArticleFactory(title="Review due soon", last_reviewed_at=today, next_review_at=today + datetime.timedelta(10))
    ArticleFactory(title="Review far off", last_reviewed_at=today, next_review_at=today + datetime.timedelta(days=60))

    html = editor_client.get(INDEX).content.decode()

    drafts = html.split('id="my-drafts-heading"')[1].split("</section>")[0]
    assert f'{reverse("admin:blog_article_change", args=[mine.pk])}">My unfinished piece</a>' in drafts
    assert "Someone else" not in drafts
    scheduled = html.split('id="scheduled-heading"')[1].split("</section>")[0]
    assert "Goes live on Friday" in scheduled and f'datetime="{soon.published_at.isoformat()}' in scheduled
    reviews = html.split('id="reviews-heading"')[1].split("</section>")[0]
    assert "Due in the next 30 days" in reviews and "Review due soon" in reviews and "Review far off" not in reviews
    assert due.next_review_at.strftime("%b") in reviews


def test_an_authors_dashboard_shows_only_their_own_articles(client):
    author, client = role_member(AUTHOR)
    ArticleFactory(title="Scheduled by someone else", published_at=timezone.now() + datetime.timedelta(days=3))
    ArticleFactory(author=author, title="My scheduled one", published_at=timezone.now() + datetime.timedelta(days=3))

    html = client.get(INDEX).content.decode()

    assert "My scheduled one" in html and "Scheduled by someone else" not in html
    assert "Quick draft" in html and "Latest comments" not in html


def test_quick_draft_saves_a_draft_in_paragraphs_and_links_to_it(editor_client, editor):
    ArticleFactory(slug="knee-pain-notes")
    text = "First idea <with> brackets.\nSame paragraph.\n\nSecond paragraph."

    response = editor_client.post(QUICK_DRAFT, {"title": "Knee pain notes", "text": text}, follow=True)

    draft = Article.objects.get(title="Knee pain notes")
    assert (draft.status, draft.author, draft.slug) == (Article.Status.DRAFT, editor, "knee-pain-notes-2")
    assert draft.body == "<p>First idea &lt;with&gt; brackets.<br>Same paragraph.</p>\n\n<p>Second paragraph.</p>"
    html = response.content.decode()
    edit = reverse("admin:blog_article_change", args=[draft.pk])
    assert f'Draft “Knee pain notes” saved. <a href="{edit}">Go on writing it</a>.' in html
    assert f'{edit}">Knee pain notes</a>' in html.split('id="my-drafts-heading"')[1]


def test_a_refused_quick_draft_says_why_and_keeps_what_was_typed(editor_client):
    response = editor_client.post(QUICK_DRAFT, {"title": "  ", "text": "Lines I do not want to lose"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the draft a title." in html and ">\nLines I do not want to lose</textarea>" in html
    assert not Article.objects.exists()


def test_quick_draft_is_for_those_who_write(client):
    _moderator, client = role_member(MODERATOR)

    assert "Quick draft" not in client.get(INDEX).content.decode()
    assert client.post(QUICK_DRAFT, {"title": "Mine"}).status_code == 403
    assert client.get(QUICK_DRAFT).status_code == 405
    assert not Article.objects.exists()


def test_latest_comments_have_one_click_buttons_for_those_who_moderate(editor_client):
    CommentFactory(status=Comment.Status.PENDING, name="Maria Lopez", body="Does it hurt?")
    CommentFactory(status=Comment.Status.SPAM, body="Cheap pills")
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    editors = editor_client.get(INDEX).content.decode()
    editor_client.force_login(viewer)

    viewers = editor_client.get(INDEX).content.decode()

    assert "Does it hurt?" in editors and "Approve the comment by Maria Lopez" in editors
    assert "Cheap pills" not in editors
    assert "Does it hurt?" in viewers and "Approve the comment by" not in viewers


def test_security_comes_after_the_work_and_the_content(editor_client):
    html = editor_client.get(INDEX).content.decode()

    assert html.index("Quick draft") < html.index("Content and settings") < html.index(">Security</h2>")
    assert html.index(">Security</h2>") < html.index('class="app-axes module')
    assert html.index('class="app-blog module') < html.index(">Security</h2>")


def test_dashboard_queries_do_not_grow_with_the_work(editor_client, editor, django_assert_max_num_queries):
    def work(count):
        for n in range(count):
            ArticleFactory(author=editor, draft=True)
            ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=n + 1))
            CommentFactory(status=Comment.Status.PENDING, parent=None)

    work(2)
    with django_assert_max_num_queries(60) as few:
        editor_client.get(INDEX)
    work(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(INDEX)
