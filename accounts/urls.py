from django.urls import path

from . import settings_views, views

urlpatterns = [
    path("users/<str:username>/", views.user_profile, name="user_profile"),
    path("settings/", settings_views.profile_settings, name="profile_settings"),
    path("settings/delete/", settings_views.delete_account, name="delete_account"),
]
