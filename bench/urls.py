"""The project's addresses plus the floor view the benchmarks compare every page against."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.template import engines
from django.urls import path

from senco.pupils.models import Pupil
from senco.urls import urlpatterns as project_urlpatterns

FLOOR = engines["django"].from_string("<!doctype html><title>floor</title><p>{{ pupil.upn }}</p>")


@login_required
def floor(request, public_id):
    """The least a page can do: one indexed query, a minimal template, the same middleware."""
    pupil = Pupil.objects.filter(public_id=public_id).only("upn").first()
    if pupil is None:
        raise Http404
    from django.http import HttpResponse

    return HttpResponse(FLOOR.render({"pupil": pupil}, request))


urlpatterns = [*project_urlpatterns, path("bench/floor/<uuid:public_id>/", floor)]
