"""The header and footer menus: what editors put there, readers get, minus what they may not open yet."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from menus.models import Menu, MenuItem
from tests.factories import ArticleFactory, CategoryFactory, PageFactory
from tests.helpers import form_data, wsgi

pytestmark = pytest.mark.django_db


@pytest.fixture
def header():
    return Menu.at(Menu.Location.HEADER)


@pytest.fixture
def footer():
    return Menu.at(Menu.Location.FOOTER)


def nav(html, label="Main"):
    return html.split(f'aria-label="{label}"', 1)[1].split("</nav>", 1)[0]


def test_the_header_shows_its_items_in_order_with_a_dropdown_and_the_footer_its_own(client, header, footer):
    treatments = PageFactory(title="Treatments", slug="treatments")
    prolotherapy = PageFactory(title="Prolotherapy", slug="prolotherapy", parent=treatments)
    privacy = PageFactory(title="Privacy policy", slug="privacy")
    category = CategoryFactory(name="Joint pain")
    ArticleFactory(category=category)
    group = MenuItem.objects.create(menu=header, order=1, kind=MenuItem.Kind.PAGE, page=treatments)
    MenuItem.objects.create(menu=header, order=1, kind=MenuItem.Kind.PAGE, page=prolotherapy, parent=group)
    MenuItem.objects.create(menu=header, order=0, kind=MenuItem.Kind.ARTICLES, label="Our blog")
    MenuItem.objects.create(menu=header, order=2, kind=MenuItem.Kind.CATEGORY, category=category)
    MenuItem.objects.create(menu=header, order=3, kind=MenuItem.Kind.ADDRESS, address="tel:+15550100100", label="Call")
    MenuItem.objects.create(menu=footer, kind=MenuItem.Kind.PAGE, page=privacy)

    html = client.get("/treatments/prolotherapy/").content.decode()

    main = nav(html)
    assert [main.index(text) for text in ("Our blog", "<summary>Treatments</summary>", "Joint pain", "Call")] == sorted(
        main.index(text) for text in ("Our blog", "<summary>Treatments</summary>", "Joint pain", "Call")
    )
    assert '<a href="/treatments/prolotherapy/" aria-current="page">Prolotherapy</a>' in main
    assert '<a href="/treatments/">Treatments: overview</a>' in main
    assert '<a href="/privacy/">Privacy policy</a>' in nav(html, "Footer")


def test_an_item_whose_target_is_not_published_is_hidden_with_the_items_under_it(client, header):
    draft = PageFactory(title="Coming treatments", slug="coming", draft=True)
    group = MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=draft)
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=PageFactory(title="Knees"), parent=group)
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.ARTICLE, article=ArticleFactory(title="Soon", draft=True))
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.CATEGORY, category=CategoryFactory(name="Empty"))
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.ARTICLES)

    main = nav(client.get("/").content.decode())

    for hidden in ("Coming treatments", "Knees", "Soon", "Empty"):
        assert hidden not in main
    assert ">Articles</a>" in main


def test_publishing_a_page_in_the_menu_shows_it_on_every_stored_page_at_once(
    settings, header, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    draft = PageFactory(title="New service", slug="new-service", draft=True)
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=draft)
    other = PageFactory(title="About", slug="about")
    unrelated = PageFactory(title="Not in any menu", slug="elsewhere")
    wsgi("/about/")
    assert wsgi("/about/").hit and "New service" not in wsgi("/about/").text
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = "published"
        draft.save()

    assert "New service" in wsgi(other.get_absolute_url()).text
    wsgi("/about/")
    with django_capture_on_commit_callbacks(execute=True):
        unrelated.title = "Still in no menu"
        unrelated.save()
    assert wsgi("/about/").hit


def test_drawing_the_menus_asks_the_database_nothing_once_remembered(client, header):
    for n in range(5):
        MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=PageFactory(title=f"Page {n}"))
    page = PageFactory(slug="about")
    client.get(page.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        html = client.get(page.get_absolute_url()).content.decode()

    assert "Page 4" in nav(html)
    assert not [query for query in queries.captured_queries if "menus_" in query["sql"] or "IN (" in query["sql"]]


def test_without_a_header_menu_the_categories_are_remembered_and_a_categorys_first_article_shows_it_everywhere(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    ArticleFactory(category=CategoryFactory(name="Joint pain"))
    page = PageFactory(slug="about")
    client.get(page.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(page.get_absolute_url())
    assert not [query for query in queries.captured_queries if "blog_category" in query["sql"]]
    wsgi("/about/")
    assert wsgi("/about/").hit and "Joint pain" in nav(wsgi("/about/").text)

    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(category=CategoryFactory(name="Sports injuries"))

    assert "Sports injuries" in nav(wsgi("/about/").text)


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "data:text/html,hi",
        "ftp://files.example/",
    ],
)
def test_a_dangerous_or_foreign_address_is_refused_next_to_the_field(header, address):
    item = MenuItem(menu=header, kind=MenuItem.Kind.ADDRESS, address=address, label="Click")

    with pytest.raises(ValidationError) as refused:
        item.full_clean()

    assert "address" in refused.value.message_dict


def test_menus_nest_one_level_in_the_header_only(header, footer):
    top = MenuItem.objects.create(menu=header, kind=MenuItem.Kind.ARTICLES)
    child = MenuItem.objects.create(menu=header, kind=MenuItem.Kind.ARTICLES, parent=top)

    footer_top = MenuItem.objects.create(menu=footer, kind=MenuItem.Kind.ARTICLES)
    for item in (
        MenuItem(menu=header, kind=MenuItem.Kind.ARTICLES, parent=child),
        MenuItem(menu=footer, kind=MenuItem.Kind.ARTICLES, parent=footer_top),
    ):
        with pytest.raises(ValidationError) as refused:
            item.full_clean()
        assert "parent" in refused.value.message_dict


def test_an_editor_adds_a_page_to_the_header_in_the_admin(editor_client, client, header):
    page = PageFactory(title="Our team", slug="our-team")
    change = reverse("admin:menus_menu_change", args=[header.pk])
    html = editor_client.get(change).content.decode()

    response = editor_client.post(
        change, form_data(html, "menu_form", **{"items-0-kind": "page", "items-0-page": page.pk, "items-0-order": "1"})
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert '<a href="/our-team/">Our team</a>' in nav(client.get("/").content.decode())


def test_an_item_without_its_target_is_refused_and_nothing_saved(editor_client, header):
    change = reverse("admin:menus_menu_change", args=[header.pk])
    html = editor_client.get(change).content.decode()

    typed = {"items-0-kind": "address", "items-0-label": "", "items-0-order": "1"}
    response = editor_client.post(change, form_data(html, "menu_form", **typed))

    assert response.status_code == 200
    assert not MenuItem.objects.exists()
    assert "Type the address this item links to." in response.content.decode()


def test_two_editors_change_one_menu_and_the_second_is_told_instead_of_undoing_the_first(editor, header):
    item = MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=PageFactory(title="Contact"), order=1)
    change = reverse("admin:menus_menu_change", args=[header.pk])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(editor)
    first_form, second_form = (client.get(change).content.decode() for client in (first, second))

    saved = first.post(change, form_data(first_form, "menu_form", **{"items-0-label": "Contact us"}))
    refused = second.post(change, form_data(second_form, "menu_form", **{"items-0-order": "11"}))

    assert saved.status_code == 302
    assert refused.status_code == 200
    item.refresh_from_db()
    assert (item.label, item.order) == ("Contact us", 1)
    assert "items" in refused.content.decode().lower() and "changed" in refused.content.decode()


def test_unpublishing_the_page_above_one_in_the_menu_or_a_categorys_last_article_updates_every_stored_page(
    settings, header, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    treatments = PageFactory(title="Treatments", slug="treatments")
    prolotherapy = PageFactory(title="Prolotherapy", slug="prolotherapy", parent=treatments)
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=prolotherapy)
    category = CategoryFactory(name="Sports injuries")
    article = ArticleFactory(category=category)
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.CATEGORY, category=category)
    PageFactory(slug="about")
    wsgi("/about/")
    assert {"Prolotherapy", "Sports injuries"} <= {text for text in ("Prolotherapy", "Sports injuries")
                                                  if text in nav(wsgi("/about/").text)}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        treatments.status = "draft"
        treatments.save()
        article.status = "draft"
        article.save()

    main = nav(wsgi("/about/").text)
    assert "Prolotherapy" not in main and "Sports injuries" not in main


def test_two_items_cannot_become_each_others_parent_in_one_save(editor_client, header):
    first = MenuItem.objects.create(menu=header, kind=MenuItem.Kind.ARTICLES, label="First", order=1)
    second = MenuItem.objects.create(menu=header, kind=MenuItem.Kind.ARTICLES, label="Second", order=2)
    change = reverse("admin:menus_menu_change", args=[header.pk])
    html = editor_client.get(change).content.decode()

    response = editor_client.post(
        change, form_data(html, "menu_form", **{"items-0-parent": second.pk, "items-1-parent": first.pk})
    )

    assert response.status_code == 200
    assert "Menus nest one level" in response.content.decode()
    assert not MenuItem.objects.filter(parent__isnull=False).exists()
