"""Writes with side effects: an email decided now, sent by a worker once the transaction commits."""

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.template.loader import render_to_string

from core.tasks import enqueue_on_commit

from .models import Email
from .tasks import emails_deliver

# What an erased email says instead of what it quoted.
ERASED_TEXT = "This email quoted a comment whose author asked for their data to be erased: its text is gone."


def email_build(*, kind, subject, template, context, recipients, html_template=None, headers=None, secret=False):
    """The email made from `template` (plain text) and `html_template` (its HTML part, if any) with `context`, not
    stored yet: rendering many takes a while, storing them (`emails_queue`) does not, so a batch renders first and
    holds the database's write lock only to store (on SQLite it is the whole database's)."""
    subject = " ".join(subject.split())
    return Email(
        kind=kind,
        to=list(recipients),
        subject=subject,
        text=render_to_string(template, context),
        html=render_to_string(html_template, {**context, "subject": subject}) if html_template else "",
        headers=headers or {},
        secret=secret,
    )


def email_queue(*, deliver=True, **email):
    """Store the email `email_build(**email)` makes and have a worker send it once the current transaction commits;
    return it. With `deliver=False` the caller sends several at once (`emails_deliver_later`), over one connection
    to the mail server."""
    built = email_build(**email)
    built.save()
    if deliver:
        emails_deliver_later([built])
    return built


def emails_queue(emails):
    """Store the built `emails` at once; one task sends them over one connection once the transaction commits."""
    Email.objects.bulk_create(emails)
    emails_deliver_later(emails)
    return emails


def emails_deliver_later(emails):
    """One task sends `emails` when the transaction commits (nothing is sent for a transaction rolled back)."""
    ids = [email.pk for email in emails]
    if ids:
        enqueue_on_commit(emails_deliver, ids)


def emails_send_again(emails):
    """Put failed emails back in the queue with their tries counted afresh; return how many."""
    again = list(emails.filter(status=Email.Status.FAILED))
    with transaction.atomic():
        Email.objects.filter(pk__in=[email.pk for email in again]).update(
            status=Email.Status.PENDING, attempts=0, next_attempt_at=None
        )
        emails_deliver_later(again)
    return len(again)


def emails_erase(*, address, quoting):
    """Erase the text of every email that names `address` or quotes one of the texts `quoting`, and of every
    email sent to `address` (a person's data erased at their request); return how many."""
    mentions = Q(text__icontains=address) if address.strip() else Q(pk__in=[])
    for text in quoting:
        if text.strip():
            mentions |= Q(text__contains=text)
    erased = Email.objects.filter(mentions).update(text=ERASED_TEXT, html="")
    if address.strip():
        # `to` is a JSON list: its text holds each address in quotes, whatever the database.
        sent_to = Email.objects.annotate(to_text=Cast("to", TextField())).filter(to_text__icontains=f'"{address}"')
        erased += Email.objects.filter(pk__in=sent_to.values("pk")).update(to=[], text=ERASED_TEXT, html="")
    return erased
