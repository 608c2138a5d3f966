from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from api import urls as api_urls  # the read API (issue 18)
from mlqa_site.observability.health import healthz
from mlqa_site.observability.metrics import metrics
from notifications import urls as notifications_urls
from questions import urls as questions_urls
from study import urls as study_urls

# Every address under questions/, whichever app serves it: the question's own
# page after the fixed paths, which its slug would otherwise shadow.
question_routes = [
    *study_urls.question_routes,
    *notifications_urls.question_routes,
    *questions_urls.question_routes,
    *questions_urls.question_pages,
]

urlpatterns = [
    # Django tries the patterns in order, on every request: the pages read
    # most (the list and search, the question pages) come first.
    questions_urls.home,
    path("questions/", include(question_routes)),
    path("admin/", admin.site.urls),
    # Before allauth's own: this page explains a suspension.
    path("accounts/inactive/", account_views.account_inactive, name="account_inactive"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("study.urls")),
    path("", include("notifications.urls")),
    path("", include(api_urls.urlpatterns)),  # /api/v1/…, /settings/tokens/ (issue 18, read API)
    path("", include("questions.urls")),
    # Operations (issue 18): health for load balancers and people, metrics for
    # Prometheus (bearer token).
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # End of operations.
]

# A database timeout outside any view is a 503 too (mlqa_site.views).
handler500 = "mlqa_site.views.server_error"
