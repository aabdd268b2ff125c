"""Server time, size and SQL queries of the admin lists and the sitemaps, in-process, printed as JSON.

Run with clinic.settings.prod and DJANGO_PAGE_CACHE_SECONDS=0 (the sitemaps uncached) against a database filled
by seed_bulk. The admin pages are asked for as an Editor (the role moderators and editors have), logged in.
"""

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The editor is logged in by the test client: what is measured is the lists, not the second factor production asks.
os.environ["DJANGO_TWO_FACTOR_REQUIRED"] = "none"
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.timing import measure  # noqa: E402
from blog.models import Article  # noqa: E402
from clinic.roles import editor_group  # noqa: E402

RUNS = int(os.environ.get("BENCH_ADMIN_RUNS", "10"))
BUSY = Article.objects.get(slug="bulk-article-busy")
ADMIN_PAGES = {
    "comment list": reverse("admin:blog_comment_changelist"),
    "comment list, pending, counts": reverse("admin:blog_comment_changelist") + "?status__exact=pending&_facets=1",
    "comment list, one article": reverse("admin:blog_comment_changelist") + f"?article__id__exact={BUSY.pk}",
    "comment list, search": reverse("admin:blog_comment_changelist") + "?q=reader4321",
    "article list": reverse("admin:blog_article_changelist"),
    "article list, counts": reverse("admin:blog_article_changelist") + "?_facets=1",
    "article list, search": reverse("admin:blog_article_changelist") + "?q=ankle",
}
SITEMAP_PAGES = {
    "sitemap index": reverse("sitemap"),
    # The largest section page: the first of the articles' two (5,000 of the 10,000).
    "sitemap, largest page": reverse("sitemap-section", kwargs={"section": "articles"}) + "?p=1",
}


editor, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
editor.groups.add(editor_group())
staff = Client(SERVER_NAME="127.0.0.1")
staff.force_login(editor)
anonymous = Client(SERVER_NAME="127.0.0.1")
figures = {name: measure(staff, url, runs=RUNS, warmups=2) for name, url in ADMIN_PAGES.items()}
figures.update({name: measure(anonymous, url, runs=RUNS, warmups=2) for name, url in SITEMAP_PAGES.items()})
print(json.dumps(figures))
