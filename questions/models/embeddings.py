"""Stored sentence vectors of questions and the related questions found from them
(questions/embeddings/)."""

from django.db import models

from .catalog import Question


class QuestionVector(models.Model):
    """A question's vector: its title, body and best answer's first paragraph,
    embedded by ``model_id``; float32, L2-normalised, little-endian bytes."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    model_id = models.CharField(max_length=100)
    digest = models.CharField(
        max_length=64,
        help_text="sha256 of the embedded text: unchanged text is not embedded again.",
    )
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["question_id"]

    def __str__(self) -> str:
        return f"vector of question {self.question_id} ({self.model_id})"


class RelatedQuestion(models.Model):
    """One of a question's nearest neighbours by vector (shared topic breaking
    ties), computed in the background; the question page reads them in the
    same query as the topic fallback."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="related_from")
    rank = models.PositiveSmallIntegerField()
    similarity = models.FloatField()

    class Meta:
        ordering = ["question_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["question", "related"], name="related_once"),
            models.UniqueConstraint(fields=["question", "rank"], name="related_rank_once"),
            models.CheckConstraint(
                condition=~models.Q(question=models.F("related")), name="related_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} → {self.related_id} (#{self.rank})"
