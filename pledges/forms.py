from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q

from workforce.models import MetricDefinition, User
from workforce.roles import Role

from .models import BoardMeeting, MetricLink, Objective, PeoplePromiseElement, Pledge, ProgressUpdate


def lead_choices():
    """People who can be named leads: anyone holding a role beyond staff."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[r.value for r in Role]) | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.email})"


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO 8601 whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format)


# The LLR Five-Year Plan has 13 pledges; the model allows up to 99 in case a later plan has more.
PLEDGE_COUNT = 13


class PledgeForm(forms.ModelForm):
    lead = LeadChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Named lead (optional)",
        empty_label="No named lead",
        help_text="The named lead may post progress updates for this pledge.",
    )
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Objectives that deliver this pledge",
    )
    people_promise_elements = forms.ModelMultipleChoiceField(
        queryset=PeoplePromiseElement.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People Promise elements",
    )

    class Meta:
        model = Pledge
        fields = [
            "number",
            "title",
            "is_placeholder_wording",
            "description",
            "executive_lead",
            "lead",
            "objectives",
            "people_promise_elements",
        ]
        labels = {
            "number": "Pledge number",
            "title": "Title",
            "is_placeholder_wording": "The title is a placeholder, not the plan's official wording",
            "description": "What this pledge means (optional)",
            "executive_lead": "Executive lead (optional)",
        }
        help_texts = {
            "number": f"The pledge's number in the LLR Five-Year Plan, from 1 to {PLEDGE_COUNT}.",
            "description": "In plain words, for staff. It is shown on the pledge page.",
            "executive_lead": "Name and job title, for example: Chief People Officer.",
        }
        error_messages = {
            "number": {
                "required": "Enter the pledge number",
                "unique": "Another pledge already has this number. Choose a different number",
                "max_value": f"Pledge number must be {PLEDGE_COUNT} or less",
                "min_value": "Pledge number must be 1 or more",
                "invalid": "Pledge number must be a whole number, like 7",
            },
            "title": {"required": "Enter the pledge's title"},
        }
        widgets = {"number": forms.NumberInput(attrs={"class": "nhsuk-input--width-4"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].validators.append(MaxValueValidator(PLEDGE_COUNT))
        self.fields["number"].widget.attrs.update(min=1, max=PLEDGE_COUNT)
        self.fields["lead"].queryset = lead_choices()
        objectives = Objective.objects.filter(is_archived=False)
        if self.instance.pk:
            objectives = Objective.objects.filter(Q(is_archived=False) | Q(pledges=self.instance)).distinct()
        self.fields["objectives"].queryset = objectives.order_by("pillar", "order", "title")
        self.fields["objectives"].label_from_instance = lambda o: f"{o.get_pillar_display()}: {o.title}"


class ObjectiveForm(forms.ModelForm):
    lead = LeadChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Named lead (optional)",
        empty_label="No named lead",
        help_text="The named lead may post progress updates for this objective.",
    )

    class Meta:
        model = Objective
        fields = ["pillar", "title", "description", "lead", "programmes"]
        labels = {
            "pillar": "Pillar",
            "title": "Objective",
            "description": "Description (optional)",
            "programmes": "Programmes that serve this objective",
        }
        widgets = {"pillar": forms.RadioSelect, "programmes": forms.CheckboxSelectMultiple}
        error_messages = {
            "pillar": {"required": "Choose the pillar: recruit, retain or reform"},
            "title": {"required": "Enter the objective"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = lead_choices()
        self.fields["programmes"].required = False
        self.fields["programmes"].queryset = self.fields["programmes"].queryset.order_by("title")

    def validate_unique(self):
        try:
            self.instance.validate_constraints(exclude=set(self._get_validation_exclusions()))
        except ValidationError:
            self.add_error("title", "This pillar already has an objective with this wording")


class ProgressUpdateForm(forms.ModelForm):
    confirm_mismatch = forms.BooleanField(
        required=False,
        label="I have checked the metrics and want to post this status anyway",
    )

    class Meta:
        model = ProgressUpdate
        fields = ["status", "narrative", "actions_agreed", "period_start", "period_end", "published_on"]
        labels = {
            "status": "Status",
            "narrative": "What has happened",
            "actions_agreed": "Actions agreed (optional)",
            "period_start": "Start of the period covered",
            "period_end": "End of the period covered",
            "published_on": "Date of the update",
        }
        help_texts = {
            "narrative": "In plain words: progress, risks and what made the difference.",
            "actions_agreed": "Who will do what, by when.",
        }
        widgets = {
            "status": forms.RadioSelect,
            "period_start": DateInput,
            "period_end": DateInput,
            "published_on": DateInput,
        }
        error_messages = {
            "status": {"required": "Choose a status"},
            "narrative": {"required": "Enter what has happened in the period"},
            "period_start": {
                "required": "Enter the start of the period covered",
                "invalid": "Enter a real date",
            },
            "period_end": {"required": "Enter the end of the period covered", "invalid": "Enter a real date"},
            "published_on": {"required": "Enter the date of the update", "invalid": "Enter a real date"},
        }

    def __init__(self, *args, mismatches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0]]
        self.mismatches = mismatches or []

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be on or after its start")
        return cleaned


class MetricChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_unit_display().lower()})"


class MetricLinkForm(forms.ModelForm):
    metric = MetricChoiceField(
        queryset=MetricDefinition.objects.none(),
        label="Workforce metric",
        empty_label="Choose a metric",
        error_messages={"required": "Choose a workforce metric"},
    )

    class Meta:
        model = MetricLink
        fields = ["metric", "target", "is_key"]
        labels = {
            "target": "Target (optional)",
            "is_key": "This is the key metric (shown on the board overview)",
        }
        help_texts = {
            "target": (
                "In the metric's unit, shown after its name: for a percentage, enter 8.5 for 8.5%. "
                "Leave empty to use the metric's own target, if it has one."
            ),
        }
        error_messages = {
            "target": {
                "invalid": "Enter the target as a number, like 8.5",
                "max_digits": "Enter a target of 14 digits or fewer",
                "max_whole_digits": "Enter a target of 10 digits or fewer before the decimal point",
                "max_decimal_places": "Enter a target with no more than 4 decimal places",
            },
        }
        widgets = {
            "target": forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = MetricDefinition.objects.all()

    def clean(self):
        cleaned = super().clean()
        metric, target = cleaned.get("metric"), cleaned.get("target")
        is_percent = metric is not None and metric.unit == MetricDefinition.Unit.PERCENT
        if is_percent and target is not None and not 0 <= target <= 100:
            self.add_error("target", f"{metric.name} is a percentage: enter a target from 0 to 100")
        return cleaned


class BoardMeetingForm(forms.ModelForm):
    class Meta:
        model = BoardMeeting
        fields = ["date", "note"]
        labels = {"date": "Date of the board meeting", "note": "Note (optional)"}
        help_texts = {"note": "For example: People and Culture Board, March."}
        widgets = {"date": DateInput}
        error_messages = {
            "date": {"required": "Enter the date of the meeting", "invalid": "Enter a real date"}
        }

    def validate_unique(self):
        # Setting an existing date again just updates its note.
        pass
