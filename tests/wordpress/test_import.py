"""Importing a WordPress export (manage.py import_wordpress): everything mapped, old addresses answered, re-runs
that change nothing, updates that never overwrite an editor's work, and a report of what could not be done."""

import datetime
import io
import re
import threading

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connections
from PIL import Image

from blog.models import Article, Category, Comment, Tag
from blog.tasks import comment_tracking_data_purge_daily
from menus.models import Menu
from newsletter.models import Announcement
from outbox.models import Email
from pages.models import Page
from tests.factories import CategoryFactory, UserFactory
from tests.wordpress.exports import SITE, category, comment, export, item
from tests.wordpress.test_wxr import REFUSED, SHARED, every_export
from wordpress.importer import Importer, ImportRefused
from wordpress.models import Imported
from wordpress.wxr import WXRError

pytestmark = pytest.mark.django_db
UTC = datetime.timezone.utc
UPLOADS = f"{SITE}/wp-content/uploads/2020/02/"


def run(tmp_path, content, **options):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    return Importer(path, **options).run()


def photo_with_gps():
    image = Image.new("RGB", (1200, 800), (200, 120, 90))
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPS position
    exif[0x0110] = "Clinic camera"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2020" / "02").mkdir(parents=True)
    (folder / "2020" / "02" / "knee.jpg").write_bytes(photo_with_gps())
    (folder / "2020" / "02" / "consent.pdf").write_bytes(b"%PDF-1.4\n% a consent form\n")
    return folder


def clinic_post(**overrides):
    body = (
        "Prolotherapy is an injection.\n\nIt helps ligaments heal.\n\n"
        f'<img src="{UPLOADS}knee-300x200.jpg" alt="" width="300" height="200" />\n\n'
        f'<a href="{UPLOADS}consent.pdf">Consent form</a> and <img src="{UPLOADS}lost.png" alt="Lost">\n\n'
        f'Read <a href="{SITE}/2020/03/recovery/">how recovery goes</a>.'
    )
    options = {
        "content": body,
        "excerpt": "What <b>prolotherapy</b> is.",
        "sticky": 1,
        "terms": [("category", "news", "News"), ("category", "treatments", "Treatments"),
                  ("post_tag", "%c3%a9paule", "Épaule")],
        "postmeta": {"_thumbnail_id": "30", "_yoast_wpseo_title": "%%title%% %%sep%% %%sitename%%",
                     "_yoast_wpseo_metadesc": "An injection that helps ligaments heal.",
                     "_yoast_wpseo_primary_category": "7", "_wp_old_slug": "prolo"},
        "comments": [
            comment(12, parent=11, author="Dr. Ann Jones", content="Usually <em>two weeks</em>.", user_id=1,
                    date="2020-03-02 08:00:00"),
            comment(11, content="How long is the recovery?"),
            comment(13, approved="0", content="Does it hurt?"),
            comment(14, kind="pingback", content="A pingback"),
            comment(15, parent=99, content="My parent is gone"),
        ],
    }  # fmt: skip
    options.update(overrides)
    return item(10, "What Is Prolotherapy", date="2020-02-01 09:30:00", slug="what-is-prolotherapy", **options)


def knee_attachment():
    return item(30, "Knee", post_type="attachment", parent=10, attachment_url=f"{UPLOADS}knee.jpg",
                link=f"{SITE}/2020/02/what-is-prolotherapy/knee/",
                postmeta={"_wp_attachment_image_alt": "A knee being examined"})  # fmt: skip


def clinic_export(**overrides):
    return export(
        clinic_post(**overrides),
        knee_attachment(),
        item(20, "Recovery", slug="recovery", date="2020-03-05 10:00:00", content="Rest, then walk."),
        item(21, "Next week", slug="next-week", status="future", date="2031-01-05 10:00:00"),
        item(22, "Unfinished", slug="unfinished", status="draft", date="0000-00-00 00:00:00"),
        terms=category(7, "treatments", "Treatments") + category(8, "news", "News"),
    )


def test_a_clinic_post_keeps_everything_wordpress_had(tmp_path, uploads):
    report = run(tmp_path, clinic_export(), uploads=uploads)

    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.title == "What Is Prolotherapy"
    assert article.status == "published" and article.published_at == datetime.datetime(2020, 2, 1, 9, 30, tzinfo=UTC)
    assert article.excerpt == "What prolotherapy is."
    assert article.category.slug == "treatments"  # Yoast's primary category, not the first listed
    assert list(article.tags.values_list("name", "slug")) == [("Épaule", "epaule")]
    assert article.seo_title == "What Is Prolotherapy – Old Clinic"
    assert article.seo_description == "An injection that helps ligaments heal."
    assert article.author.profile.display_name == "Dr. Ann Jones"
    assert article.is_sticky and not Article.objects.get(slug="recovery").is_sticky
    assert not article.author.is_active and not article.author.has_usable_password() and article.author.is_staff
    assert "<p>Prolotherapy is an injection.</p>" in article.body and "<p>It helps ligaments heal.</p>" in article.body
    assert report.as_dict()["statuses"] == {"future → scheduled": 1}
    scheduled = Article.objects.get(slug="next-week")
    assert scheduled.status == "published" and scheduled.published_at.year == 2031
    assert Article.objects.get(slug="unfinished").status == "draft"


def test_a_post_pending_review_in_wordpress_waits_for_review_here(tmp_path):
    report = run(tmp_path, export(item(23, "Ready to check", slug="ready-to-check", status="pending")))

    assert Article.objects.get(slug="ready-to-check").status == Article.Status.REVIEW
    assert report.as_dict()["statuses"] == {"pending → waiting for review": 1}


def test_images_come_from_the_uploads_folder_checked_and_without_their_gps_position(tmp_path, uploads):
    report = run(tmp_path, clinic_export(), uploads=uploads)

    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.featured_image.name.startswith("editor/") and article.featured_image_alt == "A knee being examined"
    with default_storage.open(article.featured_image.name) as stored, Image.open(stored) as image:
        assert image.size == (1200, 800) and not image.getexif()
    # The resized copy in the body is the original here, with the attachment's alt text.
    assert f'<img src="{article.featured_image.url}" alt="A knee being examined">' in article.body
    assert re.search(
        r'<a href="/media/documents/2020/02/consent[^"/]*\.pdf" rel="noopener">Consent form</a>', article.body
    )
    assert "lost.png" not in article.body
    knee = Imported.objects.get(kind=Imported.Kind.ATTACHMENT, wp_key="30")
    assert knee.file == article.featured_image.name
    assert knee.details == {"title": "Knee", "alt": "A knee being examined", "caption": "", "description": ""}
    assert report.as_dict()["missing_media"] == {f"{UPLOADS}lost.png": ["What Is Prolotherapy"]}


def test_comments_keep_their_threads_statuses_and_authors_and_nobody_is_emailed(tmp_path, uploads):
    report = run(tmp_path, clinic_export(), uploads=uploads)

    article = Article.objects.get(slug="what-is-prolotherapy")
    question = Comment.objects.get(body="How long is the recovery?")
    answer = Comment.objects.get(body="Usually two weeks.")
    assert answer.parent == question and answer.thread_id == question.pk and answer.depth == 2
    assert answer.is_clinic_reply and answer.user == article.author
    assert question.status == "approved" and Comment.objects.get(body="Does it hurt?").status == "pending"
    assert question.email == "reader@example.org" and question.url == "https://reader.example"
    assert question.created_at == datetime.datetime(2020, 3, 1, 10, tzinfo=UTC)
    assert question.ip_address is None and question.user_agent == ""
    orphan = Comment.objects.get(body="My parent is gone")
    assert orphan.parent is None and orphan.thread_id == orphan.pk
    assert report.as_dict()["orphan_comments"] == [["What Is Prolotherapy", 15]]
    assert report.pingbacks == 1 and not Comment.objects.filter(body="A pingback").exists()
    assert mail.outbox == [] and not Email.objects.exists()
    assert Announcement.objects.get(article=article).status == Announcement.Status.SKIPPED


def test_ip_addresses_come_only_when_asked(tmp_path, uploads):
    run(tmp_path, clinic_export(), uploads=uploads, with_ip_addresses=True)

    question = Comment.objects.get(body="How long is the recovery?")
    assert question.ip_address == "203.0.113.9" and question.user_agent == "Firefox"
    # The discussion settings' retention applies to them as to any comment's: these are years old.
    comment_tracking_data_purge_daily.call()
    question.refresh_from_db()
    assert question.ip_address is None and question.user_agent == ""


def test_every_old_address_answers_with_one_301_to_where_it_is_now(tmp_path, uploads, client):
    run(tmp_path, clinic_export(), uploads=uploads)
    article = Article.objects.get(slug="what-is-prolotherapy")
    image = article.featured_image.url

    for old, new in [
        ("/2020/02/what-is-prolotherapy/", article.get_absolute_url()),  # its permalink
        ("/?p=10", article.get_absolute_url()),  # its guid
        ("/2020/02/prolo/", article.get_absolute_url()),  # an old slug
        ("/wp-content/uploads/2020/02/knee.jpg", image),
        ("/wp-content/uploads/2020/02/knee-1024x683.jpg", image),  # a resized copy
        ("/2020/02/what-is-prolotherapy/knee/", image),  # the attachment page
        ("/author/drjones/", article.author.profile.get_absolute_url()),  # the author's archive
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    # A draft's WordPress id is no home page: not found, as WordPress answers it; an id never imported is ignored.
    assert client.get("/?p=22").status_code == 404
    assert client.get("/?p=999").status_code == 200
    # Links between the old posts point at the new addresses.
    assert '<a href="/blog/recovery/" rel="noopener">how recovery goes</a>' in article.body


def test_running_the_same_export_again_changes_nothing(tmp_path, uploads):
    run(tmp_path, clinic_export(), uploads=uploads)
    before = {model: list(model.objects.order_by("pk").values()) for model in (Article, Comment, Category, Tag, Page)}

    report = run(tmp_path, clinic_export(), uploads=uploads).as_dict()

    after = {model: list(model.objects.order_by("pk").values()) for model in (Article, Comment, Category, Tag, Page)}
    assert after == before
    assert report["counts"]["posts"] == {"unchanged": 4}
    assert report["counts"]["comments"] == {"unchanged": 4}


def test_a_newer_export_updates_what_changed_and_never_what_an_editor_changed_here(tmp_path, uploads):
    run(tmp_path, clinic_export(), uploads=uploads)
    edited = Article.objects.get(slug="recovery")
    edited.title = "Recovery, as our editor wrote it"
    edited.save()

    newer = export(
        clinic_post(content="Prolotherapy, rewritten in WordPress."),
        knee_attachment(),
        item(20, "Recovery", slug="recovery", date="2020-03-05 10:00:00", content="Changed in WordPress too."),
        item(23, "A new post", slug="a-new-post", date="2020-04-01 10:00:00"),
        terms=category(7, "treatments", "Treatments"),
    )
    report = run(tmp_path, newer, uploads=uploads).as_dict()

    assert "rewritten in WordPress" in Article.objects.get(slug="what-is-prolotherapy").body
    assert Article.objects.get(slug="recovery").title == "Recovery, as our editor wrote it"
    assert report["conflicts"] == [
        ["post", "Recovery", "edited here since the last import; WordPress's change left out"]
    ]
    assert Article.objects.filter(slug="a-new-post").count() == 1
    assert Article.objects.filter(title="What Is Prolotherapy").count() == 1


def test_a_dry_run_reports_and_changes_nothing(tmp_path, uploads):
    report = run(tmp_path, clinic_export(), uploads=uploads, dry_run=True).as_dict()

    assert report["counts"]["posts"] == {"imported": 4}
    assert not Article.objects.exists() and not Comment.objects.exists() and not Imported.objects.exists()
    assert not default_storage.exists("editor") or not default_storage.listdir("editor")[1]


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_never_holds_up_the_site_while_it_reads(tmp_path, uploads):
    saved = []

    def save_meanwhile():
        saved.append(CategoryFactory(name="Saved by an editor meanwhile").pk)
        connections.close_all()

    def progress(done, total):
        if not saved:
            editor = threading.Thread(target=save_meanwhile)
            editor.start()
            editor.join(timeout=15)
            assert saved, "an editor's save had to wait for the dry run"

    run(tmp_path, clinic_export(), uploads=uploads, dry_run=True, progress=progress)

    assert Category.objects.filter(pk__in=saved).exists()
    assert not Article.objects.exists() and not Imported.objects.exists()


def test_authors_can_be_mapped_to_existing_users(tmp_path):
    doctor = UserFactory(username="ann", email="ann@clinic.example", is_staff=True)
    authors = tmp_path / "authors.csv"
    authors.write_text("login,user\ndrjones,ann@clinic.example\n")

    run(tmp_path, clinic_export(), authors=authors)

    assert set(Article.objects.values_list("author", flat=True)) == {doctor.pk}


def test_a_hostile_or_broken_file_is_refused_with_its_reason_and_changes_nothing(tmp_path):
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><rss><channel>&lol;</channel></rss>'
    path = tmp_path / "bomb.xml"
    path.write_bytes(bomb)

    with pytest.raises(CommandError, match="Nothing was imported: The file declares a document type"):
        call_command("import_wordpress", str(path))
    with pytest.raises(CommandError, match=r"not well-formed XML.*\(line 14\)"):
        call_command("import_wordpress", str(SHARED / "malformed-simple.xml"))
    assert not Article.objects.exists() and not Imported.objects.exists()


@pytest.mark.parametrize("name", every_export())
def test_every_shared_export_is_imported_or_refused_with_its_reason(name, tmp_path):
    if name in REFUSED:
        with pytest.raises(WXRError):
            Importer(SHARED / name).run()
        assert not Imported.objects.exists()
        return
    report = Importer(SHARED / name).run().as_dict()
    assert report["site"] is not None


def test_the_theme_unit_test_site_keeps_its_page_tree_threads_and_menus(tmp_path):
    output = io.StringIO()
    call_command("import_wordpress", str(SHARED / "theme-unit-test-data.xml"), stdout=output, stderr=io.StringIO())

    assert "Imported from https://wpthemetestdata.wordpress.com" in output.getvalue()
    level_three = Page.objects.get(title="Level 3")
    assert level_three.parent.title == "Level 2" and level_three.parent.parent.title == "Level 1"
    assert level_three.path == "level-1/level-2/level-3"
    deepest = Comment.objects.order_by("-depth").first()
    assert deepest.depth > 2 and deepest.thread.parent is None
    assert Menu.at(Menu.Location.HEADER).items.exists()
    assert Article.objects.filter(status="published").count() > 40


def test_an_item_that_fails_is_reported_and_leaves_nothing_while_the_others_import(tmp_path, monkeypatch):
    from wordpress import importer

    real_convert = importer.convert

    def convert(content, **kwargs):
        if "Prolotherapy is an injection." in content:
            raise ValueError("a body this site cannot take")  # what an unforeseen export would do
        return real_convert(content, **kwargs)

    monkeypatch.setattr(importer, "convert", convert)

    report = run(tmp_path, clinic_export()).as_dict()

    assert not Article.objects.filter(slug="what-is-prolotherapy").exists()
    assert not Comment.objects.exists()  # its comments went with it: nothing half-imported
    assert not Imported.objects.filter(kind=Imported.Kind.POST, wp_key="10").exists()
    assert Article.objects.filter(slug="recovery").exists()
    assert ["post", "What Is Prolotherapy", "not imported: ValueError: a body this site cannot take"] in report[
        "skipped"
    ]


def test_a_file_named_like_a_resized_copy_is_imported_as_itself(tmp_path, uploads):
    (uploads / "2020" / "02" / "banner-1920x1080.jpg").write_bytes(photo_with_gps())
    content = f'<img src="{UPLOADS}banner-1920x1080.jpg" alt="Our waiting room">'

    report = run(tmp_path, export(item(40, "Our rooms", content=content)), uploads=uploads).as_dict()

    assert '<img src="/media/editor/' in Article.objects.get(slug="our-rooms").body
    assert report["missing_media"] == {}


def test_a_run_with_the_uploads_folder_gives_their_images_to_posts_imported_without_it(tmp_path, uploads):
    run(tmp_path, clinic_export())
    assert not Article.objects.get(slug="what-is-prolotherapy").featured_image

    run(tmp_path, clinic_export(), uploads=uploads)
    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.featured_image and '<img src="/media/editor/' in article.body

    report = run(tmp_path, clinic_export()).as_dict()  # and a later run without it takes nothing away
    assert report["counts"]["posts"] == {"updated": 4}
    assert '<img src="/media/editor/' in Article.objects.get(slug="what-is-prolotherapy").body


def test_the_same_site_at_https_or_with_www_is_the_same_site_and_another_is_refused(tmp_path):
    run(tmp_path, clinic_export())
    moved = clinic_export().replace(b"https://old-clinic.example", b"http://www.old-clinic.example/")

    assert run(tmp_path, moved).as_dict()["counts"]["posts"]
    with pytest.raises(ImportRefused, match="imported from https://old-clinic.example"):
        run(tmp_path, clinic_export().replace(b"old-clinic.example", b"other-clinic.example"))
