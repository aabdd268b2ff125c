"""The demo is a clinic's site: pages in a tree, a header with dropdowns, a footer, and a privacy policy."""

import io

import pytest
from django.core.management import call_command

from tests.helpers import ARTICLE

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_pages_the_menus_and_links_the_privacy_policy(client):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    html = client.get(ARTICLE).content.decode()
    header = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    footer = html.split('aria-label="Footer"', 1)[1].split("</nav>", 1)[0]
    assert "<summary>Treatments</summary>" in header
    assert '<a href="/treatments/prolotherapy/">Prolotherapy</a>' in header
    assert header.count("Prolotherapy</a>") == 1  # seeded twice, made once
    assert '<a href="/privacy-policy/">Privacy policy</a>' in footer
    assert 'Read our <a href="/privacy-policy/">privacy policy</a>.' in html
    assert 'class="site-header__book"' in html and 'class="site-header__phone" href="tel:' in html
    assert "Dr. Emily Harper" in client.get("/about/team/").content.decode()
    assert client.get("/contact/").status_code == 200

    home = client.get("/").content.decode()
    assert '<h1 id="hero-title" class="hero__title">Heal the injury, not only the pain</h1>' in home
    assert '<a href="/treatments/prolotherapy/">Prolotherapy</a></h3>' in home
    assert home.count('class="card__title"') >= 5  # two treatments, three latest articles
    assert "Medically reviewed by our doctors" in home and "Dr. Michael Chen, DO" in home
    assert "What Is Prolotherapy?" in client.get("/blog/").content.decode()
    assert '<a href="/blog/">Articles</a>' in header
