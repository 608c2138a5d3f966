"""Study tools: bookmarks, practice, interview reports, exports."""

from django.urls import path

from .views import study

urlpatterns = [
    path("questions/<int:pk>/bookmark/", study.bookmark_toggle, name="bookmark_toggle"),
    path("questions/<int:pk>/asked/", study.question_asked, name="question_asked"),
    path("bookmarks/", study.bookmarks, name="bookmarks"),
    path("bookmarks/<int:pk>/note/", study.bookmark_note, name="bookmark_note"),
    path("bookmarks/export.apkg", study.export_apkg, name="bookmarks_export_apkg"),
    path("bookmarks/export.csv", study.export_csv, name="bookmarks_export_csv"),
    path("bookmarks/export.md", study.export_markdown, name="bookmarks_export_md"),
    path("practice/", study.practice, name="practice"),
    path("practice/start/", study.practice_start, name="practice_start"),
    path("practice/<int:pk>/review/", study.practice_review, name="practice_review"),
]
