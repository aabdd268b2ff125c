"""Sending an email made from a template."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def mail_send(*, subject, template, context, recipients):
    """Render `template` with `context` and send it as a plain-text email; True when the mail server took it.

    A mail server that is down is logged, never turned into the error of whoever caused the email: callers send
    after their transaction committed, so what the email is about is already safe.
    """
    message = render_to_string(template, context)
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    except Exception:
        logger.exception("Could not send the email “%s” to %s", subject, ", ".join(recipients))
        return False
    return True
