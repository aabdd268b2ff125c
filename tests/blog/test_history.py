"""The revision history (core/history.py) shows what a reader would notice, with CKEditor 5's real markup."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.history import is_real_change
from core.reading import changed_words, formatting_changes, reader_text, side_by_side
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CKEDITOR_BODY = (
    "<h2>Before your appointment</h2>"
    "<p>Please arrive fifteen minutes early for your appointment</p>"
    "<p>Bring&nbsp;your MRI or X-ray images.</p>"
    "<ul><li>Insurance card</li><li>List of medications</li></ul>"
    '<figure class="image"><img src="/media/editor/2026/11/a1b2.png" alt="The clinic entrance" width="960" '
    'height="640"><figcaption>Our entrance on Main Street</figcaption></figure>'
    "<blockquote><p>Most patients go home the same day.</p></blockquote>"
)


def history_html(client, article):
    return client.get(reverse("admin:blog_article_history", args=[article.pk])).content.decode()


def revise(article, **changes):
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()


def test_reader_text_breaks_blocks_decodes_entities_and_collapses_spaces():
    assert reader_text(CKEDITOR_BODY) == (
        "Before your appointment\n"
        "Please arrive fifteen minutes early for your appointment\n"
        "Bring your MRI or X-ray images.\n"
        "Insurance card\n"
        "List of medications\n"
        "[image: The clinic entrance]\n"
        "Our entrance on Main Street\n"
        "Most patients go home the same day."
    )


def test_words_of_two_paragraphs_are_never_glued_together():
    new = CKEDITOR_BODY.replace("appointment</p><p>Bring", "appointment.</p><p>Please bring")

    removed, added = changed_words(CKEDITOR_BODY, new)

    assert (removed, added) == ("appointment … Bring", "appointment. … Please bring")
    assert "appointmentBring" not in removed + added


def test_a_removed_paragraph_is_shown_as_its_words():
    new = CKEDITOR_BODY.replace("<p>Bring&nbsp;your MRI or X-ray images.</p>", "")

    assert changed_words(CKEDITOR_BODY, new) == ("Bring your MRI or X-ray images.", "")


def test_entities_are_decoded_in_what_changed():
    old = "<p>Take&nbsp;ibuprofen &amp; rest.</p>"
    new = "<p>Take&nbsp;paracetamol &amp; rest.</p>"

    assert changed_words(old, new) == ("ibuprofen", "paracetamol")


def test_a_list_item_change_names_only_that_item():
    new = CKEDITOR_BODY.replace("<li>Insurance card</li>", "<li>Photo ID</li>")

    assert changed_words(CKEDITOR_BODY, new) == ("Insurance card", "Photo ID")


def test_formatting_changes_are_named_in_the_editors_words():
    new = CKEDITOR_BODY.replace("early", "<strong>early</strong>").replace(
        "<ul><li>Insurance card</li>", '<ul><li><a href="https://example.com/card">Insurance card</a></li>'
    )

    assert changed_words(CKEDITOR_BODY, new) == ("", "")
    assert formatting_changes(CKEDITOR_BODY, new) == ["bold added", "link added"]


def test_a_video_added_is_named_as_a_video():
    video = '<figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></oembed></figure>'

    assert formatting_changes(CKEDITOR_BODY, CKEDITOR_BODY + video) == ["figure added", "video added"]


def test_the_history_page_names_a_formatting_only_change_once(editor_client, editor):
    article = ArticleFactory(author=editor, body=CKEDITOR_BODY)
    revise(article, body=CKEDITOR_BODY.replace("early", "<strong>early</strong>"))

    html = history_html(editor_client, article)

    assert "Formatting only: bold added" in html
    assert html.count("Formatting only") == 1
    assert "(formatting only)" not in html


def test_spaces_entities_and_serialization_alone_are_not_a_change(editor_client, editor):
    article = ArticleFactory(author=editor, title="Knee pain", body=CKEDITOR_BODY)
    respaced = CKEDITOR_BODY.replace("</p>", "</p>\n").replace("Bring&nbsp;your", "Bring&#160;your")
    revise(article, body=respaced.replace("fifteen minutes", "fifteen  minutes"))

    delta = article.history.first().diff_against(article.history.last())
    html = history_html(editor_client, article)

    assert [change.field for change in delta.changes] == ["body"]
    assert not is_real_change(delta.changes[0])
    assert "Same words" not in html and "Formatting only" not in html
    assert "&amp;nbsp;" not in html and "&nbsp;" not in html


def test_the_history_page_shows_body_changes_as_reader_text_with_paragraph_breaks(editor_client, editor):
    article = ArticleFactory(author=editor, body=CKEDITOR_BODY)
    revise(
        article,
        body=CKEDITOR_BODY.replace("appointment</p><p>Bring&nbsp;your", "appointment.</p><p>Please bring&nbsp;your"),
    )

    html = history_html(editor_client, article)

    assert "appointment … Bring" in html
    assert "appointment. … Please bring" in html
    assert "appointmentBring" not in html
    assert "&amp;nbsp;" not in html and "&lt;p&gt;" not in html


def test_a_publication_time_that_only_moved_by_microseconds_is_not_shown(editor_client, editor):
    published_at = timezone.now().replace(second=12, microsecond=123456) - datetime.timedelta(days=1)
    article = ArticleFactory(author=editor, published_at=published_at, title="Knee pain")
    revise(article, published_at=published_at.replace(second=40, microsecond=654321))

    html = history_html(editor_client, article)
    delta = article.history.first().diff_against(article.history.last())

    assert [change.field for change in delta.changes] == ["published_at"]
    assert not is_real_change(delta.changes[0])
    assert "<strong>Publication date:</strong>" not in html


def test_a_publication_time_moved_by_minutes_is_shown(editor_client, editor):
    published_at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=1)
    article = ArticleFactory(author=editor, published_at=published_at)
    revise(article, published_at=published_at + datetime.timedelta(minutes=5))

    delta = article.history.first().diff_against(article.history.last())

    assert is_real_change(delta.changes[0])
    assert "<strong>Publication date:</strong>" in history_html(editor_client, article)


def test_a_title_differing_only_in_spaces_is_not_a_change_but_a_new_word_is():
    article = ArticleFactory(title="Knee pain")
    revise(article, title="Knee  pain ")
    revise(article, title="Knee pain relief")

    newest, middle, oldest = article.history.order_by("-history_date", "-history_id")[:3]

    assert not any(is_real_change(change) for change in middle.diff_against(oldest).changes)
    assert all(is_real_change(change) for change in newest.diff_against(middle).changes)


def compare_url(article):
    return reverse("admin:blog_article_history_compare", args=[article.pk])


def test_side_by_side_marks_the_words_removed_and_added_and_escapes_the_text():
    old, new = side_by_side(
        "<p>Hello old world</p><p>Keep &lt;this&gt;</p>", "<p>Hello new world</p><p>Keep &lt;this&gt; too</p>"
    )

    assert old == "Hello <del>old</del> world<br>Keep &lt;this&gt;"
    assert new == "Hello <ins>new</ins> world<br>Keep &lt;this&gt; <ins>too</ins>"


def test_the_history_page_offers_to_compare_any_two_revisions(editor_client):
    article = ArticleFactory(title="First title")
    revise(article, title="Second title")

    html = history_html(editor_client, article)

    assert f'action="{compare_url(article)}"' in html and "Compare side by side" in html
    assert html.count('type="radio" name="a"') == 2 and html.count('type="radio" name="b"') == 2


def test_two_revisions_side_by_side_field_by_field(editor_client):
    article = ArticleFactory(title="First title", body="<p>Rest the knee for two days.</p>")
    first = article.history.latest("history_date")
    revise(article, title="Second title", body="<p>Rest the knee for three days.</p>", status="draft")
    revise(article, excerpt="A new excerpt.")
    latest = article.history.latest("history_date")

    html = editor_client.get(compare_url(article), {"a": latest.history_id, "b": first.history_id}).content.decode()
    only = editor_client.get(compare_url(article), {"a": first.history_id, "b": latest.history_id, "only": "changes"})

    table = html.split('class="revision-compare"')[1]
    assert table.index("First title") < table.index("Second title")  # the older on the left, whatever the order
    assert "Rest the knee for <del>two</del> days." in html and "Rest the knee for <ins>three</ins> days." in html
    status = next(row for row in only.context["rows"] if row["label"] == "Status")
    assert (status["older"], status["newer"], status["changed"]) == ("Published", "Draft", True)
    assert '<tr class="changed">\n            <th scope="row">Status</th>' in html
    assert '<th scope="row">Slug</th>' in html
    rows = [row["label"] for row in only.context["rows"]]
    assert rows == ["Title", "Excerpt", "Body", "Status"]


def test_comparing_needs_two_revisions_of_an_article_one_may_see(editor_client, client):
    from django.contrib.auth.models import Group

    from clinic.roles import AUTHOR
    from tests.factories import UserFactory

    article = ArticleFactory()
    revise(article, title="Changed")
    ids = list(article.history.values_list("history_id", flat=True))

    wrong = editor_client.get(compare_url(article), {"a": ids[0], "b": "x"}, follow=True)
    assert "Choose two different revisions to compare." in wrong.content.decode()
    author = UserFactory(is_staff=True)
    author.groups.add(Group.objects.get(name=AUTHOR))
    client.force_login(author)
    assert client.get(compare_url(article), {"a": ids[0], "b": ids[1]}).status_code == 404


def test_pages_compare_their_revisions_too(editor_client):
    from tests.factories import PageFactory

    page = PageFactory(title="About us", body="<p>We are a clinic.</p>")
    page.body = "<p>We are a small clinic.</p>"
    page.save()
    ids = list(page.history.values_list("history_id", flat=True))

    html = editor_client.get(
        reverse("admin:pages_page_history_compare", args=[page.pk]), {"a": ids[0], "b": ids[1]}
    ).content.decode()

    assert "We are a <ins>small</ins> clinic." in html
