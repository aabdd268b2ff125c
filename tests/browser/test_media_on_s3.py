"""Media on S3-compatible storage (the several-machines deployment), against moto's server on loopback, in
Chromium: every uploaded image of an article loads, and the site's own policy refuses none of them."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ArticleFactory, uploaded_image
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

REPORT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => window.__csp.push(event.blockedURI));
"""


def test_article_images_on_s3_load_within_the_content_security_policy(page, live_server, s3_media, editor):
    uploader = Client()
    uploader.force_login(editor)
    upload = uploader.post(reverse("core:editor-image-upload"), {"upload": uploaded_image(size=(1200, 800))})
    body_image = upload.json()["url"]
    article = ArticleFactory(
        featured_image=uploaded_image("hero.jpg", "JPEG", size=(2000, 1000)),
        featured_image_alt="A knee",
        body=f'<p>Text</p><figure class="image"><img src="{body_image}" alt="An x-ray"></figure>',
    )
    run_tasks()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(REPORT_VIOLATIONS)

    page.goto(live_server.url + article.get_absolute_url())
    images = page.locator("main img")
    loaded = []
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete", arg=image.element_handle())
        loaded.append(image.evaluate("image => [image.currentSrc, image.naturalWidth, image.width, image.height]"))

    storage = f"{s3_media.origin}/{s3_media.bucket}/"
    assert len(loaded) == 2
    for current_src, natural_width, width, height in loaded:
        assert current_src.startswith(storage + "renditions/")
        assert natural_width > 0 and width > 0 and height > 0
    assert page.evaluate("window.__csp") == []
    assert not [text for text in console if "Content Security Policy" in text]
    og_image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image.startswith(storage + "articles/")
