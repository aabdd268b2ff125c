from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = (
        "Run the background worker of the configured task queue (settings.TASKS): django-tasks-db's "
        "db_worker on the database, or RQ's worker with its scheduler on Redis. Stops cleanly on Ctrl-C or SIGTERM, "
        "after the task it is running."
    )

    def handle(self, *args, **options):
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            call_command("rqworker", "default", with_scheduler=True)
        else:
            call_command("db_worker", "--queue-name", "default", "--no-reload")
