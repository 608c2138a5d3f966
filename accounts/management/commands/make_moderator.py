from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import make_moderator


class Command(BaseCommand):
    help = "Add a member to the Moderators group (staff, never superuser)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No member is called {username!r}.") from None
        make_moderator(user=user)
        self.stdout.write(self.style.SUCCESS(f"{username} is now a moderator."))
