import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, ImageDraw

from blog.demo.articles import ARTICLES
from blog.models import Article, Category, Tag

AUTHOR_USERNAME = "demo-author"


def demo_image(colours, size=(1600, 900)):
    """Draw a calm abstract picture (a vertical gradient with soft circles) and return JPEG bytes."""
    top, bottom = colours
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    for index, radius in enumerate((420, 300, 190)):
        x, y = width * (0.25 + 0.25 * index), height * (0.55 - 0.1 * index)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Create the demo category, tags, author and articles. Running it again changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        author, _ = get_user_model().objects.get_or_create(
            username=AUTHOR_USERNAME,
            defaults={"first_name": "Emily", "last_name": "Harper", "email": "emily.harper@example.com"},
        )
        if author.has_usable_password():
            author.set_unusable_password()
            author.save(update_fields=["password"])
        category, _ = Category.objects.get_or_create(
            slug="regenerative-medicine",
            defaults={
                "name": "Regenerative Medicine",
                "description": "Treatments that help the body repair itself: prolotherapy, PRP and more.",
            },
        )
        created = 0
        for data in ARTICLES:
            if Article.objects.filter(slug=data["slug"]).exists():
                continue
            article = Article(
                slug=data["slug"],
                title=data["title"],
                excerpt=data["excerpt"],
                body=data["body"].strip(),
                author=author,
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=datetime.datetime(*data["published_at"], tzinfo=datetime.timezone.utc),
                featured_image=ContentFile(demo_image(data["colours"]), name=f"{data['slug']}.jpg"),
                featured_image_alt=data["image_alt"],
            )
            article.full_clean()
            article.save()
            article.tags.set(
                Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in data["tags"]
            )
            created += 1
        total = Article.objects.published().count()
        self.stdout.write(f"Demo content: {created} article(s) created, {total} published in all.")
