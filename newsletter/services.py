"""Subscribing, confirming, changing and stopping; announcing an article once; the weekly digest.

Every email is queued in the outbox inside the transaction that decides it, and a worker sends it. An
announcement is sent in batches (ANNOUNCEMENT_BATCH subscribers, one connection to the mail server each); a
batch's emails are rendered first, then stored with their deliveries in one short transaction, so a worker stopped
mid-way sends what is left when it is started again, and nobody gets an article twice.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from clinic.models import clinic_settings
from core.links import absolute_url
from core.optin import (
    BadLink,
    confirmation_max_age,
    link_token,
    link_values,
    may_send_confirmation,
    normalized_email,
    unsubscribe_headers,
)
from core.tasks import enqueue_on_commit
from outbox.services import email_build, email_queue, emails_erase, emails_queue

from .models import Announcement, Delivery, NewsletterSettings, Subscriber, SubscribeRequest

CONFIRM, MANAGE = "newsletter-confirm", "newsletter-manage"
ANNOUNCEMENT_BATCH = 500
# An article is announced when it becomes visible, or by the sweep within this time: never an old article an
# editor saves again, nor imported ones.
ANNOUNCE_WITHIN = datetime.timedelta(days=1)
# How many confirmations one client address can cause in an hour.
REQUESTS_PER_ADDRESS_PER_HOUR = 10


def manage_url(subscriber):
    return absolute_url(reverse("newsletter:manage", args=[link_token(MANAGE, subscriber.pk, subscriber.email)]))


def unsubscribe_url(subscriber):
    return absolute_url(reverse("newsletter:unsubscribe", args=[link_token(MANAGE, subscriber.pk, subscriber.email)]))


def subscriber_subscribe(*, email, frequency, ip_address=None):
    """Ask for new articles by email: a pending subscriber and one confirmation email, or nothing.

    The answer to the reader is the same whatever happened here (no way to learn who subscribes). Nothing is
    sent to an address that is confirmed already, or was sent a confirmation within the hour, or when the
    client address asked too often in the hour.
    """
    email = normalized_email(email)
    with transaction.atomic():
        if ip_address:
            hour_ago = timezone.now() - datetime.timedelta(hours=1)
            if SubscribeRequest.objects.filter(ip_address=ip_address, created_at__gt=hour_ago).count() >= (
                REQUESTS_PER_ADDRESS_PER_HOUR
            ):
                return None
            SubscribeRequest.objects.create(ip_address=ip_address)
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"frequency": frequency}
        )
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        if not may_send_confirmation(Subscriber.objects.filter(pk=subscriber.pk)):
            return subscriber
        subscriber.status, subscriber.frequency = Subscriber.Status.PENDING, frequency
        subscriber.confirmation_sent_at = timezone.now()
        subscriber.save()
        _email_confirmation(subscriber)
        return subscriber


def subscriber_confirm(*, token):
    """Confirm the subscriber of the latest confirmation link sent to them; return (subscriber, whether this
    link confirmed it). Raises BadLink."""
    (pk, email), made_at = link_values(CONFIRM, token, max_age=confirmation_max_age())
    subscriber = Subscriber.objects.filter(pk=pk, email=email).first()
    if subscriber is None:
        raise BadLink(BadLink.TAMPERED)
    latest = subscriber.confirmation_sent_at and made_at >= subscriber.confirmation_sent_at - datetime.timedelta(
        seconds=1
    )
    if subscriber.status != Subscriber.Status.PENDING or not latest:
        return subscriber, False
    subscriber.status, subscriber.confirmed_at = Subscriber.Status.CONFIRMED, timezone.now()
    subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber, True


def subscriber_from_link(token):
    """The subscriber a manage or unsubscribe link names (these never expire); raises BadLink."""
    (pk, email), _made_at = link_values(MANAGE, token)
    subscriber = Subscriber.objects.filter(pk=pk, email=email).first()
    if subscriber is None:
        raise BadLink(BadLink.TAMPERED)
    return subscriber


def subscriber_unsubscribe(*, subscriber):
    """Stop every email to `subscriber`; unsubscribing twice is unsubscribing once."""
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status, subscriber.unsubscribed_at = Subscriber.Status.UNSUBSCRIBED, timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def subscriber_change(*, subscriber, frequency):
    """Set how often `subscriber` hears of new articles (from a link in any email, so the address is theirs)."""
    subscriber.frequency = frequency
    fields = ["frequency"]
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status, subscriber.confirmed_at, subscriber.unsubscribed_at = (
            Subscriber.Status.CONFIRMED,
            timezone.now(),
            None,
        )
        fields += ["status", "confirmed_at", "unsubscribed_at"]
    subscriber.save(update_fields=fields)
    return subscriber


def article_announcement_plan(sender, instance, **kwargs):
    """An article saved as published: have a worker announce it when it becomes visible (newsletter.tasks).

    Each save plans it again at its current time: a plan made for an earlier time finds it not yet visible,
    or announced already, and does nothing.
    """
    from .tasks import article_announce_task

    if instance.status != Article.Status.PUBLISHED or instance.published_at is None:
        return
    if hasattr(instance, "announcement") or instance.published_at < timezone.now() - ANNOUNCE_WITHIN:
        return
    pk, moment = instance.pk, max(instance.published_at, timezone.now())
    enqueue_on_commit(article_announce_task.using(run_after=moment), pk)


def article_announce(article):
    """Announce `article` if it is visible now and was never announced; return its Announcement (or None).

    Skipped, with the reason recorded, while announcements are paused or when its category is not announced.
    """
    if not Article.objects.published().filter(pk=article.pk).exists():
        return None
    if article.published_at < timezone.now() - ANNOUNCE_WITHIN:
        return None
    newsletter = NewsletterSettings.load()
    reason = ""
    if newsletter.paused:
        reason = "Announcements were paused."
    elif article.category_id and newsletter.quiet_categories.filter(pk=article.category_id).exists():
        reason = f"Articles in “{article.category}” are not announced."
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                article=article,
                status=Announcement.Status.SKIPPED if reason else Announcement.Status.SENDING,
                reason=reason,
                finished_at=timezone.now() if reason else None,
            )
    except IntegrityError:
        return None  # announced by another worker meanwhile
    return announcement


def article_announcement_skip(article, *, reason):
    """Never announce `article` (published elsewhere before it came here: its readers heard of it there)."""
    Announcement.objects.get_or_create(
        article=article,
        defaults={"status": Announcement.Status.SKIPPED, "reason": reason[:200], "finished_at": timezone.now()},
    )


def announcement_send_batch(announcement, size=ANNOUNCEMENT_BATCH):
    """Queue the announcement's email to the next `size` confirmed subscribers who have not had it; return how
    many. When none are left it is marked sent.

    The emails are rendered before the transaction that stores them with their deliveries, which then keeps
    those of subscribers still waiting (a delivery is unique per subscriber and announcement).
    """
    announcement = Announcement.objects.select_related("article").get(pk=announcement.pk)
    if announcement.status != Announcement.Status.SENDING:
        return 0
    waiting = list(_not_yet_announced(announcement).order_by("pk")[:size])
    article = announcement.article
    shared = {
        "article": article,
        "article_url": absolute_url(article.get_absolute_url()),
        "summary": article.summary,
        "site_name": clinic_settings().name,
    }
    emails = [
        email_build(
            kind="New article",
            subject=article.title,
            template="newsletter/email/announcement.txt",
            html_template="newsletter/email/announcement.html",
            context={**shared, **_links(subscriber)},
            recipients=[subscriber.email],
            headers=unsubscribe_headers(unsubscribe_url(subscriber)),
        )
        for subscriber in waiting
    ]
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.SENDING:
            return 0
        if not waiting:
            if not _not_yet_announced(announcement).exists():
                announcement.status, announcement.finished_at = Announcement.Status.SENT, timezone.now()
                announcement.save(update_fields=["status", "finished_at"])
            return 0
        # Still waiting now: not emailed by another worker, not unsubscribed while the emails were rendered.
        ids = [subscriber.pk for subscriber in waiting]
        still = set(_not_yet_announced(announcement).filter(pk__in=ids).values_list("pk", flat=True))
        fresh = [pair for pair in zip(waiting, emails, strict=True) if pair[0].pk in still]
        emails_queue([email for _, email in fresh])
        Delivery.objects.bulk_create(
            Delivery(announcement=announcement, subscriber=subscriber, email=email) for subscriber, email in fresh
        )
        return len(waiting)


def _not_yet_announced(announcement):
    return Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED, frequency=Subscriber.Frequency.EACH).exclude(
        deliveries__announcement=announcement
    )


def digest_slot(now, newsletter):
    """The latest moment the weekly digest was due at or before `now` (in the site's time zone)."""
    local = timezone.localtime(now)
    due = local.replace(hour=newsletter.digest_hour, minute=0, second=0, microsecond=0)
    due -= datetime.timedelta(days=(local.weekday() - newsletter.digest_weekday) % 7)
    if due > local:
        due -= datetime.timedelta(days=7)
    return due


def digests_send_batch(now=None, size=ANNOUNCEMENT_BATCH):
    """Queue this week's digest to the next `size` weekly subscribers not yet sent it; return how many were
    handled (0 when all were, or it is not due, or announcements are paused). Rendered before the transaction
    that stores them, which keeps those still due (another worker may have sent some meanwhile)."""
    now = now or timezone.now()
    newsletter = NewsletterSettings.load()
    if newsletter.paused:
        return 0
    slot = digest_slot(now, newsletter)
    due = list(_digest_due(slot).order_by("pk")[:size])
    site_name = clinic_settings().name
    emails = {subscriber.pk: _digest_email(subscriber, slot, site_name) for subscriber in due}
    with transaction.atomic():
        still_due = list(
            _digest_due(slot).select_for_update(skip_locked=True).filter(pk__in=emails).values_list("pk", flat=True)
        )
        emails_queue([emails[pk] for pk in still_due if emails[pk] is not None])
        Subscriber.objects.filter(pk__in=still_due).update(last_digest_at=slot)
    return len(due)


def _digest_due(slot):
    return Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED, frequency=Subscriber.Frequency.WEEKLY).exclude(
        last_digest_at__gte=slot
    )


def _digest_email(subscriber, slot, site_name):
    """The digest of the articles announced since `subscriber` last had one (at most a week), or None if none were."""
    since = max(
        moment
        for moment in (subscriber.last_digest_at, subscriber.confirmed_at, slot - datetime.timedelta(days=7))
        if moment is not None
    )
    articles = list(
        Article.objects.published()
        .filter(announcement__status=Announcement.Status.SENT, announcement__created_at__gt=since)
        .filter(announcement__created_at__lte=slot)
        .order_by("published_at")
    )
    if not articles:
        return None
    return email_build(
        kind="Weekly digest",
        subject=digest_subject(site_name, articles),
        template="newsletter/email/digest.txt",
        html_template="newsletter/email/digest.html",
        context={
            "articles": [(article, absolute_url(article.get_absolute_url())) for article in articles],
            "site_name": site_name,
            **_links(subscriber),
        },
        recipients=[subscriber.email],
        headers=unsubscribe_headers(unsubscribe_url(subscriber)),
    )


def digest_subject(site_name, articles):
    more = f" and {len(articles) - 1} more" if len(articles) > 1 else ""
    return f"This week at {site_name}: {articles[-1].title}{more}"


def confirmation_subject(site_name):
    return f"[{site_name}] Confirm your subscription"


def _links(subscriber):
    return {"manage_url": manage_url(subscriber), "unsubscribe_url": unsubscribe_url(subscriber)}


def _email_confirmation(subscriber):
    site_name = clinic_settings().name
    email_queue(
        kind="Newsletter: confirmation",
        subject=confirmation_subject(site_name),
        template="newsletter/email/confirm.txt",
        html_template="newsletter/email/confirm.html",
        context={
            "subscriber": subscriber,
            "site_name": site_name,
            "confirm_url": absolute_url(
                reverse("newsletter:confirm", args=[link_token(CONFIRM, subscriber.pk, subscriber.email)])
            ),
            "days": settings.SUBSCRIPTION_CONFIRM_DAYS,
        },
        recipients=[subscriber.email],
        # Its link is the double opt-in: nobody but the recipient may read it, in the admin either.
        secret=True,
    )


def subscriber_export(*, email):
    """The newsletter subscription of `email`, for a data access request (core/privacy.py)."""
    subscriber = Subscriber.objects.filter(email=normalized_email(email)).first()
    if subscriber is None:
        return None
    return {
        "status": subscriber.status,
        "frequency": subscriber.get_frequency_display(),
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "unsubscribed_at": subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else None,
        "articles_sent": list(subscriber.deliveries.values_list("announcement__article__title", flat=True)),
    }


def subscriber_erase(*, email):
    """Delete the subscription of `email` and the emails sent to it; return how many subscriptions (0 or 1)."""
    address = normalized_email(email)
    subscribers = Subscriber.objects.filter(email=address)
    emails_erase(address=address, quoting=[])
    return subscribers.delete()[1].get("newsletter.Subscriber", 0)
