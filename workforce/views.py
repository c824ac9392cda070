from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from . import charts, culture, exports, importing, selectors, services
from .exports import csv_bytes, xlsx_bytes
from .filters import PeopleFilter, WorkforceFigureFilter
from .forms import CultureFilterForm, EqualityMonitoringForm, ProfileForm, RolesForm, WorkforceImportForm
from .models import EqualityMonitoring, Observation
from .tables import (
    OrganisationBreakdownTable,
    PeopleTable,
    WorkforceImportTable,
    breakdown_export_header,
    breakdown_rows,
)


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


# --- Importing monthly figures -----------------------------------------------------------------------------

IMPORT_PERMISSION = "workforce.import_workforce_figures"
IMPORT_CRUMBS = (("Home", "home"), ("Import workforce figures", "workforce:import"))


class ImportView(PermissionRequiredMixin, BreadcrumbMixin, SingleTableMixin, FormView):
    """Who: academy admins (workforce.import_workforce_figures). Upload form, template, history."""

    permission_required = IMPORT_PERMISSION
    template_name = "workforce/import.html"
    form_class = WorkforceImportForm
    table_class = WorkforceImportTable
    table_pagination = {"per_page": 10}

    def get_table_data(self):
        return selectors.workforce_import_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=importing.COLUMNS,
            codes=selectors.import_reference_codes(),
            max_megabytes=importing.max_upload_bytes() // (1024 * 1024),
            max_rows=importing.max_rows(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            workforce_import = services.workforce_import_create(
                uploaded_file=form.cleaned_data["file"], uploaded_by=self.request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        messages.success(self.request, f"{workforce_import.file_name} uploaded. We are checking every row.")
        return redirect(workforce_import.get_absolute_url())


class ImportTemplateView(PermissionRequiredMixin, View):
    """Who: academy admins. The template file, with the header and two example rows."""

    permission_required = IMPORT_PERMISSION

    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404("There is a CSV and an Excel template only.")
        header = list(importing.COLUMN_NAMES)
        rows = importing.template_rows()
        if fmt == "xlsx":
            content = xlsx_bytes(header, rows, sheet_title="Figures")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, content_type = csv_bytes(header, rows), "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="workforce-figures-template.{fmt}"'
        return response


class ImportDetailView(PermissionRequiredMixin, BreadcrumbMixin, DetailView):
    """Who: academy admins. One import: progress, its errors, its preview, or what it changed."""

    permission_required = IMPORT_PERMISSION
    breadcrumbs = IMPORT_CRUMBS
    template_name = "workforce/import_detail.html"
    context_object_name = "workforce_import"

    def get_queryset(self):
        return selectors.workforce_import_list()

    def get_context_data(self, **kwargs):
        workforce_import = self.object
        return super().get_context_data(
            progress=services.workforce_import_progress(workforce_import), **kwargs
        )


class ImportStatusView(ImportDetailView):
    """The progress panel, polled by htmx; once the work is finished it asks the page to reload."""

    template_name = "workforce/_import_progress.html"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.in_progress:
            response["HX-Refresh"] = "true"
        return response


class ImportActionView(PermissionRequiredMixin, SingleObjectMixin, View):
    """POST only: confirm or cancel a checked import."""

    permission_required = IMPORT_PERMISSION
    action = "confirm"

    def get_queryset(self):
        return selectors.workforce_import_list()

    def post(self, request, pk):
        workforce_import = self.get_object()
        try:
            if self.action == "confirm":
                services.workforce_import_confirm(
                    workforce_import=workforce_import, confirmed_by=request.user
                )
                messages.success(request, f"Importing {workforce_import.file_name}.")
            else:
                services.workforce_import_cancel(workforce_import=workforce_import, cancelled_by=request.user)
                messages.success(request, f"{workforce_import.file_name} was cancelled; nothing changed.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(workforce_import.get_absolute_url())


# --- Culture and inclusion ---------------------------------------------------------------------------------


class CultureDashboardView(PermissionRequiredMixin, BreadcrumbMixin, TemplateView):
    """Who: board members and academy admins (workforce.view_workforce_dashboard)."""

    permission_required = "workforce.view_workforce_dashboard"
    template_name = "workforce/culture.html"

    def get_context_data(self, **kwargs):
        organisations = selectors.culture_organisations()
        years = selectors.culture_years()
        data = self.request.GET if self.request.GET else None
        form = CultureFilterForm(data, organisations=organisations, years=years)
        organisation = year = None
        if form.is_bound and form.is_valid():
            organisation, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
        else:
            own = self.request.user.organisation_id
            organisation = organisations.filter(pk=own).first() or organisations.first()
            year = years[0] if years else None
            if not form.is_bound:
                form = CultureFilterForm(
                    initial={"organisation": organisation, "year": year},
                    organisations=organisations,
                    years=years,
                )
        dashboard = selectors.culture_dashboard(organisation=organisation, year=year)
        return super().get_context_data(
            form=form,
            dashboard=dashboard,
            rules={
                "rl_lower": culture.RL_LOWER,
                "rl_upper": culture.RL_UPPER,
                "percentage_gap": culture.PERCENTAGE_GAP_FLAG,
                "score_gap": culture.SCORE_GAP_FLAG,
            },
            **kwargs,
        )


# --- Workforce dashboard and metric pages (board members and academy admins) ------------------------------


class WorkforceScopeMixin(PermissionRequiredMixin, BreadcrumbMixin):
    """Who: board members and academy admins (workforce.view_workforce_dashboard); staff get 403."""

    permission_required = "workforce.view_workforce_dashboard"

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = WorkforceFigureFilter(
                self.request.GET or None, queryset=Observation.objects.none()
            )
        return self._filterset

    def get_scope(self) -> dict:
        if not hasattr(self, "_scope"):
            self._scope = self.get_filterset().scope()
        return self._scope

    def filter_is_invalid(self) -> bool:
        self.get_scope()  # the period check adds its error here
        filterset = self.get_filterset()
        return filterset.is_bound and bool(filterset.form.errors)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("sort", None)
        query.pop("page", None)
        # An invalid filter shows the whole system's figures (with the errors): links carry no filter, so a
        # download is of what the page shows, never of something else.
        scope_query = "" if self.filter_is_invalid() else query.urlencode()
        return super().get_context_data(filter=self.get_filterset(), scope_query=scope_query, **kwargs)


class WorkforceDashboardView(WorkforceScopeMixin, TemplateView):
    template_name = "workforce/dashboard.html"

    def get_context_data(self, **kwargs):
        dashboard = selectors.workforce_dashboard(**self.get_scope())
        concerns = [row for row in dashboard.rows if row.system.is_concern]
        missing = [row for row in dashboard.rows if row.system.misses_target]
        return super().get_context_data(
            dashboard=dashboard, concerns=concerns, missing_target=missing, **kwargs
        )


class MetricDetailView(WorkforceScopeMixin, TemplateView):
    template_name = "workforce/metric_detail.html"
    breakdown_per_page = 50
    breadcrumbs = (("Home", "home"), ("Workforce dashboard", "workforce:dashboard"))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.metric = get_object_or_404(selectors.metric_definitions(), code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        scope = self.get_scope()
        series = selectors.metric_series(metric=self.metric, **scope)
        summary = selectors.metric_summary_for(series)
        chart = charts.series_chart(series) if series.points and not series.small_numbers else None
        figures = selectors.metric_breakdown(metric=self.metric, **scope)
        table = OrganisationBreakdownTable(breakdown_rows(self.metric, figures))
        RequestConfig(self.request, paginate={"per_page": self.breakdown_per_page}).configure(table)
        return super().get_context_data(
            metric=self.metric,
            series=series,
            summary=summary,
            chart=chart,
            table=table,
            includes_synthetic=series.includes_synthetic or any(f.includes_synthetic for f in figures),
            suppression_applies=self.metric.counts_people,
            **kwargs,
        )


class MetricBreakdownExportView(WorkforceScopeMixin, View):
    """The breakdown table as CSV or XLSX: suppressed like the page, formula-safe cells."""

    formats = {
        "csv": ("text/csv; charset=utf-8", exports.csv_bytes),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.xlsx_bytes),
    }

    def get(self, request, code, fmt):
        if fmt not in self.formats:
            raise Http404("Unknown export format")
        metric = get_object_or_404(selectors.metric_definitions(), code=code)
        if self.filter_is_invalid():
            # Never export something other than what was asked for: show the page with the errors instead.
            response = MetricDetailView.as_view()(request, code=code)
            response.status_code = 400
            return response
        figures = selectors.metric_breakdown(metric=metric, **self.get_scope())
        rows = [row["export"] for row in breakdown_rows(metric, figures)]
        content_type, render = self.formats[fmt]
        header = breakdown_export_header(metric)
        body = render(header, rows, sheet_title=metric.name) if fmt == "xlsx" else render(header, rows)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{metric.code}-by-organisation.{fmt}"'
        return response


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
