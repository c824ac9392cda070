import django_filters
from django import forms
from django.db.models import Q

from .models import Observation, Organisation, Sector, StaffGroup, User
from .roles import Role


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Name or email")
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), empty_label="All organisations"
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", label="Role", empty_label="Any role"
    )

    class Meta:
        model = User
        fields = ["q", "organisation", "role"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        return queryset

    def filter_role(self, queryset, name, value):
        return queryset.filter(groups__name=value)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month as YYYY-MM (what <input type="month"> sends), cleaned to its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": "Enter a month as a year and month, for example 2024-04"}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class WorkforceFigureFilter(django_filters.FilterSet):
    """Scope for the workforce dashboard and metric pages. The selectors do the filtering (they aggregate
    in PostgreSQL); this FilterSet gives the form, its validation and the query string."""

    sector = django_filters.ChoiceFilter(
        choices=Sector.choices, empty_label="All sectors", label="Sector", method="skip"
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(is_active=True),
        empty_label="All organisations",
        label="Organisation",
        method="skip",
    )
    staff_group = django_filters.ModelChoiceFilter(
        queryset=StaffGroup.objects.all(), empty_label="All staff groups", label="Staff group", method="skip"
    )
    start = MonthFilter(label="From (month)", method="skip")
    end = MonthFilter(label="To (month)", method="skip")

    class Meta:
        model = Observation
        fields = ["sector", "organisation", "staff_group", "start", "end"]

    def skip(self, queryset, name, value):
        return queryset

    def scope(self) -> dict:
        """Keyword arguments for the metric selectors; an invalid form means no filters."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        data = self.form.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.form.add_error("end", "The end month must be the same as or after the start month")
            return {}
        return {key: value for key, value in data.items() if value not in (None, "")}
