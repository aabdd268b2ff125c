import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, Category
from tests.factories import ArticleFactory, CategoryFactory, uploaded_image

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_articles():
    visible = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)

    assert list(Article.objects.published()) == [visible]


def test_published_includes_an_article_the_moment_its_time_comes(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(seconds=1))
    time_machine.shift(datetime.timedelta(microseconds=999_999))
    assert not Article.objects.published().exists()

    time_machine.shift(datetime.timedelta(microseconds=1))

    assert list(Article.objects.published()) == [article]


def test_a_draft_with_a_past_date_is_still_not_published():
    ArticleFactory(status=Article.Status.DRAFT, published_at=timezone.now() - datetime.timedelta(days=5))

    assert not Article.objects.published().exists()


def test_publishing_without_a_date_stamps_the_current_time():
    article = ArticleFactory(published_at=None)

    assert article.published_at is not None
    assert article.published_at <= timezone.now()
    assert article.is_published


def test_saving_a_draft_leaves_its_date_empty():
    assert ArticleFactory(draft=True).published_at is None


def test_body_is_sanitized_on_save():
    article = ArticleFactory(body='<p onclick="steal()">Hi<script>alert(1)</script></p>')
    article.refresh_from_db()

    assert article.body == "<p>Hi</p>"


def test_summary_falls_back_to_the_start_of_the_body():
    article = ArticleFactory(excerpt="", body="<p>" + " ".join(["word"] * 100) + "</p>")

    assert article.summary.startswith("word word")
    assert article.summary.endswith("…")
    assert len(article.summary.split()) == 40


def test_summary_reads_as_the_body_does_with_its_characters_and_paragraphs_apart(client):
    article = ArticleFactory(
        excerpt="", body="<p>Heat&nbsp;&amp; ice.</p><p>Then <strong>rest</strong>s &lt;2 days&gt;.</p>"
    )

    assert article.summary == "Heat & ice. Then rests <2 days>."
    card = client.get(reverse("home")).content.decode()
    assert "Heat &amp; ice. Then rests &lt;2 days&gt;." in card


def test_reading_time_counts_words_at_two_hundred_a_minute():
    assert ArticleFactory(body="<p>" + "word " * 401 + "</p>").reading_time_minutes == 3
    assert ArticleFactory(body="<p>Short.</p>").reading_time_minutes == 1


def test_featured_image_requires_alt_text():
    article = ArticleFactory.build(featured_image=uploaded_image(), featured_image_alt=" ", category=None)
    article.author.save()

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert "featured_image_alt" in error.value.message_dict


def test_featured_image_is_stored_under_a_generated_name_with_its_real_type():
    article = ArticleFactory(featured_image=uploaded_image("My Holiday.PNG.jpg"), featured_image_alt="A square")

    assert article.featured_image.name.startswith("articles/")
    assert article.featured_image.name.endswith(".png")
    assert "Holiday" not in article.featured_image.name
    assert (article.featured_image_width, article.featured_image_height) == (64, 48)


def test_slug_is_unique_in_the_database():
    from django.db import IntegrityError, transaction

    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="same")


def test_categories_in_navigation_are_those_with_published_articles():
    shown = CategoryFactory(name="Shown")
    ArticleFactory(category=shown)
    ArticleFactory(category=CategoryFactory(name="Only drafts"), draft=True)
    CategoryFactory(name="Empty")

    assert list(Category.objects.with_published_articles()) == [shown]
