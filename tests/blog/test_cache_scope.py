"""A change makes stale only the stored pages that show it (blog/signals.py says what touches what)."""

import pytest

from blog.models import Comment
from blog.services import comment_set_status
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, TagFactory, post_comment
from tests.helpers import wsgi as wsgi_path

pytestmark = pytest.mark.django_db


def wsgi(address):
    path, _, query = address.partition("?")
    return wsgi_path(path, query=query)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def site(article, settings):
    """An article, one that shows it among its related posts, an unrelated one, and the listings they are on."""
    settings.BLOG_RELATED_POSTS = 1
    tag = TagFactory(name="Knees")
    article.tags.add(tag)
    related = ArticleFactory(title="Knee injections compared", tags=[tag])
    partner = ArticleFactory(title="Melatonin, briefly", category=CategoryFactory(name="Sleep"))
    unrelated = ArticleFactory(title="Sleep and recovery", category=partner.category)
    unrelated.related_articles.add(partner)  # pinned: the one related post it shows
    pages = {
        "article": article.get_absolute_url(),
        "related": related.get_absolute_url(),
        "unrelated": unrelated.get_absolute_url(),
        "home": "/",
        "tag": tag.get_absolute_url(),
        "feed": "/feed/",
        "search": "/search/?q=knee",
    }
    for path in pages.values():
        wsgi(path)
    assert all(wsgi(path).hit for path in pages.values())
    assert "What Is Prolotherapy?" in wsgi(pages["related"]).text  # it is among the related posts there
    assert "What Is Prolotherapy?" not in wsgi(pages["unrelated"]).text
    return {"article": article, "related": related, "pages": pages}


def hits(site):
    return {name for name, path in site["pages"].items() if wsgi(path).hit}


def test_a_pending_comment_leaves_every_stored_page_in_the_cache(client, site, committed):
    with committed():
        response = post_comment(client, site["article"], body="Does it hurt?", email="new.reader@example.com")

    assert response.status_code == 302
    assert Comment.objects.get(body="Does it hurt?").status == Comment.Status.PENDING
    assert hits(site) == set(site["pages"])


def test_spam_and_trash_touch_nothing_public(site, committed):
    comment = CommentFactory(article=site["article"], status=Comment.Status.PENDING)
    with committed():
        comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.SPAM)
    with committed():
        comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.TRASH)

    assert hits(site) == set(site["pages"])


def test_an_approval_refreshes_its_article_and_nothing_else(site, committed):
    comment = CommentFactory(article=site["article"], status=Comment.Status.PENDING, body="Approved words")
    with committed():
        comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED)

    answer = wsgi(site["pages"]["article"])
    assert not answer.hit
    assert "Approved words" in answer.text
    assert hits(site) == set(site["pages"])  # the article again, from the cache, and all the others untouched


def test_unapproving_a_comment_refreshes_its_article(site, committed):
    comment = CommentFactory(article=site["article"], body="Soon hidden words")
    wsgi(site["pages"]["article"])
    with committed():
        comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.SPAM)

    assert "Soon hidden words" not in wsgi(site["pages"]["article"]).text


def test_an_article_save_refreshes_it_its_listings_and_the_articles_showing_it(site, committed):
    article = site["article"]
    with committed():
        article.title = "Prolotherapy, Explained"
        article.save()

    assert hits(site) == {"unrelated"}
    for name in ("article", "related", "home", "tag", "feed"):
        assert "Prolotherapy, Explained" in wsgi(site["pages"][name]).text, name


def test_clinic_settings_refresh_every_page(site, committed):
    from clinic.models import ClinicSettings

    with committed():
        clinic = ClinicSettings.load()
        clinic.name = "Harbour Regenerative Clinic"
        clinic.save()

    assert hits(site) == set()
    assert "Harbour Regenerative Clinic" in wsgi(site["pages"]["unrelated"]).text
