from django.core.management.base import BaseCommand

from notifications.mail import send_daily_digests


class Command(BaseCommand):
    help = (
        "Queue the daily digest e-mails (run it once a day, from cron or a systemd "
        "timer); the worker sends them."
    )

    def handle(self, *args, **options):
        result = send_daily_digests.enqueue()
        self.stdout.write(f"Queued the daily digests (task {result.id}).")
