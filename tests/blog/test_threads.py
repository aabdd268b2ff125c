"""A comment's place in its discussion (depth, thread, page address) and the comment form's own address."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, comment_form_data, comment_url, post_comment

pytestmark = pytest.mark.django_db


def test_a_comment_saved_anywhere_gets_its_depth_and_thread_from_its_parent(article):
    """Comment.save() is the one place: the ORM, the admin, the demo data and comment_submit all go through it."""
    question = Comment.objects.create(article=article, name="Daniel", body="Question?", status="approved")
    answer = Comment.objects.create(article=article, parent=question, name="Clinic", body="Answer.", depth=9)
    follow_up = Comment.objects.create(article=article, parent=answer, name="Daniel", body="Thanks!")

    assert (question.depth, question.thread_id) == (1, question.pk)
    assert (answer.depth, answer.thread_id) == (2, question.pk)
    assert (follow_up.depth, follow_up.thread_id) == (3, question.pk)
    follow_up.body = "Thanks a lot!"
    follow_up.save()
    follow_up.refresh_from_db()
    assert (follow_up.depth, follow_up.thread_id) == (3, question.pk)


def test_discussion_addresses_are_built_in_one_place(article):
    assert article.discussion_url() == "/blog/what-is-prolotherapy/"
    assert article.discussion_url(3) == "/blog/what-is-prolotherapy/?cpage=3"
    assert article.discussion_url(1, reply_to=7) == "/blog/what-is-prolotherapy/?replytocom=7"
    assert article.discussion_url(2, reply_to=7) == "/blog/what-is-prolotherapy/?cpage=2&replytocom=7"


def test_a_comment_on_the_second_page_links_there(client, article):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comments_per_page": 2})
    CommentFactory.create_batch(2, article=article)
    later = CommentFactory(article=article)

    assert later.get_absolute_url() == f"/blog/what-is-prolotherapy/?cpage=2#comment-{later.pk}"
    page = client.get(article.discussion_url(2)).content.decode()
    assert f'href="/blog/what-is-prolotherapy/?cpage=2#comment-{later.pk}"' in page
    assert f'href="/blog/what-is-prolotherapy/?cpage=2&amp;replytocom={later.pk}#respond"' in page
    assert 'href="/blog/what-is-prolotherapy/#comments">← Older comments' in page


def test_the_page_sent_back_with_a_refused_comment_links_to_the_article_not_to_the_form_address(client, article):
    """The refused comment comes back at the form's address; its reply links, permalinks and pages still work."""
    earlier = CommentFactory(article=article)

    response = post_comment(client, article, email="not an address")
    page = response.content.decode()

    assert response.status_code == 400
    assert "Please enter a valid email address" in page
    assert f'href="/blog/what-is-prolotherapy/?replytocom={earlier.pk}#respond"' in page
    assert f'href="/blog/what-is-prolotherapy/#comment-{earlier.pk}"' in page
    reply = client.get(article.discussion_url(reply_to=earlier.pk))
    assert reply.status_code == 200
    assert f'name="parent" value="{earlier.pk}"' in reply.content.decode()


def test_the_form_posts_to_its_own_address_and_the_article_page_only_reads(client, article):
    page = client.get(article.get_absolute_url()).content.decode()

    assert f'action="{comment_url(article)}#respond"' in page
    assert client.post(article.get_absolute_url(), comment_form_data(article)).status_code == 405
    assert not Comment.objects.exists()


def test_opening_the_form_address_leads_to_the_articles_form(client, article):
    response = client.get(comment_url(article))

    assert (response.status_code, response["Location"]) == (302, f"{article.get_absolute_url()}#respond")


def test_the_form_address_of_an_unpublished_article_is_not_found(client):
    from tests.factories import ArticleFactory

    draft = ArticleFactory(draft=True)

    assert client.get(comment_url(draft)).status_code == 404
    assert post_comment(client, draft).status_code == 404


def test_a_comment_post_reads_the_discussion_settings_once(client, article):
    with CaptureQueriesContext(connection) as captured:
        response = post_comment(client, article, body="Does it hurt?")

    assert response.status_code == 302
    reads = [query["sql"] for query in captured if 'FROM "blog_discussionsettings"' in query["sql"]]
    assert len(reads) == 1, reads


def test_a_comment_written_while_the_article_was_renamed_is_not_lost(client, article):
    """The commenter opened the page under the old slug; the form posts there after an editor renamed it."""
    action = comment_url(article)
    article.slug = "prolotherapy-explained"
    article.save()

    response = client.post(action, comment_form_data(article, body="Is it painful?"), REMOTE_ADDR="198.51.100.9")

    assert response.status_code == 302
    assert response["Location"].startswith("/blog/prolotherapy-explained/")
    assert Comment.objects.get().body == "Is it painful?"
