"""Reports from outside the school, on a pupil's record: filled in by issue 6."""

from django.http import Http404

from senco import access


def report_list(request, public_id):
    raise Http404(access.NOT_VISIBLE)


def report(request, public_id, report_id):
    raise Http404(access.NOT_VISIBLE)
