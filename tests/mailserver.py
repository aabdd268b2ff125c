"""A real SMTP server on loopback (aiosmtpd) that takes, refuses or never answers, for the tests of emails
(fixtures made available to every test by tests/conftest.py)."""

import socket

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """What the mail server received, and over how many connections; `refuse` (a reply such as "550 5.1.1 No
    such mailbox here" or "451 4.3.0 Try again later") makes it refuse every recipient so."""

    def __init__(self):
        self.messages, self.connections, self.refuse = [], set(), ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.connections.add(session.peer)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """A mail server the site sends to: `smtp.messages`, `smtp.connections`, `smtp.refuse = "550 ..."`."""
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 2
    yield recorder
    controller.stop()


@pytest.fixture
def black_hole(settings):
    """A mail server that accepts the connection and never says a word (an overloaded or broken host)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", listener.getsockname()[1], 1
    yield listener
    listener.close()


@pytest.fixture
def mail_server_down(settings):
    """An address where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2


@pytest.fixture
def mailed(smtp, worked, settings):
    """`with mailed(to) as found:` runs what a request or a service did as in production (commit, then a worker
    sends); `found` then holds what the mail server received meanwhile for `to`, parsed."""
    import contextlib
    import email
    import email.policy

    settings.SITE_URL = "https://blog.clinic.example"

    @contextlib.contextmanager
    def sent_to(to):
        before = len(smtp.messages)
        found = []
        with worked():
            yield found
        found += [
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            for envelope in smtp.messages[before:]
            if to in envelope.rcpt_tos
        ]

    return sent_to
