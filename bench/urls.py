"""The site's URLs plus ``/bench/bare/``, for the benchmark's settings only."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from mlqa_site import urls as site_urls


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    """The ceiling: no database, no template, the same middleware as every page."""
    return HttpResponse("Hello from MLQA.", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urls.urlpatterns]

# Keep the site's error views, if it names any.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(site_urls, _name):
        globals()[_name] = getattr(site_urls, _name)
