"""A page edit refreshes that page and the pages under it (their breadcrumbs name it), nothing else."""

import pytest

from tests.factories import ArticleFactory, PageFactory
from tests.helpers import wsgi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def tree():
    treatments = PageFactory(title="Treatments", slug="treatments")
    prolotherapy = PageFactory(title="Prolotherapy", slug="prolotherapy", parent=treatments)
    contact = PageFactory(title="Contact", slug="contact")
    article = ArticleFactory(slug="knees")
    addresses = ["/treatments/", "/treatments/prolotherapy/", "/contact/", article.get_absolute_url()]
    for address in addresses:
        wsgi(address)
    assert all(wsgi(address).hit for address in addresses)
    return {"treatments": treatments, "prolotherapy": prolotherapy, "contact": contact, "addresses": addresses}


def test_renaming_a_page_refreshes_it_and_the_pages_under_it_and_nothing_else(tree, committed):
    with committed():
        tree["treatments"].title = "Our treatments"
        tree["treatments"].save()

    below = wsgi("/treatments/prolotherapy/")
    assert not below.hit and '<a href="/treatments/">Our treatments</a>' in below.text
    assert not wsgi("/treatments/").hit
    assert wsgi("/contact/").hit and wsgi(tree["addresses"][-1]).hit


def test_unpublishing_a_section_hides_the_pages_under_it_at_once(tree, committed):
    with committed():
        tree["treatments"].status = "draft"
        tree["treatments"].save()

    assert wsgi("/treatments/").status == 404
    assert wsgi("/treatments/prolotherapy/").status == 404
    assert wsgi("/contact/").hit


def test_deleting_the_home_page_shows_the_articles_at_the_site_address_at_once(committed):
    from clinic.models import ClinicSettings

    home = PageFactory(title="Welcome", slug="welcome")
    clinic = ClinicSettings.load()
    clinic.home_page = home
    with committed():
        clinic.save()
    ArticleFactory(title="Knee pain explained")
    wsgi("/blog/")
    assert wsgi("/blog/").hit

    with committed():
        home.delete()

    assert wsgi("/blog/").status == 301
    assert "Knee pain explained" in wsgi("/").text
