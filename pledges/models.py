from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from programmes.models import Pillar


class PeoplePromiseElement(models.Model):
    """One of the seven elements of the NHS People Promise (also the NHS Staff Survey themes)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    """A progress update's status: how the pledge or objective is doing in the period covered."""

    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


class Objective(models.Model):
    """A key aim of the People and Culture Board under one pillar (Table 1 of the 2025 scrutiny report)."""

    pillar = models.CharField(max_length=10, choices=Pillar.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_objectives",
        help_text="The named lead may post progress updates for this objective.",
    )
    programmes = models.ManyToManyField("programmes.Programme", related_name="objectives", blank=True)
    is_archived = models.BooleanField(default=False)
    history = HistoricalRecords(m2m_fields=[programmes])

    class Meta:
        ordering = ["pillar", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "title"], name="objective_unique_pillar_title"),
        ]

    def __str__(self):
        return self.title


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
    order = models.PositiveSmallIntegerField(default=0)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_pledges",
        help_text="The named lead may post progress updates for this pledge.",
    )
    objectives = models.ManyToManyField(Objective, related_name="pledges", blank=True)
    people_promise_elements = models.ManyToManyField(PeoplePromiseElement, related_name="pledges", blank=True)
    history = HistoricalRecords(m2m_fields=[objectives, people_promise_elements])

    class Meta:
        ordering = ["order", "number"]
        permissions = [
            ("view_board_overview", "Can view the board overview"),
            ("manage_pledges", "Can edit pledges, objectives and progress updates"),
            ("request_board_report", "Can request board report PDFs"),
            ("set_board_meeting", "Can set the date of the board meeting"),
        ]

    def __str__(self):
        return f"Pledge {self.number}: {self.title}"


class MetricLink(models.Model):
    """A workforce metric that evidences a pledge or an objective, with the target where one is set."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, null=True, blank=True, related_name="metric_links"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="metric_links"
    )
    metric = models.ForeignKey(
        "workforce.MetricDefinition", on_delete=models.PROTECT, related_name="pledge_links"
    )
    target = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Leave empty to use the metric's own target, if it has one.",
    )
    is_key = models.BooleanField(
        default=False, help_text="The key metric is shown with the pledge on the board overview."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_key", "metric__order", "metric__name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(pledge__isnull=False) & models.Q(objective__isnull=True))
                | (models.Q(pledge__isnull=True) & models.Q(objective__isnull=False)),
                name="metric_link_one_subject",
            ),
            models.UniqueConstraint(
                fields=["pledge", "metric"],
                condition=models.Q(pledge__isnull=False),
                name="metric_link_unique_pledge_metric",
            ),
            models.UniqueConstraint(
                fields=["objective", "metric"],
                condition=models.Q(objective__isnull=False),
                name="metric_link_unique_objective_metric",
            ),
        ]

    def __str__(self):
        return f"{self.metric} for {self.subject}"

    @property
    def subject(self):
        return self.pledge or self.objective

    @property
    def effective_target(self):
        return self.target if self.target is not None else self.metric.target


class ProgressUpdate(models.Model):
    """A dated progress update on a pledge or an objective."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    narrative = models.TextField(help_text="What has happened in the period, in plain words.")
    actions_agreed = models.TextField(blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    published_on = models.DateField(help_text="The date of the update.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    # The status/metric check at the time of posting, kept so the board sees what the author saw.
    metric_check = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(pledge__isnull=False) & models.Q(objective__isnull=True))
                | (models.Q(pledge__isnull=True) & models.Q(objective__isnull=False)),
                name="progress_update_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="progress_update_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["pledge", "-published_on"], name="update_pledge_date"),
            models.Index(fields=["objective", "-published_on"], name="update_objective_date"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} update on {self.subject}, {self.published_on:%d %B %Y}"

    @property
    def subject(self):
        return self.pledge or self.objective

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The end of the period must be on or after its start"})


class BoardMeeting(models.Model):
    """A People and Culture Board meeting; the overview shows what changed since the last one."""

    date = models.DateField(unique=True)
    note = models.CharField(max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Board meeting, {self.date:%d %B %Y}"


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
    # When the row last became queued, and how often the sweep has sent it again since a run last
    # claimed it: a task message lost on the way to the worker must not leave the row queued forever.
    queued_at = models.DateTimeField(default=timezone.now)
    enqueue_attempts = models.PositiveSmallIntegerField(default=0)
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
    # Who has had the "pack ready" email, so a retry after a failed send emails only the rest.
    notified_recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

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
