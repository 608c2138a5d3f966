from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = "Questions and answers"

    def ready(self) -> None:
        # The fast renderers of base.html's member parts (reader_parts.renders).
        from mlqa_site import header_parts  # noqa: F401
