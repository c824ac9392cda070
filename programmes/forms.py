from django import forms
from django.core.exceptions import ValidationError

from .models import (
    Cohort,
    Completion,
    CompletionRule,
    ExternalLearning,
    Pillar,
    ProgrammeOutcome,
    Session,
    Survey,
    SurveyQuestion,
    Workstream,
)
from .selectors import REACH_DIMENSIONS


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


class CancelCohortForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the cohort cancelled?",
        help_text="Everyone enrolled is told this in their email.",
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the session cancelled?",
        help_text="Everyone with a place is told this in their email.",
        error_messages={"required": "Give a reason; everyone with a place is told it."},
    )


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


# --- Admin editing of workstreams and programmes ---------------------------------------------------
from django.db.models import Q  # noqa: E402

from workforce.models import Sector, User  # noqa: E402
from workforce.roles import Role  # noqa: E402

from .models import Programme  # noqa: E402


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


class ExternalLearningForm(forms.ModelForm):
    class Meta:
        model = ExternalLearning
        fields = ["title", "completed_on", "cpd_hours", "evidence_note"]
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evidence_note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": "Enter the title of the learning"},
            "completed_on": {"required": "Enter the date you completed it", "invalid": "Enter a real date"},
            "cpd_hours": {
                "required": "Enter the CPD hours",
                "invalid": "Enter CPD hours as a number, like 3.5",
            },
        }
        labels = {"evidence_note": "Evidence note (optional)"}


class ProgrammeOutcomeForm(forms.ModelForm):
    class Meta:
        model = ProgrammeOutcome
        fields = list(ProgrammeOutcome.ELEMENTS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in ProgrammeOutcome.ELEMENTS}


class CompletionRuleForm(forms.ModelForm):
    class Meta:
        model = CompletionRule
        fields = ["min_attendance_percent", "required_session_titles"]
        widgets = {
            "min_attendance_percent": forms.NumberInput(
                attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}
            ),
            "required_session_titles": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "min_attendance_percent": {
                "required": "Enter the minimum attendance, from 0 to 100",
                "invalid": "Enter the minimum attendance as a whole number, from 0 to 100",
            }
        }

    def clean_min_attendance_percent(self):
        value = self.cleaned_data["min_attendance_percent"]
        if value is None or not 0 <= value <= 100:
            raise forms.ValidationError("Enter the minimum attendance, from 0 to 100")
        return value


class CompletionOverrideForm(forms.Form):
    status = forms.ChoiceField(
        label="Completion status",
        widget=forms.RadioSelect,
        choices=[
            (Completion.Status.COMPLETED, "Completed"),
            (Completion.Status.NOT_COMPLETED, "Not completed"),
            (Completion.Status.DID_NOT_ATTEND, "Did not attend"),
            (Completion.Status.WITHDRAWN, "Withdrawn"),
            ("computed", "Use the status worked out from attendance"),
        ],
        error_messages={"required": "Choose a completion status"},
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the record, for example: attended a catch-up session on 3 March.",
    )

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != "computed" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give a reason for changing the completion status")
        return data


class CertificateVerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=40,
        help_text="12 letters and numbers, printed on the certificate, for example ABCD-EFGH-JK23.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": "Enter the verification code from the certificate"},
    )

    def clean_code(self):
        from .services import certificate_code_normalise

        code = certificate_code_normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the 12 letters and numbers of the code, like ABCD-EFGH-JK23")
        return code


class SurveyAnswerForm(forms.Form):
    RATING_CHOICES = [
        (str(n), label) for n, label in ((5, "5 (excellent)"), (4, "4"), (3, "3"), (2, "2"), (1, "1 (poor)"))
    ]

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"question_{question.pk}"
            label = question.text if question.required else f"{question.text} (optional)"
            if question.kind == SurveyQuestion.Kind.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=self.RATING_CHOICES,
                    widget=forms.RadioSelect,
                    required=question.required,
                    error_messages={"required": "Choose a rating from 1 to 5"},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": "Answer this question"},
                )

    def answers(self) -> dict[int, int | str | None]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"question_{question.pk}")
            if question.kind == SurveyQuestion.Kind.RATING:
                result[question.pk] = int(value) if value else None
            else:
                result[question.pk] = value or ""
        return result


class ReachFilterForm(forms.Form):
    dimension = forms.ChoiceField(
        label="Break down by", choices=list(REACH_DIMENSIONS.items()), required=False
    )
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.all(), required=False, empty_label="All workstreams"
    )
    pillar = forms.ChoiceField(choices=[("", "All pillars"), *Pillar.choices], required=False)
    starts_from = forms.DateField(
        label="Cohorts starting from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    starts_to = forms.DateField(
        label="Cohorts starting up to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_from") and data.get("starts_to") and data["starts_from"] > data["starts_to"]:
            self.add_error("starts_to", "The end of the period must be on or after its start")
        return data


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "send_after_months"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}
        labels = {"send_after_months": "Send how many months after completion"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != Survey.Kind.FOLLOW_UP:
            del self.fields["send_after_months"]
        else:
            self.fields["send_after_months"].widget.attrs.update({"class": "nhsuk-input--width-2", "min": 1})

    def clean_send_after_months(self):
        months = self.cleaned_data["send_after_months"]
        if months is None or not 1 <= months <= 36:
            raise forms.ValidationError("Enter a number of months from 1 to 36")
        return months


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["text", "kind", "required", "is_overall_rating"]
        labels = {
            "text": "Question",
            "kind": "Type of answer",
            "required": "People must answer it",
            "is_overall_rating": "This is the overall rating shown on the programme page",
        }
        error_messages = {"text": {"required": "Enter the question"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SurveyQuestion.Kind.choices
        self.fields["kind"].initial = SurveyQuestion.Kind.RATING


class BaseSurveyQuestionFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this question"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("text")
        ]
        for f in self.forms:
            if f.cleaned_data.get("DELETE") and f.instance.pk and f.instance.answers.exists():
                raise forms.ValidationError(
                    f"“{f.instance.text}” already has answers, so it cannot be removed; change its wording."
                )
        from .services import survey_check_questions

        try:
            survey_check_questions(questions=kept)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


SurveyQuestionFormSet = forms.inlineformset_factory(
    Survey,
    SurveyQuestion,
    form=SurveyQuestionForm,
    formset=BaseSurveyQuestionFormSet,
    extra=2,
    can_delete=True,
    can_order=False,
)
