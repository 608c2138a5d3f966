"""Study tools: bookmarks, practice, interview reports, exports."""

from django.urls import path

from . import views

# Under questions/ (mlqa_site/urls.py gathers every app's question routes).
question_routes = [
    path("<int:pk>/bookmark/", views.bookmark_toggle, name="bookmark_toggle"),
    path("<int:pk>/asked/", views.question_asked, name="question_asked"),
]

urlpatterns = [
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("bookmarks/<int:pk>/note/", views.bookmark_note, name="bookmark_note"),
    path("bookmarks/export.apkg", views.export_apkg, name="bookmarks_export_apkg"),
    path("bookmarks/export.csv", views.export_csv, name="bookmarks_export_csv"),
    path("bookmarks/export.md", views.export_markdown, name="bookmarks_export_md"),
    path("practice/", views.practice, name="practice"),
    path("practice/start/", views.practice_start, name="practice_start"),
    path("practice/<int:pk>/review/", views.practice_review, name="practice_review"),
    path("companies/<slug:slug>/", views.company_detail, name="company_detail"),
    path("practice/<int:pk>/check/", views.practice_check, name="practice_check"),
    path("practice/typing/", views.practice_typing, name="practice_typing"),
    path("practice/undo/", views.practice_undo, name="practice_undo"),
    path("bookmarks/<int:pk>/answers/", views.bookmark_answers, name="bookmark_answers"),
    path("practice/options/", views.deck_options, name="deck_options"),
    path("practice/more/", views.practice_more, name="practice_more"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/start/", views.plan_start, name="plan_start"),
    path("plans/<slug:slug>/leave/", views.plan_leave, name="plan_leave"),
    path("mock/", views.mock_home, name="mock"),
    path("mock/start/", views.mock_start, name="mock_start"),
    path("mock/<int:pk>/", views.mock_detail, name="mock_detail"),
    path("mock/<int:pk>/answer/", views.mock_answer, name="mock_answer"),
    path("mock/<int:pk>/grade/", views.mock_grade, name="mock_grade"),
]
