from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import NewAnswersFeed, NewQuestionsFeed
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.question_list, name="home"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail_noslug"),
    path("questions/<int:pk>/<str:slug>/", views.question_detail, name="question_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("feeds/questions/", NewQuestionsFeed(), name="feed_questions"),
    path("feeds/answers/", NewAnswersFeed(), name="feed_answers"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
]
