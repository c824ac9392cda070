from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import pledges.demo
import programmes.demo
import programmes.demo_learning
import workforce.demo


class Command(BaseCommand):
    help = (
        "Load the LLR Academy demo data (idempotent and create-only: running it again adds what is missing "
        "and leaves rows that are there, and any edits made to them since, as they are)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG=False (never on a live portal)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG=False: this looks like a live portal. "
                "Use --force if you are sure."
            )
        with transaction.atomic():
            # Taken before any seeding: the pledges' seed backdates the history rows this run writes, the
            # programmes' included, and no others.
            marks = pledges.demo.history_marks()
            # Likewise for cohorts: only those this run creates get the learning seed's attendance.
            cohorts_since = programmes.demo_learning.cohort_mark()
            # Ground floor first; each app seeds its own data on top of the one below.
            users = workforce.demo.seed()
            programmes.demo.seed()
            # Attendance, completions, certificates and evaluation responses for the programmes' cohorts.
            learning = programmes.demo_learning.seed_learning(since=cohorts_since)
            # After programmes, so the objectives link to the programmes that serve them.
            strategy = pledges.demo.seed(marks=marks)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded; {len(users)} demo accounts ready; "
                f"{learning['enrolments']} places in {learning['cohorts']} cohorts with attendance; "
                f"{strategy['pledges']} pledges, {strategy['objectives']} objectives and "
                f"{strategy['updates']} progress updates."
            )
        )
