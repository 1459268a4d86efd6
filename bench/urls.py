"""The site's URLs plus the benchmark floor: a trivial view behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from samenwerking.urls import urlpatterns as site


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/floor/", floor, name="bench_floor"), *site]
