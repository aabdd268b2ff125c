import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from blog.models import Article, AuthorProfile, Category, Comment, Tag
from core.sanitize import plain_text

# Every article's body has it, so "prolotherapy" is the benchmark's search for a word in every article.
PARAGRAPH = (
    "Prolotherapy is an injection treatment that helps the body heal chronic musculoskeletal conditions. "
    "A mild irritant starts a short inflammation that activates fibroblasts, which build new collagen. "
    "Studies support it for tendinitis, low back pain and knee osteoarthritis when pain lasts beyond nine weeks. "
)
BATCH = 2000


class Command(BaseCommand):
    help = (
        "Fill the database with a large data set for benchmarks: articles (default 10,000), approved comments "
        "(default 100,000, of which 500 on the article `bulk-article-busy` and none on `bulk-article-quiet`), "
        "tags and categories. "
        "Meant for an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--busy-comments", type=int, default=500, help="Comments on the one busy article.")
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args, articles, comments, busy_comments, seed, **options):
        rng = random.Random(seed)
        user, _ = get_user_model().objects.get_or_create(
            username="bulk-author", defaults={"first_name": "Bulk", "last_name": "Author", "is_staff": True}
        )
        AuthorProfile.objects.get_or_create(user=user, defaults={"display_name": "Dr. Bulk Author", "slug": "bulk"})
        categories = [
            Category.objects.get_or_create(slug=f"bulk-category-{n}", defaults={"name": f"Bulk category {n}"})[0]
            for n in range(10)
        ]
        tags = [
            Tag.objects.get_or_create(slug=f"bulk-tag-{n}", defaults={"name": f"Bulk tag {n}"})[0] for n in range(50)
        ]
        now = timezone.now()
        body = "<h2>Overview</h2>" + "".join(f"<p>{PARAGRAPH}</p>" for _ in range(6))
        new_articles = [
            Article(
                # Three articles, whatever the size, are about ankle sprains: the benchmark searches for them.
                title=f"Bulk article {n}: "
                + ("ankle sprain recovery" if n in (7, 8, 9) else "knee and tendon recovery"),
                slug={0: "bulk-article-busy", 1: "bulk-article-quiet"}.get(n, f"bulk-article-{n}"),
                author=user,
                excerpt=f"Article {n} about recovery from chronic tendon and joint pain.",
                body=body,
                search_body=plain_text(body),
                category=categories[n % len(categories)],
                status=Article.Status.PUBLISHED,
                # The busy article is the newest, so it is on the home page like a freshly shared post.
                published_at=now - datetime.timedelta(hours=n + 1),
            )
            for n in range(articles)
        ]
        Article.objects.bulk_create(new_articles, batch_size=BATCH)
        created = list(Article.objects.filter(slug__startswith="bulk-article-").order_by("published_at"))
        Article.tags.through.objects.bulk_create(
            [
                Article.tags.through(article_id=article.pk, tag_id=tag.pk)
                for article in created
                for tag in rng.sample(tags, 3)
            ],
            batch_size=BATCH * 5,
        )
        busy = next(article for article in created if article.slug == "bulk-article-busy")
        others = [article for article in created if not article.slug.endswith(("-busy", "-quiet"))] or [busy]
        targets = [busy] * min(busy_comments, comments) + [
            rng.choice(others) for _ in range(max(0, comments - busy_comments))
        ]
        Comment.objects.bulk_create(
            [
                Comment(
                    article=article,
                    name=f"Reader {n}",
                    email=f"reader{n}@example.com",
                    body=f"Comment {n}: thank you, this helped me understand my options.",
                    status=Comment.Status.APPROVED,
                    created_at=now - datetime.timedelta(minutes=len(targets) - n),
                )
                for n, article in enumerate(targets)
            ],
            batch_size=BATCH * 5,
        )
        Comment.objects.filter(thread__isnull=True, parent__isnull=True).update(thread=F("pk"))
        Article.objects.filter(pk__in=[article.pk for article in created]).refresh_search_vectors()
        # Fresh statistics, as a live database has them, so the query planner uses the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Bulk data: {len(created)} articles, {len(targets)} comments ({busy_comments} on {busy.slug})."
        )
