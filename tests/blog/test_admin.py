import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Article, Comment, Tag
from tests.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    CategoryFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
)
from tests.helpers import article_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:blog_article_add")


def test_editor_creates_and_publishes_an_article_through_the_admin(editor_client, editor, client, worked):
    with worked():
        response = editor_client.post(ADD_URL, article_form(editor))

    assert response.status_code == 302
    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.is_published
    assert article.author == editor
    assert [tag.name for tag in article.tags.all()] == ["Joint Pain"]
    assert article.featured_image.name.startswith("articles/")
    assert "<script" not in article.body

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Prolotherapy is <strong>regenerative</strong>." in page
    assert '<source type="image/webp" srcset="/media/renditions/' in page


def test_editor_saves_a_draft_that_readers_cannot_see(editor_client, editor, client):
    editor_client.post(ADD_URL, article_form(editor, status=Article.Status.DRAFT))

    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_featured_image_without_alt_text_is_refused_next_to_the_field(editor_client, editor):
    response = editor_client.post(ADD_URL, article_form(editor, featured_image_alt=""))

    assert response.status_code == 200
    assert not Article.objects.exists()
    assert response.context["adminform"].form.errors["featured_image_alt"] == [
        "Describe the featured image for readers who cannot see it."
    ]
    assert 'value="What Is Prolotherapy?"' in response.content.decode()


def test_fake_featured_image_is_refused(editor_client, editor):
    fake = SimpleUploadedFile("hero.jpg", b"not an image", content_type="image/jpeg")

    response = editor_client.post(ADD_URL, article_form(editor, featured_image=fake))

    assert response.status_code == 200
    assert "featured_image" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_duplicate_slug_is_refused_with_a_message(editor_client, editor):
    ArticleFactory(slug="what-is-prolotherapy")

    response = editor_client.post(ADD_URL, article_form(editor))

    assert "Article with this Slug already exists." in response.context["adminform"].form.errors["slug"]


def test_add_form_uses_ckeditor_and_prepopulates_the_slug(editor_client, editor):
    html = editor_client.get(ADD_URL).content.decode()

    assert "django_ckeditor_5/dist/bundle.js" in html
    assert 'class="django_ckeditor_5"' in html
    assert reverse("core:editor-image-upload") in html
    assert 'data-prepopulated-fields="[{&quot;id&quot;: &quot;#id_slug&quot;' in html
    assert f'<option value="{editor.pk}" selected>' in html


def test_changelist_shows_columns_and_status_including_scheduled(editor_client):
    ArticleFactory(title="Live article", category=CategoryFactory(name="Regenerative Medicine"))
    ArticleFactory(title="Future article", scheduled=True)
    ArticleFactory(title="Draft article", draft=True)

    html = editor_client.get(reverse("admin:blog_article_changelist")).content.decode()

    for column in (
        "column-title",
        "column-status_label",
        "column-published_at",
        "column-category",
        "column-author_name",
    ):
        assert column in html
    assert "Scheduled" in html
    assert "Draft" in html
    assert "Regenerative Medicine" in html


def test_changelist_search_finds_by_title(editor_client):
    ArticleFactory(title="What Is Prolotherapy?")
    ArticleFactory(title="Skincare in spring")

    response = editor_client.get(reverse("admin:blog_article_changelist"), {"q": "prolotherapy"})

    assert [article.title for article in response.context["cl"].result_list] == ["What Is Prolotherapy?"]


def test_change_form_has_view_on_site(editor_client, article):
    html = editor_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()

    assert "View on site" in html


def test_article_form_is_grouped_with_help_for_every_field_an_editor_fills(editor_client, article):
    response = editor_client.get(reverse("admin:blog_article_change", args=[article.pk]))
    adminform = response.context["adminform"]
    form = adminform.form

    assert [name for name, _ in adminform.fieldsets] == [
        "Content",
        "Media",
        "Publishing",
        "SEO",
        "Medical review",
        "Review before publishing",
    ]
    editable = [name for _, options in adminform.fieldsets for name in options["fields"] if name in form.fields]
    assert len(editable) > 15
    assert [name for name in editable if not form.fields[name].help_text] == []
    assert "Who signs it, when readers see it" in response.content.decode()


def test_every_admin_page_shows_the_clinic_comments_to_moderate_and_a_link_to_the_site(editor_client, article):
    CommentFactory.create_batch(2, article=article, status=Comment.Status.PENDING)

    for url in (reverse("admin:index"), reverse("admin:blog_article_change", args=[article.pk])):
        html = editor_client.get(url).content.decode()
        assert "Regenerative Health Clinic — editing" in html
        assert '?status__exact=pending"><span data-pending-count>2</span> comments to moderate</a>' in html
        assert '<a href="/">View site</a>' in html


def test_tag_autocomplete_answers_for_the_article_form(editor_client):
    TagFactory(name="Joint Pain")
    TagFactory(name="Skincare")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "joint", "app_label": "blog", "model_name": "article", "field_name": "tags"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Joint Pain"]


def test_non_staff_cannot_reach_the_admin(client, article):
    response = client.get(reverse("admin:blog_article_change", args=[article.pk]))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


CHANGELIST = reverse("admin:blog_article_changelist")


def found(client, term):
    return sorted(article.title for article in client.get(CHANGELIST, {"q": term}).context["cl"].result_list)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's full-text search")
def test_changelist_search_finds_a_stemmed_word_through_the_full_text_index(editor_client):
    ArticleFactory(title="Healing knees", body="<p>Injections helped the patients.</p>")
    ArticleFactory(title="Skincare in spring", body="<p>Sunscreen every day.</p>")

    assert found(editor_client, "injection") == ["Healing knees"]
    assert found(editor_client, "knee") == ["Healing knees"]
    with CaptureQueriesContext(connection) as captured:
        editor_client.get(CHANGELIST, {"q": "injection"})
    assert any("search_vector" in query["sql"] and "@@" in query["sql"] for query in captured)
    assert not any("UPPER" in query["sql"] and "body" in query["sql"] for query in captured)


def test_changelist_search_finds_the_start_of_a_word_in_title_excerpt_or_body(editor_client):
    ArticleFactory(title="What Is Prolotherapy?", excerpt="About dextrose.", body="<p>Ligaments heal.</p>")
    ArticleFactory(title="Skincare in spring", excerpt="Sun.", body="<p>Sunscreen.</p>")

    assert found(editor_client, "prolo") == ["What Is Prolotherapy?"]
    assert found(editor_client, "dextrose") == ["What Is Prolotherapy?"]
    assert found(editor_client, "ligament heal") == ["What Is Prolotherapy?"]
    assert found(editor_client, "?!") == []


def test_related_article_autocomplete_finds_what_is_typed_so_far(editor_client):
    ArticleFactory(title="Knee injections explained")
    ArticleFactory(title="Skincare in spring")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "knee inj", "app_label": "blog", "model_name": "article", "field_name": "related_articles"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Knee injections explained"]


def test_changelist_filters_by_year_then_month_of_publication(editor_client):
    march = ArticleFactory(title="March", published_at=datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.timezone.utc))
    ArticleFactory(title="June", published_at=datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.timezone.utc))
    ArticleFactory(title="Older", published_at=datetime.datetime(2023, 1, 5, 12, tzinfo=datetime.timezone.utc))
    html = editor_client.get(CHANGELIST).content.decode()

    # Every year from the newest article to the oldest (found by the index, not by reading every article).
    years = re.findall(r'<a href="\?published_at__gte=[^"]+">(\d{4})</a>', html)
    assert years == ["2025", "2024", "2023"]
    year_2025 = re.search(r'<a href="(\?published_at__gte=2025[^"]+)">2025</a>', html)[1].replace("&amp;", "&")
    in_2025 = editor_client.get(CHANGELIST + year_2025)
    assert sorted(article.title for article in in_2025.context["cl"].result_list) == ["June", "March"]
    months = re.findall(r'<a href="\?published_at__gte=2025[^"]+">(\w+ 2025)</a>', in_2025.content.decode())
    assert months == [f"{name} 2025" for name in ("June", "May", "April", "March", "February", "January")]
    march_link = re.search(r'<a href="(\?published_at__gte=2025-03[^"]+)">March 2025</a>', in_2025.content.decode())
    in_march = editor_client.get(CHANGELIST + march_link[1].replace("&amp;", "&"))
    assert list(in_march.context["cl"].result_list) == [march]


def test_changelist_has_no_date_hierarchy_reading_every_article(editor_client):
    ArticleFactory()
    with CaptureQueriesContext(connection) as captured:
        html = editor_client.get(CHANGELIST).content.decode()

    assert 'class="toplinks"' not in html
    assert not [query["sql"] for query in captured if "DISTINCT" in query["sql"] and "published_at" in query["sql"]]


def test_author_filter_offers_the_team_not_every_account(editor_client, editor):
    writer = AuthorProfileFactory(display_name="Dr. Writer").user
    ArticleFactory(author=writer)
    UserFactory(username="not-staff", first_name="Outside", last_name="Person")

    html = editor_client.get(CHANGELIST).content.decode()

    assert f'?author__id__exact={writer.pk}"' in html
    assert f'?author__id__exact={editor.pk}"' in html
    assert "not-staff" not in html


def test_authors_see_no_author_filter_on_their_own_articles(client):
    from clinic.roles import AUTHOR

    author = UserFactory(is_staff=True)
    author.groups.add(Group.objects.get(name=AUTHOR))
    ArticleFactory(author=author)
    client.force_login(author)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert "author__id__exact" not in response.content.decode()


def test_tag_filter_is_a_search_box_that_still_filters_by_the_chosen_tag(editor_client):
    joints, skin = TagFactory(name="Joint Pain"), TagFactory(name="Skincare")
    tagged = ArticleFactory(tags=[joints])
    ArticleFactory(tags=[skin])

    response = editor_client.get(CHANGELIST, {"tags__id__exact": joints.pk})
    html = response.content.decode()

    assert list(response.context["cl"].result_list) == [tagged]
    assert ">Joint Pain</a>" in html
    assert "Skincare" not in html
    assert 'data-field-name="tags"' in html


def test_staff_who_may_not_see_tags_get_no_tag_search_box(client):
    from clinic.roles import MODERATOR

    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    assert 'data-field-name="tags"' not in html


def test_new_tags_are_typed_on_the_article_form_and_made_once(editor_client, editor):
    shoulder = TagFactory(name="Shoulder")
    data = article_form(editor, new_tags="Knee pain, knee  PAIN, Épaule, shoulder,")

    response = editor_client.post(reverse("admin:blog_article_add"), data)

    assert response.status_code == 302
    article = Article.objects.get(slug="what-is-prolotherapy")
    assert sorted(article.tags.values_list("name", "slug")) == [
        ("Joint Pain", Tag.objects.get(name="Joint Pain").slug), ("Knee pain", "knee-pain"),
        ("Shoulder", shoulder.slug), ("Épaule", "epaule"),
    ]  # fmt: skip
    assert Tag.objects.filter(name__iexact="knee pain").count() == 1


def test_a_new_tag_that_cannot_be_one_is_refused_next_to_the_field_and_nothing_is_saved(editor_client, editor):
    response = editor_client.post(reverse("admin:blog_article_add"), article_form(editor, new_tags="Knee, !!!"))

    assert response.status_code == 200
    assert "“!!!” needs a letter or a digit" in response.content.decode()
    assert 'value="Knee, !!!"' in response.content.decode()
    assert not Article.objects.exists() and not Tag.objects.filter(name="Knee").exists()


def test_staff_who_may_not_make_tags_are_not_offered_new_tags(client, editor):
    editor.user_permissions.remove(*editor.user_permissions.filter(codename="add_tag"))
    for group in editor.groups.all():
        group.permissions.remove(*group.permissions.filter(codename="add_tag"))
    client.force_login(editor)

    assert "Add new tags" not in client.get(reverse("admin:blog_article_add")).content.decode()
