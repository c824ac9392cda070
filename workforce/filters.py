import django_filters
from django.db.models import Q

from .models import Organisation, User
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
