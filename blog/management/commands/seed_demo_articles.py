import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from blog.demo.articles import ARTICLES, CLINIC
from blog.models import Article, AuthorProfile, Category, Comment, CommentSubscription, Tag
from clinic.models import ClinicSettings
from clinic.roles import AUTHOR, sync_roles
from core.images import renditions

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


def days_ago(days, *, hour=0):
    """A moment `days` before today (at `hour` o'clock, local time), so the demo is dated from its seeding."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    help = "Create the demo category, tags, authors and articles (seed_demo runs it). Running it again changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        sync_roles()
        author = self.demo_profile(
            AUTHOR_USERNAME,
            first_name="Emily",
            last_name="Harper",
            email="emily.harper@example.com",
            display_name="Dr. Emily Harper",
            slug="emily-harper",
            credentials="MD",
            job_title="Medical director",
            bio="Dr. Harper leads the clinic's regenerative medicine team and has treated sports and joint "
            "injuries for fifteen years.",
        )
        clinic = ClinicSettings.load()
        if not clinic.phone:  # Fill the contact details once; what editors change later is theirs.
            for name, value in CLINIC.items():
                setattr(clinic, name, value)
            clinic.share_image = ContentFile(demo_image(((11, 97, 99), (233, 196, 106)), (1200, 630)), "share.jpg")
            clinic.share_image_alt = "Abstract teal and gold illustration for the clinic's articles"
            clinic.save()
        reviewer = self.demo_profile(
            "demo-reviewer",
            first_name="Michael",
            last_name="Chen",
            display_name="Dr. Michael Chen",
            slug="michael-chen",
            credentials="DO",
            job_title="Sports medicine physician",
            bio="Dr. Chen reviews the clinic's articles on musculoskeletal treatments.",
        )
        category, _ = Category.objects.get_or_create(
            slug="regenerative-medicine",
            defaults={
                "name": "Regenerative Medicine",
                "description": "Treatments that help the body repair itself: prolotherapy, PRP and more.",
                "is_medical": True,
                "show_disclaimer": True,
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
                published_at=days_ago(data["published_days_ago"], hour=9),
                featured_image=ContentFile(demo_image(data["colours"]), name=f"{data['slug']}.jpg"),
                featured_image_alt=data["image_alt"],
                medical_reviewer=reviewer.profile,
                last_reviewed_at=days_ago(data["reviewed_days_ago"]).date(),
                cta_text=data.get("cta_text", ""),
            )
            article.full_clean()
            article.save()
            # The demo may be served with no worker beside it (Lighthouse, screenshots): its renditions are made now.
            renditions(article.featured_image.name)
            article.tags.set(
                Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in data["tags"]
            )
            for position, reference in enumerate(data.get("references", []), start=1):
                article.references.create(position=position, **reference)
            created += 1
            if data["slug"] == "what-is-prolotherapy":
                self.add_demo_discussion(article, author)
        total = Article.objects.published().count()
        self.stdout.write(f"Demo content: {created} article(s) created, {total} published in all.")

    def demo_profile(self, username, *, first_name, last_name, email="", **profile):
        """A staff member who appears on the site (bylines, reviews) but has no password to log in with."""
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": email, "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            # With a role, an editor can open and save the account unchanged (a role is required there).
            user.groups.add(Group.objects.get(name=AUTHOR))
        AuthorProfile.objects.get_or_create(user=user, defaults=profile)
        return user

    def add_demo_discussion(self, article, author):
        question = Comment.objects.create(
            article=article,
            name="Daniel Brooks",
            email="daniel.brooks@example.com",
            body="I sprained my ankle two years ago and it still aches when I run. Is it too late for prolotherapy?",
            status=Comment.Status.APPROVED,
            created_at=article.published_at + datetime.timedelta(days=2),
        )
        # He asked to hear of replies, and confirmed.
        CommentSubscription.objects.create(
            email=question.email,
            article=article,
            comment=question,
            status=CommentSubscription.Status.CONFIRMED,
            confirmed_at=question.created_at + datetime.timedelta(minutes=5),
        )
        Comment.objects.create(
            article=article,
            parent=question,
            user=author,
            name="Emily Harper",
            email=author.email,
            body="Not at all: prolotherapy is meant for pain that has not resolved after 8-9 weeks, even years "
            "later. A consultation will tell whether the ligament is the cause.",
            status=Comment.Status.APPROVED,
            created_at=article.published_at + datetime.timedelta(days=3),
            followers_notified_at=article.published_at + datetime.timedelta(days=3),
        )
        # The moderation queue a clinic finds in the morning: two comments waiting, one caught as spam.
        waiting = [
            ("Linda Park", "Does insurance usually cover prolotherapy? My knee has hurt since a fall last winter.",
             Comment.Status.PENDING, "Comments must be approved"),
            ("Omar Haddad", "I had three sessions for my elbow, see my notes at https://example.org/elbow and "
             "https://example.org/elbow-2 - worth it!", Comment.Status.PENDING, "Contains 2 links"),
            ("Best Deals", "Cheap supplements, free shipping", Comment.Status.SPAM,
             "Filled in the field only bots see"),
        ]  # fmt: skip
        for days, (name, body, status, reason) in enumerate(waiting, start=5):
            Comment.objects.create(
                article=article,
                name=name,
                email=f"{name.split()[0].lower()}@example.com",
                body=body,
                status=status,
                held_reason=reason,
                created_at=article.published_at + datetime.timedelta(days=days),
            )
