from django import forms

from .models import Cohort, Session


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Needed if you decline; the person sees it.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason so the person knows why their request was declined.")
        return data


class MoveForm(forms.Form):
    to_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Move to cohort", empty_label=None
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = cohorts
        self.fields["to_cohort"].label_from_instance = lambda c: f"{c.name} (starts {c.starts_on:%-d %B %Y})"


class CohortForm(forms.ModelForm):
    online_link = forms.URLField(required=False, assume_scheme="https", label="Online link")

    class Meta:
        model = Cohort
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "venue",
            "online_link",
            "capacity",
            "enrolment_opens_at",
            "enrolment_closes_at",
            "approval_required",
            "promotion",
            "offer_hours",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "enrolment_opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "enrolment_closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        opens, closes = data.get("enrolment_opens_at"), data.get("enrolment_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("enrolment_closes_at", "Enrolment must close after it opens.")
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "date", "starts_at", "ends_at", "place"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The session must end after it starts.")
        return data


# ==== Admin editing of workstreams and programmes (issue 6) ==========================================
from django.db.models import Q  # noqa: E402

from workforce.models import Sector, User  # noqa: E402
from workforce.roles import Role  # noqa: E402

from .models import Programme, Workstream  # noqa: E402


class WorkstreamForm(forms.ModelForm):
    class Meta:
        model = Workstream
        fields = ["name", "slug", "description"]
        labels = {"name": "Name", "slug": "Short web name", "description": "Description (optional)"}
        help_texts = {"slug": "Lower-case letters, numbers and hyphens, for example: culture-and-leadership."}
        error_messages = {
            "name": {
                "required": "Enter the workstream's name",
                "unique": "A workstream with this name exists",
            },
            "slug": {
                "required": "Enter a short web name",
                "unique": "Another workstream uses this web name. Choose a different one",
                "invalid": "Use only lower-case letters, numbers and hyphens",
            },
        }


class ProgrammeLeadField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.email})"


class ProgrammeForm(forms.ModelForm):
    audience_sectors = forms.MultipleChoiceField(
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Open to sectors",
        help_text="Leave all unticked if it is open to every sector.",
    )
    lead = ProgrammeLeadField(
        queryset=User.objects.none(), required=False, label="Programme lead (optional)", empty_label="Not set"
    )

    class Meta:
        model = Programme
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "workstream",
            "pillar",
            "format",
            "duration",
            "cpd_hours",
            "lead",
            "status",
            "delivered_at_system_level",
            "audience",
            "audience_staff_groups",
            "audience_bands",
            "audience_organisations",
        ]
        labels = {
            "title": "Title",
            "slug": "Short web name",
            "summary": "Summary",
            "description": "Description (optional)",
            "workstream": "Workstream",
            "pillar": "Pillar",
            "format": "Format",
            "duration": "Duration (optional)",
            "cpd_hours": "CPD hours",
            "status": "Status",
            "delivered_at_system_level": "Delivered at ICS level (not only being collaborated on)",
            "audience": "Who it is for (optional)",
            "audience_staff_groups": "Open to staff groups",
            "audience_bands": "Open to bands",
            "audience_organisations": "Open to organisations",
        }
        widgets = {
            "pillar": forms.RadioSelect,
            "format": forms.RadioSelect,
            "status": forms.RadioSelect,
            "audience_staff_groups": forms.CheckboxSelectMultiple,
            "audience_bands": forms.CheckboxSelectMultiple,
            "audience_organisations": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "audience_staff_groups": "Leave all unticked if it is open to every staff group.",
            "audience_bands": "Leave all unticked if it is open to every band.",
            "audience_organisations": "Leave all unticked if it is open to every organisation.",
        }
        error_messages = {
            "title": {"required": "Enter the programme's title"},
            "slug": {
                "required": "Enter a short web name",
                "unique": "Another programme uses this web name. Choose a different one",
                "invalid": "Use only lower-case letters, numbers and hyphens",
            },
            "summary": {"required": "Enter a summary of one or two sentences"},
            "workstream": {"required": "Choose the workstream"},
            "pillar": {"required": "Choose the pillar: recruit, retain or reform"},
            "cpd_hours": {"invalid": "CPD hours must be a number, like 6 or 7.5"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(groups__name__in=[Role.PROGRAMME_LEAD, Role.ACADEMY_ADMIN]))
            .distinct()
        )
        workstreams = Workstream.objects.filter(is_archived=False)
        if self.instance.pk:
            workstreams = Workstream.objects.filter(Q(is_archived=False) | Q(pk=self.instance.workstream_id))
        self.fields["workstream"].queryset = workstreams
        self.fields["workstream"].empty_label = "Choose a workstream"
        self.initial.setdefault("audience_sectors", self.instance.audience_sectors or [])
        if "status" in self.fields:
            self.fields["status"].choices = [
                c for c in self.fields["status"].choices if c[0] and c[0] != Programme.Status.ARCHIVED
            ]
            if self.instance.status == Programme.Status.ARCHIVED:
                del self.fields["status"]

    def clean_audience_sectors(self):
        sectors = list(self.cleaned_data["audience_sectors"])
        # Not a model form field (a JSON list on the model), so it is set on the instance here.
        self.instance.audience_sectors = sectors
        return sectors

    def clean_cpd_hours(self):
        value = self.cleaned_data["cpd_hours"]
        if value is not None and value < 0:
            raise forms.ValidationError("CPD hours cannot be negative")
        return value


# ==== end of issue 6 block ==========================================================================
