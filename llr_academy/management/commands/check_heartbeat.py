from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from llr_academy.selectors import worker_heartbeat_age


class Command(BaseCommand):
    help = (
        "Exit 0 if a worker recorded the heartbeat that beat sends within the last three intervals, "
        "1 otherwise: the beat container's health check (a stale heartbeat means beat, or every worker, "
        "has stopped)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age",
            type=int,
            default=None,
            help="Seconds after which the heartbeat is stale (default: three times LLR_HEARTBEAT_SECONDS).",
        )

    def handle(self, *args, max_age=None, **options):
        max_age = max_age or 3 * settings.LLR_HEARTBEAT_SECONDS
        age = worker_heartbeat_age()
        if age is None:
            raise CommandError("No worker heartbeat recorded: is beat running, and a worker?")
        if age > max_age:
            raise CommandError(f"Worker heartbeat is {age} s old (more than {max_age} s).")
        self.stdout.write(f"Worker heartbeat {age} s old.")
