from django.urls import path

from . import views

# Under questions/ (mlqa_site/urls.py gathers every app's question routes).
question_routes = [
    path("<int:pk>/follow/", views.follow_question, name="follow_question"),
]

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox_count"),
    path("inbox/read/", views.mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("topics/<slug:slug>/follow/", views.follow_topic, name="follow_topic"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
