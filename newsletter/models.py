"""Readers who get new articles by email, and what was announced to them."""

from django.db import models
from django.utils import timezone

from blog.models import Article, Category
from core.models import SingletonModel
from core.optin import Subscription
from outbox.models import Email


class Subscriber(Subscription):
    """A reader's “Get new articles by email”, confirmed by email before anything else is sent."""

    class Frequency(models.TextChoices):
        EACH = "each", "Each new article"
        WEEKLY = "weekly", "A weekly digest"

    email = models.EmailField(max_length=254, unique=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.EACH)
    last_digest_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Until when the last weekly digest covered articles."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "frequency"])]

    def __str__(self):
        return self.email


class SubscribeRequest(models.Model):
    """When a client address used the subscribe form: to cap how many confirmations one address can cause.
    Kept a day (the purge of newsletter.tasks)."""

    ip_address = models.GenericIPAddressField("IP address")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self):
        return f"{self.ip_address} at {self.created_at:%Y-%m-%d %H:%M}"


class NewsletterSettings(SingletonModel):
    """What is announced, and when the weekly digest goes."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    paused = models.BooleanField(
        "pause announcements",
        default=False,
        help_text="While paused, articles that are published are not announced (not later either) and no digest "
        "goes out. Confirmations and unsubscribes still work.",
    )
    quiet_categories = models.ManyToManyField(
        Category,
        blank=True,
        verbose_name="categories not announced",
        help_text="Articles in these categories are published without an email to subscribers.",
    )
    digest_weekday = models.PositiveSmallIntegerField(
        "weekly digest on", choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(
        "at",
        default=8,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="In the site's time zone.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "newsletter settings"

    def __str__(self):
        return "Newsletter settings"


class Announcement(models.Model):
    """An article told to subscribers once, when it became visible (or why it was not)."""

    class Status(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not announced"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="announcement")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was not announced.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.article)


class Delivery(models.Model):
    """One subscriber's email of one announcement: at most one, whatever a worker does."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    email = models.OneToOneField(Email, on_delete=models.CASCADE, related_name="newsletter_delivery")

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["announcement", "subscriber"], name="one_delivery_per_subscriber")
        ]

    def __str__(self):
        return f"{self.announcement} to {self.subscriber}"
