"""Rebuild each question's empirical difficulty from every member's review log."""

from django.core.management.base import BaseCommand
from django.db import transaction

from study.empirical import recompute


class Command(BaseCommand):
    help = "Recount members' first practice reviews per question (after account deletions)."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = recompute()
        self.stdout.write(f"{changed} question{'s' if changed != 1 else ''} updated.")
