import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_ckeditor_5.fields import CKEditor5Field

from .images import generated_image_name, validate_raster_image
from .sanitize import sanitize_html

WORDS_PER_MINUTE = 200
EXCERPT_WORDS = 40


class CategoryQuerySet(models.QuerySet):
    def with_published_articles(self):
        return self.filter(models.Exists(Article.objects.published().filter(category=models.OuterRef("pk"))))


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the category's address.")
    description = models.TextField(blank=True, help_text="Shown at the top of the category page.")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category-detail", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the tag's address.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag-detail", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publication time that has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Fetch what article cards show in one query."""
        return self.select_related("category", "author")


def featured_image_path(article, filename):
    return generated_image_name("articles", validate_raster_image(article.featured_image))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The end of the article's address, /blog/this-part/: lowercase words separated by hyphens.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles")
    excerpt = models.TextField(
        blank=True,
        help_text="One or two sentences shown on the home page and in archives. "
        "Left empty, the start of the body is used.",
    )
    body = CKEditor5Field(config_name="article")
    featured_image = models.ImageField(
        upload_to=featured_image_path,
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        validators=[validate_raster_image],
        help_text="Shown at the top of the article and on cards. JPEG, PNG, WebP or GIF.",
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_alt = models.CharField(
        "featured image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Required with a featured image.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="Filled in with the current time when you publish; a future time schedules the article.",
    )
    allow_comments = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_published_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:article-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.featured_image and not self.featured_image_alt.strip():
            raise ValidationError({"featured_image_alt": "Describe the featured image for readers who cannot see it."})

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def body_text(self):
        return strip_tags(self.body)

    @property
    def summary(self):
        """The excerpt, or the first words of the body when the editor left it empty."""
        if self.excerpt.strip():
            return self.excerpt
        return Truncator(self.body_text).words(EXCERPT_WORDS, truncate="…")

    @property
    def reading_time_minutes(self):
        words = len(self.body_text.split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))
