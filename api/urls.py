from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/docs/", views.docs, name="api_docs"),
    path("api/v1/", api.urls),
    path("settings/tokens/", views.create_token, name="api_token_create"),
    path("settings/tokens/<int:pk>/revoke/", views.revoke_token, name="api_token_revoke"),
]
