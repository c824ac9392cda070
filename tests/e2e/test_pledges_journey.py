"""An admin edits a pledge, posts an update, reads the history and restores an earlier version; a board
member then sees the change on the board overview. Every page is checked with axe."""

import datetime

from django.conf import settings
from django.test import Client

import pledges.demo
import programmes.demo
import workforce.demo
from pledges.models import BoardMeeting, Pledge
from workforce.models import User


def seed():
    workforce.demo.seed()
    programmes.demo.seed()
    pledges.demo.seed()


def session_cookies(base_url, email):
    """Cookies that sign a browser in as ``email`` (the signup journey covers the sign-in form)."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}]


def test_admin_edits_updates_and_restores_a_pledge_and_the_board_sees_it(journey):
    seed()
    BoardMeeting.objects.all().delete()
    BoardMeeting.objects.create(date=datetime.date.today() - datetime.timedelta(days=1))
    page = journey.page
    page.context.add_cookies(session_cookies(journey.base_url, "admin@example.org"))

    # The admin edits pledge 2's placeholder title.
    journey.goto("/manage/pledges/")
    page.get_by_role("link", name="2. Pledge 2 (placeholder: official wording to be added)").click()
    journey.check_accessibility()
    page.get_by_role("link", name="Edit pledge").click()
    journey.check_accessibility()
    page.get_by_label("Title", exact=True).fill("Pledge 2 (placeholder, edited in the journey)")
    page.get_by_label("What this pledge means (optional)").fill("Plain words for staff.")
    page.get_by_label("We are a team").check()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Pledge 2 saved. The change is kept in its history.").wait_for()
    journey.check_accessibility()

    # A validation error is shown in the NHS.UK way.
    page.get_by_role("link", name="Edit pledge").click()
    journey.check_accessibility()
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()
    page.locator(".nhsuk-error-summary").get_by_text("Enter the pledge's title").wait_for()
    journey.check_accessibility()
    page.get_by_role("link", name="Cancel").click()
    journey.check_accessibility()

    # The admin posts a progress update.
    page.get_by_role("link", name="Post a progress update").click()
    journey.check_accessibility()
    page.get_by_label("Off track").check()
    page.get_by_label("What has happened").fill("Recruitment fell behind plan this month.")
    page.get_by_label("Actions agreed (optional)").fill("Leads to present a recovery plan.")
    today = datetime.date.today()
    page.get_by_label("Start of the period covered").fill(today.replace(day=1).isoformat())
    page.get_by_label("End of the period covered").fill(today.isoformat())
    page.get_by_label("Date of the update").fill(today.isoformat())
    page.get_by_role("button", name="Post update").click()
    page.get_by_text("Progress update posted on Pledge 2").wait_for()
    journey.check_accessibility()

    # The history shows the edit, before and after; the admin restores the version before it.
    page.get_by_role("link", name="History of this pledge").click()
    journey.check_accessibility()
    history = page.locator("main")
    assert "Pledge 2 (placeholder: official wording to be added)" in history.inner_text()
    assert "Pledge 2 (placeholder, edited in the journey)" in history.inner_text()
    assert "Alex Hughes" in history.inner_text()
    page.get_by_role("link", name="Restore this version").first.click()
    journey.check_accessibility()
    page.get_by_role("button", name="Restore this version").click()
    page.get_by_text("This is recorded too.").wait_for()
    journey.check_accessibility()
    pledge = Pledge.objects.get(number=2)
    assert pledge.title == "Pledge 2 (placeholder: official wording to be added)"
    assert pledge.description.startswith("Placeholder.")
    assert not pledge.people_promise_elements.exists()
    assert pledge.history.count() == 3
    assert "Restored the version of" in page.locator("main").inner_text()

    # A board member sees the new status and the changes since the last meeting on the overview.
    page.context.clear_cookies()
    page.context.add_cookies(session_cookies(journey.base_url, "board@example.org"))
    journey.goto("/board/")
    row = page.get_by_role("row", name="2. Pledge 2 (placeholder: official wording to be added)")
    assert "Off track" in row.inner_text()
    changes = page.locator("main").inner_text()
    assert "Progress update posted on pledge 2: Off track" in changes
    assert "Restored the version of" in changes
    journey.goto("/pledges/2/")
    assert "This is off track" in page.locator("main").inner_text()
    journey.goto("/pledges/")


def test_every_pledge_and_programme_management_page_passes_axe(journey):
    from decimal import Decimal

    from pledges import services as pledge_services
    from pledges.models import MetricLink, Objective, ProgressUpdate
    from programmes import services as programme_services
    from programmes.models import Programme
    from tests.pledges.factories import MetricFactory, add_series
    from tests.programmes.factories import WorkstreamFactory

    seed()
    programme = Programme.objects.get(title__iexact="Active Bystander")
    workstream = programme.workstream
    objective = Objective.objects.get(title="Inclusive compassionate culture across LLR")
    assert programme in objective.programmes.all()  # the demo links Table 1 objectives to Table 2 programmes
    metric = MetricFactory(name="Turnover (12 months)")
    add_series(metric, [10.0, 10.2, 9.9, 10.1, 9.8, 10.0, 10.3, 9.9, 10.1, 10.0, 9.8, 10.2, 10.0, 9.9])
    pledge = Pledge.objects.get(number=1)
    link = MetricLink.objects.create(pledge=pledge, metric=metric, target=Decimal("5"), is_key=True)
    update = ProgressUpdate.objects.filter(pledge=pledge).first()
    cohort = programme.cohorts.first()
    # Something archived of each kind, so the "bring back" confirmations have an object to show.
    admin = User.objects.get(email="admin@example.org")
    archived_pledge = pledge_services.pledge_archive(pledge=Pledge.objects.get(number=13), user=admin)
    archived_objective = pledge_services.objective_archive(
        objective=Objective.objects.exclude(pk=objective.pk).first(), user=admin
    )
    archived_workstream = WorkstreamFactory(name="Retired workstream", is_archived=True)
    archived_programme = programme_services.programme_set_archived(
        programme=Programme.objects.exclude(pk=programme.pk).first(), user=admin, archived=True
    )

    def restore(base, obj):
        """The restore confirmation for the object's earliest version."""
        return f"{base}/{obj.pk}/history/{obj.history.last().history_id}/restore/"

    page = journey.page
    page.context.add_cookies(session_cookies(journey.base_url, "admin@example.org"))
    for path in [
        "/",
        "/board/",
        "/board/meeting/",
        "/pledges/",
        "/pledges/1/",
        "/manage/pledges/new/",
        f"/manage/pledges/{pledge.pk}/",
        f"/manage/pledges/{pledge.pk}/archive/",
        f"/manage/pledges/{archived_pledge.pk}/unarchive/",
        f"/manage/pledges/{pledge.pk}/metrics/new/",
        f"/manage/metric-links/{link.pk}/remove/",
        "/manage/objectives/",
        "/manage/objectives/new/",
        f"/manage/objectives/{objective.pk}/",
        f"/manage/objectives/{objective.pk}/edit/",
        f"/manage/objectives/{objective.pk}/archive/",
        f"/manage/objectives/{archived_objective.pk}/unarchive/",
        f"/manage/objectives/{objective.pk}/updates/new/",
        f"/manage/objectives/{objective.pk}/history/",
        restore("/manage/objectives", objective),
        restore("/manage/objectives", archived_objective),  # a version that differs from today's
        f"/manage/updates/{update.pk}/edit/",
        f"/manage/updates/{update.pk}/history/",
        restore("/manage/updates", update),
        "/manage/workstreams/",
        "/manage/workstreams/new/",
        f"/manage/workstreams/{workstream.pk}/edit/",
        f"/manage/workstreams/{workstream.pk}/archive/",
        f"/manage/workstreams/{archived_workstream.pk}/unarchive/",
        "/manage/programmes/",
        "/manage/programmes/new/",
        f"/manage/programmes/{programme.pk}/edit/",
        f"/manage/programmes/{programme.pk}/archive/",
        f"/manage/programmes/{archived_programme.pk}/unarchive/",
        f"/manage/programmes/{programme.pk}/history/",
        restore("/manage/programmes", programme),
        restore("/manage/programmes", archived_programme),
        f"/manage/workstreams/{workstream.pk}/history/",
        restore("/manage/workstreams", workstream),
        f"/manage/cohorts/{cohort.pk}/history/",
        restore("/manage/cohorts", cohort),
    ]:
        response = page.goto(journey.base_url + path)
        assert response.status == 200, path
        journey.check_accessibility()
    # The status/metric mismatch is shown before the update is posted.
    journey.goto(f"/manage/pledges/{pledge.pk}/updates/new/")
    page.get_by_label("On track").check()
    page.get_by_label("What has happened").fill("Going well.")
    page.get_by_role("button", name="Post update").click()
    page.get_by_text("The status does not match the metrics").wait_for()
    assert "Turnover (12 months) consistently fails its target" in page.locator("main").inner_text()
    journey.check_accessibility()
    page.get_by_label("I have checked the metrics and want to post this status anyway").check()
    page.get_by_role("button", name="Post update").click()
    page.get_by_text("Progress update posted on Pledge 1").wait_for()
    journey.check_accessibility()


def test_staff_read_the_pledges_and_are_refused_editing(journey):
    from pledges.models import Objective

    seed()
    page = journey.page
    page.context.add_cookies(session_cookies(journey.base_url, "staff@example.org"))
    journey.goto("/pledges/")
    page.get_by_role("link", name=f"Pledge 1: {pledges.demo.WORKFORCE_PLEDGE}").click()
    journey.check_accessibility()
    assert "Post a progress update" not in page.locator("main").inner_text()
    # The pledge lists its objectives; each opens a read-only page. One with programmes, and one with
    # progress updates and a linked metric, so every part of that page is checked.
    with_programmes = Objective.objects.get(title="Inclusive compassionate culture across LLR")
    with_progress = Objective.objects.filter(updates__isnull=False, metric_links__isnull=False).first()
    assert with_progress is not None  # the demo gives early objectives updates and some a metric
    for objective, expected in ((with_programmes, "Active Bystander"), (with_progress, "Earlier updates")):
        journey.goto("/pledges/1/")
        page.locator(f"main a[href='/objectives/{objective.pk}/']").click()
        page.get_by_role("heading", level=1, name=objective.title).wait_for()
        journey.check_accessibility()
        assert expected in page.locator("main").inner_text()
        assert page.locator("main a[href^='/manage/']").count() == 0
    for path in staff_refused_paths():
        response = page.goto(journey.base_url + path)
        assert response.status == 403, path
        assert page.locator("h1").inner_text() == "You do not have access to this page", path
        journey.check_accessibility()
    # Nothing on the pages staff can read offers an editing link.
    for path in ["/pledges/", "/pledges/1/"]:
        journey.goto(path)
        assert page.locator("main a[href^='/manage/']").count() == 0, path


def staff_refused_paths() -> list[str]:
    """Every editing page (and the board's own pages) of pledges, objectives, updates, metric links,
    workstreams, programmes and cohorts, for objects the demo data holds."""
    from pledges.models import MetricLink, Objective, ProgressUpdate
    from programmes.models import Cohort, Programme, Workstream

    pledge = Pledge.objects.get(number=2)
    objective = Objective.objects.first()
    update = ProgressUpdate.objects.filter(pledge=pledge).first()
    link = MetricLink.objects.first()
    workstream = Workstream.objects.first()
    programme = Programme.objects.first()
    cohort = Cohort.objects.first()
    paths = ["/board/", "/board/meeting/", "/manage/pledges/", "/manage/pledges/new/"]
    for base, obj in (("/manage/pledges", pledge), ("/manage/objectives", objective)):
        version = obj.history.first().history_id
        paths += [
            f"{base}/{obj.pk}/",
            f"{base}/{obj.pk}/edit/",
            f"{base}/{obj.pk}/archive/",
            f"{base}/{obj.pk}/unarchive/",
            f"{base}/{obj.pk}/history/",
            f"{base}/{obj.pk}/history/{version}/restore/",
            f"{base}/{obj.pk}/metrics/new/",
            f"{base}/{obj.pk}/updates/new/",
        ]
    paths += ["/manage/objectives/", "/manage/objectives/new/"]
    paths += [
        f"/manage/updates/{update.pk}/edit/",
        f"/manage/updates/{update.pk}/history/",
        f"/manage/updates/{update.pk}/history/{update.history.first().history_id}/restore/",
    ]
    if link is not None:
        paths.append(f"/manage/metric-links/{link.pk}/remove/")
    paths += [
        "/manage/workstreams/",
        "/manage/workstreams/new/",
        f"/manage/workstreams/{workstream.pk}/edit/",
        f"/manage/workstreams/{workstream.pk}/archive/",
        f"/manage/workstreams/{workstream.pk}/unarchive/",
        f"/manage/workstreams/{workstream.pk}/history/",
        f"/manage/workstreams/{workstream.pk}/history/{workstream.history.first().history_id}/restore/",
        "/manage/programmes/",
        "/manage/programmes/new/",
        f"/manage/programmes/{programme.pk}/edit/",
        f"/manage/programmes/{programme.pk}/archive/",
        f"/manage/programmes/{programme.pk}/unarchive/",
        f"/manage/programmes/{programme.pk}/history/",
        f"/manage/programmes/{programme.pk}/history/{programme.history.first().history_id}/restore/",
        f"/manage/cohorts/{cohort.pk}/history/",
        f"/manage/cohorts/{cohort.pk}/history/{cohort.history.first().history_id}/restore/",
    ]
    return paths
