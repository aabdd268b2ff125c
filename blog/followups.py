"""“Notify me of follow-up comments by email”: the commenter's subscription, its confirmation and its emails.

The first time an address asks, it gets one confirmation email and nothing else until it confirms (core/optin.py);
an address that confirmed once is trusted for its next subscriptions until it unsubscribes from everything.
Confirmed subscribers hear of each comment published in what they follow, once per comment, with the comment's
text, a link to it and one-click unsubscribe links (RFC 8058) for the article or for everything.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clinic.models import clinic_settings
from core.links import absolute_url
from core.optin import (
    CONFIRMATION_INTERVAL,
    confirmation_max_age,
    confirmed_now,
    link_token,
    link_values,
    may_send_confirmation,
    normalized_email,
    unsubscribe_headers,
    unsubscribed_now,
)
from outbox.services import email_queue

from .models import Article, Comment, CommentSubscription

CONFIRM, STOP = "comment-follow-confirm", "comment-follow-stop"
# The article id a “stop” link names to stop every follow-up email of the address.
EVERYTHING = 0


def stop_url(email, article_id):
    """The one-click unsubscribe address of `email` for `article_id` (or EVERYTHING)."""
    return absolute_url(reverse("blog:comment-follow-stop", args=[link_token(STOP, email, article_id)]))


def comment_subscription_create(*, comment, scope):
    """Subscribe the author of `comment` to `scope` (CommentSubscription.Scope) on its article; return it.

    Confirmed at once for an address that confirmed before; otherwise pending, with a confirmation email unless
    one went to the address within the hour. Asking again for what the address already follows adds nothing.
    """
    email = normalized_email(comment.email)
    mine = CommentSubscription.objects.of(email)
    if scope == CommentSubscription.Scope.ALL:
        same = mine.filter(article=comment.article, scope=scope).exclude(status=CommentSubscription.Status.UNSUBSCRIBED)
        if same.exists():
            return same.first()
    trusted = mine.filter(status=CommentSubscription.Status.CONFIRMED).exists()
    subscription = CommentSubscription(email=email, article=comment.article, comment=comment, scope=scope)
    if trusted:
        subscription.status, subscription.confirmed_at = CommentSubscription.Status.CONFIRMED, timezone.now()
    elif may_send_confirmation(mine):
        subscription.confirmation_sent_at = timezone.now()
        _email_confirmation(subscription)
    subscription.save()
    return subscription


def comment_subscriptions_confirm(*, token):
    """Confirm what the address of a confirmation link asked for until the next confirmation could be sent;
    return the subscriptions confirmed (none when the link was used already). Raises core.optin.BadLink."""
    (email,), made_at = link_values(CONFIRM, token, max_age=confirmation_max_age())
    pending = CommentSubscription.objects.of(email).filter(
        status=CommentSubscription.Status.PENDING, created_at__lte=made_at + CONFIRMATION_INTERVAL
    )
    confirmed = list(pending.select_related("article"))
    confirmed_now(CommentSubscription.objects.filter(pk__in=[subscription.pk for subscription in confirmed]))
    return confirmed


def comment_subscriptions_stop(*, token):
    """Unsubscribe the address of a “stop” link from its article (None: from everything); return (article or
    None, how many stopped). The same link may be used again: it stops nothing more. Raises
    core.optin.BadLink."""
    article, subscriptions = stop_link_subscriptions(token)
    return article, unsubscribed_now(subscriptions)


def stop_link_subscriptions(token):
    """(the article or None, the subscriptions) a “stop” link is about. Raises core.optin.BadLink."""
    (email, article_id), _made_at = link_values(STOP, token)
    subscriptions = CommentSubscription.objects.of(email)
    if article_id == EVERYTHING:
        return None, subscriptions
    return Article.objects.filter(pk=article_id).first(), subscriptions.filter(article_id=article_id)


def comment_followers_notify(comment, *, deliver=True):
    """Queue an email about `comment`, now published, to each address following it; return the emails.

    Once per comment: approving it again after an unapproval tells nobody twice.
    """
    with transaction.atomic():
        claimed = Comment.objects.filter(pk=comment.pk, followers_notified_at=None).update(
            followers_notified_at=timezone.now()
        )
        if not claimed:
            return []
        followers = CommentSubscription.objects.hearing_of(comment).order_by("email", "scope")
        addresses = {}
        for subscription in followers:
            # Replies first (a reply to their own comment), then all comments: one email per address.
            addresses.setdefault(subscription.email, subscription.scope)
        site_name = clinic_settings().name
        emails = []
        for email, scope in addresses.items():
            article_stop, everything_stop = stop_url(email, comment.article_id), stop_url(email, EVERYTHING)
            reply = scope == CommentSubscription.Scope.REPLIES
            context = {
                "comment": comment,
                "reply": reply,
                "site_name": site_name,
                "comment_url": absolute_url(comment.get_absolute_url()),
                "article_stop_url": article_stop,
                "everything_stop_url": everything_stop,
            }
            what = "New reply to your comment" if reply else "New comment"
            emails.append(
                email_queue(
                    kind="Follow-up comment",
                    subject=f"[{site_name}] {what} on “{comment.article.title}”",
                    template="blog/email/follow_up.txt",
                    html_template="blog/email/follow_up.html",
                    context=context,
                    recipients=[email],
                    headers=unsubscribe_headers(article_stop),
                    deliver=deliver,
                )
            )
        return emails


def _email_confirmation(subscription):
    site_name = clinic_settings().name
    context = {
        "article": subscription.article,
        "site_name": site_name,
        "confirm_url": absolute_url(
            reverse("blog:comment-follow-confirm", args=[link_token(CONFIRM, subscription.email)])
        ),
        "days": settings.SUBSCRIPTION_CONFIRM_DAYS,
    }
    email_queue(
        kind="Follow-up comments: confirmation",
        subject=f"[{site_name}] Confirm emails about follow-up comments",
        template="blog/email/follow_confirm.txt",
        html_template="blog/email/follow_confirm.html",
        context=context,
        recipients=[subscription.email],
        # Its link is the double opt-in: nobody but the recipient may read it, in the admin either.
        secret=True,
    )


def comment_subscriptions_erase(*, email):
    """Delete every follow-up subscription of `email` (a person's data erased at their request); return how many."""
    return CommentSubscription.objects.of(email).delete()[0]


def comment_subscriptions_export(*, email):
    """The follow-up subscriptions of `email`, for a data access request."""
    subscriptions = CommentSubscription.objects.of(email).select_related("article").order_by("created_at")
    return [
        {
            "article": subscription.article.title,
            "notify_of": subscription.get_scope_display(),
            "status": subscription.status,
            "created_at": subscription.created_at.isoformat(),
            "confirmed_at": subscription.confirmed_at.isoformat() if subscription.confirmed_at else None,
            "unsubscribed_at": subscription.unsubscribed_at.isoformat() if subscription.unsubscribed_at else None,
        }
        for subscription in subscriptions
    ]
