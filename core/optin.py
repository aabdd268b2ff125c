"""Double opt-in for anything a person subscribes to by email, with no account: signed links and their rules.

A subscription starts pending; a link in a confirmation email confirms it. Links are signed (nobody can make one
for somebody else's address), confirmation links expire, and every link names what it may change, so a link that
was tampered with, has expired or was already used changes nothing and gets a page that says so. Unsubscribe
links never expire and may be used any number of times: unsubscribing twice is unsubscribing once.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone

# At most one confirmation email per address in this time, so that nobody can use a subscribe form to fill
# somebody else's inbox. A confirmation link also confirms what the address asked for until the next one may go.
CONFIRMATION_INTERVAL = datetime.timedelta(hours=1)


class BadLink(Exception):
    """A link that cannot be acted on; `reason` is one of TAMPERED and EXPIRED."""

    TAMPERED, EXPIRED = "tampered", "expired"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def link_token(purpose, *values):
    """A token for a link that does `purpose` with `values` (strings and numbers)."""
    return signing.dumps([list(values), timezone.now().timestamp()], salt=f"core.optin.{purpose}", compress=True)


def link_values(purpose, token, *, max_age=None):
    """The values of a token made by `link_token(purpose, ...)` and when it was made; raises BadLink."""
    try:
        values, made_at = signing.loads(token, salt=f"core.optin.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(BadLink.EXPIRED) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BadLink(BadLink.TAMPERED) from None
    return values, datetime.datetime.fromtimestamp(made_at, tz=datetime.timezone.utc)


def unsubscribe_headers(url):
    """RFC 8058's headers: mail programs show an Unsubscribe button that POSTs to `url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def confirmation_max_age():
    """How long a confirmation link works."""
    return datetime.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)


def may_send_confirmation(subscriptions):
    """Whether the address whose subscriptions these are may be sent a confirmation now."""
    return not subscriptions.filter(confirmation_sent_at__gt=timezone.now() - CONFIRMATION_INTERVAL).exists()


class Subscription(models.Model):
    """What every email subscription has: an address, and where it stands in the double opt-in."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.email = normalized_email(self.email)
        super().save(*args, **kwargs)


def normalized_email(address):
    """One spelling per address: mailbox names are compared without case, as every real mail server does."""
    return address.strip().lower()


def confirmed_now(subscriptions):
    """Confirm the pending ones of `subscriptions`; return how many."""
    return subscriptions.filter(status=Subscription.Status.PENDING).update(
        status=Subscription.Status.CONFIRMED, confirmed_at=timezone.now()
    )


def still_subscribed(subscriptions):
    """Those of `subscriptions` still pending or confirmed."""
    return subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED)


def unsubscribed_now(subscriptions):
    """Unsubscribe those of `subscriptions` still pending or confirmed; return how many."""
    return still_subscribed(subscriptions).update(
        status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
