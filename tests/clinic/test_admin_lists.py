"""Every admin list runs the same SQL queries with 5 rows as with 50: nothing is asked of the database per row.

The lists come from the admin's own registry, so a new admin fails `test_every_admin_list_is_counted` until it
says here how to make its rows. Rows are varied as a real site's are: each article with its own author (with a
profile), category and tags, some comments written by the clinic team.
"""

import itertools

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Comment, CommentSubscription
from menus.models import Menu, MenuItem
from newsletter.models import Announcement, Delivery, Subscriber
from outbox.models import Email
from outbox.tasks import emails_deliver
from redirects.models import NotFound, Redirect
from tests.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    CategoryFactory,
    CommentFactory,
    MediaItemFactory,
    PageFactory,
    TagFactory,
    UserFactory,
)
from wordpress.models import ImportRun

pytestmark = pytest.mark.django_db
_numbers = itertools.count()


def articles(count):
    for _ in range(count):
        ArticleFactory(author=AuthorProfileFactory().user, tags=[TagFactory(), TagFactory()])


def comments(count):
    for n in range(count):
        if n % 5 == 0:  # a clinic reply, with the staff member's profile
            CommentFactory(user=AuthorProfileFactory().user, status=Comment.Status.APPROVED)
        else:
            # The list's "All" shows these two (spam and trash have tabs of their own), each with its row's buttons.
            CommentFactory(status=[Comment.Status.PENDING, Comment.Status.APPROVED][n % 2])


def pages(count):
    """A tree: every other page under the one before it, so addresses and parents vary."""
    parent = None
    for n in range(count):
        parent = PageFactory(parent=parent if n % 2 else None)


def menu_items(count):
    """The two menus are the list's rows, always; what grows is their items (counted on each row)."""
    menus = [Menu.at(location) for location in Menu.Location.values]
    for n in range(count):
        menus[n % 2].items.create(kind=MenuItem.Kind.ARTICLES, order=n)


def users(count):
    roles = list(Group.objects.all())
    for n in range(count):
        UserFactory(is_staff=True).groups.add(roles[n % len(roles)])


def groups(count):
    permissions = list(Permission.objects.all()[:3])
    for n in itertools.islice(_numbers, count):
        Group.objects.create(name=f"Group {n}").permissions.add(*permissions)


def attempts(count):
    for n in itertools.islice(_numbers, count):
        AccessAttempt.objects.create(username=f"user{n}", ip_address="203.0.113.9", failures_since_start=1)


def access_logs(count):
    for n in itertools.islice(_numbers, count):
        AccessLog.objects.create(username=f"user{n}", ip_address="203.0.113.9")


def failure_logs(count):
    for n in itertools.islice(_numbers, count):
        AccessFailureLog.objects.create(username=f"user{n}", ip_address="203.0.113.9")


def follow_up_subscriptions(count):
    for n in itertools.islice(_numbers, count):
        comment = CommentFactory()
        CommentSubscription.objects.create(email=f"reader{n}@example.com", article=comment.article, comment=comment)


def subscribers(count):
    Subscriber.objects.bulk_create(
        Subscriber(email=f"subscriber{n}@example.com") for n in itertools.islice(_numbers, count)
    )


def announcements(count):
    for _ in range(count):
        announcement = Announcement.objects.create(article=ArticleFactory(), status="sent")
        subscriber = Subscriber.objects.create(email=f"subscriber{next(_numbers)}@example.com")
        email = Email.objects.create(kind="New article", to=[subscriber.email], subject="New", text="Hello")
        Delivery.objects.create(announcement=announcement, subscriber=subscriber, email=email)


def emails(count):
    Email.objects.bulk_create(
        Email(kind="Test", to=[f"reader{n}@example.com"], subject=f"Email {n}", text="Hello")
        for n in itertools.islice(_numbers, count)
    )


def tasks(count):
    for email in Email.objects.bulk_create(Email(kind="Test", to=["a@example.com"], subject="Hi", text="Hello")
                                           for _ in range(count)):  # fmt: skip
        emails_deliver.enqueue([email.pk])


# Lists whose rows are fixed: the two menus (their items grow instead).
FIXED_ROWS = {"menus.menu": 2}
ROWS = {
    "blog.article": articles,
    "blog.category": lambda count: CategoryFactory.create_batch(count),
    "blog.tag": lambda count: TagFactory.create_batch(count),
    "blog.authorprofile": lambda count: AuthorProfileFactory.create_batch(count),
    "blog.comment": comments,
    "blog.commentsubscription": follow_up_subscriptions,
    "pages.page": pages,
    # Two menus, always: the list is the same whatever their items.
    "menus.menu": menu_items,
    "redirects.redirect": lambda count: [
        Redirect.objects.create(old_path=f"/old-{next(_numbers)}/", new_address="/") for _ in range(count)
    ],
    "redirects.notfound": lambda count: [
        NotFound.objects.create(path=f"/gone-{next(_numbers)}/") for _ in range(count)
    ],
    "auth.user": users,
    "auth.group": groups,
    "axes.accessattempt": attempts,
    "axes.accesslog": access_logs,
    "axes.accessfailurelog": failure_logs,
    "outbox.email": emails,
    "newsletter.subscriber": subscribers,
    "newsletter.announcement": announcements,
    "django_tasks_database.dbtaskresult": tasks,
    "library.mediaitem": lambda count: [
        MediaItemFactory(uploaded_by=AuthorProfileFactory().user) for _ in range(count)
    ],
    "wordpress.importrun": lambda count: [
        ImportRun.objects.create(export=f"wordpress/export-{next(_numbers)}.xml", created_by=UserFactory())
        for _ in range(count)
    ],
}
# Settings pages: their list is their one page (core.admin.SingletonModelAdmin), tested with the settings.
ONE_ROW = {"blog.discussionsettings", "clinic.clinicsettings", "newsletter.newslettersettings"}
# Lists whose "Show counts" is worth counting too: moderators and editors use them.
WITH_COUNTS = {"blog.article", "blog.comment"}


def test_every_admin_list_is_counted():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ROWS) | ONE_ROW, f"Say in {__file__} how to make rows of {registered - set(ROWS)}"


def list_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def cases():
    for label in ROWS:
        yield pytest.param(label, {}, id=label)
        if label in WITH_COUNTS:
            yield pytest.param(label, {"_facets": "1"}, id=f"{label}, counts")


@pytest.mark.parametrize(("label", "query"), list(cases()))
def test_admin_list_queries_do_not_grow_with_its_rows(admin_client, label, query):
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    ROWS[label](5)
    few, response = list_queries(admin_client, url + ("?_facets=1" if query else ""))
    assert response.context["cl"].result_count >= FIXED_ROWS.get(label, 5)

    ROWS[label](45)
    many, response = list_queries(admin_client, url + ("?_facets=1" if query else ""))

    assert response.context["cl"].result_count >= FIXED_ROWS.get(label, 50)
    assert many == few
