"""Study tools: bookmarks, practice, interview reports, exports."""

urlpatterns: list = []
