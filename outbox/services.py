"""Writes with side effects: an email decided now, sent by a worker once the transaction commits."""

from django.db import transaction
from django.template.loader import render_to_string

from .models import Email


def email_queue(*, kind, subject, template, context, recipients, headers=None, secret=False, deliver=True):
    """Store the email made from `template` (plain text) with `context`, and have a worker send it once the
    current transaction commits; return it. With `deliver=False` the caller sends several at once
    (`emails_deliver_later`), over one connection to the mail server.
    """
    email = Email.objects.create(
        kind=kind,
        to=list(recipients),
        subject=" ".join(subject.split()),
        text=render_to_string(template, context),
        headers=headers or {},
        secret=secret,
    )
    if deliver:
        emails_deliver_later([email])
    return email


def emails_deliver_later(emails):
    """One task sends `emails` when the transaction commits (nothing is sent for a transaction rolled back)."""
    from .tasks import emails_deliver

    ids = [email.pk for email in emails]
    if ids:
        transaction.on_commit(lambda: emails_deliver.enqueue(ids))


def emails_send_again(emails):
    """Put failed emails back in the queue with their tries counted afresh; return how many."""
    again = list(emails.filter(status=Email.Status.FAILED))
    with transaction.atomic():
        Email.objects.filter(pk__in=[email.pk for email in again]).update(
            status=Email.Status.PENDING, attempts=0, next_attempt_at=None
        )
        emails_deliver_later(again)
    return len(again)
