"""The Trash for pages: deleting moves a page there, off every public surface, the pages under it moved up; a
restore puts everything back; only editors delete for good; the Trash empties itself after TRASH_DAYS."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.models import ClinicSettings
from menus.models import Menu, MenuItem
from pages.models import Page, PageRedirect
from pages.services import page_restore, page_trash
from pages.tasks import pages_trash_purge_daily
from tests.factories import ArticleFactory, PageFactory, UserFactory
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


def nav(html, label="Main"):
    return html.split(f'aria-label="{label}"', 1)[1].split("</nav>", 1)[0]


def search(client, query):
    return client.get(reverse("blog:search"), {"q": query}).content.decode()


def sitemap(client):
    return client.get(reverse("sitemap-section", kwargs={"section": "pages"})).content.decode()


def trash_through_the_admin(client, page):
    return client.post(reverse("admin:pages_page_delete", args=[page.pk]), {"post": "yes"}, follow=True)


def restore_through_the_admin(client, page):
    return client.post(reverse("admin:pages_page_restore", args=[page.pk]), follow=True)


def test_a_trashed_page_leaves_every_public_surface_and_a_restore_brings_it_all_back(
    editor_client, django_capture_on_commit_callbacks
):
    client = Client()  # a reader
    page = PageFactory(title="Prolotherapy", slug="prolotherapy-old", body="<p>Ligaments heal with sclerosant.</p>")
    page.slug = "prolotherapy"
    page.save()  # /prolotherapy-old/ is an old address of it now
    landing = PageFactory(title="Welcome", slug="welcome", template=Page.Template.LANDING, cards_from=None)
    header = Menu.at(Menu.Location.HEADER)
    MenuItem.objects.create(menu=header, kind=MenuItem.Kind.PAGE, page=page, label="Our treatment")
    ClinicSettings.objects.update_or_create(pk=1, defaults={"privacy_page": page})
    assert client.get("/prolotherapy-old/").status_code == 301

    with django_capture_on_commit_callbacks(execute=True):
        response = trash_through_the_admin(editor_client, page)

    assert "is in the Trash and off the site" in response.content.decode()
    page.refresh_from_db()
    assert page.is_trashed and not page.is_published
    assert client.get("/prolotherapy/").status_code == 404
    assert client.get("/prolotherapy-old/").status_code == 404  # an old address of it is no redirect to a 404
    assert "/prolotherapy/" not in sitemap(client)
    assert "Prolotherapy" not in search(client, "sclerosant")
    assert "Our treatment" not in nav(client.get(landing.get_absolute_url()).content.decode())
    assert Page.objects.published().filter(pk=page.pk).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = restore_through_the_admin(editor_client, page)

    assert "is restored, as it was" in response.content.decode()
    page.refresh_from_db()
    assert not page.is_trashed and page.is_published and page.path == "prolotherapy"
    assert client.get("/prolotherapy/").status_code == 200
    assert client.get("/prolotherapy-old/")["Location"] == "/prolotherapy/"
    assert "/prolotherapy/" in sitemap(client)
    assert "/prolotherapy/" in search(client, "sclerosant")
    assert "Our treatment" in nav(client.get(landing.get_absolute_url()).content.decode())
    assert not PageRedirect.objects.filter(old_path__contains="trashed").exists()


def test_trashing_a_page_moves_the_pages_under_it_up_and_a_restore_moves_them_back(client):
    treatments = PageFactory(title="Treatments", slug="treatments")
    prolotherapy = PageFactory(title="Prolotherapy", slug="prolotherapy", parent=treatments)
    knees = PageFactory(title="Knees", slug="knees", parent=prolotherapy)
    draft_child = PageFactory(title="Coming", slug="coming", parent=treatments, draft=True)

    page_trash(page=treatments)

    prolotherapy.refresh_from_db()
    knees.refresh_from_db()
    draft_child.refresh_from_db()
    assert prolotherapy.parent is None and prolotherapy.parent_before_trash == treatments
    assert client.get("/prolotherapy/").status_code == 200
    assert client.get("/prolotherapy/knees/").status_code == 200
    # Readers' old links to the pages that moved up lead to them; none leads into the Trash.
    assert client.get("/treatments/prolotherapy/knees/")["Location"] == "/prolotherapy/knees/"
    assert draft_child.path == "coming" and not draft_child.is_published
    assert client.get("/treatments/").status_code == 404

    assert page_restore(page=treatments) is None

    for page in (prolotherapy, knees, draft_child):
        page.refresh_from_db()
    assert (prolotherapy.path, knees.path, draft_child.path) == (
        "treatments/prolotherapy",
        "treatments/prolotherapy/knees",
        "treatments/coming",
    )
    assert prolotherapy.parent_before_trash is None
    assert client.get("/treatments/prolotherapy/knees/").status_code == 200
    assert client.get("/prolotherapy/knees/")["Location"] == "/treatments/prolotherapy/knees/"


def test_a_page_moved_up_onto_a_taken_address_gets_a_free_one_and_its_own_back_on_restore(client):
    about = PageFactory(title="About", slug="about")
    contact = PageFactory(title="Contact us", slug="contact", parent=about)
    PageFactory(title="Contact", slug="contact")

    notes = page_trash(page=about)

    contact.refresh_from_db()
    assert contact.path == "contact-2"
    assert notes == [
        "“Contact us” moved up to /contact-2/: its own slug was taken there. It gets it back when it goes back "
        "under the page in the Trash."
    ]
    assert client.get("/contact-2/").status_code == 200

    page_restore(page=about)

    contact.refresh_from_db()
    assert contact.path == "about/contact" and contact.slug_before_trash == ""


def test_a_page_whose_address_was_taken_meanwhile_comes_back_as_a_draft_with_a_message(editor_client):
    client = Client()
    team = PageFactory(title="Our team", slug="team")
    doctor = PageFactory(title="Dr Smith", slug="dr-smith", parent=team)
    MenuItem.objects.create(menu=Menu.at(Menu.Location.HEADER), kind=MenuItem.Kind.PAGE, page=team)
    trash_through_the_admin(editor_client, team)
    newcomer = PageFactory(title="The new team page", slug="team")

    response = restore_through_the_admin(editor_client, team)

    html = response.content.decode()
    assert (
        "The address /team/ was taken while “Our team” was in the Trash, so it is back as a draft at /team-2/: "
        "check its address, then publish it."
    ) in html
    team.refresh_from_db()
    doctor.refresh_from_db()
    assert (team.path, team.status, team.is_trashed) == ("team-2", Page.Status.DRAFT, False)
    assert doctor.path == "team-2/dr-smith"  # back under it, hidden with it until it is published
    assert "The new team page" in client.get("/team/").content.decode()
    assert client.get("/team-2/").status_code == 404
    assert client.get("/team-2/dr-smith/").status_code == 404
    assert Page.objects.get(pk=newcomer.pk).path == "team"


def test_a_page_moved_elsewhere_while_its_parent_was_in_the_trash_stays_where_it_was_put():
    about = PageFactory(title="About", slug="about")
    history = PageFactory(title="Our history", slug="history", parent=about)
    elsewhere = PageFactory(title="Clinic", slug="clinic")
    page_trash(page=about)
    history.refresh_from_db()
    history.parent = elsewhere
    history.save()

    message = page_restore(page=about)

    history.refresh_from_db()
    assert history.path == "clinic/history" and history.parent_before_trash is None
    assert message == "“Our history” was moved elsewhere meanwhile and stays at /clinic/history/."


def test_the_trash_confirmation_says_where_the_pages_under_it_go_and_that_it_is_the_home_page(editor_client):
    welcome = PageFactory(title="Welcome", slug="welcome")
    PageFactory(title="First visit", slug="first-visit", parent=welcome)
    ClinicSettings.objects.update_or_create(pk=1, defaults={"home_page": welcome})

    html = editor_client.get(reverse("admin:pages_page_delete", args=[welcome.pk])).content.decode()

    assert "<title>Move to the Trash?" in html
    assert "The 1 page under it (“First visit”) moves up to the top of the site" in html
    assert "It is the home page" in html
    assert not Page.objects.get(pk=welcome.pk).is_trashed


def test_a_trashed_home_page_gives_the_site_address_to_the_articles_until_it_is_restored(client):
    welcome = PageFactory(title="Welcome to the clinic", slug="welcome")
    ClinicSettings.objects.update_or_create(pk=1, defaults={"home_page": welcome})
    ArticleFactory(title="Knee pain explained")
    assert "Welcome to the clinic" in client.get("/").content.decode()

    page_trash(page=welcome)

    assert "Knee pain explained" in client.get("/").content.decode()
    page_restore(page=welcome)
    assert "Welcome to the clinic" in client.get("/").content.decode()


def test_a_page_in_the_trash_is_read_only_and_is_no_parent_or_menu_choice(editor_client):
    page = PageFactory(title="Old services", slug="services")
    page_trash(page=page)

    html = editor_client.get(reverse("admin:pages_page_change", args=[page.pk])).content.decode()
    assert "This page is in the Trash: restore it to change it." in html
    assert "Restore from the Trash" in html
    assert 'name="title"' not in html

    add_form = editor_client.get(reverse("admin:pages_page_add")).content.decode()
    assert "Old services" not in add_form
    answer = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "Old", "app_label": "menus", "model_name": "menuitem", "field_name": "page"},
    ).json()
    assert answer["results"] == []
    page_under = Page(title="Inside", slug="inside", parent=page)
    with pytest.raises(Exception, match="That page is in the Trash"):
        page_under.full_clean()


def test_the_page_list_leaves_the_trash_out_and_links_to_it_with_its_own_actions(editor_client):
    kept = PageFactory(title="Kept page", slug="kept")
    trashed = PageFactory(title="Binned page", slug="binned")
    page_trash(page=trashed)
    url = reverse("admin:pages_page_changelist")

    listed = editor_client.get(url).content.decode()
    in_trash = editor_client.get(url + "?trash=in").content.decode()

    assert "Kept page" in listed and "Binned page" not in listed and "Trash (1)" in listed
    assert "Binned page" in in_trash and "Kept page" not in in_trash
    assert "Move selected pages to the Trash" in listed and "Delete selected pages permanently" not in listed
    assert "Restore selected pages" in in_trash and "Delete selected pages permanently" in in_trash
    editor_client.post(url + "?trash=in", {"action": "restore_from_trash", "_selected_action": [trashed.pk]})
    assert Page.objects.get(pk=trashed.pk).is_published
    editor_client.post(url, {"action": "move_to_trash", "_selected_action": [kept.pk]})
    assert Page.objects.get(pk=kept.pk).is_trashed


def test_only_editors_delete_pages_for_good_with_their_menu_items(editor_client):
    page = PageFactory(title="Old prices", slug="prices")
    item = MenuItem.objects.create(menu=Menu.at(Menu.Location.FOOTER), kind=MenuItem.Kind.PAGE, page=page)
    # Someone who may delete pages but not publish them: they may trash and restore, not empty the Trash.
    helper = UserFactory(username="helper", is_staff=True)
    helper.user_permissions.set(
        Permission.objects.filter(content_type__app_label="pages", codename__in=["view_page", "delete_page"])
    )
    client = Client()
    client.force_login(helper)
    trash_through_the_admin(client, page)
    assert Page.objects.get(pk=page.pk).is_trashed

    assert client.get(reverse("admin:pages_page_delete", args=[page.pk])).status_code == 403
    data = {"action": "delete_selected", "_selected_action": [page.pk], "post": "yes"}
    client.post(reverse("admin:pages_page_changelist") + "?trash=in", data)
    assert Page.objects.filter(pk=page.pk).exists()

    confirmation = editor_client.get(reverse("admin:pages_page_delete", args=[page.pk])).content.decode()
    assert "Are you sure" in confirmation
    editor_client.post(reverse("admin:pages_page_delete", args=[page.pk]), {"post": "yes"})
    assert not Page.objects.filter(pk=page.pk).exists()
    assert not MenuItem.objects.filter(pk=item.pk).exists()


def test_the_daily_task_deletes_pages_in_the_trash_for_longer_than_trash_days(settings):
    settings.TRASH_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = PageFactory(title="Trashed long ago", slug="old")
        page_trash(page=old)
    with time_machine.travel(start + datetime.timedelta(days=20), tick=False):
        recent = PageFactory(title="Trashed lately", slug="recent")
        page_trash(page=recent)
    PageFactory(title="Never trashed", slug="kept", published_at=start - datetime.timedelta(days=400))

    with time_machine.travel(start + datetime.timedelta(days=30, minutes=1), tick=False):
        pages_trash_purge_daily.enqueue()
        run_tasks()

    assert list(Page.objects.order_by("title").values_list("title", flat=True)) == ["Never trashed", "Trashed lately"]


def test_the_menu_items_under_a_trashed_page_take_its_place_until_it_is_restored(
    django_capture_on_commit_callbacks,
):
    client = Client()
    about = PageFactory(title="About the clinic", slug="about")
    team = PageFactory(title="Our team", slug="team", parent=about)
    contact = PageFactory(title="Contact", slug="contact")
    header = Menu.at(Menu.Location.HEADER)
    group = MenuItem.objects.create(menu=header, order=1, kind=MenuItem.Kind.PAGE, page=about, label="About")
    MenuItem.objects.create(menu=header, order=1, kind=MenuItem.Kind.PAGE, page=team, parent=group)
    MenuItem.objects.create(menu=header, order=2, kind=MenuItem.Kind.PAGE, page=contact)
    assert "<summary>About</summary>" in nav(client.get("/contact/").content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        page_trash(page=about)

    main = nav(client.get("/contact/").content.decode())
    assert "About" not in main
    assert main.index('<a href="/team/">Our team</a>') < main.index("Contact")
    with django_capture_on_commit_callbacks(execute=True):
        page_restore(page=about)
    main = nav(client.get("/contact/").content.decode())
    assert "<summary>About</summary>" in main and '<a href="/about/team/">Our team</a>' in main
