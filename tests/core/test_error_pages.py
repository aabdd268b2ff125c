import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories import comment_form_data, comment_url

pytestmark = pytest.mark.django_db


def test_a_bad_host_gets_the_branded_400_page(client):
    response = client.get(reverse("home"), HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_forged_form_gets_the_branded_403_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "This form had expired or came from another site" in response.content.decode()


def test_the_admin_without_permission_gets_the_branded_403(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("admin:clinic_clinicsettings_change", args=[1]))

    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_every_answer_has_a_request_id_and_errors_are_logged_with_it(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/blog/no-such-article/")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 16
    record = next(record for record in caplog.records if "Not Found" in record.getMessage())
    assert record.request.id == request_id


def test_a_database_failure_while_saving_an_article_writes_nothing_and_gives_the_text_back(
    editor_client, editor, monkeypatch
):
    from django.db import OperationalError

    from blog.admin import ArticleAdmin
    from blog.models import Article
    from tests.helpers import article_form

    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ArticleAdmin, "save_related", fail)

    response = editor_client.post(
        reverse("admin:blog_article_add"), article_form(editor, body="<p>Three weeks of careful writing.</p>")
    )

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "What you sent was not saved." in page
    assert "Three weeks of careful writing." in page
    assert "csrfmiddlewaretoken" not in page
    assert not Article.objects.exists()


def test_the_503_page_gives_back_what_was_typed_but_not_the_fields_nobody_typed(client, article, settings, monkeypatch):
    """The comment form's signed timestamp and honeypot are named in ERROR_PAGE_HIDDEN_FIELDS, not in core."""
    from blog.models import DiscussionSettings

    def database_down():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(DiscussionSettings, "load", database_down)
    data = comment_form_data(article, body="My question about my knee.", phone="bot-filled")

    response = client.post(comment_url(article), data)
    page = response.content.decode()
    assert response.status_code == 503
    assert "My question about my knee." in page
    assert data["started"] not in page
    assert "bot-filled" not in page

    settings.ERROR_PAGE_HIDDEN_FIELDS = []
    page = client.post(comment_url(article), data).content.decode()
    assert data["started"] in page
