import datetime
import io
import struct
import zlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog.models import Article, AuthorProfile, Category, Comment, Tag
from library.models import MediaItem
from pages.models import Page


def image_bytes(image_format="PNG", size=(64, 48), colour=(11, 97, 99)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def animated_gif_bytes(frames, size):
    """A GIF of `frames` frames on a `size` canvas, written by hand in a few hundred bytes.

    Each frame draws one pixel, yet a decoder fills the whole canvas for every frame: the shape of a
    decompression bomb. (Pillow takes over a minute and gigabytes to write 30 full 6000×6000 frames.)
    """
    width, height = size
    frame = (
        b"\x21\xf9\x04\x04\x0a\x00\x00\x00"  # graphic control: keep the canvas, 0.1 s
        + b"\x2c"
        + struct.pack("<4H", 0, 0, 1, 1)
        + b"\x00"  # image descriptor: 1×1 at the corner
        + b"\x02\x02\x44\x01\x00"  # LZW data for one pixel
    )
    screen = b"GIF89a" + struct.pack("<2H", width, height) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    return screen + frame * frames + b"\x3b"


def png_bytes(size):
    """A valid black PNG of `size`, one bit per pixel, compressed a thousand rows at a time."""
    width, height = size

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(1)
    rows, rest = divmod(height, 1000)
    block = bytes(1 + (width + 7) // 8) * 1000
    data = b"".join(compressor.compress(block) for _ in range(rows))
    data += compressor.compress(block[: len(block) // 1000 * rest]) + compressor.flush()
    header = struct.pack(">2I5B", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def uploaded_image(name="photo.png", image_format="PNG", **kwargs):
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
    return SimpleUploadedFile(name, image_bytes(image_format, **kwargs), content_type=content_type[image_format])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Jane"
    last_name = factory.Sequence(lambda n: f"Doe{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article by default; `draft=True` or `scheduled=True` for the other states."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
        )

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    author = factory.SubFactory(UserFactory)
    excerpt = factory.LazyAttribute(lambda article: f"Excerpt of {article.title}.")
    body = "<p>Some <strong>useful</strong> text about regenerative medicine.</p>"
    category = factory.SubFactory(CategoryFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment by default."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    parent = None
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = factory.Sequence(lambda n: f"Comment number {n}: thank you for this article.")
    status = Comment.Status.APPROVED
    ip_address = "203.0.113.7"
    user_agent = "Mozilla/5.0 (test)"

    @factory.lazy_attribute
    def created_at(self):
        return timezone.now()


_addresses = iter(f"198.51.{n // 250}.{n % 250 + 1}" for n in range(60000))


def comment_form_data(article=None, **overrides):
    """What a person's browser sends from the "Leave a reply" form of `article`, shown a minute ago."""
    import time

    from django.core import signing

    from blog.forms import FORM_TIMESTAMP_SALT

    return {
        "name": "Maria Lopez",
        "email": "maria@example.com",
        "url": "",
        "body": "Thank you, this helped me understand my options.",
        "consent": "on",
        "started": signing.dumps([getattr(article, "pk", None), time.time() - 60], salt=FORM_TIMESTAMP_SALT),
        "phone": "",
        **overrides,
    }


def comment_url(article):
    """Where the "Leave a reply" form of `article` is posted."""
    return reverse("blog:comment-create", kwargs={"slug": article.slug})


def post_comment(client, article, remote_addr=None, user_agent="Mozilla/5.0 (test)", forwarded_for=None, **overrides):
    """Post the comment form for `article` from a fresh IP address (so the rate limit stays out of the way)."""
    return client.post(
        comment_url(article),
        comment_form_data(article, **overrides),
        REMOTE_ADDR=remote_addr or next(_addresses),
        HTTP_USER_AGENT=user_agent,
        **({"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}),
    )


class AuthorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory, is_staff=True)
    display_name = factory.Sequence(lambda n: f"Dr. Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    credentials = "MD"


class PageFactory(factory.django.DjangoModelFactory):
    """A published top-level page by default; `parent=`, `draft=True` or `scheduled=True` for the others."""

    class Meta:
        model = Page

    class Params:
        draft = factory.Trait(status=Page.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
        )

    title = factory.Sequence(lambda n: f"Page number {n}")
    slug = factory.Sequence(lambda n: f"page-number-{n}")
    body = "<p>What the clinic wants patients to know.</p>"
    status = Page.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class MediaItemFactory(factory.django.DjangoModelFactory):
    """A library image (a small PNG) uploaded by a new staff member unless `uploaded_by=` says who."""

    class Meta:
        model = MediaItem

    file = factory.LazyFunction(lambda: uploaded_image("knee.png"))
    title = factory.Sequence(lambda n: f"Library image {n}")
    alt_text = factory.Sequence(lambda n: f"A knee joint seen from the side, number {n}")
    uploaded_by = factory.SubFactory(UserFactory, is_staff=True)
