"""Work that comes back on its own, with no cron: the daily purge of commenters' addresses, the sweep of emails
left waiting.

A periodic task is a django-tasks task registered here with how often it runs (`periodic(every=...)`, in the
module of the app that owns the work, imported by its AppConfig.ready()). Whenever one finishes, on any worker
and whether it succeeded or failed, its next run is queued `every` later (`run_after`); the worker queues the
first run of each when it starts (`periodic_plan`), unless one is queued already. So `make serve` or `make
worker` is all an operator starts, and a worker that was down catches up on its first minute back.
"""

from django.utils import timezone

_PERIODIC = {}


def periodic(*, every):
    """Register the task it decorates (below @task()) to run every `every` (a timedelta)."""

    def register(task):
        _PERIODIC[task.module_path] = (task, every)
        return task

    return register


def periodic_tasks():
    return dict(_PERIODIC)


def task_finished_plan_next(sender, task_result, **kwargs):
    """The next run of a periodic task that just finished (django-tasks' task_finished signal)."""
    registered = _PERIODIC.get(task_result.task.module_path)
    if registered is not None:
        task, every = registered
        task.using(run_after=timezone.now() + every).enqueue()


def periodic_plan(is_queued):
    """Queue a run, due now, of every periodic task that has none queued; `is_queued(task)` asks the queue.
    Return the tasks queued."""
    queued = []
    for task, _every in _PERIODIC.values():
        if not is_queued(task):
            task.enqueue()
            queued.append(task)
    return queued
