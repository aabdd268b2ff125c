"""Delivery of the stored emails by a worker (`make worker`), never inside a request.

One task sends a batch over one connection. Each email is claimed before it is handed to the mail server and
marked sent right after, each step committed on its own, so a worker stopped mid-batch and started again sends
only what it had not sent. An email the server did not take is tried again later (the task enqueues itself
with `run_after`), EMAIL_MAX_ATTEMPTS times at most, then marked failed with the reason, for an editor to see
and "Send again" in the admin.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from core.periodic import periodic

from .models import FIRST_RETRY_SECONDS, Email

logger = logging.getLogger(__name__)

# Refusals of one message: the others of the batch still go over the same connection.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def permanent(error):
    """Whether the mail server refused for good (a 5xx reply: no such mailbox, policy): trying again won't help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
    else:
        codes = [getattr(error, "smtp_code", 0)]
    return bool(codes) and all(500 <= code < 600 for code in codes)


@task()
def emails_deliver(email_ids):
    """Send the emails `email_ids` that are still waiting; return how many the mail server took."""
    waiting = list(Email.objects.waiting().filter(pk__in=email_ids).order_by("pk"))
    connection, sent = None, 0
    try:
        for index, email in enumerate(waiting):
            if not _claim(email):
                continue  # another worker has it
            try:
                if connection is None:
                    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
                    connection.open()
                email.message(connection).send()
            except MESSAGE_REFUSED as error:
                _failed(email, error)
            except Exception as error:
                # The connection itself failed: the rest of the batch waits for the next try with this one.
                _failed(email, error)
                _retry_later(waiting[index + 1 :])
                connection = None
                break
            else:
                _sent(email)
                sent += 1
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.warning("The connection to the mail server did not close cleanly", exc_info=True)
    return sent


def _claim(email):
    """Mark `email` as being sent, counting the try; False when it is no longer waiting."""
    claimed = (
        Email.objects.waiting()
        .filter(pk=email.pk)
        .update(status=Email.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
    )
    email.attempts += 1
    return bool(claimed)


def _sent(email):
    done = {"status": Email.Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if email.secret:
        done["text"] = ""
    Email.objects.filter(pk=email.pk).update(**done)


def _failed(email, error):
    reason = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS or permanent(error):
        logger.error("Gave up sending “%s” after %s tries: %s", email.subject, email.attempts, reason)
        Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED, last_error=reason, next_attempt_at=None)
        return
    email.next_attempt_at = email.next_try_after(timezone.now())
    logger.warning("Could not send “%s” (try %s), trying again at %s: %s", email.subject, email.attempts,
                   email.next_attempt_at, reason)  # fmt: skip
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.PENDING, last_error=reason, next_attempt_at=email.next_attempt_at
    )
    emails_deliver.using(run_after=email.next_attempt_at).enqueue([email.pk])


def _retry_later(emails):
    """Emails of a batch left untried because the connection failed: tried again after the first wait."""
    ids = [email.pk for email in emails]
    if ids:
        when = timezone.now() + datetime.timedelta(seconds=FIRST_RETRY_SECONDS)
        Email.objects.filter(pk__in=ids, status=Email.Status.PENDING).update(next_attempt_at=when)
        emails_deliver.using(run_after=when).enqueue(ids)


# An email "being sent" for this many tries' worth of timeouts was interrupted (its worker stopped).
INTERRUPTED_AFTER_TIMEOUTS = 10


@periodic(every=datetime.timedelta(minutes=5))
@task()
def emails_sweep():
    """Catch what a lost task would leave behind: waiting emails whose time has come are queued again (a worker
    or Redis may have lost their task), and an email left "being sent" by a worker that stopped is marked failed
    with the reason, for an editor to check and send again: it may have gone out, and it is never sent twice."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.EMAIL_TIMEOUT * INTERRUPTED_AFTER_TIMEOUTS)
    interrupted = Email.objects.filter(status=Email.Status.SENDING, updated_at__lt=stale).update(
        status=Email.Status.FAILED,
        last_error="The worker stopped while sending it: it may or may not have arrived. Send it again if not.",
    )
    due = list(Email.objects.due().filter(created_at__lt=timezone.now() - datetime.timedelta(minutes=1))
               .values_list("pk", flat=True)[:500])  # fmt: skip
    if due:
        emails_deliver.enqueue(due)
    return {"queued": len(due), "interrupted": interrupted}
