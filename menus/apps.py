from django.apps import AppConfig


class MenusConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "menus"
    verbose_name = "Menus"

    def ready(self):
        from . import signals

        signals.connect()
