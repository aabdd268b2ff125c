import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from blog.models import Article
from core.images import renditions
from core.renditions import REQUEUE_SECONDS
from tests.factories import ArticleFactory, uploaded_image
from tests.helpers import run_tasks, wsgi

pytestmark = pytest.mark.django_db


def files_under(folder):
    root = Path(default_storage.path(folder))
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def wide_article(worked):
    with worked():
        return ArticleFactory(
            featured_image=uploaded_image("wide.jpg", "JPEG", size=(2000, 1000)), featured_image_alt="A"
        )


def test_renditions_come_in_three_widths_as_webp_and_jpeg(wide_article):
    made = renditions(wide_article.featured_image.name)

    assert [image.width for image in made["webp"]] == [480, 960, 1600]
    assert [image.height for image in made["webp"]] == [240, 480, 800]
    for image in made["webp"]:
        with default_storage.open(image.name) as file, Image.open(file) as picture:
            assert picture.format == "WEBP"
            assert picture.size == (image.width, image.height)
    for image in made["fallback"]:
        with default_storage.open(image.name) as file, Image.open(file) as picture:
            assert picture.format == "JPEG"


def test_small_images_are_never_enlarged():
    article = ArticleFactory(featured_image=uploaded_image("small.png", size=(600, 300)), featured_image_alt="A")

    made = renditions(article.featured_image.name)

    assert [image.width for image in made["webp"]] == [480, 600]
    assert all(image.name.endswith(".png") for image in made["fallback"])


def test_renditions_are_made_by_the_worker_and_reused(wide_article, client):
    made = renditions(wide_article.featured_image.name, make=False)
    before = files_under("renditions")

    client.get(wide_article.get_absolute_url())
    client.get("/")

    assert files_under("renditions") == before
    names = {Path(default_storage.path(image.name)) for image in made["webp"] + made["fallback"]}
    assert len(names) == 6
    assert names <= set(before)


def test_until_the_worker_made_them_pages_show_the_original_at_its_size_and_never_make_them(
    settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    before = files_under("renditions")
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(
            featured_image=uploaded_image("tall.jpg", "JPEG", size=(1000, 2000)), featured_image_alt="A knee"
        )
    url, original = article.get_absolute_url(), article.featured_image.url

    first = wsgi(url)
    hero = first.text[first.text.index('<figure class="article__hero">') :].split("</figure>")[0]

    assert files_under("renditions") == before
    assert f'<img src="{original}" width="1000" height="2000" alt="A knee" fetchpriority="high">' in hero
    assert "<source" not in hero and "srcset" not in hero
    assert wsgi(url).hit
    with django_capture_on_commit_callbacks(execute=True):
        assert run_tasks() == 1
    assert len(set(files_under("renditions")) - set(before)) == 6
    fresh = wsgi(url)
    assert not fresh.hit
    assert 'srcset="/media/renditions/' in fresh.text


def test_pages_showing_an_original_queue_its_renditions_once_when_their_task_was_lost(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(featured_image=uploaded_image(size=(800, 450)), featured_image_alt="x")
    DBTaskResult.objects.all().delete()  # the save's task, lost (a queue emptied, a worker's machine gone)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(article.get_absolute_url())
    assert run_tasks() == 0  # while the save's task may still be on its way, a visit does not queue another

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=REQUEUE_SECONDS + 1)):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(3):
                client.get(article.get_absolute_url())
        assert run_tasks() == 1
    assert 'srcset="/media/renditions/' in client.get(article.get_absolute_url()).content.decode()


def test_saving_an_image_queues_its_renditions_with_the_save_and_not_without_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        ArticleFactory(featured_image=uploaded_image(size=(800, 450)), featured_image_alt="x")
        raise RuntimeError("the save failed after the image was stored")
    assert run_tasks() == 0

    ArticleFactory(featured_image=uploaded_image(size=(800, 450)), featured_image_alt="x")
    assert run_tasks() == 1


def test_re_saving_an_article_whose_renditions_exist_queues_nothing(wide_article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=wide_article.pk).save()

    assert run_tasks() == 0


def test_pages_use_srcset_sizes_and_dimensions(wide_article, client):
    html = client.get(wide_article.get_absolute_url()).content.decode()
    hero = html[html.index('<figure class="article__hero">') :].split("</figure>")[0]

    assert re.search(r'<source type="image/webp" srcset="[^"]+480w, [^"]+960w, [^"]+1600w" sizes="[^"]+">', hero)
    assert 'width="960" height="480"' in hero
    assert 'fetchpriority="high"' in hero
    assert 'loading="lazy"' not in hero
    assert "srcset=" in client.get("/").content.decode()


def test_images_in_the_body_are_served_responsively(editor_client, client, worked):
    with worked():
        upload = editor_client.post("/editor/image-upload/", {"upload": uploaded_image("xray.png", size=(1200, 800))})
    url = upload.json()["url"]
    article = ArticleFactory(body=f'<figure class="image"><img src="{url}" alt="An x-ray"></figure>')

    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body prose">') :].split("</div>")[0]

    assert '<source type="image/webp"' in body
    assert 'alt="An x-ray"' in body
    assert 'loading="lazy"' in body
    assert f'src="{url}"' not in body


def test_foreign_or_missing_body_images_are_left_as_they_are(client):
    article = ArticleFactory(body='<p><img src="/media/editor/missing.png" alt="Gone"></p>')

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<img src="/media/editor/missing.png" alt="Gone">' in html


def test_the_first_card_image_loads_at_once_and_the_others_lazily(client, worked):
    with worked():
        for day in range(3):
            ArticleFactory(featured_image=uploaded_image(size=(800, 450)), featured_image_alt="x", title=f"Card {day}")

    images = re.findall(r"<img [^>]*>", client.get("/").content.decode())

    assert len(images) == 3
    assert 'fetchpriority="high"' in images[0] and "loading=" not in images[0]
    assert all('loading="lazy"' in image and "fetchpriority" not in image for image in images[1:])


HOSTILE_BODY_IMAGES = [
    "/media/http://127.0.0.1:{port}/x.png",
    "/media/https://127.0.0.1:{port}/x.png",
    "/media/ftp://127.0.0.1:{port}/x.png",
    "/media///127.0.0.1:{port}/x.png",
    "/media/http:%2F%2F127.0.0.1:{port}/x.png",
]


@pytest.mark.parametrize("src", HOSTILE_BODY_IMAGES)
def test_body_images_naming_another_host_are_never_fetched(client, connection_recorder, src):
    src = src.format(port=connection_recorder.port)
    article = ArticleFactory(body="<p>Text</p>")
    # As stored before the sanitizer refused such addresses.
    Article.objects.filter(pk=article.pk).update(body=f'<p><img src="{src}" alt="Remote"></p>')

    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body prose">') :].split("</div>")[0]

    assert connection_recorder.connections == []
    assert "<source" not in body
    assert f'<img src="{src}" alt="Remote">' in body


@pytest.mark.parametrize("name", ["http://127.0.0.1:{port}/x.png", "//127.0.0.1:{port}/x.png", "../x.png"])
def test_renditions_of_anything_but_a_plain_storage_name_are_refused_unopened(connection_recorder, name):
    assert renditions(name.format(port=connection_recorder.port)) is None
    assert connection_recorder.connections == []


def test_images_in_the_body_get_renditions_and_dimensions_with_media_on_s3(editor_client, client, s3_media, worked):
    with worked():
        upload = editor_client.post(reverse("core:editor-image-upload"), {"upload": uploaded_image(size=(1200, 800))})
    url = upload.json()["url"]
    article = ArticleFactory(body=f'<figure class="image"><img src="{url}" alt="An x-ray"></figure>')

    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body prose">') :].split("</div>")[0]

    assert url.startswith(f"{s3_media.origin}/{s3_media.bucket}/editor/")
    assert re.search(rf'<source type="image/webp" srcset="{s3_media.origin}/{s3_media.bucket}/renditions/', body)
    assert 'width="960" height="640"' in body
    assert f'src="{url}"' not in body
