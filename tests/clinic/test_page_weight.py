"""Pages stay light: the article page's HTML, CSS and JavaScript under 30 KB compressed, no web fonts."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import ArticleFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db
LIMIT = 30 * 1024


def test_article_page_html_css_and_js_weigh_under_30_kb_compressed(client, settings):
    settings.STATIC_URL = "/static/"
    article = ArticleFactory(
        title="What Is Prolotherapy?",
        body="<h2>How it works</h2>" + "<p>" + "Prolotherapy strengthens ligaments and tendons. " * 60 + "</p>",
        tags=TagFactory.create_batch(3),
    )
    ArticleFactory.create_batch(3, category=article.category)
    CommentFactory.create_batch(20, article=article)

    html = client.get(article.get_absolute_url()).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    sizes = {"html": len(gzip.compress(html))}
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as file:
            sizes[asset.decode()] = len(gzip.compress(file.read()))

    assert {"css/site.css", "js/article.js"} <= set(sizes)
    assert sum(sizes.values()) < LIMIT, sizes


def test_no_web_fonts_and_scripts_only_enhance(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    with open(finders.find("css/site.css")) as css:
        stylesheet = css.read()

    assert "@font-face" not in stylesheet
    assert "@import" not in stylesheet
    scripts = re.findall(r"<script\b([^>]*)>", html)
    for attributes in scripts:
        assert "defer" in attributes or 'type="application/ld+json"' in attributes
