from django.core.management import BaseCommand, call_command

from core.periodic import periodic_plan
from core.tasks import RQ_BACKEND, queue_backend


def queued_on_database(task):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=waiting).exists()


def queued_on_rq(task):
    import django_rq
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue("default")
    ids = {*queue.job_ids, *ScheduledJobRegistry(queue=queue).get_job_ids()}
    return any(
        job is not None and job.func_name == task.module_path
        for job in queue.job_class.fetch_many(ids, queue.connection)
    )


class Command(BaseCommand):
    help = (
        "Run the background worker of the configured task queue (settings.TASKS): django-tasks-db's db_worker on "
        "the database, or RQ's worker with its scheduler on Redis, after queueing the periodic tasks that are not "
        "queued yet (core/periodic.py). Stops cleanly on Ctrl-C or SIGTERM, after the task it is running."
    )

    def handle(self, *args, **options):
        on_rq = queue_backend() == RQ_BACKEND
        for task in periodic_plan(queued_on_rq if on_rq else queued_on_database):
            self.stdout.write(f"Queued the periodic task {task.name}.")
        if on_rq:
            call_command("rqworker", "default", with_scheduler=True)
        else:
            call_command("db_worker", "--queue-name", "default", "--no-reload")
