import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from workforce.storages import private_storage


class Workstream(models.Model):
    """A People and Culture Board workstream that groups programmes (Table 2 of the 2025 scrutiny report)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_archived = models.BooleanField(default=False)

    history = HistoricalRecords()

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
    # Position within its workstream (admins reorder programmes on the manage page).
    order = models.PositiveSmallIntegerField(default=0)
    # True for programmes "delivered at ICS level"; False for those "being collaborated on" (Table 2).
    delivered_at_system_level = models.BooleanField(default=True)
    # Audience: who the programme is open to. An empty list means "everyone" for that dimension; a person
    # must match every dimension that has entries (see Programme.eligibility).
    audience = models.TextField(
        blank=True, help_text="Who the programme is for, in words, e.g. newly registered nurses."
    )
    audience_staff_groups = models.ManyToManyField(
        "workforce.StaffGroup", blank=True, related_name="+", verbose_name="open to staff groups"
    )
    audience_bands = models.ManyToManyField(
        "workforce.Band", blank=True, related_name="+", verbose_name="open to bands"
    )
    audience_organisations = models.ManyToManyField(
        "workforce.Organisation", blank=True, related_name="+", verbose_name="open to organisations"
    )
    # Sector codes from workforce.models.Sector (e.g. ["nhs", "asc"]); empty: every sector.
    audience_sectors = models.JSONField(default=list, blank=True, verbose_name="open to sectors")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The audience links are versioned with the programme, so the history shows (and restores) them too.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=[audience_staff_groups, audience_bands, audience_organisations],
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="programme_cpd_hours_gte_0")
        ]
        indexes = [models.Index(fields=["status", "workstream"])]

    def __str__(self):
        return self.title

    @property
    def audience_sector_labels(self) -> list[str]:
        from workforce.models import Sector

        return [Sector(code).label for code in self.audience_sectors or [] if code in Sector.values]


class Cohort(models.Model):
    """One run of a programme: its dates, place, capacity and enrolment window."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    class Promotion(models.TextChoices):
        DIRECT = "direct", "Give the place straight to the next person"
        OFFER = "offer", "Offer the place to the next person for a limited time"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120, help_text="For example: Spring 2027.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    enrolment_opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now.")
    enrolment_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: open until the cohort starts."
    )
    approval_required = models.BooleanField(
        default=False, help_text="A line manager (or the programme lead) must approve each place."
    )
    promotion = models.CharField(max_length=10, choices=Promotion.choices, default=Promotion.OFFER)
    offer_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long a freed place is held for the next person on the waiting list."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=0), name="cohort_capacity_gte_0"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment_opens_at__isnull=True)
                | models.Q(enrolment_closes_at__isnull=True)
                | models.Q(enrolment_closes_at__gt=models.F("enrolment_opens_at")),
                name="cohort_enrolment_closes_after_opens",
            ),
        ]
        indexes = [models.Index(fields=["programme", "starts_on"], name="cohort_programme_start")]

    def __str__(self):
        return f"{self.programme.title}: {self.name}"

    @property
    def place(self) -> str:
        if self.venue and self.online_link:
            return f"{self.venue} and online"
        return self.venue or ("Online" if self.online_link else "To be confirmed")

    def has_started(self, *, today=None) -> bool:
        return self.starts_on <= (today or timezone.localdate())

    def start_datetime(self) -> datetime:
        """The moment `has_started` turns true: the start of the first day, local time."""
        return timezone.make_aware(datetime.combine(self.starts_on, datetime.min.time()))

    def enrolment_window_open(self, *, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.SCHEDULED or self.has_started(today=timezone.localdate(now)):
            return False
        if self.enrolment_opens_at and now < self.enrolment_opens_at:
            return False
        return not (self.enrolment_closes_at and now >= self.enrolment_closes_at)


class Session(models.Model):
    """One meeting of a cohort. Calendar invites use its uid; sequence rises with every change."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    place = models.CharField(max_length=200, blank=True, help_text="Room and site, or Online.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancellation_reason = models.TextField(blank=True, help_text="Why it was cancelled; people are told.")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["date", "status"], name="session_date_status")]

    def __str__(self):
        return f"{self.title or 'Session'} on {self.date:%-d %B %Y}"

    def start_datetime(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.starts_at))

    def end_datetime(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.ends_at))


class Enrolment(models.Model):
    """A person's place (or wish for one) in a cohort.

    Only one live enrolment per person per cohort (database constraint); withdrawn, declined and expired
    rows stay as history, so a person can enrol again later. Waiting-list order is `queue_number`, taken
    under the cohort row lock when the person joins the list; the visible position is the rank among
    those still waiting.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Place offered"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Offer expired"

    # Statuses that hold or wait for a place; one of these per person per cohort at most.
    LIVE_STATUSES = (Status.CONFIRMED, Status.WAITING, Status.OFFERED, Status.AWAITING_APPROVAL)
    # Statuses that use up a place (an offer holds the place until it is accepted or lapses).
    PLACE_STATUSES = (Status.CONFIRMED, Status.OFFERED)

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    # Wide enough for statuses other features add.
    status = models.CharField(max_length=30, choices=Status.choices)
    queue_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Arrival order on the cohort's waiting list."
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments_to_approve",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set when a lead moved the person to another cohort of the programme: this row then records the move,
    # not a withdrawal, and counts neither in reach nor in the programme's figures (the new one does).
    moved_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="moved_from"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                condition=models.Q(status__in=["confirmed", "waiting", "offered", "awaiting_approval"]),
                name="enrolment_one_live_per_person_cohort",
            ),
            models.UniqueConstraint(
                fields=["cohort", "queue_number"],
                condition=models.Q(queue_number__isnull=False),
                name="enrolment_unique_queue_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="waiting") | models.Q(queue_number__isnull=False),
                name="enrolment_waiting_has_queue_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="enrolment_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="enrolment_cohort_status"),
            models.Index(fields=["person", "status"], name="enrolment_person_status"),
            models.Index(fields=["status", "offer_expires_at"], name="enrolment_status_offer"),
        ]

    def __str__(self):
        return f"{self.person} in {self.cohort} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


class Notification(models.Model):
    """One email about an enrolment. The row is the task's state: created once per `key` (so a replayed
    service call or a re-run beat task sends nothing twice) and marked sent by the Celery task."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", "Place confirmed"
        WAITING = "waiting", "Joined the waiting list"
        OFFERED = "offered", "Place offered"
        PROMOTED = "promoted", "Promoted from the waiting list"
        OFFER_EXPIRED = "offer_expired", "Offer expired"
        APPROVAL_REQUESTED = "approval_requested", "Approval requested"
        APPROVAL_DECIDED = "approval_decided", "Approval decided"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OFFER_DECLINED = "offer_declined", "Offer declined"
        MOVED = "moved", "Moved to another cohort"
        COHORT_CANCELLED = "cohort_cancelled", "Cohort cancelled"
        SESSION_CHANGED = "session_changed", "Session changed"
        SESSION_CANCELLED = "session_cancelled", "Session cancelled"
        REMINDER = "reminder", "Reminder the day before a session"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_recipient_key")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}"


def offer_deadline(cohort: Cohort, *, now=None) -> datetime:
    """When an offered place lapses: the cohort's offer hours from now, but never after the cohort starts
    (a place offered the day before the start cannot be taken up once the first session has begun)."""
    return min((now or timezone.now()) + timedelta(hours=cohort.offer_hours), cohort.start_datetime())


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

    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self):
        return self.text


# --- Attendance, completion and certificates --------------------------------------------------------------


class Attendance(models.Model):
    """Whether a person with a place came to one session, as marked by the programme lead."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "enrolment"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_one_per_session_enrolment"
            )
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.enrolment.person} at {self.session}"


class CompletionRule(models.Model):
    """How a programme decides who completed: a share of sessions attended and, optionally, named sessions."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="completion_rule")
    min_attendance_percent = models.PositiveSmallIntegerField(
        "Minimum attendance (%)",
        default=75,
        help_text="Share of the cohort's sessions a person must attend; excused sessions are not counted.",
    )
    required_session_titles = models.TextField(
        "Sessions everyone must attend",
        blank=True,
        help_text="One session title per line, exactly as the cohorts' sessions are named; may be empty.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100), name="completion_rule_percent_lte_100"
            )
        ]

    def __str__(self):
        return f"Completion rule for {self.programme}"

    @property
    def required_titles(self) -> list[str]:
        return [line.strip() for line in self.required_session_titles.splitlines() if line.strip()]


class Completion(models.Model):
    """The outcome of one enrolment, computed from attendance by the completion service.

    ``computed_status`` is what the rule says; a lead can override it with a reason, and ``status`` is the
    one that counts (the override when there is one).
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        NOT_COMPLETED = "not_completed", "Not completed"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        WITHDRAWN = "withdrawn", "Withdrawn"

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="completion")
    computed_status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    sessions_counted = models.PositiveSmallIntegerField(default=0)
    completed_on = models.DateField(null=True, blank=True)
    override_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(override_status="") | ~models.Q(override_reason=""),
                name="completion_override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="completion_status")]

    def __str__(self):
        return f"{self.enrolment.person}: {self.get_status_display()} ({self.enrolment.cohort})"

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_status)


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.code}.pdf"


class Certificate(models.Model):
    """The certificate for a completed enrolment. The code stays the same when it is re-issued.

    ``details`` is the snapshot printed on the PDF (and shown, in part, on the public verification page);
    ``details_hash`` tells the generation task whether the PDF is still current, which makes it idempotent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        ISSUED = "issued", "Issued"
        REVOKED = "revoked", "No longer valid"

    completion = models.OneToOneField(Completion, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    details = models.JSONField(default=dict)
    details_hash = models.CharField(max_length=64, blank=True)
    # Private storage: a certificate carries a person's name, so only the permission-checked download view
    # serves it (never a public MEDIA_URL, where anyone with the code could fetch it).
    file = models.FileField(upload_to=certificate_upload_to, storage=private_storage, blank=True)
    file_hash = models.CharField(max_length=64, blank=True, help_text="details_hash of the PDF on file.")
    issued_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    def __str__(self):
        return f"Certificate {self.code}"

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.ISSUED and bool(self.file) and self.file_hash == self.details_hash


# --- Evaluation -----------------------------------------------------------------------------------------


class SurveyInvitation(models.Model):
    """A participant's invitation to one survey; the follow-up is due some months after completion."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="survey_invitations")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=12, choices=Survey.Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind"], name="survey_invitation_one_per_kind")
        ]
        indexes = [models.Index(fields=["sent_at", "due_on"], name="survey_invitation_due")]

    def __str__(self):
        return f"{self.survey} for {self.enrolment.person}"


class SurveyResponse(models.Model):
    """One person's answers. Only academy admins see a response on its own; others see cohort totals."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        permissions = [("view_individual_responses", "Can read individual evaluation responses")]

    def __str__(self):
        return f"Response #{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_one_per_question"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="survey_answer_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Answer to {self.question}"
