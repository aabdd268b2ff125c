"""Helpers shared by tests: what a browser would send back from a page's form, a request through the WSGI stack,
the article form the admin posts, logging in with a real browser."""

import io
from html.parser import HTMLParser

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Article

# Imported once at collection: clinic.wsgi sets up Django (and its logging) again when first imported.
from clinic.wsgi import application
from tests.factories import CategoryFactory, CommentFactory, TagFactory, uploaded_image

# The demo article's address, as seed_demo and the browser tests' data have it.
ARTICLE = "/blog/what-is-prolotherapy/"


class _FormReader(HTMLParser):
    """Collects the fields of the first <form> whose id is `form_id` (or the first form) as a browser submits it."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.done = False
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and not self.in_form:
            self.in_form = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["selected"] or ([] if select["multiple"] else select["options"][:1])
            self.fields.extend((select["name"], value) for value in chosen)


def form_fields(html, form_id=None):
    """The (name, value) pairs a browser would submit from the form, file inputs left empty."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def form_data(html, form_id=None, **changes):
    """`form_fields` as a dict for the test client (lists for repeated names), with `changes` applied."""
    data = {}
    for name, value in form_fields(html, form_id):
        data.setdefault(name, []).append(value)
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    data.update(changes)
    return data


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, dict(headers), body
        self.header_list = list(headers)
        self.text = body.decode(errors="replace")

    @property
    def hit(self):
        return self.headers.get("X-Page-Cache") == "hit"


def wsgi(path, method="GET", cookies="", query="", **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "REMOTE_ADDR": "198.51.100.1",
        **({"HTTP_COOKIE": cookies} if cookies else {}),
        **extra,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), headers

    # As Django's test client does: a request must not close the connection the test's transaction runs in.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Answer(answer["status"], answer["headers"], body)


def article_form(editor, **overrides):
    """What the admin's add/change form posts for an article; category and tags are made only when not given."""
    data = {
        "title": "What Is Prolotherapy?",
        "slug": "what-is-prolotherapy",
        "excerpt": "An injection treatment that stimulates healing.",
        "body": "<p>Prolotherapy is <strong>regenerative</strong>.</p><script>alert(1)</script>",
        "featured_image": uploaded_image("hero.png"),
        "featured_image_alt": "A physician preparing an injection",
        "status": Article.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
        "author": editor.pk,
        "allow_comments": "on",
        **references_management_form(),
        **overrides,
    }
    if "category" not in overrides:
        data["category"] = CategoryFactory(name="Regenerative Medicine").pk
    if "tags" not in overrides:
        data["tags"] = [TagFactory(name="Joint Pain").pk]
    return data


def references_management_form(total=0, initial=0):
    return {
        "references-TOTAL_FORMS": str(total),
        "references-INITIAL_FORMS": str(initial),
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }


PASSWORD = "correct horse battery staple"


def role_member(role, **fields):
    """A staff member in the group `role` (clinic/roles.py), and a test client logged in as them."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from tests.factories import UserFactory

    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return user, client


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content", exact=True)).to_be_visible()


# Browser tests: axe-core from npm (package.json), and the two widths every page is checked at.
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


def axe_violations(page):
    """What axe-core reports with its standard rules (WCAG 2.0–2.2 A and AA, best practices) and target size.

    axe-core leaves the WCAG 2.2 AA rule on target size (2.5.8, 24 px) off by default; it is turned on here.
    """
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(
            node["target"][0] if len(node["target"]) == 1 else str(node["target"]) for node in violation["nodes"]
        )
        for violation in results["violations"]
    ]


def horizontal_overflow(page):
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def run_tasks(limit=1000):
    """Run the queued tasks that are due, one after another, with a real worker's code (django-tasks-db's), in
    this process and the test's transaction; return how many ran. Tasks queued for later wait for their time
    (travel there with time_machine)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
        worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip
    for ran in range(limit):
        # As the worker does: the task is taken in a transaction of its own (select_for_update needs one outside
        # a test's transaction, in the browser tests), then run outside it.
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        worker.run_task(result)
    raise AssertionError(f"More than {limit} tasks: one keeps queueing another that is due at once.")


def queue_email(to="reader@clinic.example", subject="A test email", deliver=True):
    """An email queued the way the site queues its own (outbox.services.email_queue), about a new comment."""
    from outbox.services import email_queue

    context = {"comment": CommentFactory(), "site_name": "Clinic"}
    template = "blog/email/comment_approved.txt"
    return email_queue(
        kind="Test", subject=subject, template=template, context=context, recipients=[to], deliver=deliver
    )


def totp_code(device, at=None):
    """The code an authenticator app shows for `device` now (or at the Unix time `at`), computed from its key."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def authenticator_for(user):
    """A confirmed authenticator app (django-otp TOTP device) for `user`, as enrolment leaves it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def force_login_verified(client, user, device=None):
    """`client.force_login(user)` with the second factor passed, as a login through the code step leaves the session.

    Needed where the person has a second factor or TWO_FACTOR_REQUIRED covers them; elsewhere force_login is enough.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    device = device or authenticator_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
