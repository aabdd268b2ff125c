import datetime
import math

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django_ckeditor_5.fields import CKEditor5Field
from simple_history.models import HistoricalRecords

from clinic.metadata import META_DESCRIPTION_LENGTH
from core.images import CleanImageField, generated_image_name, validate_raster_image
from core.models import SingletonModel
from core.optin import Subscription, normalized_email
from core.sanitize import plain_text, sanitize_html
from core.trash import Trashable, TrashQuerySet

SEARCH_CONFIG = "english"
# Columns only the search reads: lists of articles leave them behind (each as long as the body, or longer).
SEARCH_ONLY_FIELDS = ("search_vector", "search_body")
WORDS_PER_MINUTE = 200
EXCERPT_WORDS = 40
SHORT_EXCERPT_WORDS = 20
# Articles sharing a tag that related posts rank at most (the most recently added ones).
RELATED_CANDIDATES = 200


class ArchiveQuerySet(models.QuerySet):
    """Categories or tags; `article_lookup` is how an article refers to one."""

    article_lookup = None

    def with_published_articles(self):
        published = Article.objects.published().filter(**{self.article_lookup: models.OuterRef("pk")})
        return self.filter(models.Exists(published))

    def with_last_published_change(self):
        """Those with published articles, each with `last_published_change`: the latest `updated_at` among them."""
        published = Article.objects.published().filter(**{self.article_lookup: models.OuterRef("pk")})
        newest = published.order_by("-updated_at").values("updated_at")[:1]
        return self.filter(models.Exists(published)).annotate(last_published_change=models.Subquery(newest))

    def last_published_change(self):
        """When a published article in any of these last changed, or None."""
        return (
            Article.objects.published().filter(models.Exists(self.filter(articles=models.OuterRef("pk")))).last_change()
        )


class CategoryQuerySet(ArchiveQuerySet):
    article_lookup = "category"


class TagQuerySet(ArchiveQuerySet):
    article_lookup = "tags"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the category's address.")
    description = models.TextField(blank=True, help_text="Shown at the top of the category page.")
    is_medical = models.BooleanField(
        "medical content",
        default=False,
        help_text="Articles here can only be published once medically reviewed, referenced and complete.",
    )
    show_disclaimer = models.BooleanField(
        "show the medical disclaimer",
        default=False,
        help_text="Show the clinic's medical disclaimer (Clinic settings) on articles in this category.",
    )

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

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag-detail", kwargs={"slug": self.slug})


def overdue_for_review():
    """What "overdue for medical review" means: the next review date has passed (it is a day, in local time)."""
    return models.Q(next_review_at__lt=timezone.localdate())


def next_review_change_at():
    """Next local midnight: when articles whose review date is today become overdue (and leave related posts)."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return today + datetime.timedelta(days=1)


class ArticleQuerySet(TrashQuerySet):
    def published(self):
        """Articles readers may see: published, with a publication time that has come, not in the Trash."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now(), trashed_at=None)

    def for_listing(self):
        """Fetch what article cards show in one query."""
        return self.select_related("category", "author__profile").defer(*SEARCH_ONLY_FIELDS)

    def last_change(self):
        """When the most recently changed of these articles was changed, or None."""
        return self.order_by("-updated_at").values_list("updated_at", flat=True).first()

    def refresh_search_vectors(self):
        """Recompute the stored full-text search vectors (PostgreSQL only; other databases search without them).

        Title weighs most, then the excerpt, then the body; PostgreSQL's parser skips the body's HTML tags.
        """
        if connections[self.db].vendor != "postgresql":
            return 0
        return self.update(
            search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("excerpt", weight="B", config=SEARCH_CONFIG)
            + SearchVector("body", weight="C", config=SEARCH_CONFIG)
        )

    def scheduled(self):
        """Articles set to publish at a time that has not come yet."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now(), trashed_at=None)

    def next_publication_at(self):
        """When the next scheduled article goes live, or None."""
        return self.scheduled().order_by("published_at").values_list("published_at", flat=True).first()

    def review_overdue(self):
        """Articles whose next medical review date has passed."""
        return self.filter(overdue_for_review())

    def related_to(self, article, limit):
        """Up to `limit` published articles to read next, in at most four small queries (two when none is pinned).

        Pinned articles come first, then the most shared tags, then the same category, then the newest.
        Articles overdue for medical review are left out until they are reviewed again. The pinned articles, then
        the RELATED_CANDIDATES newest sharing a tag, are each ranked in a query of their own: asked as one ("pinned
        or sharing"), PostgreSQL scans every article and sorts every tag row of the site to answer, so the first
        visit grew with the size of the site. When they are too few, the last query fills up from the same
        category, then the newest. Shared tags are counted in a subquery per candidate: a join grouped by article
        made PostgreSQL carry whole rows, bodies included, through the grouping (4.1 → 2.4 ms at 10,000 articles).
        """
        candidates = self.published().exclude(pk=article.pk).exclude(overdue_for_review()).defer(*SEARCH_ONLY_FIELDS)
        tagged = Article.tags.through.objects
        article_tags = tagged.filter(article=article.pk).values("tag")
        same_category = models.Case(
            models.When(category_id=article.category_id, then=1), default=0, output_field=models.IntegerField()
        )
        shared_tags = models.Subquery(
            tagged.filter(article=models.OuterRef("pk"), tag__in=models.Subquery(article_tags))
            .order_by()
            .values("article")
            .annotate(count=models.Count("pk"))
            .values("count"),
            output_field=models.IntegerField(),
        )

        def ranked(articles):
            return (
                articles.annotate(shared_tags=Coalesce(shared_tags, 0), same_category=same_category)
                .order_by("-shared_tags", "-same_category", "-published_at", "-pk")
                .select_related("category")
            )

        pinned = list(
            Article.related_articles.through.objects.filter(from_article=article.pk).values_list(
                "to_article", flat=True
            )
        )
        related = list(ranked(candidates.filter(pk__in=pinned))[:limit]) if pinned else []
        if len(related) < limit:
            # The most recently added come first by id: a tag on thousands of articles would otherwise have every
            # one of them counted.
            sharing = (
                tagged.filter(tag__in=models.Subquery(article_tags))
                .exclude(article=article.pk)
                .order_by("-article_id")
                .values("article_id")[:RELATED_CANDIDATES]
            )
            chosen = [other.pk for other in related]
            related += ranked(candidates.filter(pk__in=sharing).exclude(pk__in=chosen))[: limit - len(related)]
        if len(related) < limit:
            rest = (
                candidates.exclude(pk__in=[chosen.pk for chosen in related])
                .annotate(same_category=same_category)
                .order_by("-same_category", "-published_at", "-pk")
                .select_related("category")
            )
            related += rest[: limit - len(related)]
        return related


def _one_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def featured_image_path(article, filename):
    return generated_image_name("articles", validate_raster_image(article.featured_image))


class Article(Trashable):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "Waiting for review"
        PUBLISHED = "published", "Published"

    title = models.CharField(
        max_length=200, help_text="The heading readers see; under about 70 characters reads best in search results."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The end of the article's address, /blog/this-part/: lowercase words separated by hyphens.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="The byline; with an author profile it shows the name with credentials and links to the profile.",
    )
    excerpt = models.TextField(
        blank=True,
        help_text="One or two sentences shown on the home page and in archives. "
        "Left empty, the start of the body is used.",
    )
    body = CKEditor5Field(
        config_name="article",
        help_text="Use “Heading 2” for sections, give every picture a text alternative, and write [1], [2]… "
        "to cite the references listed below the editor.",
    )
    featured_image = CleanImageField(
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
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Shown above the title and in the site's menu; one per article.",
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="articles", help_text="Treatments and conditions the article is about."
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts and articles waiting for review are seen only by the team (use Preview); published "
        "articles from their publication date.",
    )
    review_note = models.TextField(
        "changes requested",
        blank=True,
        help_text="What the reviewer asks to change before publishing. Shown here until the article is submitted "
        "for review again.",
    )
    submitted_at = models.DateTimeField("submitted for review", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="approved for publication by",
    )
    approved_at = models.DateTimeField("approved for publication", null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="Filled in with the current time when you publish; a future time schedules the article.",
    )
    allow_comments = models.BooleanField(
        default=True, help_text="Readers may “Leave a reply”; Discussion settings may still close old articles."
    )
    is_sticky = models.BooleanField(
        "keep at the top",
        default=False,
        help_text="Shown first on the first page of the latest articles, as WordPress's sticky posts.",
    )
    related_articles = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        verbose_name="pinned related articles",
        help_text="Shown first under “Related Posts”; the rest are chosen by shared tags and category.",
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="The title search engines show (about 60 characters). Left empty, the article's title is used.",
    )
    seo_description = models.CharField(
        "meta description",
        max_length=160,
        blank=True,
        help_text="The summary search engines and social networks show (up to 160 characters). "
        "Left empty, the excerpt is used.",
    )
    medical_reviewer = models.ForeignKey(
        "AuthorProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        help_text="The clinician who checked the article's medical content.",
    )
    last_reviewed_at = models.DateField(
        "last medically reviewed",
        null=True,
        blank=True,
        help_text="Shown under the title with the reviewer's name, and to search engines.",
    )
    next_review_at = models.DateField(
        "next review due",
        null=True,
        blank=True,
        help_text="Left empty, twelve months after the last review. Overdue articles leave “Related Posts”.",
    )
    cta_text = models.CharField(
        "call to action",
        max_length=200,
        blank=True,
        help_text="Closes the article, e.g. “Is prolotherapy right for you? Book a consultation”. "
        "Left empty, the default from Clinic settings is used.",
    )
    cta_url = models.URLField(
        "call to action link", blank=True, help_text="Left empty, the appointment address from Clinic settings."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept up to date by save(); indexed with GIN on PostgreSQL (migration 0006), unused elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)
    # The body's words without markup, kept by save(): what SQLite's full-text index reads (blog/search.py), so
    # that "strong" or "nbsp" finds no article.
    search_body = models.TextField(default="", editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[tags], excluded_fields=["search_vector", "search_body", "updated_at"], user_related_name="+"
    )

    class Meta:
        # The index serves this order as it is, so listing the newest articles never sorts the whole table.
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            # The sitemap's dates: PostgreSQL finds the latest change among published articles from the newest
            # end (1 ms at 10,000 articles, 6-13 ms reading them all). SQLite's planner keeps to the listing index.
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
        ]
        permissions = [
            ("publish_article", "Can publish articles"),
            ("edit_others_articles", "Can edit other authors' articles"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        self.search_body = self.body_text
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.last_reviewed_at and self.next_review_at is None:
            self.next_review_at = _one_year_after(self.last_reviewed_at)
        previous = Article.objects.filter(pk=self.pk).values("slug", "status").first() if self.pk else None
        super().save(*args, **kwargs)
        if previous and previous["slug"] != self.slug and previous["status"] == self.Status.PUBLISHED:
            ArticleRedirect.objects.update_or_create(old_slug=previous["slug"], defaults={"article": self})
        # An article now living at an address that used to redirect takes it back.
        ArticleRedirect.objects.filter(old_slug=self.slug).delete()
        Article.objects.filter(pk=self.pk).refresh_search_vectors()

    def get_absolute_url(self):
        return reverse("blog:article-detail", kwargs={"slug": self.slug})

    def discussion_url(self, page=1, *, reply_to=None):
        """The address of page `page` of the discussion (WordPress's `?cpage=`), replying to comment `reply_to`."""
        query = {"cpage": page} if page > 1 else {}
        if reply_to is not None:
            query["replytocom"] = reply_to
        return f"{self.get_absolute_url()}?{urlencode(query)}" if query else self.get_absolute_url()

    def get_preview_url(self):
        return reverse("blog:article-preview", kwargs={"pk": self.pk})

    def clean(self):
        if self.featured_image and not self.featured_image_alt.strip():
            raise ValidationError({"featured_image_alt": "Describe the featured image for readers who cannot see it."})

    def comments_open(self, discussion):
        """Whether readers may comment now, by the article's switch and the site's discussion settings."""
        if not self.allow_comments:
            return False
        if discussion.close_after_days and self.published_at:
            return timezone.now() - self.published_at <= datetime.timedelta(days=discussion.close_after_days)
        return True

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.trashed_at is None
        )

    def can_be_previewed_by(self, user):
        """Staff who may edit this article may preview it (its author, or anyone editing others' articles), and so
        may the medical reviewer it is assigned to while it waits for review."""
        if not (user.is_active and user.is_staff):
            return False
        if self.status == self.Status.REVIEW and self.is_reviewed_by(user):
            return True
        if not user.has_perm("blog.change_article"):
            return False
        return self.author_id == user.pk or user.has_perm("blog.edit_others_articles")

    def is_reviewed_by(self, user):
        """Whether `user` is this article's medical reviewer (through their author profile)."""
        return self.medical_reviewer_id is not None and self.medical_reviewer.user_id == user.pk

    @property
    def is_medical(self):
        return bool(self.category_id and self.category.is_medical)

    @property
    def author_profile(self):
        return getattr(self.author, "profile", None)

    @property
    def author_name(self):
        if self.author_profile is not None:
            return self.author_profile.name_with_credentials
        return self.author.get_full_name() or self.author.get_username()

    @property
    def author_url(self):
        return self.author_profile.get_absolute_url() if self.author_profile is not None else ""

    @property
    def body_text(self):
        return plain_text(self.body)

    @property
    def short_excerpt(self):
        """About twenty words of the summary, always ending in "…", for related-post cards."""
        words = self.summary.rstrip("…").split()[:SHORT_EXCERPT_WORDS]
        return " ".join(words).rstrip(".,;:!?") + "…"

    @property
    def meta_title(self):
        return self.seo_title or self.title

    @property
    def meta_description(self):
        if self.seo_description:
            return self.seo_description
        words, length = [], 0
        for word in self.summary.rstrip("…").split():
            length += len(word) + 1
            if length > META_DESCRIPTION_LENGTH:
                return " ".join(words).rstrip(".,;:!?") + "…"
            words.append(word)
        return " ".join(words)

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


def author_photo_path(profile, filename):
    return generated_image_name("authors", validate_raster_image(profile.photo))


class AuthorProfile(models.Model):
    """How a staff member appears on the site: bylines and clinic replies to comments."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=120, help_text='As readers should see it, e.g. "Dr. Jane Doe".')
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The author page's address: /author/this-part/. Not the login name."
    )
    credentials = models.CharField(max_length=60, blank=True, help_text='Degrees after the name, e.g. "MD" or "DO".')
    job_title = models.CharField("role at the clinic", max_length=120, blank=True)
    bio = models.TextField(blank=True, help_text="A few sentences about the person.")
    photo = CleanImageField(
        upload_to=author_photo_path,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        validators=[validate_raster_image],
        help_text="A portrait, square works best. JPEG, PNG, WebP or GIF.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.name_with_credentials

    def get_absolute_url(self):
        return reverse("blog:author-detail", kwargs={"slug": self.slug})

    @property
    def name_with_credentials(self):
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


MAX_LISTED_WORDS = 1000
MAX_LISTED_WORD_LENGTH = 100


def _listed_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def validate_word_list(text):
    """A moderation or disallowed word list: at most 1000 lines of at most 100 characters each."""
    lines = _listed_lines(text)
    if len(lines) > MAX_LISTED_WORDS:
        raise ValidationError(
            f"Use at most {MAX_LISTED_WORDS} lines; this list has {len(lines)}.", code="too_many_lines"
        )
    too_long = next((line for line in lines if len(line) > MAX_LISTED_WORD_LENGTH), None)
    if too_long is not None:
        raise ValidationError(
            f"Put one word or phrase of at most {MAX_LISTED_WORD_LENGTH} characters on each line; "
            f"“{Truncator(too_long).chars(40)}” is longer.",
            code="line_too_long",
        )


# The smallest and largest value of each numeric discussion setting.
DISCUSSION_BOUNDS = {
    "hold_link_count": (0, 100),
    "close_after_days": (1, 3650),
    "thread_depth": (1, 10),
    "comments_per_page": (1, 500),
    "ip_retention_days": (1, 3650),
}


def _bounds(name):
    low, high = DISCUSSION_BOUNDS[name]
    message = f"Use a number from {low} to {high}."
    return [MinValueValidator(low, message), MaxValueValidator(high, message)]


class DiscussionSettings(SingletonModel):
    """The site's comment rules, one row edited in the admin like WordPress's Settings → Discussion."""

    require_moderation = models.BooleanField(
        "comments must be approved", default=True, help_text="Hold every new comment until a moderator approves it."
    )
    auto_approve_known_commenters = models.BooleanField(
        default=True,
        help_text="Publish at once a comment whose author (same name and email) already has an approved comment.",
    )
    hold_link_count = models.PositiveSmallIntegerField(
        "hold comments with this many links",
        default=2,
        validators=_bounds("hold_link_count"),
        help_text="A comment with this many links or more waits for moderation. 0 turns the rule off. At most 100.",
    )
    moderation_words = models.TextField(
        blank=True,
        validators=[validate_word_list],
        help_text="One word or phrase per line (at most 1000 lines of 100 characters). "
        "A comment containing one (in any field) waits for moderation.",
    )
    disallowed_words = models.TextField(
        blank=True,
        validators=[validate_word_list],
        help_text="One word or phrase per line (at most 1000 lines of 100 characters). "
        "A comment containing one (in any field) goes straight to spam.",
    )
    close_after_days = models.PositiveIntegerField(
        "close comments on articles older than (days)",
        null=True,
        blank=True,
        validators=_bounds("close_after_days"),
        help_text="From 1 to 3650 days (ten years). Leave empty to keep comments open on every article.",
    )
    thread_depth = models.PositiveSmallIntegerField(
        "reply levels",
        default=5,
        validators=_bounds("thread_depth"),
        help_text="How deep replies nest, from 1 to 10; a reply at the last level attaches beside its parent. "
        "1 turns replies off.",
    )
    comments_per_page = models.PositiveSmallIntegerField(
        default=50,
        validators=_bounds("comments_per_page"),
        help_text="Top-level comments shown on one page of an article's discussion, from 1 to 500.",
    )
    notify_moderators = models.BooleanField(
        default=True, help_text="Email the comment moderators when a comment waits for moderation."
    )
    notify_authors = models.BooleanField(
        default=True, help_text="Email an article's author when a comment on it is approved."
    )
    ip_retention_days = models.PositiveSmallIntegerField(
        "keep IP addresses for (days)",
        default=60,
        validators=_bounds("ip_retention_days"),
        help_text="IP addresses and browser details of commenters are erased after this many days (1 to 3650).",
    )

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    @classmethod
    def load(cls):
        """The settings as every page and rule uses them: within their bounds, whatever the row holds.

        A value written around validation (an older release, a shell, a data import) is brought to the nearest
        bound, so no stored setting can make a page fail; the admin still shows and validates the stored row.
        """
        return super().load().within_bounds()

    def within_bounds(self):
        """Bring each numeric setting to its nearest bound; return self."""
        if self.close_after_days == 0:
            # Stored before the bounds existed, 0 meant "never close", as an empty field does now.
            self.close_after_days = None
        for name, (low, high) in DISCUSSION_BOUNDS.items():
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, min(max(value, low), high))
        return self

    def clean(self):
        self.moderation_words = "\n".join(_listed_lines(self.moderation_words))
        self.disallowed_words = "\n".join(_listed_lines(self.disallowed_words))

    @property
    def moderation_word_list(self):
        return _word_list(self.moderation_words)

    @property
    def disallowed_word_list(self):
        return _word_list(self.disallowed_words)


def _word_list(text):
    return [line.lower() for line in _listed_lines(text)[:MAX_LISTED_WORDS]]


def staff_member(user):
    """`user` if it is a logged-in staff member, whose comments are clinic replies; else None."""
    return user if user is not None and user.is_authenticated and user.is_staff else None


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def by_email(self, email):
        return self.filter(email__iexact=email.strip())

    def for_display(self):
        return self.select_related("user__profile").order_by("created_at", "pk")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The top-level comment of this comment's thread (itself for a top-level comment).",
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text="Set when a staff member wrote it: shown with the clinic team badge.",
    )
    name = models.CharField(max_length=245)
    email = models.EmailField(max_length=100, blank=True, help_text="Never shown publicly.")
    url = models.URLField("website", max_length=200, blank=True)
    body = models.TextField("comment", max_length=65525)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    held_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the comment was held or sent to spam by the rules."
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    consent_at = models.DateTimeField(
        "consent given", null=True, blank=True, help_text="When the commenter agreed to the storing of their data."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    followers_notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When those following the discussion were told of it."
    )

    objects = CommentQuerySet.as_manager()
    # The status this comment had when loaded (None for a new one); kept by blog/signals.py after each save.
    loaded_status = None

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["article", "status", "thread", "created_at"], name="comment_thread_idx"),
            # The moderation queue (admin's comment list by status, newest first) without reading past the rest.
            models.Index(fields=["status", "-created_at"], name="comment_moderation_idx"),
        ]
        permissions = [("moderate_comment", "Can approve, spam, trash and restore comments")]

    def __str__(self):
        return f"{self.name} on {self.article}"

    def save(self, *args, **kwargs):
        """A new comment's place in its thread comes from its parent: one level deeper, the same thread."""
        if self._state.adding:
            self.depth = self.parent.depth + 1 if self.parent_id else 1
            if self.parent_id:
                self.thread_id = self.parent.thread_id or self.parent_id
        super().save(*args, **kwargs)
        if self.thread_id is None:
            self.thread_id = self.pk
            Comment.objects.filter(pk=self.pk).update(thread_id=self.thread_id)

    def get_absolute_url(self, *, per_page=None):
        """The comment on the page of its article's discussion that shows it; `per_page` when already known."""
        per_page = per_page or DiscussionSettings.load().comments_per_page
        return f"{self.article.discussion_url(self.discussion_page_number(per_page))}#comment-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the status as loaded: whether a change shows anywhere depends on what it was (see signals.py)."""
        comment = super().from_db(db, field_names, values)
        comment.loaded_status = comment.__dict__.get("status")
        return comment

    def discussion_page_number(self, per_page):
        """The page of the article's discussion that shows this comment's thread."""
        root = self.thread if self.thread_id and self.thread_id != self.pk else self
        earlier_roots = (
            Comment.objects.approved()
            .filter(article_id=self.article_id, parent=None)
            .filter(models.Q(created_at__lt=root.created_at) | models.Q(created_at=root.created_at, pk__lt=root.pk))
        )
        return earlier_roots.count() // per_page + 1

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_clinic_reply(self):
        return self.user_id is not None and self.user.is_staff

    @property
    def display_name(self):
        if self.is_clinic_reply and hasattr(self.user, "profile"):
            return self.user.profile.name_with_credentials
        return self.name

    @property
    def initials(self):
        words = [word for word in self.name.replace(".", " ").split() if word[:1].isalpha()]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def avatar_colour(self):
        """One of eight colours, picked from the name so it stays the same between visits."""
        return sum(self.name.encode()) % 8


class ArticleRedirect(models.Model):
    """An old address of an article whose slug changed; `/blog/<old_slug>/` redirects permanently to it."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"/blog/{self.old_slug}/ → {self.article}"


class Reference(models.Model):
    """A source an article rests on, cited in its body as [1], [2]…"""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list: [1] is the first.")
    authors = models.CharField(max_length=300, help_text="e.g. “Rabago D, Patterson JJ, Mundt M, et al.”")
    title = models.CharField(max_length=400)
    journal = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="e.g. 10.1370/afm.1504")
    pmid = models.CharField(
        "PubMed ID", max_length=20, blank=True, validators=[RegexValidator(r"^\d+$", "Digits only, e.g. 23690322.")]
    )
    url = models.URLField("other link", blank=True, help_text="When the source has neither DOI nor PubMed ID.")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.authors} {self.title}"

    def clean(self):
        self.doi = self.doi.strip().removeprefix("https://doi.org/").removeprefix("doi:").strip()
        if not (self.doi or self.pmid or self.url):
            raise ValidationError("Give a DOI, a PubMed ID or a link, so readers can find the source.")

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def link(self):
        return self.doi_url or self.pubmed_url or self.url


class CommentSubscriptionQuerySet(models.QuerySet):
    def of(self, email):
        return self.filter(email=normalized_email(email))

    def hearing_of(self, comment):
        """The confirmed subscriptions told when `comment` is published: to every comment on its article, or to
        replies to the comment it answers; never its own author's."""
        following = models.Q(scope=CommentSubscription.Scope.ALL, article_id=comment.article_id)
        if comment.parent_id:
            following |= models.Q(scope=CommentSubscription.Scope.REPLIES, comment_id=comment.parent_id)
        return (
            self.filter(following, status=CommentSubscription.Status.CONFIRMED)
            .exclude(email=normalized_email(comment.email))
            .exclude(comment=comment)
        )


class CommentSubscription(Subscription):
    """A commenter's "Notify me of follow-up comments by email", confirmed by email before anything is sent."""

    class Scope(models.TextChoices):
        REPLIES = "replies", "Replies to my comment"
        ALL = "all", "All new comments on this article"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comment_subscriptions")
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text="The comment whose posting asked for it (its replies, for “Replies to my comment”).",
    )
    scope = models.CharField("notify of", max_length=10, choices=Scope.choices, default=Scope.REPLIES)

    objects = CommentSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "follow-up subscription"

    def __str__(self):
        return f"{self.email}: {self.get_scope_display().lower()} on {self.article}"
