from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from .feeds import CorrectionsFeed, NewAnswersFeed, NewQuestionsFeed
from .sitemaps import SITEMAPS
from .views import answers, community, proposals, reading, vetting

home = path("", reading.question_list, name="home")

# Under questions/ (mlqa_site/urls.py gathers every app's question routes, and
# puts ``question_pages`` after them all: a slug would shadow a fixed path).
question_routes = [
    path("ask/", community.ask, name="ask"),
    path("similar/", community.similar_questions, name="similar_questions"),
    path("<int:pk>/answers/", answers.answer_create, name="answer_create"),
    path("<int:pk>/comments/", community.question_comments, name="question_comments"),
]
question_pages = [
    path("<int:pk>/", reading.question_detail, name="question_detail_noslug"),
    path("<int:pk>/<str:slug>/", reading.question_detail, name="question_detail"),
]

urlpatterns = [
    path("answers/<int:pk>/", answers.answer_permalink, name="answer_permalink"),
    path("answers/<int:pk>/vote/", answers.vote, name="vote"),
    path("answers/<int:pk>/verdict/", vetting.verdict, name="verdict"),
    path("review/", vetting.review, name="review"),
    path("review/skip/", vetting.review_skip, name="review_skip"),
    path("models/", vetting.ai_models, name="ai_models"),
    path("models/<slug:slug>/", vetting.ai_model_detail, name="ai_model_detail"),
    path("answers/<int:pk>/comments/", community.answer_comments, name="answer_comments"),
    path("answers/<int:pk>/edit/", answers.answer_edit, name="answer_edit"),
    path("answers/<int:pk>/propose/", proposals.propose, name="propose"),
    path("answers/<int:pk>/delete/", answers.answer_delete, name="answer_delete"),
    path("answers/<int:pk>/history/", answers.answer_history, name="answer_history"),
    path("answers/<int:pk>/rollback/", answers.answer_rollback, name="answer_rollback"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/accept/", proposals.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/reject/", proposals.proposal_reject, name="proposal_reject"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path("comments/<int:pk>/edit/", community.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", community.comment_delete, name="comment_delete"),
    path(
        "comments/<int:pk>/delete/confirm/",
        community.comment_delete_confirm,
        name="comment_delete_confirm",
    ),
    path("flag/", community.flag, name="flag"),
    path("preview/", answers.preview, name="preview"),
    path("sources/", reading.source_index, name="source_index"),
    path("topics/", reading.topic_index, name="topic_index"),
    path("sources/<slug:slug>/", reading.source_detail, name="source_detail"),
    path("topics/<slug:slug>/", reading.topic_detail, name="topic_detail"),
    # Feeds and the sitemap answer any method unless told: a PUT gets a 405.
    path("feeds/questions/", require_safe(NewQuestionsFeed()), name="feed_questions"),
    path("feeds/answers/", require_safe(NewAnswersFeed()), name="feed_answers"),
    path("feeds/corrections/", require_safe(CorrectionsFeed()), name="feed_corrections"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", reading.robots_txt, name="robots_txt"),
]
