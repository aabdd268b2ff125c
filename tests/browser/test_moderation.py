"""The moderation queue as a moderator uses it: one click (or one key) a comment, in place, on a phone too."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Comment
from clinic.roles import MODERATOR, sync_roles
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.helpers import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PENDING_LIST = reverse("admin:blog_comment_changelist") + "?status__exact=pending"


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderator", first_name="Sam", last_name="Moderator", is_staff=True)
    sync_roles()  # a transactional test starts from empty tables
    user.groups.add(Group.objects.get(name=MODERATOR))
    return user


@pytest.fixture
def queue(db):
    article = ArticleFactory(title="What Is Prolotherapy?")
    return [
        CommentFactory(article=article, status=Comment.Status.PENDING, name=f"Reader {n}", body=f"Question {n}?")
        for n in range(10)
    ]


def row_of(page, comment):
    """The comment's row in the list, found by its checkbox (its text hides once the row folds)."""
    return page.locator(f"#result_list tbody tr:has(input.action-select[value='{comment.pk}'])")


class Counted:
    """The clicks a person makes and the pages the browser loads while doing it."""

    def __init__(self, page):
        self.page, self.clicks, self.loads = page, 0, 0
        page.on("framenavigated", self.count_load)

    def count_load(self, frame):
        if frame == self.page.main_frame:
            self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def choose(self, select, value):
        """A drop-down is two clicks: open it, pick the choice."""
        self.clicks += 2
        select.select_option(value)


def test_a_moderator_clears_a_queue_of_ten_with_one_click_each(page, live_server, moderator, queue):
    log_in(page, live_server, moderator)
    page.goto(live_server.url + PENDING_LIST)
    pending_tab = page.get_by_role("link", name=re.compile(r"^Pending"))
    expect(pending_tab).to_have_text("Pending (10)")

    # Before: the bulk action, the only way there was (tick, open the menu, pick, Go), and a page load.
    before = Counted(page)
    before.click(row_of(page, queue[9]).get_by_role("checkbox"))
    before.choose(page.locator("select[name=action]"), "approve")
    before.click(page.get_by_role("button", name="Go"))
    expect(page.locator(".messagelist")).to_contain_text("1 comment(s) approved")
    assert (before.clicks, before.loads) == (4, 1)

    # After: one click on the comment's row, no page load.
    after = Counted(page)
    for n in range(9):
        row = row_of(page, queue[n])
        after.click(row.get_by_role("button", name="Approve"))
        expect(row).to_contain_text(f"Comment by Reader {n} approved.")
    expect(pending_tab).to_have_text("Pending (0)")
    expect(page.get_by_role("link", name=re.compile(r"^Approved"))).to_have_text("Approved (10)")
    assert (after.clicks, after.loads) == (9, 0)
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.APPROVED}

    # Undo puts the last one back, in place.
    row = row_of(page, queue[8])
    row.get_by_role("button", name="Undo").click()
    expect(row.get_by_role("button", name="Approve")).to_be_visible()
    expect(pending_tab).to_have_text("Pending (1)")
    assert Comment.objects.get(name="Reader 8").status == Comment.Status.PENDING


def test_a_moderator_clears_the_queue_with_the_keyboard_alone(page, live_server, moderator, queue):
    log_in(page, live_server, moderator)
    page.goto(live_server.url + PENDING_LIST)
    loads = Counted(page)

    # Typing in the search box moderates nothing: the shortcuts live in the list.
    page.get_by_role("searchbox").press("a")
    page.locator("#result_list thead input[type=checkbox]").focus()
    page.keyboard.press("j")
    expect(page.locator("#result_list tbody tr").first).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("#result_list tbody tr").first).to_be_focused()

    page.keyboard.press("s")  # the newest is spam
    expect(page.locator("#moderation-status")).to_have_text("Comment by Reader 9 marked as spam.")
    page.keyboard.press("z")  # no: undo
    expect(page.locator("#moderation-status")).to_have_text("Comment by Reader 9 restored to pending.")
    for n in range(9, -1, -1):
        expect(page.locator(f"#result_list tbody tr:focus:has-text('Question {n}?')")).to_have_count(1)
        page.keyboard.press("a")
        expect(page.locator("#moderation-status")).to_have_text(f"Comment by Reader {n} approved.")

    expect(page.get_by_role("link", name=re.compile(r"^Pending"))).to_have_text("Pending (0)")
    assert loads.loads == 0
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.APPROVED}


def test_reply_opens_under_the_comment_and_publishes_as_the_clinic(page, live_server, moderator, queue, fast_forms):
    question = queue[0]
    log_in(page, live_server, moderator)
    page.goto(live_server.url + PENDING_LIST)
    row = row_of(page, question)
    row.focus()
    page.keyboard.press("r")

    box = page.get_by_role("textbox", name="Your reply to Reader 0")
    expect(box).to_be_focused()
    expect(row).to_contain_text("Question 0?")  # the comment stays in view above the box
    page.get_by_role("button", name="Approve and publish reply").click()
    expect(page.get_by_text("Please write your reply.")).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")

    box.fill("It may help: let us talk at your next visit.")
    box.press("Control+Enter")
    expect(row).to_contain_text("Your reply to Reader 0 is published.")
    row.get_by_role("link", name="View the reply").click()

    reply = page.locator(".comment .comment", has_text="let us talk at your next visit")
    expect(reply).to_contain_text("Sam Moderator")
    assert Comment.objects.get(pk=question.pk).status == Comment.Status.APPROVED
    assert Comment.objects.get(parent=question).is_clinic_reply


def test_the_queue_works_on_a_phone_with_every_column_and_large_targets(new_context, live_server, moderator, queue):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, moderator)
    page.goto(live_server.url + PENDING_LIST)

    row = row_of(page, queue[3])
    for column, text in [("author_column", "Reader 3"), ("comment_column", "Question 3?"),
                         ("article", "What Is Prolotherapy?")]:  # fmt: skip
        cell = row.locator(f".field-{column}")
        expect(cell).to_be_visible()
        expect(cell).to_contain_text(text)
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], column
    for target in row.locator(".comment-actions > *").all():
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, target.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], target.inner_text()
    row.get_by_role("button", name="Spam").click()
    expect(row).to_contain_text("Comment by Reader 3 marked as spam.")


def test_without_javascript_each_button_is_a_plain_form(new_context, live_server, moderator, queue):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, moderator)
    page.goto(live_server.url + PENDING_LIST + "&q=Question+5")

    page.get_by_role("button", name="Trash the comment by Reader 5").click()

    expect(page.locator(".messagelist")).to_contain_text("Comment by Reader 5 moved to the trash.")
    assert page.url.endswith(PENDING_LIST + "&q=Question+5")
    assert Comment.objects.get(name="Reader 5").status == Comment.Status.TRASH

    page.goto(live_server.url + PENDING_LIST + "&q=Question+6")
    page.get_by_role("link", name="Approve and reply to Reader 6").click()
    expect(page.locator("blockquote")).to_contain_text("Question 6?")
    page.get_by_label("Your reply").fill("Thank you for asking.")
    page.get_by_role("button", name="Approve and publish reply").click()
    expect(page.locator(".messagelist")).to_contain_text("Your reply to Reader 6 is published.")
    assert Comment.objects.get(name="Reader 6").status == Comment.Status.APPROVED


def test_two_moderators_at_once_never_undo_each_other(new_context, live_server, moderator, editor, queue):
    first, second = new_context().new_page(), new_context().new_page()
    log_in(first, live_server, moderator)
    log_in(second, live_server, editor)
    for page in (first, second):
        page.goto(live_server.url + PENDING_LIST)

    row_of(first, queue[4]).get_by_role("button", name="Approve").click()
    expect(row_of(first, queue[4])).to_contain_text("Comment by Reader 4 approved.")
    row_of(second, queue[4]).get_by_role("button", name="Spam").click()

    expect(second.locator("#moderation-status")).to_have_text(
        "Someone else moved the comment by Reader 4 meanwhile: it is Approved now. Nothing was changed."
    )
    expect(row_of(second, queue[4]).get_by_role("button", name="Unapprove")).to_be_visible()
    assert Comment.objects.get(pk=queue[4].pk).status == Comment.Status.APPROVED


def test_the_all_tab_counts_only_what_readers_see_or_may_see(page, live_server, moderator, queue):
    log_in(page, live_server, moderator)
    page.goto(live_server.url + reverse("admin:blog_comment_changelist"))
    all_tab = page.locator("[data-status-tab=all]")
    expect(all_tab).to_have_text("All (10)")

    row_of(page, queue[1]).get_by_role("button", name="Spam").click()
    expect(all_tab).to_have_text("All (9)")
    row_of(page, queue[2]).get_by_role("button", name="Approve").click()
    expect(page.get_by_role("link", name=re.compile(r"^Approved"))).to_have_text("Approved (1)")
    expect(all_tab).to_have_text("All (9)")
    expect(page.get_by_role("link", name=re.compile(r"comments to moderate$"))).to_have_text("8 comments to moderate")
    page.reload()
    expect(all_tab).to_have_text("All (9)")
