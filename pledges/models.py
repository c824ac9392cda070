from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from programmes.models import Pillar


class PeoplePromiseElement(models.Model):
    """One of the seven elements of the NHS People Promise (also the NHS Staff Survey themes)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

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

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Board meeting, {self.date:%d %B %Y}"
