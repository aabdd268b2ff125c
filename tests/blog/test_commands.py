import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from blog.models import Article, Category, Comment, DiscussionSettings, Tag

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "articles": list(Article.objects.order_by("slug").values()),
        "categories": list(Category.objects.values()),
        "tags": list(Tag.objects.order_by("slug").values()),
        "article_tags": list(Article.tags.through.objects.order_by("pk").values()),
        "users": list(get_user_model().objects.order_by("pk").values("username", "password")),
        "comments": list(Comment.objects.order_by("pk").values()),
    }


def test_seed_demo_twice_gives_the_same_rows():
    call_command("seed_demo")
    first = snapshot()

    call_command("seed_demo")

    assert snapshot() == first
    assert len(first["articles"]) == 4
    # A question and the clinic's answer, then the moderation queue: two waiting, one spam.
    statuses = sorted(comment["status"] for comment in first["comments"])
    assert statuses == ["approved", "approved", "pending", "pending", "spam"]


def test_seed_demo_publishes_the_clinics_articles_led_by_prolotherapy(client):
    call_command("seed_demo")

    latest = Article.objects.published().first()
    assert latest.title == "What Is Prolotherapy?"
    assert latest.category.name == "Regenerative Medicine"
    assert latest.featured_image and latest.featured_image_alt
    assert "Who is a candidate?" in latest.body
    assert set(Article.objects.published().values_list("title", flat=True)) == {
        "What Is Prolotherapy?",
        "5 Tips to Transition Your Skincare Routine from Winter to Spring",
        "The Benefits of Intravenous Laser Therapy",
        "What Patients Are Saying About Platelet-Rich Plasma Treatments",
    }
    assert client.get(latest.featured_image.url).status_code == 200


def test_seed_demo_looks_fresh_whenever_it_is_seeded(client, editor):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 14})
    with time_machine.travel(datetime.datetime(2031, 6, 15, 0, 30, tzinfo=datetime.timezone.utc), tick=False):
        call_command("seed_demo")
        article = Article.objects.get(slug="what-is-prolotherapy")
        page = client.get(article.get_absolute_url()).content.decode()
        editor_client = Client()
        editor_client.force_login(editor)  # inside the journey, or the session would have expired years ago
        admin_index = editor_client.get(reverse("admin:index")).content.decode()

        assert page.count('class="related__item"') == 3
        assert '<form class="comment-form"' in page
        assert "Comments are closed." not in page
        assert not Article.objects.review_overdue().exists()
        assert "Every article's medical review is up to date." in admin_index
        assert Article.objects.published().count() == 4
        assert Article.objects.published().first() == article
        for demo in Article.objects.all():
            assert demo.published_at.date() >= datetime.date(2030, 6, 15)
            assert demo.last_reviewed_at >= demo.published_at.date()
        assert all(comment.created_at.year == 2031 for comment in Comment.objects.all())


def test_demo_author_cannot_log_in():
    call_command("seed_demo")

    assert not get_user_model().objects.get(username="demo-author").has_usable_password()


def test_ensure_editor_prints_a_random_password_once(capsys):
    call_command("ensure_editor")
    first = capsys.readouterr().out
    password = first.split("password ")[1].split()[0]

    call_command("ensure_editor")
    second = capsys.readouterr().out

    user = get_user_model().objects.get(username="editor")
    assert user.check_password(password) and user.is_staff and not user.is_superuser
    assert user.has_perm("blog.add_article") and user.has_perm("blog.change_article")
    assert len(password) >= 16
    assert password not in second
    assert "already" in second or "was printed when it was created" in second


def test_ensure_editor_passwords_differ_between_installs():
    outputs = []
    for _ in range(2):
        get_user_model().objects.filter(username="editor").delete()
        out = StringIO()
        call_command("ensure_editor", stdout=out)
        outputs.append(out.getvalue().split("password ")[1].split()[0])

    assert outputs[0] != outputs[1]


def test_seed_bulk_builds_the_benchmark_data_set():
    call_command("seed_bulk", articles=30, comments=200, busy_comments=50)

    busy = Article.objects.get(slug="bulk-article-busy")
    assert Article.objects.published().count() == 30
    assert busy.comments.approved().count() == 50
    assert Comment.objects.approved().count() == 200
    assert not Comment.objects.filter(thread__isnull=True).exists()
    assert all(article.tags.count() == 3 for article in Article.objects.all()[:5])
    assert Article.objects.published().first() == busy


def test_ensure_editor_takes_the_editors_name_and_email_as_options():
    call_command("ensure_editor", name="Jane Doe", email="jane@example.com", stdout=StringIO())

    user = get_user_model().objects.get(username="editor")
    assert (user.get_full_name(), user.email) == ("Jane Doe", "jane@example.com")


def test_ensure_editor_refuses_a_bad_email_and_creates_nothing():
    with pytest.raises(CommandError, match="is not an email address"):
        call_command("ensure_editor", email="jane at example", stdout=StringIO())

    assert not get_user_model().objects.filter(username="editor").exists()


def test_ensure_editor_asks_for_name_and_email_on_a_terminal(monkeypatch):
    answers = iter(["Jane Doe", "not-an-email", "jane@example.com"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    out = StringIO()

    call_command("ensure_editor", stdout=out)

    user = get_user_model().objects.get(username="editor")
    assert (user.get_full_name(), user.email) == ("Jane Doe", "jane@example.com")
    assert "is not an email address; try again" in out.getvalue()


def test_ensure_editor_never_waits_without_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked without a terminal"))
    out = StringIO()

    call_command("ensure_editor", stdout=out)

    assert get_user_model().objects.get(username="editor").is_staff
    assert "has no name or email yet" in out.getvalue()


def test_ensure_editor_fills_in_a_missing_name_on_an_existing_account():
    call_command("ensure_editor", stdout=StringIO())

    call_command("ensure_editor", name="Jane Doe", email="jane@example.com", stdout=StringIO())

    assert get_user_model().objects.get(username="editor").get_full_name() == "Jane Doe"
