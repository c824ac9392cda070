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

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


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
