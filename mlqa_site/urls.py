from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("questions.urls")),
]

# A database timeout outside any view is a 503 too (mlqa_site.views).
handler500 = "mlqa_site.views.server_error"
