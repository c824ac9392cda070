from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import selectors, services
from .filters import PeopleFilter
from .forms import EqualityMonitoringForm, ProfileForm, RolesForm
from .models import EqualityMonitoring
from .tables import PeopleTable


class BreadcrumbMixin:
    """Adds `crumbs`, a list of (label, url) for includes/breadcrumbs.html; the last is the parent page."""

    breadcrumbs: tuple[tuple[str, str], ...] = (("Home", "home"),)

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        return [(label, reverse(url_name)) for label, url_name in self.breadcrumbs]

    def get_context_data(self, **kwargs):
        return super().get_context_data(crumbs=self.get_breadcrumbs(), **kwargs)


class ProfileView(BreadcrumbMixin, FormView):
    """Who: any signed-in user, for their own profile only."""

    template_name = "workforce/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        user = self.request.user
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "organisation": user.organisation_id,
            "staff_group": user.staff_group_id,
            "band": user.band_id,
            "line_manager_email": user.line_manager.email if user.line_manager else "",
        }

    def form_valid(self, form):
        try:
            services.user_update_profile(
                user=self.request.user,
                line_manager=form.cleaned_data["line_manager_email"],
                **{k: form.cleaned_data[k] for k in ("first_name", "last_name", "organisation")},
                **{k: form.cleaned_data[k] for k in ("staff_group", "band")},
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your profile has been updated.")
        return redirect("workforce:profile")


class PeopleListView(PermissionRequiredMixin, BreadcrumbMixin, SingleTableMixin, FilterView):
    """Who: academy admins (workforce.manage_people)."""

    permission_required = "workforce.manage_people"
    template_name = "workforce/people_list.html"
    table_class = PeopleTable
    filterset_class = PeopleFilter
    paginate_by = 25

    def get_queryset(self):
        return selectors.user_list()


class PersonRolesView(PermissionRequiredMixin, BreadcrumbMixin, FormView):
    """Who: academy admins (workforce.manage_people)."""

    permission_required = "workforce.manage_people"
    template_name = "workforce/person_roles.html"
    breadcrumbs = (("Home", "home"), ("People and roles", "workforce:people"))
    form_class = RolesForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.person = get_object_or_404(selectors.user_list(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"roles": selectors.user_roles(self.person)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)

    def form_valid(self, form):
        try:
            services.user_set_roles(
                user=self.person, roles=form.cleaned_data["roles"], changed_by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Roles updated for {self.person.display_name}.")
        return redirect(reverse("workforce:people"))


class EqualityMonitoringView(BreadcrumbMixin, FormView):
    """Who: any signed-in user, for their own answers only (there is no way to open anyone else's)."""

    template_name = "workforce/equality_monitoring.html"
    form_class = EqualityMonitoringForm
    breadcrumbs = (("Home", "home"), ("Your profile", "workforce:profile"))

    def get_form_kwargs(self):
        record = EqualityMonitoring.objects.filter(person=self.request.user).first()
        return {**super().get_form_kwargs(), "instance": record}

    def get_context_data(self, **kwargs):
        answered = EqualityMonitoring.objects.filter(person=self.request.user).exists()
        return super().get_context_data(answered=answered, **kwargs)

    def form_valid(self, form):
        if "delete" in self.request.POST:
            services.equality_monitoring_delete(person=self.request.user)
            messages.success(self.request, "Your equality-monitoring answers have been deleted.")
            return redirect("workforce:profile")
        try:
            services.equality_monitoring_update(
                person=self.request.user,
                answers={name: form.cleaned_data[name] for name in EqualityMonitoring.CHARACTERISTICS},
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your equality-monitoring answers have been saved.")
        return redirect("workforce:profile")
