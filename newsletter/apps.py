from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from django.db.models.signals import post_save

        from blog.models import Article
        from core import privacy

        from . import tasks  # noqa: F401 (tasks registers the periodic sweep and digest)
        from .services import article_announcement_plan, subscriber_erase, subscriber_export

        # Plans the article's announcement for the moment it becomes visible: a task, not an email (design.md).
        post_save.connect(article_announcement_plan, sender=Article, dispatch_uid="newsletter-plan-announcement")
        privacy.register("newsletter", export=subscriber_export, erase=subscriber_erase)
