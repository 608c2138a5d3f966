from django.urls import path

from . import views

urlpatterns = [
    path("", views.question_list, name="home"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail_noslug"),
    path("questions/<int:pk>/<str:slug>/", views.question_detail, name="question_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("healthz", views.healthz, name="healthz"),
]
