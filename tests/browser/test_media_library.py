"""An editor takes images from the media library: as an existing article's featured image and in its body."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Article
from library.models import MediaItem
from tests.factories import ArticleFactory, MediaItemFactory
from tests.helpers import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library(editor):
    older = MediaItemFactory(
        title="Shoulder exercise",
        alt_text="A woman lifting a resistance band",
        caption="Ten slow lifts a day",
        uploaded_by=editor,
    )
    knee = MediaItemFactory(
        title="Knee joint model", alt_text="A model of the knee joint held by a physician", uploaded_by=editor
    )
    return {"older": older, "knee": knee}


def choose_in_dialog(page, search, title):
    dialog = page.get_by_role("dialog", name="Choose an image from the library")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Search by title, alt text, caption or credit").fill(search)
    choice = dialog.get_by_role("button", name=title)
    expect(choice).to_have_count(1)
    choice.focus()
    page.keyboard.press("Enter")  # chosen with the keyboard
    expect(dialog).to_be_hidden()


def test_editor_picks_library_images_as_featured_image_and_in_the_body(logged_in_page, live_server, browser, library):
    page = logged_in_page
    knee = library["knee"]
    article = ArticleFactory(title="Knee Pain After Running", body="<p>Start of the article.</p>")
    assert not article.featured_image
    change_url = live_server.url + reverse("admin:blog_article_change", args=[article.pk])
    page.goto(change_url)

    # The dialog lists the library newest first.
    page.get_by_role("button", name="Choose from the library…").click()
    dialog = page.get_by_role("dialog", name="Choose an image from the library")
    expect(dialog.locator(".library-dialog__item strong").first).to_have_text("Knee joint model")
    choose_in_dialog(page, "knee", "Knee joint model")
    expect(page.get_by_label("Featured image alt text:")).to_have_value(knee.alt_text)
    expect(page.get_by_role("button", name="Choose from the library…")).to_be_focused()

    page.locator(".ck-editor__editable[contenteditable=true]").click()
    page.keyboard.press("Control+End")
    page.get_by_role("button", name="Insert an image from the library…").click()
    choose_in_dialog(page, "shoulder", "Shoulder exercise")
    editable = page.locator(".ck-editor__editable[contenteditable=true]")
    expect(editable.locator(f"img[src='{library['older'].url}']")).to_have_attribute(
        "alt", "A woman lifting a resistance band"
    )
    expect(editable.locator("figure.image figcaption")).to_have_text("Ten slow lifts a day")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.featured_image.name == knee.file.name
    assert article.featured_image_alt == knee.alt_text
    assert library["older"].url in article.body

    # Saved again as it stands: both images stay, and the library knows where they are used.
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.featured_image.name == knee.file.name
    assert [usage.obj for usage in knee.usages()] == [article]
    assert [usage.field for usage in MediaItem.objects.get(pk=library["older"].pk).usages()] == ["body"]

    reader = browser.new_page(viewport=PHONE)
    reader.goto(live_server.url + Article.objects.get(pk=article.pk).get_absolute_url())
    expect(reader.get_by_role("img", name=knee.alt_text).first).to_be_visible()
    body = reader.locator(".article__body")
    expect(body.get_by_role("img", name="A woman lifting a resistance band")).to_be_visible()
    expect(body.locator("figcaption")).to_have_text("Ten slow lifts a day")


def test_editor_sees_where_an_image_is_used_before_deleting_it(logged_in_page, live_server, library):
    page = logged_in_page
    knee = library["knee"]
    article = ArticleFactory(title="Knee Pain After Running", body=f'<p><img src="{knee.url}" alt="Knee"></p>')
    page.goto(live_server.url + reverse("admin:library_mediaitem_delete", args=[knee.pk]))

    expect(page.get_by_text("cannot be deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Article “Knee Pain After Running”")).to_have_attribute(
        "href", reverse("admin:blog_article_change", args=[article.pk])
    )
    expect(page.get_by_role("button", name="Yes, I’m sure")).to_have_count(0)
    assert MediaItem.objects.filter(pk=knee.pk).exists()


def test_the_library_dialog_is_accessible_at_phone_width(axe_context, live_server, editor, library):
    page = axe_context(viewport=PHONE).new_page()
    log_in(page, live_server, editor)
    article = ArticleFactory(title="Knee Pain After Running")
    page.goto(live_server.url + reverse("admin:blog_article_change", args=[article.pk]))

    page.get_by_role("button", name="Insert an image from the library…").click()
    dialog = page.get_by_role("dialog", name="Choose an image from the library")
    expect(dialog.get_by_role("button", name="Knee joint model")).to_be_visible()
    expect(dialog.get_by_label("Search by title, alt text, caption or credit")).to_be_focused()
    expect(dialog.get_by_role("status")).to_have_text("2 images, newest first.")
    violations = page.evaluate(
        "() => axe.run('.library-dialog', {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})"
        ".then(results => results.violations.map(v => v.id + ': ' + v.help))"
    )
    assert violations == []
    assert dialog.evaluate("node => node.scrollWidth <= node.clientWidth")

    dialog.get_by_label("Search by title, alt text, caption or credit").fill("no such picture")
    expect(dialog.get_by_role("status")).to_contain_text("No image matches")
    page.keyboard.press("Escape")  # in a search box, Escape first empties it
    expect(dialog.get_by_role("status")).to_have_text("2 images, newest first.")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Insert an image from the library…")).to_be_focused()
    assert "<img" not in Article.objects.get(pk=article.pk).body
