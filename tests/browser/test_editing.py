"""Editors never lose work: two people on one article, a draft after a closed tab, a preview of unsaved changes."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from blog.models import Article
from tests.factories import UserFactory
from tests.helpers import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_editors_from_earlier_tests():
    cache.clear()


@pytest.fixture
def chen(editor):
    user = UserFactory(username="chen", first_name="Michael", last_name="Chen", is_staff=True, password=PASSWORD)
    user.groups.add(*editor.groups.all())
    return user


def editable(page):
    return page.locator(".ck-editor__editable[contenteditable=true]")


def type_at_end_of_body(page, text):
    editable(page).locator("p").last.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_two_editors_on_one_article_see_each_other_and_the_second_save_loses_nothing(
    browser, live_server, demo_site, editor, chen
):
    article = Article.objects.get(slug="what-is-prolotherapy")
    change_url = live_server.url + reverse("admin:blog_article_change", args=[article.pk])
    first, second = browser.new_context(), browser.new_context()
    a, b = first.new_page(), second.new_page()
    log_in(a, live_server, editor)
    log_in(b, live_server, chen)
    a.goto(change_url)
    b.goto(change_url)
    expect(b.locator(".editing-others")).to_contain_text("is editing this article")
    # A's page learns of B at its next heartbeat; a visibility change asks at once.
    a.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(a.locator(".editing-others")).to_contain_text("Michael Chen is editing this article (since")

    type_at_end_of_body(a, "A paragraph added by the first editor.")
    a.locator("#id_excerpt").fill("An excerpt by the first editor.")
    a.get_by_role("button", name="Save and continue editing").click()
    expect(a.locator(".messagelist")).to_contain_text("was changed successfully")

    b.locator("#id_title").fill("What Is Prolotherapy? A Patient's Guide")
    b.get_by_role("button", name="Save", exact=True).click()

    expect(b.locator(".edit-conflict")).to_contain_text("Not saved:")
    expect(b.locator(".edit-conflict")).to_contain_text("A paragraph added by the first editor.")
    expect(b.locator("#id_title")).to_have_value("What Is Prolotherapy? A Patient's Guide")
    expect(b.locator("#id_excerpt")).to_have_value("An excerpt by the first editor.")
    expect(editable(b)).to_contain_text("A paragraph added by the first editor.")
    # B's draft was typed over the old version: offering it back here would undo A's excerpt.
    expect(b.get_by_role("region", name="Unsaved changes kept in this browser")).to_be_hidden()
    article.refresh_from_db()
    assert article.title == "What Is Prolotherapy?"

    b.get_by_role("button", name="Save", exact=True).click()
    expect(b.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.title == "What Is Prolotherapy? A Patient's Guide"
    assert article.excerpt == "An excerpt by the first editor."
    assert "A paragraph added by the first editor." in article.body
    first.close()
    second.close()


def test_a_local_draft_comes_back_after_the_tab_is_closed(browser, live_server, demo_site, editor):
    article = Article.objects.get(slug="what-is-prolotherapy")
    change_url = live_server.url + reverse("admin:blog_article_change", args=[article.pk])
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, editor)
    page.goto(change_url)
    type_at_end_of_body(page, "Words typed before the tab closed.")
    page.locator("#id_title").fill("A title typed before the tab closed")
    page.wait_for_function(
        "Object.keys(localStorage).some(key => key.startsWith('clinic-editing:draft:')"
        " && localStorage.getItem(key).includes('Words typed before the tab closed.'))"
    )
    page.close(run_before_unload=False)

    page = context.new_page()
    page.goto(change_url)
    banner = page.get_by_role("region", name="Unsaved changes kept in this browser")
    expect(banner).to_be_visible()
    expect(page.locator("#id_title")).to_have_value(article.title)
    banner.get_by_role("button", name="Restore them").click()

    expect(page.locator("#id_title")).to_have_value("A title typed before the tab closed")
    expect(editable(page)).to_contain_text("Words typed before the tab closed.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.title == "A title typed before the tab closed"
    assert "Words typed before the tab closed." in article.body

    page.goto(change_url)
    expect(page.locator("#id_title")).to_have_value("A title typed before the tab closed")
    expect(page.get_by_role("region", name="Unsaved changes kept in this browser")).to_be_hidden()
    context.close()


def test_leaving_with_unsaved_changes_asks_first(logged_in_page, live_server, demo_site):
    page = logged_in_page
    article = Article.objects.get(slug="what-is-prolotherapy")
    page.goto(live_server.url + reverse("admin:blog_article_change", args=[article.pk]))
    page.locator("#id_title").fill("Changed but not saved")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):
        page.goto(live_server.url + reverse("admin:index"))

    assert dialogs == ["beforeunload"]
    expect(page.locator("#id_title")).to_have_value("Changed but not saved")


def test_preview_changes_of_a_published_article_shows_unsaved_text_in_a_new_tab(
    logged_in_page, live_server, demo_site, client
):
    page = logged_in_page
    article = Article.objects.get(slug="what-is-prolotherapy")
    page.goto(live_server.url + reverse("admin:blog_article_change", args=[article.pk]))
    type_at_end_of_body(page, "A correction nobody has seen yet.")

    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name="Preview changes").click()
    preview = new_tab.value
    preview.wait_for_load_state()

    expect(preview.locator(".preview-banner")).to_contain_text("Preview of your unsaved changes.")
    expect(preview.locator(".article__body")).to_contain_text("A correction nobody has seen yet.")
    article.refresh_from_db()
    assert "A correction nobody has seen yet." not in article.body
    assert "A correction nobody has seen yet." not in client.get(article.get_absolute_url()).content.decode()
    # The editor's form is untouched and still holds the correction.
    expect(editable(page)).to_contain_text("A correction nobody has seen yet.")
