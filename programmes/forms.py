from django import forms

from .models import ExternalLearning, ProgrammeOutcome


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
