from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "MLQA moderation"
admin.site.site_title = "MLQA admin"
admin.site.index_title = "Moderation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("questions.urls")),
]
