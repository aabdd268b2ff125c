from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django_tasks.signals import task_finished

        from . import tasks  # noqa: F401 (registers the queue's upkeep)
        from .periodic import task_finished_plan_next

        task_finished.connect(task_finished_plan_next, dispatch_uid="core-periodic-next")
