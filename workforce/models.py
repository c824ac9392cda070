from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .storages import private_storage


class Sector(models.TextChoices):
    NHS = "nhs", "NHS"
    ADULT_SOCIAL_CARE = "asc", "Adult social care"
    LOCAL_AUTHORITY = "la", "Local authority"
    VOLUNTARY = "vcse", "Voluntary and community sector"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, unique=True, help_text="Used in tables and charts, e.g. UHL."
    )
    code = models.SlugField(max_length=40, unique=True)
    sector = models.CharField(max_length=8, choices=Sector.choices)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffGroup(models.Model):
    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Band(models.Model):
    """A pay band: Agenda for Change bands for the NHS, plus groupings used in social care."""

    name = models.CharField(max_length=60, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class MetricDefinition(models.Model):
    """A workforce metric the board watches, e.g. 12-month turnover; observations are per month."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percentage"
        COUNT = "count", "Count of people"
        WTE = "wte", "Whole-time equivalent"
        GBP = "gbp", "Pounds sterling"
        RATIO = "ratio", "Ratio"

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"
        NEITHER = "neither", "Neither"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Sum of the organisations' figures"
        RATIO = "ratio", "Sum of numerators over sum of denominators"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    # System-level figures are recomputed from raw counts, never averaged from organisations' rates.
    aggregation = models.CharField(max_length=8, choices=Aggregation.choices, default=Aggregation.SUM)
    numerator_label = models.CharField(max_length=120, blank=True, help_text="For example: leavers (WTE).")
    denominator_label = models.CharField(
        max_length=120, blank=True, help_text="Ratio metrics only. For example: average staff in post (WTE)."
    )
    # Ratio metrics: value = numerator / denominator x scale (100 for a percentage).
    scale = models.DecimalField(max_digits=8, decimal_places=2, default=1)
    improvement_direction = models.CharField(
        max_length=8, choices=Direction.choices, default=Direction.NEITHER
    )
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    formula = models.TextField(blank=True, help_text="How the figure is worked out, in words.")
    order = models.PositiveSmallIntegerField(default=0)
    numerator_may_be_negative = models.BooleanField(
        default=False,
        help_text="Imports accept a negative numerator (e.g. vacancies, when staff in post exceed the "
        "establishment). Otherwise negatives are rejected.",
    )
    numerator_at_most_denominator = models.BooleanField(
        default=False,
        help_text="Rates only. Imports refuse a numerator larger than the denominator (e.g. staff still in "
        "post cannot outnumber the staff at the start, nor days lost the days available).",
    )
    counts_people = models.BooleanField(
        default=False,
        help_text="The figure (or its numerator) is a count of people, so small numbers are suppressed "
        "in any breakdown.",
    )
    spc_baseline_points = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fix the SPC mean and limits on the first N months of each phase; blank uses every month.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == self.Aggregation.RATIO


class SpcRecalculation(models.Model):
    """A month from which a metric's SPC limits are recalculated (e.g. after a change in definition)."""

    metric = models.ForeignKey(MetricDefinition, on_delete=models.CASCADE, related_name="spc_recalculations")
    month = models.DateField(help_text="The first month of the new phase.")
    reason = models.CharField(max_length=200, help_text="What changed, e.g. a new way of counting.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "month"]
        verbose_name = "SPC recalculation point"
        verbose_name_plural = "SPC recalculation points"
        constraints = [
            models.UniqueConstraint(fields=["metric", "month"], name="spc_recalculation_unique_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="spc_recalculation_month_first_day"
            ),
        ]

    def __str__(self):
        return f"{self.metric}: recalculated from {self.month:%B %Y}"


class Observation(models.Model):
    """One month's raw figures for a metric at one organisation (and optionally one staff group).

    Ratio metrics keep numerator and denominator so that system-level rates are computed from the
    summed counts; sum metrics use the numerator alone.
    """

    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="observations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="observations")
    staff_group = models.ForeignKey(
        StaffGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    month = models.DateField(help_text="The first day of the month the figures describe.")
    numerator = models.DecimalField(max_digits=16, decimal_places=4)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    # db_default too, so rows written in SQL (COPY imports, the perf seed) need not name the column.
    is_synthetic = models.BooleanField(
        default=False, db_default=False, help_text="Synthetic demo data; pages showing it say so."
    )

    class Meta:
        ordering = ["metric", "organisation", "month"]
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which SQLite lacks.
            models.UniqueConstraint(
                fields=["metric", "organisation", "month"],
                condition=models.Q(staff_group__isnull=True),
                name="observation_unique_org_month",
            ),
            models.UniqueConstraint(
                fields=["metric", "organisation", "staff_group", "month"],
                condition=models.Q(staff_group__isnull=False),
                name="observation_unique_org_group_month",
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="observation_month_first_day"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="observation_denominator_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["metric", "month"], name="observation_metric_month"),
            models.Index(fields=["metric", "organisation", "month"], name="observation_metric_org_month"),
            # Dashboards sum numerators and denominators per metric and month over the organisation
            # totals (staff_group IS NULL): a covering index lets PostgreSQL answer from the index alone.
            # Every column is a key column (not INCLUDE, which SQLite lacks and warns about).
            models.Index(
                fields=["month", "metric", "organisation", "numerator", "denominator", "is_synthetic"],
                condition=models.Q(staff_group__isnull=True),
                name="observation_totals_cover",
            ),
            models.Index(
                fields=[
                    "staff_group",
                    "month",
                    "metric",
                    "organisation",
                    "numerator",
                    "denominator",
                    "is_synthetic",
                ],
                condition=models.Q(staff_group__isnull=False),
                name="observation_groups_cover",
            ),
        ]

    def __str__(self):
        return f"{self.metric} at {self.organisation}, {self.month:%B %Y}"


class UserManager(DjangoUserManager):
    """Email is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    staff_group = models.ForeignKey(
        StaffGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    band = models.ForeignKey(Band, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="workforce_user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("id")), name="workforce_user_not_own_manager"
            ),
        ]
        permissions = [
            ("manage_people", "Can see people and change their roles"),
            ("view_workforce_dashboard", "Can view the workforce and culture dashboards"),
            ("import_workforce_figures", "Can import workforce figures"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email


def workforce_import_path(instance, filename):
    # The stored name is ours (a random token); the uploader's file name is kept in `file_name`.
    import secrets

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"workforce-imports/{secrets.token_hex(12)}.{suffix}"


class WorkforceImport(models.Model):
    """One uploaded file of monthly figures: validated, previewed, then applied atomically on confirm.

    The row carries the state the pages poll (status, progress, errors, preview), so a task can be
    retried and a page reloaded without losing anything. The file stays in media storage for the record.
    """

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking the file"
        INVALID = "invalid", "Rejected: the file has errors"
        READY = "ready", "Checked: waiting for you to confirm"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    # Private storage: only the import pages (academy admins) read it; it has no public URL.
    file = models.FileField(upload_to=workforce_import_path, storage=private_storage, max_length=200)
    file_name = models.CharField(max_length=255, help_text="The name of the file as uploaded.")
    file_format = models.CharField(max_length=4, choices=Format.choices)
    file_size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        "workforce.User", on_delete=models.PROTECT, related_name="workforce_imports"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        "workforce.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    row_count = models.PositiveIntegerField(default=0, help_text="Rows of figures in the file.")
    rows_processed = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"row": 3, "column": "numerator", "message": "..."}]; the first IMPORT_ERRORS_KEPT are kept.
    errors = models.JSONField(default=list, blank=True)
    # [{"metric": code, "metric_name": ..., "month": "2026-04", "new": n, "replaced": n, "unchanged": n,
    #   "before": value or None, "after": value or None}]
    preview = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    replaced_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="workforce_import_status")]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("workforce:import_detail", kwargs={"pk": self.pk})

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.IMPORTING)

    @property
    def progress_percent(self) -> int:
        if not self.row_count:
            return 0
        return min(100, int(self.rows_processed * 100 / self.row_count))


class InclusionStandard(models.TextChoices):
    WRES = "wres", "Workforce Race Equality Standard (WRES)"
    WDES = "wdes", "Workforce Disability Equality Standard (WDES)"


class InclusionResult(models.Model):
    """One WRES indicator or WDES metric for one organisation and reporting year.

    What `value` holds depends on the indicator's kind (workforce/culture.py): a relative likelihood
    (1.0 is parity), or the group's percentage / score with the comparison group's alongside. Counts of
    people are kept so that small numbers can be suppressed wherever they are shown.
    """

    standard = models.CharField(max_length=4, choices=InclusionStandard.choices)
    indicator = models.CharField(max_length=12, help_text="e.g. wres-2 or wdes-9a; see workforce/culture.py.")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inclusion_results")
    year = models.PositiveSmallIntegerField(help_text="The reporting year, e.g. 2025 for the WRES 2025 data.")
    value = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        help_text="Relative likelihood, or the group's percentage or score.",
    )
    comparison_value = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="The comparison group's percentage or score (White or non-disabled staff, the workforce).",
    )
    group_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="People in the group the figure is about (e.g. BME staff shortlisted).",
    )
    comparison_count = models.PositiveIntegerField(null=True, blank=True)
    # A likelihood is built from two counts per group (WRES 2 / WDES 2: appointed out of shortlisted); the
    # smaller one must be kept too, or a likelihood built from 3 appointments would be shown.
    group_numerator = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Where the figure is a likelihood built from two counts (WRES 2, WDES 2): how many of the "
        "group counted in group_count were appointed. Leave blank for other indicators.",
    )
    comparison_numerator = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="As group_numerator, for the comparison group (e.g. BME or disabled applicants appointed).",
    )
    is_synthetic = models.BooleanField(default=False, help_text="Synthetic demo data; pages say so.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "standard", "indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "year"], name="inclusion_result_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="inclusion_result_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(group_numerator__isnull=True)
                | models.Q(group_count__isnull=True)
                | models.Q(group_numerator__lte=models.F("group_count")),
                name="inclusion_result_group_numerator_at_most_count",
            ),
            models.CheckConstraint(
                condition=models.Q(comparison_numerator__isnull=True)
                | models.Q(comparison_count__isnull=True)
                | models.Q(comparison_numerator__lte=models.F("comparison_count")),
                name="inclusion_result_comparison_numerator_at_most_count",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="inclusion_result_org_year")]

    def __str__(self):
        return f"{self.indicator} at {self.organisation}, {self.year}"

    @property
    def people_counts(self) -> tuple[int | None, ...]:
        """Every count of people the figure is built from; any one of 1 to 7 suppresses the figure."""
        return (self.group_count, self.comparison_count, self.group_numerator, self.comparison_numerator)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .culture import INDICATORS, Kind

        indicator = INDICATORS.get(self.indicator)
        if indicator is None:
            raise ValidationError(
                {"indicator": "Unknown indicator: use wres-1 to wres-9 or wdes-1 to wdes-10."}
            )
        if indicator.standard != self.standard:
            raise ValidationError(
                {"standard": f"{indicator.label} belongs to the {indicator.standard.upper()}."}
            )
        if indicator.kind in (Kind.PERCENTAGE, Kind.SCORE) and self.comparison_value is None:
            raise ValidationError(
                {"comparison_value": f"{indicator.label} compares two groups: enter {indicator.comparison}."}
            )
        errors = {}
        for field, numerator, count in (
            ("group_numerator", self.group_numerator, self.group_count),
            ("comparison_numerator", self.comparison_numerator, self.comparison_count),
        ):
            if numerator is not None and count is not None and numerator > count:
                errors[field] = f"Cannot be more than the people counted ({count})."
        if errors:
            raise ValidationError(errors)


class SurveyTheme(models.TextChoices):
    COMPASSIONATE_INCLUSIVE = "compassionate", "We are compassionate and inclusive"
    RECOGNISED_REWARDED = "recognised", "We are recognised and rewarded"
    VOICE = "voice", "We each have a voice that counts"
    SAFE_HEALTHY = "safe", "We are safe and healthy"
    ALWAYS_LEARNING = "learning", "We are always learning"
    WORK_FLEXIBLY = "flexible", "We work flexibly"
    TEAM = "team", "We are a team"
    ENGAGEMENT = "engagement", "Staff engagement"
    MORALE = "morale", "Morale"


class StaffSurveyScore(models.Model):
    """NHS Staff Survey: a People Promise element, staff engagement or morale, scored 0-10, for one year."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff_survey_scores"
    )
    year = models.PositiveSmallIntegerField(
        help_text="The survey year, e.g. 2025 for the autumn 2025 survey."
    )
    theme = models.CharField(max_length=16, choices=SurveyTheme.choices)
    score = models.DecimalField(max_digits=4, decimal_places=2)
    respondents = models.PositiveIntegerField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False, help_text="Synthetic demo data; pages say so.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "year", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "theme"], name="staff_survey_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=10), name="staff_survey_score_0_to_10"
            ),
        ]

    def __str__(self):
        return f"{self.get_theme_display()} at {self.organisation}, {self.year}: {self.score}"


PREFER_NOT_TO_SAY = "prefer_not_to_say"


class EqualityMonitoring(models.Model):
    """A person's own, optional equality-monitoring answers (special category data).

    Every question is optional ("" means not answered) and offers "prefer not to say". Nobody sees another
    person's answers: there is no admin page and no view for them; they are used only in suppressed
    aggregates (programme reach).
    """

    class AgeBand(models.TextChoices):
        UNDER_25 = "under_25", "Under 25"
        AGE_25_34 = "25_34", "25 to 34"
        AGE_35_44 = "35_44", "35 to 44"
        AGE_45_54 = "45_54", "45 to 54"
        AGE_55_64 = "55_64", "55 to 64"
        AGE_65_PLUS = "65_plus", "65 or over"
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"

    class Ethnicity(models.TextChoices):
        # The 2021 census high-level groups.
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"

    class Disability(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"

    class SexualOrientation(models.TextChoices):
        HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Another sexual orientation"
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"

    class Religion(models.TextChoices):
        NONE = "none", "No religion"
        CHRISTIAN = "christian", "Christian"
        HINDU = "hindu", "Hindu"
        MUSLIM = "muslim", "Muslim"
        SIKH = "sikh", "Sikh"
        OTHER = "other", "Another religion or belief"
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="equality_monitoring")
    age_band = models.CharField("Age", max_length=20, choices=AgeBand.choices, blank=True)
    sex = models.CharField("Sex", max_length=20, choices=Sex.choices, blank=True)
    ethnicity = models.CharField("Ethnic group", max_length=20, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(
        "Do you consider yourself to have a disability or long-term condition?",
        max_length=20,
        choices=Disability.choices,
        blank=True,
    )
    sexual_orientation = models.CharField(
        "Sexual orientation", max_length=20, choices=SexualOrientation.choices, blank=True
    )
    religion = models.CharField("Religion or belief", max_length=20, choices=Religion.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The characteristics programme reach may break down by (only in suppressed aggregates).
    CHARACTERISTICS = ("age_band", "sex", "ethnicity", "disability", "sexual_orientation", "religion")

    class Meta:
        verbose_name = "equality-monitoring answers"
        verbose_name_plural = "equality-monitoring answers"

    def __str__(self):
        # Deliberately says nothing about the answers.
        return f"Equality-monitoring answers #{self.pk}"
