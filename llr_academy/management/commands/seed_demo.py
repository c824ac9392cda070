from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import pledges.demo
import programmes.demo
import programmes.demo_learning
import workforce.demo


class Command(BaseCommand):
    help = "Load the LLR Academy demo data (idempotent: running it again updates the same rows)."

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
            # Ground floor first; each app seeds its own data on top of the one below.
            users = workforce.demo.seed()
            programmes.demo.seed()
            # After programmes, so the objectives link to the programmes that serve them.
            # Attendance, completions, certificates and evaluation responses for the programmes' cohorts.
            learning = programmes.demo_learning.seed_learning()
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
