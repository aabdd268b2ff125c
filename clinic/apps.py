from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.apps import apps
        from django.contrib import admin
        from django.db.models.signals import post_save

        from blog.models import Article
        from embeds.services import body_videos_fetch
        from pages.models import Page

        from . import signals

        signals.connect()
        # A saved body's videos get their title and thumbnail from their platform, fetched by a worker.
        for model in (Article, Page):
            post_save.connect(body_videos_fetch, sender=model, dispatch_uid=f"embeds-{model._meta.label_lower}")
        if apps.is_installed("django_rq"):
            # RQ's dashboard answers every staff member (its views ask only is_staff) and can delete and requeue
            # jobs: least privilege leaves it out of the admin; `manage.py rqstats` shows the queue.
            from django_rq.models import Dashboard

            if admin.site.is_registered(Dashboard):
                admin.site.unregister(Dashboard)
