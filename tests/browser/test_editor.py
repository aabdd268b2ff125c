"""An editor writes and publishes an article in the real admin with CKEditor 5; a reader sees it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Article
from tests.factories import ArticleFactory, image_bytes
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_publishes_an_article_with_bold_text_and_an_uploaded_image(
    logged_in_page, live_server, browser, tmp_path
):
    page = logged_in_page
    picture = tmp_path / "knee.png"
    picture.write_bytes(image_bytes("PNG", size=(320, 200), colour=(200, 90, 60)))

    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + reverse("admin:blog_article_add"))
    page.locator("#id_title").press_sequentially("Knee Pain After Running")
    expect(page.locator("#id_slug")).to_have_value("knee-pain-after-running")

    editable = page.locator(".ck-editor__editable[contenteditable=true]")
    editable.click()
    page.keyboard.type("Prolotherapy is ")
    page.keyboard.press("Control+B")
    page.keyboard.type("regenerative")
    page.keyboard.press("Control+B")
    page.keyboard.type(" medicine.")
    page.keyboard.press("Enter")
    page.locator(".ck-editor .ck-file-dialog-button input[type=file]").first.set_input_files(str(picture))
    expect(editable.locator("img[src*='/media/editor/']")).to_have_count(1)
    assert [text for text in console if "Content Security Policy" in text] == []

    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="knee-pain-after-running")
    assert article.is_published

    reader = browser.new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text("Knee Pain After Running")
    expect(reader.locator(".article__body strong")).to_have_text("regenerative")
    image = reader.locator(".article__body img")
    # Until the worker has made its renditions, the original at its own size: never a broken image.
    expect(image).to_have_attribute("src", re.compile(r"^/media/editor/.+\.png$"))
    expect(image).to_have_attribute("width", "320")
    reader.wait_for_load_state("load")  # the load event waits for the page's images
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    assert run_tasks() >= 1
    reader.reload()
    expect(image).to_have_attribute("src", re.compile(r"^/media/renditions/.+\.png$"))
    reader.wait_for_load_state("load")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "/media/renditions/" in image.evaluate("img => img.currentSrc")
    reader.close()


def test_a_refused_upload_tells_the_editor_why(logged_in_page, live_server, tmp_path):
    page = logged_in_page
    fake = tmp_path / "notes.png"
    fake.write_text("these are my notes, not a picture")

    page.goto(live_server.url + reverse("admin:blog_article_add"))
    page.locator(".ck-editor__editable[contenteditable=true]").click()
    with page.expect_event("dialog") as dialog_info:
        page.locator(".ck-editor .ck-file-dialog-button input[type=file]").first.set_input_files(str(fake))
    dialog = dialog_info.value
    message = dialog.message
    dialog.dismiss()

    assert "not a valid image" in message
    expect(page.locator(".ck-editor__editable img")).to_have_count(0)


def test_editor_resaves_a_demo_article_with_a_featured_image_and_edits_its_body(logged_in_page, live_server, demo_site):
    page = logged_in_page
    article = Article.objects.get(slug="what-is-prolotherapy")
    image = article.featured_image.name
    change_url = live_server.url + reverse("admin:blog_article_change", args=[article.pk])

    page.goto(change_url)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    editable = page.locator(".ck-editor__editable[contenteditable=true]")
    editable.locator("p").first.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Ask us whether prolotherapy suits your injury.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    article.refresh_from_db()
    assert "Ask us whether prolotherapy suits your injury." in article.body
    assert article.featured_image.name == image


def test_an_imported_body_keeps_its_formatting_when_an_editor_saves_it_unchanged(logged_in_page, live_server, editor):
    """What WordPress content brings and the sanitizer keeps, CKEditor keeps too: a save changes nothing of it."""
    body = (
        "<p>H<sub>2</sub>O and 10<sup>6</sup> cells; <s>withdrawn</s>; <code>M25.5</code></p>"
        '<ol start="8"><li>eighth step</li><li>ninth step</li></ol>'
        '<pre><code class="language-plaintext">Dose: 2 ml\nInterval: 4 weeks</code></pre><hr><p>After the line.</p>'
    )
    article = ArticleFactory(author=editor, body=body)
    page = logged_in_page

    page.goto(live_server.url + reverse("admin:blog_article_change", args=[article.pk]))
    page.locator(".ck-editor__editable[contenteditable=true]").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    article.refresh_from_db()
    for kept in ("H<sub>2</sub>O", "10<sup>6</sup>", "<s>withdrawn</s>", "<code>M25.5</code>", 'start="8"', "<hr>",
                 "Dose: 2 ml", "Interval: 4 weeks"):  # fmt: skip
        assert kept in article.body, (kept, article.body)
