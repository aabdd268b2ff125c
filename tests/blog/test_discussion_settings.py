"""Discussion settings: bounds the admin enforces, and pages that survive any value already stored."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blog.models import DISCUSSION_BOUNDS, MAX_LISTED_WORDS, Comment, DiscussionSettings
from tests.factories import ArticleFactory, AuthorProfileFactory, CommentFactory, TagFactory, post_comment

pytestmark = pytest.mark.django_db

SMALLINT_MAX = 32767
INTEGER_MAX = 2147483647

# Every extreme a row can hold, stored around validation; each must leave every public page working.
STORED_EXTREMES = [
    ("comments_per_page", 0),
    ("comments_per_page", SMALLINT_MAX),
    ("thread_depth", 0),
    ("thread_depth", SMALLINT_MAX),
    ("hold_link_count", 0),
    ("hold_link_count", SMALLINT_MAX),
    ("close_after_days", 0),
    ("close_after_days", INTEGER_MAX),
    ("ip_retention_days", 0),
    ("ip_retention_days", SMALLINT_MAX),
    ("moderation_words", "\n".join(f"word{n} " * 40 for n in range(5000))),
    ("disallowed_words", "\n \n\t\n" * 2000),
]


def settings_url():
    return reverse("admin:blog_discussionsettings_change", args=[DiscussionSettings.load().pk])


def settings_form(**overrides):
    return {
        "require_moderation": "on",
        "auto_approve_known_commenters": "on",
        "hold_link_count": "2",
        "moderation_words": "",
        "disallowed_words": "",
        "close_after_days": "",
        "thread_depth": "5",
        "comments_per_page": "50",
        "notify_moderators": "on",
        "notify_authors": "on",
        "ip_retention_days": "60",
        **overrides,
    }


@pytest.fixture
def discussed_article():
    """A published article with three threads, one of them five replies deep."""
    profile = AuthorProfileFactory()
    tag = TagFactory()
    article = ArticleFactory(author=profile.user, tags=[tag])
    parent = None
    for level in range(6):
        parent = CommentFactory(article=article, parent=parent, body=f"Level {level + 1} of the thread")
    CommentFactory(article=article, body="Second thread")
    CommentFactory(article=article, body="Third thread")
    return article


def public_pages(article):
    year, month = article.published_at.year, article.published_at.month
    return [
        reverse("home"),
        article.get_absolute_url(),
        article.get_absolute_url() + "?cpage=2",
        article.get_absolute_url() + "?cpage=999999",
        article.get_absolute_url() + f"?replytocom={Comment.objects.filter(article=article).last().pk}",
        article.category.get_absolute_url(),
        article.tags.get().get_absolute_url(),
        article.author.profile.get_absolute_url(),
        reverse("blog:search") + "?q=useful",
        reverse("blog:feed-rss"),
        reverse("blog:feed-atom"),
        reverse("blog:category-feed-rss", kwargs={"slug": article.category.slug}),
        reverse("blog:archive-year", kwargs={"year": year}),
        reverse("blog:archive-month", kwargs={"year": year, "month": month}),
        reverse("sitemap"),
        *(reverse("sitemap-section", kwargs={"section": name}) for name in ("home", "articles", "categories", "tags")),
        reverse("robots-txt"),
    ]


@pytest.mark.parametrize(("field", "value"), STORED_EXTREMES)
def test_stored_extreme_setting_never_breaks_a_public_page(client, discussed_article, field, value):
    DiscussionSettings.objects.filter(pk=1).update(**{field: value})

    for url in public_pages(discussed_article):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    article_page = client.get(discussed_article.get_absolute_url()).content.decode()
    assert "Level 1 of the thread" in article_page or "?cpage=" in article_page


@pytest.mark.parametrize(("field", "value"), STORED_EXTREMES)
def test_stored_extreme_setting_never_breaks_commenting(client, discussed_article, field, value):
    DiscussionSettings.objects.filter(pk=1).update(**{field: value})
    deepest = Comment.objects.filter(article=discussed_article).order_by("-depth").first()

    reply = post_comment(client, discussed_article, parent=deepest.pk, body="A reply at the bottom")
    comment = post_comment(client, discussed_article, body="A new thread with https://a.example and b.example")

    assert reply.status_code == 302
    assert comment.status_code == 302
    assert client.get(reply["Location"]).status_code == 200


def test_stored_zero_comments_per_page_shows_the_default_bound_of_one_thread_a_page(client, discussed_article):
    DiscussionSettings.objects.filter(pk=1).update(comments_per_page=0)

    page = client.get(discussed_article.get_absolute_url()).content.decode()

    assert "Level 1 of the thread" in page
    assert "Second thread" not in page
    assert "Comments page 1 of 3" in page


def test_stored_zero_close_after_days_keeps_comments_open_as_before():
    DiscussionSettings.objects.filter(pk=1).update(close_after_days=0)
    article = ArticleFactory()

    assert article.comments_open(DiscussionSettings.load())


def test_loaded_settings_are_within_their_bounds():
    DiscussionSettings.objects.filter(pk=1).update(
        comments_per_page=0, thread_depth=SMALLINT_MAX, ip_retention_days=0, close_after_days=INTEGER_MAX
    )

    loaded = DiscussionSettings.load()

    assert (loaded.comments_per_page, loaded.thread_depth) == (1, 10)
    assert (loaded.ip_retention_days, loaded.close_after_days) == (1, 3650)


@pytest.mark.parametrize(("field", "bounds"), DISCUSSION_BOUNDS.items())
def test_model_validation_refuses_values_outside_the_bounds(field, bounds):
    low, high = bounds
    settings_object = DiscussionSettings.load()

    for value in (low - 1, high + 1):
        if value < 0:
            continue
        setattr(settings_object, field, value)
        with pytest.raises(ValidationError) as error:
            settings_object.full_clean()
        assert error.value.message_dict[field] == [f"Use a number from {low} to {high}."]
    for value in (low, high):
        setattr(settings_object, field, value)
        settings_object.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comments_per_page", "0"),
        ("comments_per_page", "501"),
        ("thread_depth", "0"),
        ("thread_depth", "11"),
        ("hold_link_count", "101"),
        ("close_after_days", "0"),
        ("close_after_days", "99999999999"),
        ("ip_retention_days", "0"),
        ("ip_retention_days", "3651"),
    ],
)
def test_admin_refuses_an_out_of_range_setting_next_to_the_field_and_stores_nothing(editor_client, field, value):
    response = editor_client.post(settings_url(), settings_form(**{field: value}, moderation_words="refund"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == [field]
    assert form[field].value() == value
    assert DiscussionSettings.load().moderation_words == ""


def test_admin_refuses_a_word_list_too_long_or_with_too_long_a_line(editor_client):
    too_many = "\n".join(f"word{n}" for n in range(MAX_LISTED_WORDS + 1))
    too_long = "fine\n" + "x" * 101

    many = editor_client.post(settings_url(), settings_form(moderation_words=too_many))
    long = editor_client.post(settings_url(), settings_form(disallowed_words=too_long))

    assert many.context["adminform"].form.errors["moderation_words"] == [
        f"Use at most {MAX_LISTED_WORDS} lines; this list has {MAX_LISTED_WORDS + 1}."
    ]
    assert "at most 100 characters" in long.context["adminform"].form.errors["disallowed_words"][0]
    assert DiscussionSettings.load().disallowed_words == ""


def test_admin_stores_word_lists_one_trimmed_word_a_line(editor_client):
    response = editor_client.post(
        settings_url(), settings_form(moderation_words="  refund  \r\n\r\n\tcash back \n", disallowed_words=" casino ")
    )

    assert response.status_code == 302
    stored = DiscussionSettings.load()
    assert stored.moderation_words == "refund\ncash back"
    assert stored.disallowed_words == "casino"


def test_admin_shows_the_bounds_on_the_number_fields(editor_client):
    html = editor_client.get(settings_url()).content.decode()

    field = re.search(r'<input[^>]*name="comments_per_page"[^>]*>', html).group()
    assert 'min="1"' in field and 'max="500"' in field


def test_admin_saves_the_default_settings_unchanged(editor_client):
    assert editor_client.post(settings_url(), settings_form()).status_code == 302


def test_purge_uses_the_retention_within_its_bounds(client, discussed_article):
    from django.core.management import call_command

    DiscussionSettings.objects.filter(pk=1).update(ip_retention_days=0)

    call_command("purge_comment_tracking_data")

    assert Comment.objects.exclude(ip_address=None).exists()
