"""Imports run off the request, by the task worker (`senco serve`), so a person can leave the
page and come back to the report."""

from django_tasks import task

from senco.accounts.models import User
from senco.interop import services


@task()
def check_import(run_id: int) -> None:
    try:
        services.check(run_id)
    except Exception as e:
        services.stopped(run_id, e)
        raise


@task()
def apply_import(run_id: int, user_id: int | None) -> None:
    by = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        services.apply(run_id, by)
    except Exception as e:
        services.stopped(run_id, e)
        raise
