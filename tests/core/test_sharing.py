from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from core.sharing import share_links
from tests.factories import ArticleFactory, uploaded_image

URL = "https://clinic.example/blog/what-is-prolotherapy/"
TITLE = "What Is Prolotherapy? Pain & healing: 100% natural"
IMAGE = "https://clinic.example/media/articles/2026/03/hero.jpg"


@pytest.fixture
def links():
    return {link.network: link for link in share_links(url=URL, title=TITLE, image_url=IMAGE)}


def parts(link):
    split = urlsplit(link.url)
    return f"{split.scheme}://{split.netloc}{split.path}" if split.netloc else f"{split.scheme}:", parse_qs(split.query)


@pytest.mark.parametrize(
    ("network", "address", "params"),
    [
        ("facebook", "https://www.facebook.com/sharer/sharer.php", {"u": [URL]}),
        ("x", "https://x.com/intent/post", {"text": [TITLE], "url": [URL]}),
        ("linkedin", "https://www.linkedin.com/sharing/share-offsite/", {"url": [URL]}),
        ("reddit", "https://www.reddit.com/submit", {"url": [URL], "title": [TITLE]}),
        ("whatsapp", "https://wa.me/", {"text": [f"{TITLE} {URL}"]}),
        ("telegram", "https://t.me/share/url", {"url": [URL], "text": [TITLE]}),
        (
            "pinterest",
            "https://www.pinterest.com/pin/create/button/",
            {"url": [URL], "media": [IMAGE], "description": [TITLE]},
        ),
        (
            "tumblr",
            "https://www.tumblr.com/widgets/share/tool",
            {"posttype": ["link"], "canonicalUrl": [URL], "title": [TITLE]},
        ),
        ("vk", "https://vk.com/share.php", {"url": [URL], "title": [TITLE], "image": [IMAGE]}),
        ("email", "mailto:", {"subject": [TITLE], "body": [f"{TITLE}\n\n{URL}"]}),
    ],
)
def test_each_network_gets_its_documented_share_address(links, network, address, params):
    assert parts(links[network]) == (address, params)


def test_everything_is_percent_encoded_with_no_raw_spaces_or_ampersands(links):
    x = links["x"].url

    assert " " not in x
    assert "Pain%20%26%20healing%3A%20100%25%20natural" in x
    assert "url=https%3A%2F%2Fclinic.example%2Fblog%2Fwhat-is-prolotherapy%2F" in x


def test_the_ten_networks_in_order(links):
    assert list(links) == [
        "facebook", "x", "linkedin", "reddit", "whatsapp", "telegram", "pinterest", "tumblr", "vk", "email"
    ]  # fmt: skip


def test_pinterest_and_vk_leave_out_the_image_when_there_is_none():
    links = {link.network: link for link in share_links(url=URL, title=TITLE)}

    assert "media" not in parse_qs(urlsplit(links["pinterest"].url).query)
    assert "image" not in parse_qs(urlsplit(links["vk"].url).query)


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "share__link" in attrs.get("class", ""):
            self.current = {**attrs, "text": "", "svg": False}
        elif tag == "svg" and self.current is not None:
            self.current["svg"] = True

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.current is not None:
            self.links.append(self.current)
            self.current = None


@pytest.mark.django_db
def test_article_page_share_box(client, settings):
    settings.SITE_URL = "https://clinic.example"
    article = ArticleFactory(
        title="What Is Prolotherapy?",
        slug="what-is-prolotherapy",
        featured_image=uploaded_image(),
        featured_image_alt="x",
    )

    html = client.get(article.get_absolute_url()).content.decode()
    collector = LinkCollector()
    collector.feed(html)

    assert "Share This Story, Choose Your Platform!" in html
    assert len(collector.links) == 10
    names = [" ".join(link["text"].split()) for link in collector.links]
    assert names[0] == "Share on Facebook"
    assert names[-1] == "Share by email"
    assert all(link["svg"] for link in collector.links)
    for link in collector.links[:-1]:
        assert link["target"] == "_blank"
        assert link["rel"] == "noopener noreferrer"
        assert "https%3A%2F%2Fclinic.example%2Fblog%2Fwhat-is-prolotherapy%2F" in link["href"]
    pinterest = next(link for link in collector.links if "pinterest" in link["href"])
    assert "media=https%3A%2F%2Fclinic.example%2Fmedia%2Farticles%2F" in pinterest["href"]
    assert 'data-copy-link="https://clinic.example/blog/what-is-prolotherapy/"' in html
    assert "Copy link" in html
