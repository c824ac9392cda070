"""The cross-cutting rules of DESIGN.md (sections 4 to 6), checked across the whole portal.

Each app's own tests prove its pages in depth; these walk every URL and every admin-registered model, so a new
page or model that forgets a rule fails here: who may see each view, object-level access, CSRF, no secrets in
pages, permission-checked files, small-number suppression, formula-safe exports and history for what admins
change.
"""

import datetime
import inspect
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from programmes.models import Enrolment
from workforce.roles import Role

from ..factories import UserFactory
from ..programmes.factories import CohortFactory, EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

# The only pages anyone may open without signing in: the home page (it offers sign-in), the health check for
# load balancers, and the certificate check an employer uses. allauth's own pages are left to allauth.
PUBLIC = {"home", "healthz", "programmes:certificate_verify"}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def _example_kwargs(route: str) -> dict:
    values = {"int": 999999, "slug": "no-such-thing", "str": "csv", "path": "x"}
    return {name: values[kind] for kind, name in re.findall(r"<(\w+):(\w+)>", route)}


def portal_routes() -> list[tuple[str, str, URLPattern]]:
    """(name, example URL, pattern) for every page of ours: not allauth's, not the Django admin's."""
    routes = []
    for route, namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace == "admin" or route.startswith(("accounts/", "django-admin/")) or not pattern.name:
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        routes.append((name, reverse(name, kwargs=_example_kwargs(route)), pattern))
    return routes


ROUTES = portal_routes()
PRIVATE_ROUTES = [(name, url) for name, url, _ in ROUTES if name not in PUBLIC]
ROLE_ROUTES = [
    (name, url, pattern.callback.view_class.permission_required)
    for name, url, pattern in ROUTES
    if getattr(getattr(pattern.callback, "view_class", None), "permission_required", None)
]


def _view_class(pattern):
    return getattr(pattern.callback, "view_class", None)


# --- who may see each view ----------------------------------------------------------------------------


def test_the_walk_finds_every_app():
    names = {name.split(":")[0] for name, _, _ in ROUTES if ":" in name}
    assert names == {"workforce", "programmes", "pledges"}
    assert len(ROUTES) > 100


def test_only_the_listed_pages_are_open_without_signing_in():
    open_pages = {
        name for name, _, pattern in ROUTES if getattr(pattern.callback, "login_required", True) is False
    }
    assert open_pages == PUBLIC


@pytest.mark.parametrize(("name", "url"), PRIVATE_ROUTES, ids=[name for name, _ in PRIVATE_ROUTES])
def test_every_other_page_sends_an_anonymous_visitor_to_sign_in(client, name, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (name, method.__name__, response.status_code)
        assert response.url.startswith(reverse("account_login")), name


def test_every_view_declares_who_may_see_it():
    """A role (permission_required) or a docstring saying "Who:" (the signed-in person's own things, or an
    object-level rule the view enforces). A view with neither has not thought about it."""
    undeclared = []
    for name, _, pattern in ROUTES:
        view = _view_class(pattern) or pattern.callback
        if getattr(view, "permission_required", None):
            continue
        if "Who:" in (inspect.getdoc(view) or "") or name in PUBLIC:
            continue
        undeclared.append(name)
    assert undeclared == []


@pytest.mark.parametrize(("name", "url", "permission"), ROLE_ROUTES, ids=[name for name, _, _ in ROLE_ROUTES])
def test_a_signed_in_person_without_the_role_gets_403(client, name, url, permission):
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403, name
    assert client.post(url).status_code == 403, name


@pytest.mark.parametrize("role", [Role.PROGRAMME_LEAD, Role.BOARD_MEMBER])
def test_a_person_with_another_role_gets_403_from_every_page_of_a_role_they_lack(client, role):
    """Over HTTP, not only through has_perm: a lead on the board's pages, a board member on a lead's."""
    user = UserFactory(roles=[role])
    client.force_login(user)
    refused = []
    for name, url, permission in ROLE_ROUTES:
        if user.has_perms([permission] if isinstance(permission, str) else permission):
            continue
        refused.append(name)
        assert client.get(url).status_code == 403, name
    assert refused  # each role lacks some role pages


def test_roles_hold_only_the_permissions_their_pages_need(client):
    """Each role reaches the role pages meant for it and is refused the others (the matrix, not one role)."""
    expected = {
        None: set(),
        Role.PROGRAMME_LEAD: {"programmes.lead_programmes"},
        Role.BOARD_MEMBER: {
            "workforce.view_workforce_dashboard",
            "pledges.view_board_overview",
            "pledges.set_board_meeting",
            "pledges.request_board_report",
            "programmes.view_programme_reach",
        },
    }
    permissions = {permission for _, _, permission in ROLE_ROUTES}
    for role, allowed in expected.items():
        user = UserFactory(roles=[role] if role else [])
        held = {p for p in permissions if user.has_perm(p)}
        assert held == allowed, role
    admin_user = UserFactory(roles=[Role.ACADEMY_ADMIN])
    assert {p for p in permissions if admin_user.has_perm(p)} == permissions


# --- CSRF -----------------------------------------------------------------------------------------------


def test_no_view_is_exempt_from_csrf():
    exempt = [name for name, _, pattern in ROUTES if getattr(pattern.callback, "csrf_exempt", False)]
    assert exempt == []
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_a_post_without_the_csrf_token_is_refused():
    person = UserFactory()
    cohort = CohortFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post(reverse("programmes:enrol", args=[cohort.pk]))
    assert response.status_code == 403
    assert not Enrolment.objects.filter(person=person).exists()
    # The same request with the token goes through: the refusal above was the token, nothing else.
    client.get(reverse("programmes:programme", args=[cohort.programme.slug]))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("programmes:enrol", args=[cohort.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=person).exists()


# --- object-level access: one person's things are not reachable by another changing an id ------------------


def test_another_persons_enrolment_cannot_be_seen_or_changed(client):
    owner, other = UserFactory(), UserFactory()
    confirmed = EnrolmentFactory(person=owner, confirmed_at=timezone.now())
    offered = EnrolmentFactory(
        person=owner,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=48),
    )
    client.force_login(other)
    attempts = [
        ("get", reverse("programmes:withdraw", args=[confirmed.pk])),
        ("post", reverse("programmes:withdraw", args=[confirmed.pk])),
        ("get", reverse("programmes:calendar", args=[confirmed.pk])),
        ("post", reverse("programmes:accept_offer", args=[offered.pk])),
        ("post", reverse("programmes:decline_offer", args=[offered.pk])),
    ]
    for method, url in attempts:
        assert getattr(client, method)(url).status_code == 404, url
    confirmed.refresh_from_db()
    offered.refresh_from_db()
    assert (confirmed.status, offered.status) == (Enrolment.Status.CONFIRMED, Enrolment.Status.OFFERED)
    # The owner reaches the same pages (so the 404 above is about who asks).
    client.force_login(owner)
    assert client.get(reverse("programmes:calendar", args=[confirmed.pk])).status_code == 200
    # Nor can anyone else's request be decided by a person who is not their approver.
    pending = EnrolmentFactory(
        person=owner, status=Enrolment.Status.AWAITING_APPROVAL, approver=UserFactory()
    )
    client.force_login(other)
    assert client.get(reverse("programmes:approval", args=[pending.pk])).status_code == 403
    assert (
        client.post(reverse("programmes:approval", args=[pending.pk]), {"decision": "approve"}).status_code
        == 403
    )


def test_a_lead_cannot_reach_another_leads_cohort(client):
    mine, theirs = UserFactory(roles=[Role.PROGRAMME_LEAD]), UserFactory(roles=[Role.PROGRAMME_LEAD])
    cohort = CohortFactory(programme=ProgrammeFactory(lead=theirs))
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(mine)
    for url in [
        reverse("programmes:cohort", args=[cohort.pk]),
        reverse("programmes:cohort_edit", args=[cohort.pk]),
        reverse("programmes:cohort_export", args=[cohort.pk]),
        reverse("programmes:cohort_cancel", args=[cohort.pk]),
        reverse("programmes:move", args=[cohort.pk, enrolment.pk]),
        reverse("programmes:session_create", args=[cohort.pk]),
        reverse("programmes:cohort_completion", args=[cohort.pk]),
        reverse("programmes:evaluation", args=[cohort.programme.slug]),
        reverse("programmes:cohort_create", args=[cohort.programme.slug]),
    ]:
        assert client.get(url).status_code == 403, url
    client.force_login(theirs)
    assert client.get(reverse("programmes:cohort", args=[cohort.pk])).status_code == 200


def test_another_board_members_pack_is_not_reachable(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from ..pledges.report_factories import make_report

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    owner, other = UserFactory(roles=[Role.BOARD_MEMBER]), UserFactory(roles=[Role.BOARD_MEMBER])
    done = make_report(owner, status="done", progress=100)
    done.file.save("pack.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    failed = make_report(owner, status="failed")
    client.force_login(other)
    for method, url in [
        ("get", reverse("pledges:board_report_detail", args=[done.pk])),
        ("get", reverse("pledges:board_report_status", args=[done.pk])),
        ("get", reverse("pledges:board_report_download", args=[done.pk])),
        ("get", reverse("pledges:board_report_front_sheet", args=[failed.pk])),
        ("post", reverse("pledges:board_report_front_sheet", args=[failed.pk])),
        ("post", reverse("pledges:board_report_retry", args=[failed.pk])),
    ]:
        assert getattr(client, method)(url).status_code in (403, 404), url
    failed.refresh_from_db()
    assert failed.status == "failed"
    client.force_login(owner)
    assert client.get(reverse("pledges:board_report_download", args=[done.pk])).status_code == 200


# --- files: only through views that check who asks -------------------------------------------------------


def test_certificates_are_kept_in_private_storage_with_no_public_url():
    from programmes.models import Certificate
    from workforce.storages import PrivateFileStorage

    storage = Certificate._meta.get_field("file").storage
    assert isinstance(storage, PrivateFileStorage)
    with pytest.raises(ValueError):
        storage.url("certificates/ABC.pdf")
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_a_certificate_file_is_served_only_to_who_may_see_it(client, settings, tmp_path):
    from programmes import services
    from programmes.models import Completion

    from ..programmes.learning_helpers import PRESENT, mark, past_cohort, place

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    cohort = past_cohort(sessions=1, lead=lead)
    participant = UserFactory()
    enrolment = place(cohort, person=participant)
    mark(cohort, enrolment, [PRESENT], lead)
    certificate = Completion.objects.get(enrolment=enrolment).certificate
    services.certificate_generate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.is_current
    # The file is on the private disk, and nothing of it under MEDIA_ROOT (which DEBUG serves at /media/).
    assert (tmp_path / "private-media" / certificate.file.name).exists()
    assert not list((tmp_path / "media").rglob("*.pdf"))
    url = reverse("programmes:certificate_download", args=[certificate.code])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[Role.PROGRAMME_LEAD]))  # a lead, but not of this programme
    assert client.get(url).status_code == 404
    for who in (participant, lead, UserFactory(roles=[Role.ACADEMY_ADMIN])):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Cache-Control"] == "private, no-store"


def test_the_certificate_move_migration_moves_an_old_public_file(settings, tmp_path):
    """Certificates issued before the change sat in public media: the migration moves each one."""
    import importlib

    from django.apps import apps as django_apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from programmes.models import Certificate

    migration = importlib.import_module("programmes.migrations.0054_certificates_private_storage")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    from ..programmes.learning_helpers import PRESENT, mark, past_cohort, place

    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    cohort = past_cohort(sessions=1, lead=lead)
    enrolment = place(cohort)
    mark(cohort, enrolment, [PRESENT], lead)
    certificate = Certificate.objects.get(completion__enrolment=enrolment)
    public = storages["default"]
    old_name = public.save(f"certificates/{certificate.code}.pdf", ContentFile(b"%PDF-old"))
    Certificate.objects.filter(pk=certificate.pk).update(file=old_name)

    migration.move_files_to_private_storage(django_apps, None)

    certificate.refresh_from_db()
    assert not public.exists(old_name)
    assert certificate.file.read() == b"%PDF-old"
    assert (tmp_path / "private-media" / certificate.file.name).exists()


# --- no secrets in pages ----------------------------------------------------------------------------------


def test_pages_never_show_the_secret_key_or_connection_details(client, settings):
    settings.SECRET_KEY = "s3cret-key-that-must-never-appear-in-a-page"
    secrets = [settings.SECRET_KEY, "postgres://", "redis://", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"]
    password = settings.DATABASES["default"].get("PASSWORD")
    if password:
        secrets.append(password)
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    names = [
        "home",
        "healthz",
        "workforce:dashboard",
        "programmes:catalogue",
        "pledges:board",
        "workforce:import",
    ]
    pages = {name: client.get(reverse(name)) for name in names}
    pages["not found"] = client.get("/no-such-page/")
    for name, response in pages.items():
        content = response.content.decode()
        assert [secret for secret in secrets if secret in content] == [], name
        assert "Traceback" not in content, name
    assert settings.DEBUG is False  # tests run as production does: no debug pages


# --- who changed what: history for every editable model admins change ----------------------------------

# Admin-editable models that keep no history, each with the reason. Anything else an admin can change must
# have django-simple-history's `history`.
OUR_APPS = {"workforce", "programmes", "pledges"}
NO_HISTORY = {
    # A person's own profile; roles are changed by admins through user_set_roles, which logs who and when.
    "workforce.user": "profile fields are the person's own; role changes are logged by user_set_roles",
    # The run state changes every second while a pack is generated; the finished PDF is the record.
    "pledges.boardreport": "the generated PDF and its request (who, when, options) are the record",
}


def _admin_request():
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def test_every_model_admins_can_change_keeps_its_history():
    request = _admin_request()
    missing = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if model._meta.app_label not in OUR_APPS:
            continue  # allauth's, Celery beat's and Django's own tables
        editable = model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
        for inline in model_admin.get_inline_instances(request):
            changeable = inline.has_change_permission(request) or inline.has_add_permission(request, None)
            if changeable and not hasattr(inline.model, "history"):
                missing.append(inline.model._meta.label_lower)
        if editable and label not in NO_HISTORY and not hasattr(model, "history"):
            missing.append(label)
    assert sorted(missing) == []


def test_models_edited_in_the_portal_keep_their_history():
    """The manage pages' models (and what hangs off them) have history, with a page an admin can read."""
    from pledges.models import MetricLink, Objective, Pledge, ProgressUpdate
    from programmes.models import (
        Cohort,
        CompletionRule,
        Programme,
        ProgrammeOutcome,
        Session,
        Survey,
        SurveyQuestion,
        Workstream,
    )

    for model in (
        Pledge,
        Objective,
        MetricLink,
        ProgressUpdate,
        Workstream,
        Programme,
        Cohort,
        Session,
        CompletionRule,
        ProgrammeOutcome,
        Survey,
        SurveyQuestion,
    ):
        assert hasattr(model, "history"), model


def test_observations_change_only_through_the_audited_import():
    from workforce.models import Observation, WorkforceImport

    request = _admin_request()
    for model in (Observation, WorkforceImport):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_a_change_made_in_the_django_admin_records_who_made_it(client):
    from workforce.models import MetricDefinition

    metric = MetricDefinition.objects.order_by("pk").first()  # created by the data migrations
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:workforce_metricdefinition_change", args=[metric.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"name": "Renamed metric", "target": "5"})
    # Inline management form for SPC recalculations.
    data.update({"spc_recalculations-TOTAL_FORMS": "0", "spc_recalculations-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = metric.history.latest()
    assert (latest.name, latest.history_user) == ("Renamed metric", superuser)


# --- accessibility: tables, labels, error summaries, meaning not by colour alone --------------------------


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = 0
        self.captions = 0
        self.th_without_scope = []
        self.labels_for = set()
        self.fields = []  # (id, has aria-label)
        self.summary_links = []
        self.ids = set()
        self._in_summary = False
        self.tags = []  # text of nhsuk-tag elements
        self._tag_depth = None
        self._tag_text = ""
        self._depth = 0
        self.unexplained_images = []
        self.unnamed_svgs = 0
        self.svgs = 0
        self._svg_pending = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._depth += 1
        if a.get("id"):
            self.ids.add(a["id"])
        classes = (a.get("class") or "").split()
        if tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and "scope" not in a:
            self.th_without_scope.append(a)
        elif tag == "label" and a.get("for"):
            self.labels_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.fields.append((a.get("id"), bool(a.get("aria-label") or a.get("aria-labelledby"))))
        if tag == "img" and "alt" not in a:
            self.unexplained_images.append(a.get("src"))
        if tag == "svg":
            self.svgs += 1
            # A chart or icon names what it shows (its meaning is not in its colour alone) or is hidden as
            # decoration beside words that say it.
            named = a.get("aria-label") or a.get("aria-labelledby") or a.get("aria-describedby")
            if not named and a.get("aria-hidden") != "true":
                self._svg_pending = True
        if tag == "title" and getattr(self, "_svg_pending", False):
            self._svg_pending = False  # an SVG <title> names it
        if "nhsuk-error-summary" in classes:
            self._in_summary = True
        if self._in_summary and tag == "a":
            self.summary_links.append(a.get("href", ""))
        if "nhsuk-tag" in classes and self._tag_depth is None:
            self._tag_depth, self._tag_text = self._depth, ""

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg_pending:
            self.unnamed_svgs += 1
            self._svg_pending = False
        if self._tag_depth is not None and self._depth == self._tag_depth:
            self.tags.append(self._tag_text.strip())
            self._tag_depth = None
        if tag == "ul" and self._in_summary:
            self._in_summary = False
        self._depth -= 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._depth -= 1

    def handle_data(self, data):
        if self._tag_depth is not None:
            self._tag_text += data


def audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    return parser


@pytest.fixture
def populated(academy_admin):
    """Enough data that the list pages draw their tables."""
    from ..pledges.factories import ProgressUpdateFactory
    from ..pledges.report_factories import seed_metrics, seed_pledges

    seed_metrics(end=timezone.localdate().replace(day=1), months=15, codes=None)
    pledges = seed_pledges(3)
    ProgressUpdateFactory(pledge=pledges[0], author=academy_admin)
    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    cohort = CohortFactory(programme=ProgrammeFactory(lead=lead))
    for _ in range(3):
        EnrolmentFactory(cohort=cohort, confirmed_at=timezone.now())
    return {"cohort": cohort, "lead": lead}


AUDITED_PAGES = [
    "workforce:dashboard",
    "workforce:culture",
    "workforce:people",
    "workforce:import",
    "programmes:catalogue",
    "programmes:reach",
    "programmes:sessions",
    "programmes:approvals",
    "programmes:cohorts",
    "programmes:manage_programmes",
    "programmes:manage_workstreams",
    "programmes:learning_record",
    "programmes:my_learning",
    "pledges:board",
    "pledges:list",
    "pledges:manage_pledges",
    "pledges:manage_objectives",
    "pledges:board_reports",
    "pledges:board_report_new",
    "pledges:board_report_schedule",
    "workforce:profile",
    "workforce:equality_monitoring",
]


def test_pages_label_every_field_caption_every_table_and_scope_every_header(client, academy_admin, populated):
    client.force_login(academy_admin)
    urls = [reverse(name) for name in AUDITED_PAGES] + [
        reverse("programmes:cohort", args=[populated["cohort"].pk]),
        reverse("programmes:programme", args=[populated["cohort"].programme.slug]),
        reverse("pledges:detail", args=[1]),
    ]
    tables_seen = svgs_seen = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = audit(response.content.decode())
        tables_seen += page.tables
        svgs_seen += page.svgs
        assert page.captions >= page.tables, f"{url}: a table without a caption"
        assert page.th_without_scope == [], f"{url}: header cells without scope"
        unlabelled = [i for i, aria in page.fields if not aria and (not i or i not in page.labels_for)]
        assert unlabelled == [], f"{url}: fields without a label: {unlabelled}"
        assert "" not in page.tags, f"{url}: a tag with no words (colour alone)"
        assert page.unexplained_images == [], f"{url}: images without alt"
        assert page.unnamed_svgs == 0, f"{url}: an SVG with no name and not hidden"
    assert tables_seen >= 10 and svgs_seen >= 10  # the walk really looked at tables, charts and icons


# Forms whose empty submission must fail, with each error in the summary linked to its field.
FORM_PAGES = [
    ("pledges:pledge_create", {}),
    ("pledges:objective_create", {}),
    ("programmes:workstream_create", {}),
    ("programmes:programme_create", {}),
    ("programmes:external_learning_add", {}),
    ("pledges:board_report_new", {}),
    ("workforce:import", {}),
]


@pytest.mark.parametrize(("name", "data"), FORM_PAGES, ids=[name for name, _ in FORM_PAGES])
def test_a_failed_form_shows_the_error_summary_linking_to_each_field(client, academy_admin, name, data):
    client.force_login(academy_admin)
    response = client.post(reverse(name), data)
    assert response.status_code in (200, 400), name
    html = response.content.decode()
    page = audit(html)
    assert "There is a problem" in html, name
    assert page.summary_links, name
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, (name, href)
    assert re.search(r"<title>Error: ", html), f"{name}: the title does not start with 'Error: '"
    # Each field's hint and error are read out with it: every id a field points to is on the page.
    described = [i for ids in re.findall(r'aria-describedby="([^"]*)"', html) for i in ids.split()]
    assert any(i.endswith("error") for i in described), name
    assert [i for i in described if i not in page.ids] == [], name


# --- formula-safe exports --------------------------------------------------------------------------------


def test_every_export_writes_formula_like_text_as_text(client):
    import csv
    import io

    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    cohort = CohortFactory(programme=ProgrammeFactory(lead=lead))
    sneaky = UserFactory(first_name='=HYPERLINK("http://x")', last_name="@SUM(1)")
    EnrolmentFactory(cohort=cohort, person=sneaky, confirmed_at=timezone.now())
    client.force_login(lead)
    content = client.get(reverse("programmes:cohort_export", args=[cohort.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell[:1] in ("=", "+", "@", "\t", "\r", "\n") for cell in cells)
    # The learning record CSV: the person's own entry title.
    from programmes import services

    services.external_learning_create(
        person=sneaky,
        title="=cmd|' /C calc'!A0",
        completed_on=timezone.localdate(),
        cpd_hours=1,
        evidence_note="",
    )
    client.force_login(sneaky)
    content = client.get(reverse("programmes:learning_record_csv")).content.decode("utf-8-sig")
    assert "'=cmd" in content and "\n=cmd" not in content and ",=cmd" not in content


# --- small-number suppression wherever people are counted --------------------------------------------------


def test_the_programme_page_figures_follow_the_small_number_rule(client):
    """Every signed-in person sees a programme's live figures: counts of 1 to 7 are "*", others rounded to
    5, and a rate built from a suppressed count is not shown."""
    from programmes.models import Completion

    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    programme = ProgrammeFactory(lead=lead)
    cohort = CohortFactory(programme=programme)
    enrolments = [EnrolmentFactory(cohort=cohort, confirmed_at=timezone.now()) for _ in range(12)]
    for enrolment in enrolments[:3]:
        Completion.objects.create(enrolment=enrolment, status=Completion.Status.COMPLETED)
    client.force_login(UserFactory())
    url = reverse("programmes:programme", args=[programme.slug])
    figures = re.search(r"Live figures(.*?)</dl>", client.get(url).content.decode(), re.S).group(1)
    assert re.search(r"Enrolled</dt><dd[^>]*>10</dd>", figures)  # 12 rounded to the nearest 5
    assert re.search(r"Completed</dt><dd[^>]*>\*</dd>", figures)  # 3
    assert "%" not in figures  # the completion rate is built from 3: not shown
    for enrolment in enrolments[3:]:
        Completion.objects.create(enrolment=enrolment, status=Completion.Status.COMPLETED)
    figures = re.search(r"Live figures(.*?)</dl>", client.get(url).content.decode(), re.S).group(1)
    assert re.search(r"Completed</dt><dd[^>]*>10</dd>", figures)
    assert re.search(r"Completion rate</dt><dd[^>]*>100%", figures)
    assert "of 10 who finished" in figures


# --- board papers: the NHS front sheet --------------------------------------------------------------------


def test_the_board_pack_opens_with_the_nhs_front_sheet_in_order():
    """DESIGN.md "Board papers": meeting and date, agenda item, title, purpose (one of four), sponsor, author,
    key points (five at most), recommendation, strategic alignment, risks, equality impact, where before."""
    from django.template.loader import render_to_string

    from pledges.models import BoardReportSection, PaperPurpose
    from pledges.report_sections import REGISTRY, ReportInputs

    from ..pledges.report_factories import make_report

    assert set(PaperPurpose.values) == {"information", "assurance", "discussion", "decision"}
    assert BoardReportSection.values[0] == BoardReportSection.FRONT_SHEET  # the pack opens with it
    report = make_report(
        UserFactory(roles=[Role.BOARD_MEMBER]),
        agenda_item="7.2",
        purpose=PaperPurpose.DECISION,
        sponsor="Chief People Officer",
        author="Head of Workforce Intelligence",
        key_points="\n".join(f"Point {n}" for n in range(1, 8)),  # seven given: five are printed
        risks="Agency spend may rise in winter",
        equality_impact="Reach by ethnicity is reported with small-number suppression",
        previously_considered="People and Culture Committee, February 2027",
    )
    section = REGISTRY[BoardReportSection.FRONT_SHEET]
    html = render_to_string(
        section.template,
        {"report": report, "ctx": section.build(ReportInputs(report)), "generated_on": timezone.localtime()},
    )
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    expected_order = [
        "Meeting and date",
        "Agenda item",
        "Title",
        "Purpose",
        "Executive sponsor",
        "Author",
        "Summary of key points",
        "Recommendation",
        "Strategic alignment",
        "Risks",
        "Equality and health-inequalities impact",
        "Previously considered by",
    ]
    assert [row for row in rows if row in expected_order] == expected_order
    assert "People and Culture Board, 12 March 2027" in html
    assert "Decision" in html and "Chief People Officer" in html and "February 2027" in html
    assert re.findall(r"<li>(Point \d)</li>", html) == [f"Point {n}" for n in range(1, 6)]
