from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class Pledge(models.Model):
    """One of the 13 pledges of the LLR Five-Year Plan that the People and Culture Board tracks."""

    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    executive_lead = models.CharField(max_length=200, blank=True)
    # True until an admin replaces a placeholder with the plan's official wording.
    is_placeholder_wording = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        permissions = [
            ("view_board_overview", "Can view the board overview"),
            ("manage_pledges", "Can edit pledges, objectives and progress updates"),
            ("request_board_report", "Can request board report PDFs"),
        ]

    def __str__(self):
        return f"Pledge {self.number}: {self.title}"


def private_storage():
    """Generated board packs live outside MEDIA_ROOT's public URL; a permission-checked view serves them."""
    from django.core.files.storage import storages

    return storages["private"]


class BoardReportSection(models.TextChoices):
    FRONT_SHEET = "front_sheet", "Front sheet"
    PLEDGE_PROGRESS = "pledge_progress", "Pledge progress"
    WORKFORCE_METRICS = "workforce_metrics", "Workforce metrics"
    CULTURE = "culture", "Culture and inclusion"
    PROGRAMME_REACH = "programme_reach", "Programme reach"
    DATA_APPENDIX = "data_appendix", "Data appendix"


def all_sections() -> list[str]:
    return list(BoardReportSection.values)


class PaperPurpose(models.TextChoices):
    INFORMATION = "information", "Information"
    ASSURANCE = "assurance", "Assurance"
    DISCUSSION = "discussion", "Discussion"
    DECISION = "decision", "Decision"


class FrontSheet(models.Model):
    """The NHS board-paper front sheet (DESIGN.md, "Board papers"); shared by requests and schedules."""

    meeting_name = models.CharField(max_length=200, default="People and Culture Board")
    agenda_item = models.CharField(max_length=20, blank=True, help_text="For example: 7.2")
    title = models.CharField(max_length=200, default="LLR People Plan: board report")
    purpose = models.CharField(max_length=12, choices=PaperPurpose.choices, default=PaperPurpose.ASSURANCE)
    sponsor = models.CharField("Executive sponsor", max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    key_points = models.TextField(
        "Summary of key points", blank=True, help_text="One point a line, five at most."
    )
    recommendation = models.TextField(
        blank=True, default="The board is asked to note the report and the assurance it gives."
    )
    strategic_alignment = models.TextField(
        blank=True, help_text="Which pledges and People Promise elements this paper supports."
    )
    risks = models.TextField(blank=True)
    equality_impact = models.TextField("Equality and health-inequalities impact", blank=True)
    previously_considered = models.CharField("Where the paper has been before", max_length=300, blank=True)

    class Meta:
        abstract = True

    def key_point_list(self) -> list[str]:
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]


class BoardReportSchedule(FrontSheet):
    """Generate the board pack automatically a number of working days before each board meeting."""

    name = models.CharField(max_length=120, unique=True, default="People and Culture Board pack")
    is_active = models.BooleanField(default=True)
    working_days_before = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    period_months = models.PositiveSmallIntegerField(
        "Months covered", default=24, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    sections = models.JSONField(default=all_sections)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="board_report_schedules"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[recipients])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BoardMeeting(models.Model):
    """A date of the board the schedule produces packs for."""

    schedule = models.ForeignKey(BoardReportSchedule, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["schedule", "date"], name="board_meeting_unique_date")]

    def __str__(self):
        return f"{self.schedule.meeting_name}, {self.date:%-d %B %Y}"


class BoardReport(FrontSheet):
    """One request for a board pack PDF: its options, its progress and, when done, its file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being generated"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_reports",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    meeting_date = models.DateField()
    period_start = models.DateField(help_text="First month covered.")
    period_end = models.DateField(help_text="Last month covered.")
    sections = models.JSONField(default=all_sections)
    schedule = models.ForeignKey(
        BoardReportSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Which run owns the row: a run whose token no longer matches stops without writing.
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="board-reports/", storage=private_storage, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        permissions = [("view_all_board_reports", "Can see every board report in the archive")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="board_report_period_order",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="board_report_progress_max"),
            models.UniqueConstraint(
                fields=["schedule", "meeting_date"],
                condition=models.Q(schedule__isnull=False),
                name="board_report_one_per_scheduled_meeting",
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="board_report_status_heartbeat")]

    def __str__(self):
        return f"{self.title} for {self.meeting_name}, {self.meeting_date:%-d %B %Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def section_labels(self) -> list[str]:
        labels = dict(BoardReportSection.choices)
        return [labels[code] for code in self.sections if code in labels]
