from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from .feeds import NewAnswersFeed, NewQuestionsFeed
from .sitemaps import SITEMAPS
from .views import reading

urlpatterns = [
    path("", reading.question_list, name="home"),
    path("questions/<int:pk>/", reading.question_detail, name="question_detail_noslug"),
    path("questions/<int:pk>/<str:slug>/", reading.question_detail, name="question_detail"),
    path("sources/<slug:slug>/", reading.source_detail, name="source_detail"),
    path("topics/<slug:slug>/", reading.topic_detail, name="topic_detail"),
    path("feeds/questions/", NewQuestionsFeed(), name="feed_questions"),
    path("feeds/answers/", NewAnswersFeed(), name="feed_answers"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", reading.robots_txt, name="robots_txt"),
    path("healthz", reading.healthz, name="healthz"),
    path("", include("questions.urls_study")),
]
