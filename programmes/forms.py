from django import forms  # noqa: F401

# ==== Catalogue and enrolment forms (issue 3) go above this line ====
# ==== Admin editing of workstreams and programmes (issue 6) ==========================================
from django.db.models import Q  # noqa: E402

from workforce.models import User  # noqa: E402
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
        }
        widgets = {"pillar": forms.RadioSelect, "format": forms.RadioSelect, "status": forms.RadioSelect}
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
        if "status" in self.fields:
            self.fields["status"].choices = [
                c for c in self.fields["status"].choices if c[0] and c[0] != Programme.Status.ARCHIVED
            ]
            if self.instance.status == Programme.Status.ARCHIVED:
                del self.fields["status"]

    def clean_cpd_hours(self):
        value = self.cleaned_data["cpd_hours"]
        if value is not None and value < 0:
            raise forms.ValidationError("CPD hours cannot be negative")
        return value


# ==== end of issue 6 block ==========================================================================
