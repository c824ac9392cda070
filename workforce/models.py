from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower


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

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffGroup(models.Model):
    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Band(models.Model):
    """A pay band: Agenda for Change bands for the NHS, plus groupings used in social care."""

    name = models.CharField(max_length=60, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

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

    class Meta:
        ordering = ["metric", "month"]
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
