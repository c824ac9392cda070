from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView, TemplateView

from programmes.models import Pillar
from workforce.history import HistoryRestoreViewMixin, HistoryViewMixin
from workforce.views import BreadcrumbMixin, ConfirmActionMixin, FormPageMixin

from . import selectors, services
from .forms import BoardMeetingForm, MetricLinkForm, ObjectiveForm, PledgeForm, ProgressUpdateForm
from .models import MetricLink, Objective, Pledge, ProgressUpdate, Status

MANAGE = "pledges.manage_pledges"
PLEDGES_CRUMBS = (("Home", "home"), ("Manage pledges", "pledges:manage_pledges"))
OBJECTIVES_CRUMBS = (("Home", "home"), ("Manage objectives", "pledges:manage_objectives"))


class ManageMixin(PermissionRequiredMixin, BreadcrumbMixin):
    permission_required = MANAGE


# --- Board overview ---------------------------------------------------------------------------------------


class BoardOverviewView(PermissionRequiredMixin, BreadcrumbMixin, TemplateView):
    """Who: board members and academy admins (pledges.view_board_overview)."""

    permission_required = "pledges.view_board_overview"
    template_name = "pledges/board_overview.html"

    def get_context_data(self, **kwargs):
        last = selectors.last_board_meeting()
        since = last.date if last else timezone.localdate() - timezone.timedelta(days=30)
        summaries = selectors.metric_summaries_by_id()
        headlines = selectors.workforce_headlines(summaries=summaries)
        return super().get_context_data(
            rows=selectors.pledge_rows(list(selectors.pledge_list()), summaries=summaries),
            headlines=headlines,
            # Key metrics come from the same summaries, so the headlines tell for the whole page.
            includes_synthetic=any(h.includes_synthetic for h in headlines),
            reach=selectors.programme_reach_headlines(),
            last_meeting=last,
            next_meeting=selectors.next_board_meeting(),
            since=since,
            changes=selectors.changes_since(since),
            **kwargs,
        )


class BoardMeetingSetView(PermissionRequiredMixin, BreadcrumbMixin, FormView):
    """Who: board members and academy admins (pledges.set_board_meeting)."""

    permission_required = "pledges.set_board_meeting"
    template_name = "includes/form_page.html"
    form_class = BoardMeetingForm
    breadcrumbs = (("Home", "home"), ("Board overview", "pledges:board"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Set the date of a board meeting",
            intro="The board overview shows what has changed since the last meeting on or before today.",
            submit_label="Save the date",
            cancel_url=reverse("pledges:board"),
            **kwargs,
        )

    def form_valid(self, form):
        meeting = services.board_meeting_set(
            date=form.cleaned_data["date"], note=form.cleaned_data["note"], user=self.request.user
        )
        messages.success(self.request, f"Board meeting date saved: {meeting.date:%-d %B %Y}.")
        return redirect("pledges:board")


# --- Staff pledge pages -----------------------------------------------------------------------------------


class PledgeListView(BreadcrumbMixin, TemplateView):
    """Who: every signed-in user."""

    template_name = "pledges/pledge_list.html"

    def get_context_data(self, **kwargs):
        led_pledges, led_objectives = selectors.led_by(self.request.user)
        return super().get_context_data(
            rows=selectors.pledge_rows(list(selectors.pledge_list())),
            led_pledges=led_pledges,
            led_objectives=led_objectives,
            **kwargs,
        )


class PledgeDetailView(BreadcrumbMixin, DetailView):
    """Who: every signed-in user; archived pledges are not shown (404)."""

    template_name = "pledges/pledge_detail.html"
    breadcrumbs = (("Home", "home"), ("Our pledges", "pledges:list"))
    context_object_name = "pledge"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.pledge_detail_queryset(), number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        pledge = self.object
        return super().get_context_data(
            progress=selectors.subject_progress(pledge),
            objectives=selectors.objective_rows(list(pledge.objectives.all())),
            programmes=selectors.pledge_programmes(pledge),
            metrics=selectors.linked_metrics(pledge),
            may_post=selectors.user_may_post_update(self.request.user, pledge),
            may_manage=self.request.user.has_perm(MANAGE),
            **kwargs,
        )


class ObjectiveDetailView(BreadcrumbMixin, DetailView):
    """Who: every signed-in user (read only); archived objectives are not shown (404)."""

    template_name = "pledges/objective_detail.html"
    breadcrumbs = (("Home", "home"), ("Our pledges", "pledges:list"))
    context_object_name = "objective"

    def get_queryset(self):
        return selectors.objective_detail_queryset()

    def get_context_data(self, **kwargs):
        objective = self.object
        return super().get_context_data(
            progress=selectors.subject_progress(objective),
            metrics=selectors.linked_metrics(objective),
            may_post=selectors.user_may_post_update(self.request.user, objective),
            may_manage=self.request.user.has_perm(MANAGE),
            **kwargs,
        )


# --- Managing pledges -------------------------------------------------------------------------------------


class ManagePledgeListView(ManageMixin, ListView):
    """Who: academy admins."""

    template_name = "pledges/manage_pledge_list.html"
    context_object_name = "pledges"

    def get_queryset(self):
        return selectors.pledge_list(include_archived=True).select_related("lead")


class ManagePledgeDetailView(ManageMixin, DetailView):
    """Who: academy admins."""

    template_name = "pledges/manage_pledge_detail.html"
    breadcrumbs = PLEDGES_CRUMBS
    context_object_name = "pledge"

    def get_queryset(self):
        return selectors.pledge_list(include_archived=True).prefetch_related(
            "objectives", "people_promise_elements"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            metrics=selectors.linked_metrics(self.object),
            updates=selectors.updates_for(self.object),
            **kwargs,
        )


def _form_error(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PledgeCreateView(ManageMixin, FormPageMixin, FormView):
    form_class = PledgeForm
    breadcrumbs = PLEDGES_CRUMBS
    page_title = "Add a pledge"
    submit_label = "Add pledge"

    def form_valid(self, form):
        try:
            pledge = services.pledge_create(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Pledge {pledge.number} added.")
        return redirect("pledges:manage_pledge", pk=pledge.pk)


class PledgeEditView(ManageMixin, FormPageMixin, FormView):
    form_class = PledgeForm
    breadcrumbs = PLEDGES_CRUMBS
    submit_label = "Save changes"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(MANAGE):
            self.pledge = get_object_or_404(Pledge, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.pledge}

    def get_cancel_url(self):
        return reverse("pledges:manage_pledge", kwargs={"pk": self.pledge.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            caption=str(self.pledge), page_title=f"Edit pledge {self.pledge.number}", **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            services.pledge_update(pledge=self.pledge, user=self.request.user, **data)
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Pledge {self.pledge.number} saved. The change is kept in its history."
        )
        return redirect("pledges:manage_pledge", pk=self.pledge.pk)


class ConfirmActionView(ManageMixin, ConfirmActionMixin, DetailView):
    """Who: academy admins. A confirmation page, then the action on POST."""


class PledgeArchiveView(ConfirmActionView):
    queryset = Pledge.objects.filter(is_archived=False)
    breadcrumbs = PLEDGES_CRUMBS
    question = "Archive {obj}?"
    explanation = (
        "Archived pledges leave the board overview and the staff pledge pages. Nothing is deleted: its "
        "updates and history are kept, and you can bring it back at any time."
    )
    button = "Archive pledge"
    done = "Pledge {obj.number} archived."

    def get_cancel_url(self):
        return reverse("pledges:manage_pledge", kwargs={"pk": self.object.pk})

    def act(self):
        services.pledge_archive(pledge=self.object, user=self.request.user)


class PledgeUnarchiveView(PledgeArchiveView):
    queryset = Pledge.objects.filter(is_archived=True)
    question = "Bring back {obj}?"
    explanation = "It will show on the board overview and the staff pledge pages again."
    button = "Bring back pledge"
    done = "Pledge {obj.number} brought back from the archive."

    def act(self):
        services.pledge_unarchive(pledge=self.object, user=self.request.user)


class PledgeMoveView(ManageMixin, DetailView):
    """POST only: move a pledge up or down the order."""

    model = Pledge
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pledge = self.get_object()
        try:
            services.pledge_move(
                pledge=pledge, user=request.user, direction=request.POST.get("direction", "")
            )
        except ValidationError as error:
            messages.error(request, f"Pledge {pledge.number} was not moved: {' '.join(error.messages)}.")
        else:
            messages.success(request, f"Pledge {pledge.number} moved {request.POST['direction']}.")
        return redirect("pledges:manage_pledges")


class PledgeHistoryMixin(ManageMixin):
    model = Pledge
    breadcrumbs = PLEDGES_CRUMBS
    history_url_name = "pledges:pledge_history"
    restore_url_name = "pledges:pledge_restore"
    object_url_name = "pledges:manage_pledge"


class PledgeHistoryView(PledgeHistoryMixin, HistoryViewMixin, DetailView):
    pass


class PledgeRestoreView(PledgeHistoryMixin, HistoryRestoreViewMixin, DetailView):
    pass


# --- Metric links -----------------------------------------------------------------------------------------


class MetricLinkAddView(ManageMixin, FormPageMixin, FormView):
    form_class = MetricLinkForm
    submit_label = "Link metric"
    subject_model = Pledge

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(MANAGE):
            self.subject = get_object_or_404(self.subject_model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (str(self.subject), _manage_url(self.subject))]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            caption=str(self.subject), page_title="Link a workforce metric", **kwargs
        )

    def form_valid(self, form):
        try:
            services.metric_link_set(subject=self.subject, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{form.cleaned_data['metric']} linked to {self.subject}.")
        return redirect(_manage_url(self.subject))


class PledgeMetricLinkAddView(MetricLinkAddView):
    breadcrumbs = PLEDGES_CRUMBS


class ObjectiveMetricLinkAddView(MetricLinkAddView):
    breadcrumbs = OBJECTIVES_CRUMBS
    subject_model = Objective


class MetricLinkRemoveView(ConfirmActionView):
    queryset = MetricLink.objects.select_related("metric", "pledge", "objective")
    question = "Remove the link to {obj.metric} from {obj.subject}?"
    explanation = "The metric and its figures are not affected. The removal is kept in the link's history."
    button = "Remove link"
    done = "{obj.metric} is no longer linked to {obj.subject}."

    def get_cancel_url(self):
        return _manage_url(self.object.subject)

    def act(self):
        services.metric_link_remove(link=self.object, user=self.request.user)


def _manage_url(subject):
    if isinstance(subject, Pledge):
        return reverse("pledges:manage_pledge", kwargs={"pk": subject.pk})
    return reverse("pledges:manage_objective", kwargs={"pk": subject.pk})


# --- Progress updates -------------------------------------------------------------------------------------


class ProgressUpdateCreateView(BreadcrumbMixin, FormView):
    """Who: academy admins for any pledge or objective; a programme lead (or anyone) named as its lead."""

    template_name = "pledges/update_form.html"
    form_class = ProgressUpdateForm
    subject_model = Pledge

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.subject = get_object_or_404(
            self.subject_model.objects.filter(is_archived=False), pk=kwargs["pk"]
        )
        if not selectors.user_may_post_update(request.user, self.subject):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(self.request.get_full_path())

    def subject_url(self):
        if self.request.user.has_perm(MANAGE):
            return _manage_url(self.subject)
        if isinstance(self.subject, Pledge):
            return reverse("pledges:detail", kwargs={"number": self.subject.number})
        return reverse("pledges:objective_detail", kwargs={"pk": self.subject.pk})

    def get_breadcrumbs(self):
        return [("Home", reverse("home")), (str(self.subject), self.subject_url())]

    def get_initial(self):
        today = timezone.localdate()
        start = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
        return {
            "published_on": today,
            "period_start": start,
            "period_end": today.replace(day=1) - timezone.timedelta(days=1),
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.request.method != "POST":
            del form.fields["confirm_mismatch"]
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject,
            metrics=selectors.linked_metrics(self.subject),
            cancel_url=self.subject_url(),
            **kwargs,
        )

    def form_valid(self, form):
        mismatches = selectors.status_check(subject=self.subject, status=form.cleaned_data["status"])
        if mismatches and not form.cleaned_data.get("confirm_mismatch"):
            form.mismatches = mismatches
            form.add_error(
                "confirm_mismatch",
                "The status does not match what the metrics show. Check the status, or tick the box to post "
                "it anyway",
            )
            return self.form_invalid(form)
        if not mismatches:
            form.fields.pop("confirm_mismatch", None)
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_mismatch"}
        try:
            services.progress_update_create(subject=self.subject, author=self.request.user, **data)
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Progress update posted on {self.subject}: {Status(data['status']).label}."
        )
        return redirect(self.subject_url())

    def form_invalid(self, form):
        if not form.mismatches:
            form.fields.pop("confirm_mismatch", None)
        return super().form_invalid(form)


class ObjectiveProgressUpdateCreateView(ProgressUpdateCreateView):
    subject_model = Objective


class ProgressUpdateEditView(ManageMixin, FormPageMixin, FormView):
    """Who: academy admins. Corrections to a posted update; every version is kept."""

    form_class = ProgressUpdateForm
    submit_label = "Save changes"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(MANAGE):
            self.update = get_object_or_404(
                ProgressUpdate.objects.select_related("pledge", "objective"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [("Home", reverse("home")), (str(self.update.subject), _manage_url(self.update.subject))]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.update}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields.pop("confirm_mismatch")
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            caption=str(self.update.subject),
            page_title="Correct a progress update",
            intro="Every version of the update is kept in its history.",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            update = services.progress_update_edit(
                update=self.update, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Progress update saved.")
        if update.metric_check:
            messages.warning(self.request, f"Check the status: {update.metric_check}")
        return redirect(_manage_url(self.update.subject))


class UpdateHistoryMixin(ManageMixin):
    model = ProgressUpdate
    history_url_name = "pledges:update_history"
    restore_url_name = "pledges:update_restore"

    def get_breadcrumbs(self):
        return [("Home", reverse("home")), (str(self.object.subject), _manage_url(self.object.subject))]

    def get_object_url(self):
        return _manage_url(self.object.subject)


class ProgressUpdateHistoryView(UpdateHistoryMixin, HistoryViewMixin, DetailView):
    pass


class ProgressUpdateRestoreView(UpdateHistoryMixin, HistoryRestoreViewMixin, DetailView):
    pass


# --- Managing objectives ----------------------------------------------------------------------------------


class ManageObjectiveListView(ManageMixin, TemplateView):
    template_name = "pledges/manage_objective_list.html"

    def get_context_data(self, **kwargs):
        objectives = list(selectors.objective_list(include_archived=True))
        pillars = [(label, [o for o in objectives if o.pillar == value]) for value, label in Pillar.choices]
        return super().get_context_data(pillars=pillars, **kwargs)


class ManageObjectiveDetailView(ManageMixin, DetailView):
    template_name = "pledges/manage_objective_detail.html"
    breadcrumbs = OBJECTIVES_CRUMBS
    context_object_name = "objective"

    def get_queryset(self):
        return selectors.objective_list(include_archived=True).prefetch_related("programmes", "pledges")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            metrics=selectors.linked_metrics(self.object),
            updates=selectors.updates_for(self.object),
            **kwargs,
        )


class ObjectiveCreateView(ManageMixin, FormPageMixin, FormView):
    form_class = ObjectiveForm
    breadcrumbs = OBJECTIVES_CRUMBS
    page_title = "Add an objective"
    submit_label = "Add objective"

    def form_valid(self, form):
        try:
            objective = services.objective_create(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Objective added: {objective.title}.")
        return redirect("pledges:manage_objective", pk=objective.pk)


class ObjectiveEditView(ManageMixin, FormPageMixin, FormView):
    form_class = ObjectiveForm
    breadcrumbs = OBJECTIVES_CRUMBS
    page_title = "Edit objective"
    submit_label = "Save changes"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(MANAGE):
            self.objective = get_object_or_404(Objective, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.objective}

    def get_cancel_url(self):
        return reverse("pledges:manage_objective", kwargs={"pk": self.objective.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(caption=self.objective.title, **kwargs)

    def form_valid(self, form):
        try:
            services.objective_update(objective=self.objective, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Objective saved. The change is kept in its history.")
        return redirect("pledges:manage_objective", pk=self.objective.pk)


class ObjectiveArchiveView(ConfirmActionView):
    queryset = Objective.objects.filter(is_archived=False)
    breadcrumbs = OBJECTIVES_CRUMBS
    question = "Archive the objective “{obj.title}”?"
    explanation = (
        "Archived objectives leave the pledge pages. Nothing is deleted: their updates, links and history "
        "are kept, and you can bring them back at any time."
    )
    button = "Archive objective"
    done = "Objective archived: {obj.title}."

    def get_cancel_url(self):
        return reverse("pledges:manage_objective", kwargs={"pk": self.object.pk})

    def act(self):
        services.objective_archive(objective=self.object, user=self.request.user)


class ObjectiveUnarchiveView(ObjectiveArchiveView):
    queryset = Objective.objects.filter(is_archived=True)
    question = "Bring back the objective “{obj.title}”?"
    explanation = "It will show on the pledge pages again."
    button = "Bring back objective"
    done = "Objective brought back from the archive: {obj.title}."

    def act(self):
        services.objective_unarchive(objective=self.object, user=self.request.user)


class ObjectiveMoveView(ManageMixin, DetailView):
    model = Objective
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        objective = self.get_object()
        try:
            services.objective_move(
                objective=objective, user=request.user, direction=request.POST.get("direction", "")
            )
        except ValidationError as error:
            messages.error(request, f"The objective was not moved: {' '.join(error.messages)}.")
        else:
            messages.success(request, f"Objective moved {request.POST['direction']}: {objective.title}.")
        return redirect("pledges:manage_objectives")


class ObjectiveHistoryMixin(ManageMixin):
    model = Objective
    breadcrumbs = OBJECTIVES_CRUMBS
    history_url_name = "pledges:objective_history"
    restore_url_name = "pledges:objective_restore"
    object_url_name = "pledges:manage_objective"


class ObjectiveHistoryView(ObjectiveHistoryMixin, HistoryViewMixin, DetailView):
    pass


class ObjectiveRestoreView(ObjectiveHistoryMixin, HistoryRestoreViewMixin, DetailView):
    pass
