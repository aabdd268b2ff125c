"""Leaving a reply, reading the discussion, and every bad input the form must survive."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import AuthorProfile, Comment, DiscussionSettings, Tag
from blog.services import comment_set_status
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
    comment_form_data,
    comment_url,
    post_comment,
)
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def page_of(client, article, **params):
    return client.get(article.get_absolute_url(), params).content.decode()


def test_happy_path_pending_then_approved_then_public(client, article):
    response = post_comment(client, article, remote_addr="192.0.2.10", user_agent="Firefox/140")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert comment.ip_address == "192.0.2.10"
    assert comment.user_agent == "Firefox/140"
    assert comment.consent_at is not None
    own_page = page_of(client, article)
    assert f'id="comment-{comment.pk}"' in own_page
    assert "Your comment is awaiting moderation." in own_page

    reader = Client()
    assert "Thank you, this helped me" not in page_of(reader, article)

    comment_set_status(comments=Comment.objects.all(), status=Comment.Status.APPROVED)

    public = page_of(reader, article)
    assert "Thank you, this helped me" in public
    assert "One thought on “What Is Prolotherapy?”" in public
    assert "awaiting moderation" not in public


def test_form_has_the_wordpress_fields_for_autofill(client, article):
    html = page_of(client, article)

    assert "Leave a reply" in html
    assert "Your email address will not be published. Required fields are marked" in html
    assert 'name="name"' in html and 'autocomplete="name"' in html
    assert 'name="email"' in html and 'autocomplete="email"' in html
    assert 'name="url"' in html and 'autocomplete="url"' in html
    assert '<textarea name="body"' in html
    assert "Save my name, email, and website in this browser for the next time I comment." in html


def test_heading_counts_approved_comments_only(client, article):
    CommentFactory.create_batch(3, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.SPAM)

    assert "3 thoughts on “What Is Prolotherapy?”" in page_of(client, article)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH])
def test_only_approved_comments_are_public(client, article, status):
    CommentFactory(article=article, status=status, body="Hidden words")

    assert "Hidden words" not in page_of(client, article)


def test_comments_show_oldest_first_and_threaded(client, article):
    now = timezone.now()
    first = CommentFactory(article=article, body="First comment", created_at=now - datetime.timedelta(hours=3))
    second = CommentFactory(article=article, body="Second comment", created_at=now - datetime.timedelta(hours=2))
    reply = CommentFactory(article=article, parent=first, body="Reply to first", created_at=now)

    html = page_of(client, article)

    assert html.index("First comment") < html.index("Reply to first") < html.index("Second comment")
    first_block = html[html.index(f'id="comment-{first.pk}"') : html.index(f'id="comment-{second.pk}"')]
    assert 'class="comment-list comment-list--children"' in first_block
    assert f'id="comment-{reply.pk}"' in first_block


def test_comment_shows_name_linked_to_website_date_permalink_and_local_avatar(client, article):
    comment = CommentFactory(
        article=article,
        name="Maria Lopez",
        url="https://maria.example/blog",
        created_at=datetime.datetime(2026, 3, 20, 14, 5, tzinfo=datetime.timezone.utc),
    )

    html = page_of(client, article)

    assert '<a href="https://maria.example/blog" rel="nofollow ugc noopener">Maria Lopez</a>' in html
    assert (
        f'href="{article.get_absolute_url()}#comment-{comment.pk}">'
        '<time datetime="2026-03-20T14:05:00+00:00">March 20, 2026 at 2:05 p.m.</time>' in html
    )
    assert 'aria-hidden="true">ML</span>' in html
    assert "gravatar" not in html.lower()


def test_email_and_ip_never_appear_on_the_page(client, article):
    CommentFactory(article=article, email="private.person@example.com", ip_address="203.0.113.99")

    html = page_of(client, article)

    assert "private.person@example.com" not in html
    assert "203.0.113.99" not in html


def test_comment_text_is_plain_text_with_paragraphs_and_links(client, article):
    CommentFactory(
        article=article,
        body='<script>alert(1)</script><b>bold?</b>\nsecond line\n\nNew paragraph, see https://example.org/study "x"',
    )

    html = page_of(client, article)

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold?&lt;/b&gt;<br>second line</p>" in html
    assert '<p>New paragraph, see <a href="https://example.org/study" rel="nofollow ugc noopener">' in html


def test_long_threads_are_paged(client, article):
    DiscussionSettings.objects.update(comments_per_page=2)
    now = timezone.now()
    for hours, body in ((3, "Oldest thread"), (2, "Middle thread"), (1, "Newest thread")):
        CommentFactory(article=article, body=body, created_at=now - datetime.timedelta(hours=hours))

    first, second = page_of(client, article), page_of(client, article, cpage=2)

    assert "Oldest thread" in first and "Middle thread" in first and "Newest thread" not in first
    assert '?cpage=2#comments">Newer comments' in first
    assert "Newest thread" in second and "Oldest thread" not in second
    assert "3 thoughts on" in second


def test_after_posting_the_commenter_lands_on_the_page_that_shows_their_comment(client, article):
    DiscussionSettings.objects.update(comments_per_page=1, require_moderation=False)
    CommentFactory(article=article, created_at=timezone.now() - datetime.timedelta(hours=1))

    response = post_comment(client, article)

    comment = Comment.objects.latest("created_at")
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#comment-{comment.pk}"


@pytest.mark.parametrize("cpage", ["0", "999", "abc", "-3", "1e9"])
def test_odd_comment_page_numbers_still_show_the_article(client, article, cpage):
    CommentFactory(article=article)

    assert client.get(article.get_absolute_url(), {"cpage": cpage}).status_code == 200


def test_reply_link_works_without_javascript(client, article):
    parent = CommentFactory(article=article, name="Tom Baker")

    html = page_of(client, article)
    assert f'href="{article.get_absolute_url()}?replytocom={parent.pk}#respond">Reply' in html

    reply_form = page_of(client, article, replytocom=parent.pk)
    assert "Reply to Tom Baker" in reply_form
    assert f'name="parent" value="{parent.pk}"' in reply_form
    assert "Cancel reply" in reply_form

    post_comment(client, article, parent=parent.pk, body="I had the same question.")
    reply = Comment.objects.get(body="I had the same question.")
    assert reply.parent == parent
    assert reply.thread == parent
    assert reply.depth == 2


def test_reply_link_to_an_unapproved_comment_gives_the_plain_form(client, article):
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)

    html = page_of(client, article, replytocom=pending.pk)

    assert "Leave a reply" in html
    assert f'value="{pending.pk}"' not in html


def test_replies_nest_to_the_configured_depth_then_attach_at_the_last_level(client, article):
    DiscussionSettings.objects.update(thread_depth=3)
    level1 = CommentFactory(article=article)
    level2 = CommentFactory(article=article, parent=level1)
    level3 = CommentFactory(article=article, parent=level2)

    post_comment(client, article, parent=level3.pk, body="Deeper than allowed")

    reply = Comment.objects.get(body="Deeper than allowed")
    assert reply.parent == level2
    assert reply.depth == 3
    assert reply.thread == level1


def test_default_thread_depth_is_five():
    assert DiscussionSettings.load().thread_depth == 5
    assert DiscussionSettings.load().comments_per_page == 50


def form_response(client, article, **overrides):
    response = post_comment(client, article, **overrides)
    return response, response.content.decode()


def assert_refused(response, html, message, stored=0):
    assert response.status_code == 400
    assert message in html
    assert Comment.objects.count() == stored
    assert "Your comment was not sent." in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please enter your name."),
        ("name", "   \t ", "Please enter your name."),
        ("email", "", "Please enter your email address. It will not be published."),
        ("email", "not-an-email", "Please enter a valid email address"),
        ("url", "javascript:alert(1)", "Please enter a website address starting with http:// or https://."),
        ("url", "ftp://files.example.com", "Please enter a website address starting with http:// or https://."),
        ("url", "data:text/html,hi", "Please enter a website address starting with http:// or https://."),
        ("body", "", "Please write your comment."),
        ("body", " \n\n  ", "Please write your comment."),
        ("body", "x" * 65526, "Your comment is too long: at most 65525 characters, it has 65526."),
        ("body", "null\x00byte", "Null characters are not allowed."),
        ("consent", "", "Please agree to the storing of your comment"),
        ("parent", "abc", "Enter a whole number."),
        ("parent", "99999", "The comment you are replying to is not published on this article."),
    ],
)
def test_bad_input_gets_the_form_back_with_a_message_and_nothing_stored(client, article, field, value, message):
    response, html = form_response(client, article, **{"name": "Maria Typed", field: value})

    assert_refused(response, html, message)
    if field != "name":
        assert 'value="Maria Typed"' in html


def test_the_typed_comment_is_kept_when_the_form_comes_back(client, article):
    response, html = form_response(client, article, email="bad", body="My long story about my knee.")

    assert response.status_code == 400
    assert "My long story about my knee.</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html


def test_replying_to_a_pending_comment_is_refused(client, article):
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)

    response, html = form_response(client, article, parent=pending.pk)

    assert_refused(response, html, "not published on this article", stored=1)


def test_replying_to_a_comment_on_another_article_is_refused(client, article):
    elsewhere = CommentFactory(article=ArticleFactory())

    response, html = form_response(client, article, parent=elsewhere.pk)

    assert_refused(response, html, "not published on this article", stored=1)


def test_comments_closed_by_the_article_switch(client):
    article = ArticleFactory(allow_comments=False)

    response, html = form_response(client, article)

    assert_refused(response, html, "Comments are closed on this article.")
    assert "Comments are closed." in page_of(client, article)
    assert '<textarea name="body"' not in page_of(client, article)


def test_comments_closed_on_old_articles_when_configured(client):
    DiscussionSettings.objects.update(close_after_days=30)
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=31))
    recent = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=29))

    assert form_response(client, old)[0].status_code == 400
    assert form_response(client, recent)[0].status_code == 302


def test_comments_stay_open_on_old_articles_by_default(client):
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=3650))

    assert form_response(client, old)[0].status_code == 302


def test_commenting_on_a_draft_is_404(client):
    draft = ArticleFactory(draft=True)

    assert post_comment(client, draft).status_code == 404
    assert not Comment.objects.exists()


def test_a_request_missing_every_field_is_a_400_not_a_crash(client, article):
    response = client.post(comment_url(article), {"unexpected": "x" * 10000})

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_same_ip_cannot_post_again_within_fifteen_seconds(client, article):
    post_comment(client, article, remote_addr="192.0.2.50")

    response = post_comment(client, article, remote_addr="192.0.2.50", body="Another thought.")

    assert response.status_code == 429
    assert "You are posting comments too quickly." in response.content.decode()
    assert "Another thought.</textarea>" in response.content.decode()
    assert Comment.objects.count() == 1


def flooded(client, article, seconds_later, **typed):
    """A second comment from one address `seconds_later` than its first (time stands still meanwhile)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_comment(client, article, remote_addr="192.0.2.52", body="My first thought.")
    with time_machine.travel(start + datetime.timedelta(seconds=seconds_later), tick=False):
        return post_comment(client, article, remote_addr="192.0.2.52", **typed)


def comment_form_of(html):
    """The fields of the comment form (the page's first form is the site search)."""
    return form_data(html[html.index('id="respond"') :])


def test_a_flooded_comment_gets_a_page_of_its_own_saying_when_to_send_it_again(client, article):
    parent = CommentFactory(article=article, name="Jonas")
    typed = {
        "name": "Ana Ruiz",
        "email": "ana@example.com",
        "url": "https://ana.example",
        "body": "Does it help <b>knees</b> too?\n\nThank you.",
        "parent": str(parent.pk),
        "remember": "on",
    }

    response = flooded(client, article, seconds_later=10, **typed)

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "5"
    assert "You can send it again in 5 seconds." in html
    assert "You are posting comments too quickly. Please wait 5 seconds" in html
    assert "Reply to Jonas" in html
    assert f'action="{comment_url(article)}#respond"' in html
    assert f'href="{article.get_absolute_url()}">← Back to the article' in html
    fields = comment_form_of(html)
    assert {name: fields[name] for name in typed} == typed
    assert fields["consent"] == "on"
    assert Comment.objects.count() == 2


def test_a_flooded_comment_does_not_render_the_article_again(client, article):
    ArticleFactory(title="Related reading", tags=[TagFactory(name="Knees")])
    article.tags.add(*Tag.objects.all())
    CommentFactory(article=article, body="An approved comment of the discussion.")

    html = flooded(client, article, seconds_later=1, body="Again.").content.decode()

    assert article.body not in html
    assert "Related reading" not in html
    assert 'id="comments"' not in html
    assert "An approved comment of the discussion." not in html
    assert 'class="share' not in html


def test_a_flooded_comment_can_be_sent_again_as_kept_once_the_time_has_passed(client, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_comment(client, article, remote_addr="192.0.2.53")
        kept = comment_form_of(
            post_comment(client, article, remote_addr="192.0.2.53", name="Ana Ruiz", body="Kept text.").content.decode()
        )
    with time_machine.travel(start + datetime.timedelta(seconds=16), tick=False):
        response = client.post(comment_url(article), kept, REMOTE_ADDR="192.0.2.53")

    assert response.status_code == 302
    assert Comment.objects.filter(name="Ana Ruiz", body="Kept text.").exists()


def test_a_flooded_comment_costs_far_fewer_queries_than_the_article_page(client, settings, article):
    settings.PAGE_CACHE_SECONDS = 0
    article.tags.add(TagFactory())
    CommentFactory.create_batch(5, article=article)
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as page:
        client.get(article.get_absolute_url())
    page_reads = reads(page)
    post_comment(client, article, remote_addr="192.0.2.54")

    with CaptureQueriesContext(connection) as refused:
        response = post_comment(client, article, remote_addr="192.0.2.54", body="Again.")

    assert response.status_code == 429
    # The article, the discussion settings, the flood check, the clinic settings and the menu; around the check
    # its savepoint (three statements) and, on PostgreSQL, the two advisory locks that serialise it.
    assert reads(refused) <= 5
    assert len(refused) <= 8 + (2 if connection.vendor == "postgresql" else 0)
    assert reads(refused) * 2 <= page_reads


def reads(captured):
    """The queries that read the site's tables (transaction statements and locks left out)."""
    return sum(
        query["sql"].startswith("SELECT") and "pg_advisory" not in query["sql"] for query in captured.captured_queries
    )


def test_same_ip_may_post_again_after_fifteen_seconds(client, article):
    post_comment(client, article, remote_addr="192.0.2.51")
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=16))

    assert post_comment(client, article, remote_addr="192.0.2.51", body="Later thought.").status_code == 302


def test_identical_comment_from_the_same_email_is_refused_as_duplicate(client, article):
    post_comment(client, article)

    response = post_comment(client, article, email="MARIA@example.com")

    assert response.status_code == 400
    assert "You have already sent this comment." in response.content.decode()
    assert Comment.objects.count() == 1


def test_remember_me_cookie_is_set_only_when_ticked_and_prefills_the_form(client, article):
    post_comment(client, article, url="https://maria.example", remember="on")

    assert "comment_author" in client.cookies
    assert client.cookies["comment_author"]["httponly"]
    html = page_of(client, article)
    assert 'value="Maria Lopez"' in html
    assert 'value="maria@example.com"' in html
    assert 'value="https://maria.example"' in html
    assert 'name="remember" id="id_remember" checked' in html


def test_remember_me_cookie_is_not_set_when_unticked(client, article):
    post_comment(client, article)

    assert "comment_author" not in client.cookies or client.cookies["comment_author"].value == ""
    assert 'value="Maria Lopez"' not in page_of(client, article)


def test_unticking_remember_me_clears_the_cookie(client, article):
    post_comment(client, article, remember="on")
    post_comment(client, article, body="A second comment, without remembering.")

    assert client.cookies["comment_author"].value == ""
    assert 'value="Maria Lopez"' not in page_of(client, article)


def test_a_forged_remember_me_cookie_is_ignored(client, article):
    client.cookies["comment_author"] = '{"name": "Evil"}'

    html = page_of(client, article)

    assert "Evil" not in html


def test_clinic_reply_from_the_site_is_approved_with_badge_and_credentials(client, article):
    staff = UserFactory(is_staff=True, first_name="Jane", last_name="Doe", email="jane@clinic.example")
    AuthorProfile.objects.create(
        user=staff, display_name="Dr. Jane Doe", credentials="MD", job_title="Medical director"
    )
    question = CommentFactory(article=article, body="Does it hurt?")
    client.force_login(staff)

    form = page_of(client, article, replytocom=question.pk)
    assert "You are commenting as <strong>Dr. Jane Doe, MD</strong>" in form
    response = client.post(
        comment_url(article),
        {
            "body": "A little, for a day or two.",
            "parent": question.pk,
            "started": comment_form_data(article)["started"],
        },
    )

    reply = Comment.objects.get(body="A little, for a day or two.")
    assert response.status_code == 302
    assert reply.status == Comment.Status.APPROVED
    assert reply.user == staff
    html = page_of(Client(), article)
    reply_block = html[html.index(f'id="comment-{reply.pk}"') :]
    assert "Dr. Jane Doe, MD" in reply_block
    assert '<span class="badge">Clinic team</span>' in reply_block
    assert "Medical director" in reply_block


@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999", "1" * 400])
def test_out_of_range_ids_are_handled_like_unknown_ones(client, article, value):
    assert client.get(article.get_absolute_url(), {"replytocom": value}).status_code == 200

    response = post_comment(client, article, parent=value)

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_user_agent_with_odd_bytes_is_stored_safely(client, article):
    response = post_comment(client, article, user_agent="Bot\x00/1.0 " + "x" * 1000)

    assert response.status_code == 302
    user_agent = Comment.objects.get().user_agent
    assert user_agent.startswith("Bot/1.0")
    assert len(user_agent) == 500


def test_a_database_failure_while_saving_stores_nothing_and_keeps_the_form(client, article, monkeypatch):
    from django.db import DatabaseError

    from blog import services

    def fail_after_the_insert(comment, **kwargs):
        assert Comment.objects.filter(pk=comment.pk).exists()
        raise DatabaseError("could not serialize access due to concurrent update")

    # Whichever email the new comment is queued (in its transaction), the database fails then.
    monkeypatch.setattr(services, "_email_moderators", fail_after_the_insert)
    monkeypatch.setattr(services, "_email_article_author", fail_after_the_insert)

    response = post_comment(client, article, body="My long story about my shoulder.")

    html = response.content.decode()
    assert response.status_code == 503
    assert "We could not save your comment just now." in html
    assert "My long story about my shoulder.</textarea>" in html
    assert not Comment.objects.exists()
