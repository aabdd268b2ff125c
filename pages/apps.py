from django.apps import AppConfig


class PagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pages"
    verbose_name = "Pages"

    def ready(self):
        from core import pagecache
        from library import usage

        from . import signals, tasks  # noqa: F401 (tasks registers the daily purge of the Trash)
        from .models import Page

        signals.connect()
        usage.register(
            Page,
            image_fields={"featured_image": "featured_image_alt"},
            rich_text_fields=["body"],
            public=Page.objects.published,
        )
        pagecache.expires_at(Page.objects.next_publication_at, depends_on=[signals.PAGES])
