import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from blog.models import Article
from core.images import renditions
from tests.factories import ArticleFactory, uploaded_image

pytestmark = pytest.mark.django_db


def files_under(folder):
    root = Path(default_storage.path(folder))
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def wide_article():
    return ArticleFactory(featured_image=uploaded_image("wide.jpg", "JPEG", size=(2000, 1000)), featured_image_alt="A")


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


def test_renditions_are_made_on_upload_and_reused(wide_article, client):
    before = files_under("renditions")
    made = renditions(wide_article.featured_image.name)

    client.get(wide_article.get_absolute_url())
    client.get("/")

    assert files_under("renditions") == before
    names = {Path(default_storage.path(image.name)) for image in made["webp"] + made["fallback"]}
    assert len(names) == 6
    assert names <= set(before)


def test_pages_use_srcset_sizes_and_dimensions(wide_article, client):
    html = client.get(wide_article.get_absolute_url()).content.decode()
    hero = html[html.index('<figure class="article__hero">') :].split("</figure>")[0]

    assert re.search(r'<source type="image/webp" srcset="[^"]+480w, [^"]+960w, [^"]+1600w" sizes="[^"]+">', hero)
    assert 'width="960" height="480"' in hero
    assert 'fetchpriority="high"' in hero
    assert 'loading="lazy"' not in hero
    assert "srcset=" in client.get("/").content.decode()


def test_images_in_the_body_are_served_responsively(editor_client, client):
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


def test_the_first_card_image_loads_at_once_and_the_others_lazily(client):
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


def test_images_in_the_body_get_renditions_and_dimensions_with_media_on_s3(editor_client, client, s3_media):
    upload = editor_client.post(reverse("core:editor-image-upload"), {"upload": uploaded_image(size=(1200, 800))})
    url = upload.json()["url"]
    article = ArticleFactory(body=f'<figure class="image"><img src="{url}" alt="An x-ray"></figure>')

    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body prose">') :].split("</div>")[0]

    assert url.startswith(f"{s3_media.origin}/{s3_media.bucket}/editor/")
    assert re.search(rf'<source type="image/webp" srcset="{s3_media.origin}/{s3_media.bucket}/renditions/', body)
    assert 'width="960" height="640"' in body
    assert f'src="{url}"' not in body
