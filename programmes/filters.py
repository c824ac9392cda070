import django_filters
from django import forms
from django.db.models import Q

from .models import Pillar, Programme, Workstream
from .selectors import programme_open_to_q


class CatalogueFilter(django_filters.FilterSet):
    """The catalogue's search and filters. "Open to me" needs the signed-in person (`request.user`)."""

    q = django_filters.CharFilter(method="filter_text", label="Search programmes")
    workstream = django_filters.ModelChoiceFilter(
        queryset=Workstream.objects.filter(is_archived=False), empty_label="All workstreams"
    )
    pillar = django_filters.ChoiceFilter(choices=Pillar.choices, empty_label="All pillars")
    format = django_filters.ChoiceFilter(choices=Programme.Format.choices, empty_label="Any format")
    open_now = django_filters.BooleanFilter(
        method="filter_open_now", label="Open for enrolment now", widget=forms.CheckboxInput
    )
    open_to_me = django_filters.BooleanFilter(
        method="filter_open_to_me", label="Open to me", widget=forms.CheckboxInput
    )

    class Meta:
        model = Programme
        fields = ["q", "workstream", "pillar", "format", "open_now", "open_to_me"]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Q(workstream__name__icontains=word)
            )
        return queryset

    def filter_open_now(self, queryset, name, value):
        return queryset.filter(is_open_now=True) if value else queryset

    def filter_open_to_me(self, queryset, name, value):
        if not value or self.request is None:
            return queryset
        return queryset.filter(programme_open_to_q(self.request.user))
