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
from .forms import ProfileForm, RolesForm
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


# --- Shared page patterns for editing (any app) ---------------------------------------------------------


class FormPageMixin:
    """Renders includes/form_page.html: ``page_title``, optional ``caption``/``intro``, the form, a submit
    button labelled ``submit_label`` and a cancel link (by default the parent page in the breadcrumbs)."""

    template_name = "includes/form_page.html"
    page_title = ""
    submit_label = "Save"

    def get_cancel_url(self):
        return self.get_breadcrumbs()[-1][1]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", self.page_title)
        return super().get_context_data(
            submit_label=self.submit_label, cancel_url=self.get_cancel_url(), **kwargs
        )


class ConfirmActionMixin:
    """Use with ``DetailView``: GET shows a confirmation page (includes/confirm_page.html); POST calls
    :meth:`act` and redirects to :meth:`get_cancel_url` with a message. ``question`` and ``done`` are
    formatted with ``obj``; a ``ValidationError`` from :meth:`act` is shown as an error message."""

    template_name = "includes/confirm_page.html"
    context_object_name = "subject"
    question = ""
    explanation = ""
    button = ""
    done = ""

    def get_cancel_url(self):
        raise NotImplementedError

    def act(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=self.question.format(obj=self.object),
            explanation=self.explanation,
            button=self.button,
            cancel_url=self.get_cancel_url(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            self.act()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.done.format(obj=self.object))
        return redirect(self.get_cancel_url())
