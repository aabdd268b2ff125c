"""Redirects an editor keeps, their CSV import, and the log of addresses readers asked for that the site lacks."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redirects.models import NotFound, Redirect
from tests.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db


def made(old, new="", kind=Redirect.Kind.PERMANENT):
    redirect = Redirect(old_path=old, new_address=new, kind=kind)
    redirect.full_clean()
    redirect.save()
    return redirect


def test_a_redirect_answers_with_its_kind_keeps_the_query_and_counts_its_hits(client):
    PageFactory(slug="treatments")
    made("/old-treatments/", "/treatments/")
    made("https://old.example/summer-offer/?x=1", "/treatments/", Redirect.Kind.TEMPORARY)
    made("/discontinued/", kind=Redirect.Kind.GONE)

    permanent = client.get("/old-treatments/?utm=mail")
    temporary = client.get("/summer-offer/")
    gone = client.get("/discontinued/")

    assert (permanent.status_code, permanent["Location"]) == (301, "/treatments/?utm=mail")
    assert (temporary.status_code, temporary["Location"]) == (302, "/treatments/")
    assert gone.status_code == 410 and "removed on purpose" in gone.content.decode()
    assert Redirect.objects.get(old_path="/old-treatments/").hits == 1
    assert not NotFound.objects.exists()


def test_a_chain_is_resolved_when_saved_so_readers_get_one_hop(client):
    PageFactory(slug="c")
    made("/b/", "/c/")
    first = made("/a/", "/b/")
    assert first.new_address == "/c/"
    made("/c-old/", "/a/")
    assert Redirect.objects.get(old_path="/c-old/").new_address == "/c/"

    made("/old-d/", "/d/")
    made("/d/", "/c/")  # a redirect made later, at the address an older one leads to: that one now skips it
    assert Redirect.objects.get(old_path="/old-d/").new_address == "/c/"
    assert client.get("/old-d/")["Location"] == "/c/"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("/a/", "/a/", "new_address", "loop"),
        ("/x/", "javascript:alert(1)", "new_address", "starting with /"),
        ("/x/", "//evil.example/", "new_address", "starting with /"),
        ("/x/", "/\\evil.example/", "new_address", "starting with /"),
        ("/x/", "", "new_address", "Say where the content is now"),
        ("/about/", "/elsewhere/", "old_path", "The site answers /about/ itself"),
        ("/search/", "/elsewhere/", "old_path", "The site answers /search/ itself"),
    ],
)
def test_a_redirect_that_could_never_work_is_refused_next_to_its_field(old, new, field, message):
    PageFactory(slug="about")
    made("/loop-b/", "/a/")

    with pytest.raises(ValidationError) as refused:
        Redirect(old_path=old, new_address=new).full_clean()

    assert message in " ".join(refused.value.message_dict[field])


def test_a_loop_through_another_redirect_is_refused():
    made("/b/", "/a/")

    with pytest.raises(ValidationError, match="loop"):
        Redirect(old_path="/a/", new_address="/b/").full_clean()


def test_an_old_article_slug_redirect_can_point_at_an_article(client):
    article = ArticleFactory(slug="prolotherapy-explained")
    made("/2019/05/prolo/", article.get_absolute_url())

    assert client.get("/2019/05/prolo/")["Location"] == "/blog/prolotherapy-explained/"


def test_importing_a_csv_saves_the_good_rows_and_reports_the_refused_ones_with_why(editor_client):
    PageFactory(slug="about")
    csv = (
        "old,new\n"
        "/old-about/,/about/\n"
        "https://old.example/team.html,/about/\n"
        "/about/,/somewhere/\n"
        "/loop/,/loop/\n"
        "only-one-column\n"
    )
    upload = SimpleUploadedFile("redirects.csv", csv.encode(), content_type="text/csv")

    response = editor_client.post(reverse("admin:redirects_redirect_import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert set(Redirect.objects.values_list("old_path", flat=True)) == {"/old-about/", "/team.html"}
    assert "2 redirect(s) saved, 0 replaced, 3 row(s) refused." in html
    for why in ("The site answers /about/ itself", "loop", "Two columns are needed"):
        assert why in html


def test_a_file_that_is_not_utf8_is_refused_with_a_message(editor_client):
    upload = SimpleUploadedFile("redirects.csv", "/é/,/a/".encode("latin-1"), content_type="text/csv")

    response = editor_client.post(reverse("admin:redirects_redirect_import"), {"file": upload})

    assert "save it from the spreadsheet as CSV UTF-8" in response.content.decode()
    assert not Redirect.objects.exists()


def test_the_404_log_counts_addresses_with_the_referring_host_only(client):
    for _ in range(3):
        client.get("/old-price-list.pdf", HTTP_REFERER="https://forum.example/thread/42?user=jane")
    client.get("/another-missing/")

    logged = NotFound.objects.get(path="/old-price-list.pdf")
    assert logged.hits == 3 and logged.referrer_host == "forum.example"
    assert NotFound.objects.count() == 2
    assert not NotFound.objects.filter(path__contains="jane").exists()


def test_the_404_log_stays_bounded_when_a_bot_asks_for_random_addresses(client, monkeypatch):
    monkeypatch.setattr("redirects.models.NOT_FOUND_LOG_SIZE", 20)
    client.get("/popular-missing/")
    client.get("/popular-missing/")
    for n in range(60):
        client.get(f"/random-{n}/")
    client.get("/popular-missing/")

    assert NotFound.objects.count() <= 20
    assert NotFound.objects.filter(path="/popular-missing/").exists()


def test_an_editor_turns_a_logged_address_into_a_redirect_in_one_click(editor_client, client):
    client.get("/old-contact/")
    PageFactory(slug="contact")

    listing = editor_client.get(reverse("admin:redirects_notfound_changelist")).content.decode()
    add = reverse("admin:redirects_redirect_add") + "?old_path=%2Fold-contact%2F"
    assert add.replace("&", "&amp;") in listing or add in listing
    form = editor_client.get(add).content.decode()
    assert 'value="/old-contact/"' in form
    response = editor_client.post(add, {"old_path": "/old-contact/", "new_address": "/contact/", "kind": 301})

    assert response.status_code == 302
    assert client.get("/old-contact/")["Location"] == "/contact/"


@pytest.mark.parametrize("referrer", ["http://[", "https://exa\x00mple/", "not a url at all", "//"])
def test_a_broken_referring_address_is_logged_without_a_host_and_never_an_error(client, referrer):
    response = client.get("/missing-page/", HTTP_REFERER=referrer)

    assert response.status_code == 404
    assert NotFound.objects.get(path="/missing-page/").referrer_host in ("", "example")


def test_a_percent_encoded_old_address_matches_what_readers_ask_for(client):
    PageFactory(slug="cafe")
    made("https://old.example/caf%C3%A9/", "/cafe/")

    assert client.get("/caf%C3%A9/")["Location"] == "/cafe/"


def test_a_csv_that_breaks_the_reader_or_replaces_redirects_is_reported_and_never_an_error(editor_client):
    PageFactory(slug="about")
    made("/old/", "/about/", Redirect.Kind.TEMPORARY)
    csv = "/old/,/about/\n/\x00nul/,/about/\n" + "/" + "x" * 600 + "/,/about/\n" + '"' + "y" * 140_000 + "\n"
    upload = SimpleUploadedFile("redirects.csv", csv.encode(), content_type="text/csv")

    response = editor_client.post(reverse("admin:redirects_redirect_import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 redirect(s) saved, 1 replaced, 2 row(s) refused." in html and "Not readable as CSV" in html
    assert Redirect.objects.filter(old_path="/nul/").exists()  # the NUL is dropped, never sent to the database
    assert "at most 500 characters" in html
    assert Redirect.objects.get(old_path="/old/").kind == Redirect.Kind.PERMANENT


def test_an_address_the_site_answers_with_a_slash_added_is_not_logged_as_missing(client):
    PageFactory(slug="about")

    assert client.get("/about").status_code == 301
    assert not NotFound.objects.exists()


def test_a_draft_at_a_moved_pages_old_address_leaves_its_redirect_working(client):
    page = PageFactory(slug="old")
    page.slug = "new"
    page.save()
    PageFactory(slug="old", draft=True)

    assert client.get("/old/")["Location"] == "/new/"
