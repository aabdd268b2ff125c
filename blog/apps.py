from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import pagecache, privacy
        from library import usage

        from . import signals, tasks  # noqa: F401 (tasks registers the daily purge)
        from .commenters import COOKIES
        from .followups import comment_subscriptions_erase, comment_subscriptions_export
        from .forms import renewed_form_timestamp
        from .models import Article, next_review_change_at
        from .services import commenter_erase, commenter_export
        from .signals import LISTINGS

        signals.connect()
        usage.register(
            Article,
            image_fields={"featured_image": "featured_image_alt"},
            rich_text_fields=["body"],
            owner="author",
            public=Article.objects.published,
        )
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="blog-sqlite-search-index")
        pagecache.bypass_cookies(*COOKIES)
        pagecache.fresh_token(renewed_form_timestamp)
        pagecache.expires_at(Article.objects.next_publication_at, depends_on=[LISTINGS])
        pagecache.expires_at(next_review_change_at)
        privacy.register("comments", export=commenter_export, erase=commenter_erase)
        privacy.register(
            "follow_up_subscriptions", export=comment_subscriptions_export, erase=comment_subscriptions_erase
        )


def _ensure_search_index(using, **kwargs):
    from django.db import connections

    from .search import ensure_sqlite_index

    ensure_sqlite_index(connections[using])
