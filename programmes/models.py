from django.db import models
from simple_history.models import HistoricalRecords


class Workstream(models.Model):
    """A People and Culture Board workstream that groups programmes (Table 2 of the 2025 scrutiny report)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "name"]
        permissions = [
            ("lead_programmes", "Can lead programmes: their cohorts, attendance and approvals"),
            ("manage_programmes", "Can create and edit workstreams, programmes and cohorts"),
            ("view_programme_reach", "Can view programme reach"),
        ]

    def __str__(self):
        return self.name


class Pillar(models.TextChoices):
    """The three pillars of the NHS Long Term Workforce Plan and the Adult Social Care Workforce Strategy."""

    RECRUIT = "recruit", "Recruit"
    RETAIN = "retain", "Retain"
    REFORM = "reform", "Reform"


class Programme(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        BLENDED = "blended", "Blended"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences shown in the catalogue.")
    description = models.TextField(blank=True)
    workstream = models.ForeignKey(Workstream, on_delete=models.PROTECT, related_name="programmes")
    pillar = models.CharField(max_length=10, choices=Pillar.choices)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    duration = models.CharField(max_length=100, blank=True, help_text="For example: 6 half-day sessions.")
    cpd_hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    lead = models.ForeignKey(
        "workforce.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="led_programmes"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # True for programmes "delivered at ICS level"; False for those "being collaborated on" (Table 2).
    delivered_at_system_level = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="programme_cpd_hours_gte_0")
        ]
        indexes = [models.Index(fields=["status", "workstream"])]

    def __str__(self):
        return self.title


class ExternalLearning(models.Model):
    """Learning a person did outside the academy, added by them so their learning record is whole."""

    person = models.ForeignKey("workforce.User", on_delete=models.CASCADE, related_name="external_learning")
    title = models.CharField(
        max_length=200, help_text="For example: Safeguarding adults level 3 (e-learning)."
    )
    completed_on = models.DateField("Date completed")
    cpd_hours = models.DecimalField("CPD hours", max_digits=5, decimal_places=1)
    evidence_note = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Where the evidence is, for example: certificate saved in my e-portfolio.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = "learning done elsewhere"
        verbose_name_plural = "learning done elsewhere"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cpd_hours__gte=0) & models.Q(cpd_hours__lte=1000),
                name="external_learning_cpd_hours_range",
            )
        ]
        indexes = [models.Index(fields=["person", "completed_on"])]

    def __str__(self):
        return self.title


class ProgrammeOutcome(models.Model):
    """The five evaluation elements of the 2025 scrutiny report (paragraph 14): the programme's case study."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="outcome")
    challenge = models.TextField(blank=True, help_text="The problem or need the programme set out to meet.")
    approach = models.TextField(blank=True, help_text="What was done, with whom, and how.")
    enablers = models.TextField(
        "Enablers and good practice", blank=True, help_text="What helped, and what others could copy."
    )
    learning = models.TextField(blank=True, help_text="What was learned, including what did not work.")
    results = models.TextField(blank=True, help_text="The difference it made, with figures where possible.")
    updated_by = models.ForeignKey(
        "workforce.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    ELEMENTS = ("challenge", "approach", "enablers", "learning", "results")

    def __str__(self):
        return f"Outcomes of {self.programme}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.ELEMENTS)


class Survey(models.Model):
    """A short evaluation survey: per programme, or the shared default when ``programme`` is empty.

    The completion survey goes out when a participant completes; the follow-up goes out
    ``send_after_months`` months later and asks what changed in their practice.
    """

    class Kind(models.TextChoices):
        COMPLETION = "completion", "End of programme"
        FOLLOW_UP = "follow_up", "Follow-up"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
        help_text="Leave empty for the shared default survey used by programmes without their own.",
    )
    introduction = models.TextField(blank=True)
    send_after_months = models.PositiveSmallIntegerField(
        default=0, help_text="Months after completion; 0 for the end-of-programme survey."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__title", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind"],
                condition=models.Q(programme__isnull=False),
                name="survey_one_per_programme_and_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(programme__isnull=True),
                name="survey_one_default_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(send_after_months__lte=36), name="survey_send_after_months_lte_36"
            ),
        ]

    def __str__(self):
        return self.title


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Rating from 1 (poor) to 5 (excellent)"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    required = models.BooleanField(default=False)
    # The headline rating on the programme page ("average rating") is the mean of these questions.
    is_overall_rating = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self):
        return self.text
