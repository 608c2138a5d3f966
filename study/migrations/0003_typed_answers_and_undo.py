from django.conf import settings
from django.db import migrations, models


def count_first_reviews(apps, schema_editor):
    """Fill the empirical-difficulty counters from the review logs kept so far."""
    Bookmark = apps.get_model("study", "Bookmark")
    Question = apps.get_model("questions", "Question")
    Review = apps.get_model("study", "Review")
    floor = max(1, getattr(settings, "MLQA_EMPIRICAL_MIN_REVIEWS", 20))
    first = (
        Review.objects.filter(bookmark_id=models.OuterRef("pk"))
        .order_by("reviewed_at", "pk")
        .values("rating")[:1]
    )
    totals = {}
    rows = (
        Bookmark._base_manager.annotate(rating=models.Subquery(first))
        .filter(rating__isnull=False)
        .order_by()
        .values_list("question_id", "rating")
    )
    for question_id, rating in rows:
        counts = totals.setdefault(question_id, [0, 0])
        counts[0] += 1
        counts[1] += int(rating == 1)
    for question_id, (reviews, misses) in totals.items():
        Question.objects.filter(pk=question_id).update(
            first_reviews=reviews,
            first_misses=misses,
            missed_first=round(100 * misses / reviews) if reviews >= floor else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0002_companies"),
        ("questions", "0019_empirical_difficulty"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="prior_card",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="The card's fields before this review, so that undo restores them exactly.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="typed_answer",
            field=models.TextField(
                blank=True,
                help_text="The member's typed answer: private, like the note.",
                max_length=5000,
            ),
        ),
        # Back to zero is the counters' default when 0018 is unapplied too.
        migrations.RunPython(count_first_reviews, migrations.RunPython.noop),
    ]
