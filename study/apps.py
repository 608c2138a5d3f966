from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = "Study tools"

    def ready(self) -> None:
        # The fast renderer of a list row's bookmark toggle (reader_parts.renders).
        from study import toggles  # noqa: F401
