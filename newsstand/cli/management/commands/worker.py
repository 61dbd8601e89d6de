"""`newsstand worker`: the Django Tasks worker (django-tasks-db), every queue."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (the Django Tasks database worker)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, batch: bool, **options):
        call_command("db_worker", queue_name="*", batch=batch, reload=False, verbosity=options["verbosity"])
