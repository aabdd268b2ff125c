import io

import pytest
from django.core.management import call_command

from blog.models import Article, AuthorProfile, Category, Tag
from tests.helpers import ARTICLE, AXE_SCRIPT, log_in


@pytest.fixture
def fast_forms(settings):
    """A person takes longer than the anti-spam minimum to write a comment; a browser test types instantly."""
    settings.COMMENT_MIN_SECONDS_TO_SUBMIT = 0
    settings.COMMENT_RATE_LIMIT_SECONDS = 0


@pytest.fixture
def demo_site(live_server, settings):
    """The demo content of `make run`: articles with images, references, comments, an author, categories, tags."""
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.get(slug="what-is-prolotherapy")
    return {
        "home": "/",
        "articles": "/blog/",
        "article with comments and the form": ARTICLE,
        "article with a video": Article.objects.get(slug__startswith="what-patients-are-saying").get_absolute_url(),
        "category": Category.objects.filter(articles__isnull=False).first().get_absolute_url(),
        "tag": Tag.objects.filter(articles__isnull=False).first().get_absolute_url(),
        "author": AuthorProfile.objects.get(slug="emily-harper").get_absolute_url(),
        "year archive": f"/{article.published_at:%Y}/",
        "month archive": f"/{article.published_at:%Y/%m}/",
        "search": "/search/?q=prolotherapy",
        "search without results": "/search/?q=zzzzqqq",
        "page under another": "/treatments/prolotherapy/",
        "contact page": "/contact/",
        "team page": "/about/team/",
        "404": "/no-such-page/",
    }


@pytest.fixture
def logged_in_page(page, live_server, editor):
    """A browser page logged in to the admin as the Editor."""
    log_in(page, live_server, editor)
    return page


@pytest.fixture
def axe_context(new_context):
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")

    def make(**options):
        context = new_context(**options)
        context.add_init_script(path=str(AXE_SCRIPT))
        return context

    return make
