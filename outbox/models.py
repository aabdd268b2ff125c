"""Every email the site sends, kept from the moment it is decided until the mail server took it (or gave up).

An email is rendered once, when what it is about happens, and stored in the same transaction: a worker sends it
later (outbox/tasks.py), so no request waits for a mail server, and what the email says is what was true then.
Each email keeps its Message-ID across tries and records when it was sent: a worker that is stopped and started
again never sends one twice.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import models
from django.utils import timezone

# Waits before the next try of an email the mail server did not take: 1, 5 and 25 minutes, then every 2 hours.
FIRST_RETRY_SECONDS, RETRY_FACTOR, LONGEST_RETRY_SECONDS = 60, 5, 7200


def new_message_id():
    return make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)


class EmailQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=Email.Status.PENDING)

    def due(self):
        """Waiting emails whose next try has come."""
        now = timezone.now()
        return self.waiting().filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now))


class Email(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=80, help_text="What the email is, e.g. “Comment held for moderation”.")
    to = models.JSONField("recipients", default=list)
    subject = models.CharField(max_length=300)
    text = models.TextField("plain text")
    html = models.TextField("HTML", blank=True)
    headers = models.JSONField(default=dict, blank=True)
    secret = models.BooleanField(
        default=False, help_text="It holds a secret link (a password link): its text is never shown, erased once sent."
    )
    message_id = models.CharField("Message-ID", max_length=250, unique=True, default=new_message_id, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tries", default=0)
    last_error = models.TextField("reason of the last failure", blank=True)
    next_attempt_at = models.DateTimeField("next try", null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        permissions = [("send_email", "Can send an email again")]

    def __str__(self):
        return self.subject

    def message(self, connection=None):
        """The email as the mail server gets it, with the same Message-ID on every try."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            to=self.to,
            reply_to=settings.EMAIL_REPLY_TO,
            headers={"Message-ID": self.message_id, **self.headers},
            connection=connection,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message

    def retry_delay(self):
        """Seconds to wait before the next try, after `attempts` tries."""
        return min(FIRST_RETRY_SECONDS * RETRY_FACTOR ** max(self.attempts - 1, 0), LONGEST_RETRY_SECONDS)

    def next_try_after(self, now):
        return now + datetime.timedelta(seconds=self.retry_delay())
