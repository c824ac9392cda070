import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from workforce import filters as workforce_filters

from .models import BoardReport, BoardReportSchedule, BoardReportSection

FRONT_SHEET_WIDGETS = {
    "key_points": forms.Textarea(attrs={"rows": 5}),
    "recommendation": forms.Textarea(attrs={"rows": 3}),
    "strategic_alignment": forms.Textarea(attrs={"rows": 3}),
    "risks": forms.Textarea(attrs={"rows": 3}),
    "equality_impact": forms.Textarea(attrs={"rows": 3}),
}
FRONT_SHEET_FORM_FIELDS = [
    "meeting_name",
    "agenda_item",
    "title",
    "purpose",
    "sponsor",
    "author",
    "key_points",
    "recommendation",
    "strategic_alignment",
    "risks",
    "equality_impact",
    "previously_considered",
]


class MonthField(workforce_filters.MonthField):
    """Workforce's month field, also taking 03/2025 from browsers that show a plain text box."""

    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BoardReportRequestForm(forms.ModelForm):
    meeting_date = forms.DateField(
        label="Date of the board meeting",
        widget=DateInput(),
        error_messages={"required": "Enter the date of the board meeting"},
    )
    period_start = MonthField(
        label="First month covered",
        help_text="For example, 2025-03",
        error_messages={
            "required": "Enter the first month the pack covers",
            "invalid": "Enter the first month the pack covers as a year and month, for example 2025-03",
        },
    )
    period_end = MonthField(
        label="Last month covered",
        help_text="For example, 2025-03",
        error_messages={
            "required": "Enter the last month the pack covers",
            "invalid": "Enter the last month the pack covers as a year and month, for example 2025-03",
        },
    )
    sections = forms.MultipleChoiceField(
        choices=BoardReportSection.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Sections",
        help_text="The front sheet, a contents page and the chosen sections, in this order.",
        error_messages={"required": "Choose at least one section"},
    )

    class Meta:
        model = BoardReport
        fields = ["meeting_date", "period_start", "period_end", "sections", *FRONT_SHEET_FORM_FIELDS]
        widgets = FRONT_SHEET_WIDGETS
        labels = {"meeting_name": "Meeting", "title": "Title of the paper"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "The last month must be the same as or after the first month")
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the model instance is not built from the form here.
        pass


class BoardReportFrontSheetForm(forms.ModelForm):
    """The front sheet of a pack not made yet; the service checks and saves it."""

    class Meta:
        model = BoardReport
        fields = FRONT_SHEET_FORM_FIELDS
        widgets = FRONT_SHEET_WIDGETS
        labels = {"meeting_name": "Meeting", "title": "Title of the paper"}

    def _post_clean(self):
        pass


def board_report_people():
    """People a pack can be sent to: those who may request and see board packs."""
    perm = Q(groups__permissions__codename="request_board_report") | Q(
        user_permissions__codename="request_board_report"
    )
    return get_user_model().objects.filter(perm, is_active=True).distinct().order_by("last_name", "email")


class BoardReportScheduleForm(forms.ModelForm):
    sections = forms.MultipleChoiceField(
        choices=BoardReportSection.choices, widget=forms.CheckboxSelectMultiple, label="Sections"
    )
    meeting_dates = forms.CharField(
        label="Add board meeting dates",
        help_text="One date a line, for example 2027-03-12. Meetings already set stay as they are.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    recipients = forms.ModelMultipleChoiceField(
        queryset=board_report_people(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Send the pack to",
        help_text="They get an email with a link when it is ready; the file is not attached.",
    )

    class Meta:
        model = BoardReportSchedule
        fields = [
            "is_active",
            "working_days_before",
            "period_months",
            "sections",
            "recipients",
            *FRONT_SHEET_FORM_FIELDS,
        ]
        widgets = FRONT_SHEET_WIDGETS
        labels = {
            "is_active": "Generate packs on this schedule",
            "working_days_before": "Working days before each meeting",
            "meeting_name": "Meeting",
            "title": "Title of the paper",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = board_report_people()

    def clean_meeting_dates(self):
        dates = []
        for number, line in enumerate(self.cleaned_data["meeting_dates"].splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    dates.append(dt.datetime.strptime(text, fmt).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(
                    f"Line {number} ({text}) is not a date: write dates like 2027-03-12, one a line"
                )
        return sorted(set(dates))

    def _post_clean(self):
        pass
