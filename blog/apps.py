from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals

        signals.connect()
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="blog-sqlite-search-index")


def _ensure_search_index(using, **kwargs):
    from django.db import connections

    from .search import ensure_sqlite_index

    ensure_sqlite_index(connections[using])
