import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import BoardMeeting, MetricLink, Objective, Pledge, ProgressUpdate, Status
from workforce.roles import Role

from ..factories import UserFactory
from .factories import MetricFactory, ObjectiveFactory, PledgeFactory, ProgressUpdateFactory, linked_metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(db):
    pledge = PledgeFactory(number=3)
    objective = ObjectiveFactory()
    update = ProgressUpdateFactory(pledge=pledge)
    link = MetricLink.objects.create(pledge=pledge, metric=MetricFactory())
    services.pledge_update(pledge=pledge, user=UserFactory(), title="Edited")
    history_id = pledge.history.order_by("history_id").first().history_id
    return {
        "pledge": pledge,
        "objective": objective,
        "update": update,
        "link": link,
        "history_id": history_id,
        "objective_history_id": objective.history.first().history_id,
        "update_history_id": update.history.first().history_id,
    }


def editing_urls(o):
    p, ob, u = o["pledge"].pk, o["objective"].pk, o["update"].pk
    return [
        reverse("pledges:manage_pledges"),
        reverse("pledges:pledge_create"),
        reverse("pledges:manage_pledge", kwargs={"pk": p}),
        reverse("pledges:pledge_edit", kwargs={"pk": p}),
        reverse("pledges:pledge_archive", kwargs={"pk": p}),
        reverse("pledges:pledge_unarchive", kwargs={"pk": p}),
        reverse("pledges:pledge_history", kwargs={"pk": p}),
        reverse("pledges:pledge_restore", kwargs={"pk": p, "history_id": o["history_id"]}),
        reverse("pledges:pledge_metric_add", kwargs={"pk": p}),
        reverse("pledges:pledge_update_new", kwargs={"pk": p}),
        reverse("pledges:manage_objectives"),
        reverse("pledges:objective_create"),
        reverse("pledges:manage_objective", kwargs={"pk": ob}),
        reverse("pledges:objective_edit", kwargs={"pk": ob}),
        reverse("pledges:objective_archive", kwargs={"pk": ob}),
        reverse("pledges:objective_unarchive", kwargs={"pk": ob}),
        reverse("pledges:objective_history", kwargs={"pk": ob}),
        reverse("pledges:objective_restore", kwargs={"pk": ob, "history_id": o["objective_history_id"]}),
        reverse("pledges:objective_metric_add", kwargs={"pk": ob}),
        reverse("pledges:objective_update_new", kwargs={"pk": ob}),
        reverse("pledges:metric_link_remove", kwargs={"pk": o["link"].pk}),
        reverse("pledges:update_edit", kwargs={"pk": u}),
        reverse("pledges:update_history", kwargs={"pk": u}),
        reverse("pledges:update_restore", kwargs={"pk": u, "history_id": o["update_history_id"]}),
    ]


POST_ONLY = ["pledges:pledge_move", "pledges:objective_move"]


def test_anonymous_users_are_sent_to_sign_in_from_every_page(client, objects):
    urls = [
        *editing_urls(objects),
        reverse("pledges:board"),
        reverse("pledges:board_meeting"),
        reverse("pledges:list"),
        reverse("pledges:detail", kwargs={"number": 3}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('account_login')}?next={url}", url


@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD, Role.BOARD_MEMBER])
def test_no_editing_page_opens_without_the_admin_role(client, objects, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in editing_urls(objects):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "Hacked", "number": 3}).status_code == 403, url
    for name in POST_ONLY:
        pk = objects["pledge"].pk if "pledge" in name else objects["objective"].pk
        assert client.post(reverse(name, kwargs={"pk": pk}), {"direction": "up"}).status_code == 403
    objects["pledge"].refresh_from_db()
    assert objects["pledge"].title == "Edited"
    assert not objects["pledge"].is_archived
    assert ProgressUpdate.objects.count() == 1


def test_staff_and_leads_cannot_see_the_board_overview_or_set_a_meeting(client, staff_user, programme_lead):
    for user in (staff_user, programme_lead):
        client.force_login(user)
        assert client.get(reverse("pledges:board")).status_code == 403
        assert client.get(reverse("pledges:board_meeting")).status_code == 403
        response = client.post(reverse("pledges:board_meeting"), {"date": "2026-12-01"})
        assert response.status_code == 403
    assert not BoardMeeting.objects.exists()


def test_board_members_see_the_overview_and_set_the_meeting_date(client, board_member):
    PledgeFactory(number=1, title="Our workforce pledge")
    client.force_login(board_member)
    page = client.get(reverse("pledges:board")).content.decode()
    assert "Our workforce pledge" in page
    assert "Programme reach will show here once people enrol on programmes." in page
    assert "No board meeting date has been set yet." in page
    response = client.post(reverse("pledges:board_meeting"), {"date": "2026-11-02", "note": "November"})
    assert response.status_code == 302
    assert BoardMeeting.objects.get().set_by == board_member
    page = client.get(reverse("pledges:board")).content.decode()
    assert "Last board meeting: 2 November 2026." in page


def test_board_meeting_form_errors(client, board_member):
    client.force_login(board_member)
    page = client.post(reverse("pledges:board_meeting"), {"date": ""}).content.decode()
    assert "There is a problem" in page and "Enter the date of the meeting" in page


def test_staff_see_pledge_pages_but_not_archived_ones(client, staff_user):
    pledge = PledgeFactory(number=2, title="A pledge", description="It means this.")
    PledgeFactory(number=5, title="Gone", is_archived=True)
    ProgressUpdateFactory(pledge=pledge, status=Status.AT_RISK, narrative="Some delay.")
    client.force_login(staff_user)
    listing = client.get(reverse("pledges:list")).content.decode()
    assert "A pledge" in listing and "Gone" not in listing
    page = client.get(reverse("pledges:detail", kwargs={"number": 2})).content.decode()
    assert "It means this." in page
    assert "This is at risk" in page
    assert "Some delay." in page
    assert "Post a progress update" not in page
    assert "Manage this pledge" not in page
    assert client.get(reverse("pledges:detail", kwargs={"number": 5})).status_code == 404
    assert client.get(reverse("pledges:detail", kwargs={"number": 77})).status_code == 404


def test_pledge_page_links_programmes_into_the_catalogue_by_slug(client, staff_user):
    from .factories import ProgrammeFactory

    pledge = PledgeFactory(number=2)
    objective = ObjectiveFactory()
    objective.programmes.add(ProgrammeFactory(title="Active Bystander", slug="active-bystander"))
    pledge.objectives.add(objective)
    client.force_login(staff_user)
    page = client.get(reverse("pledges:detail", kwargs={"number": 2})).content.decode()
    assert '<a href="/programmes/active-bystander/">Active Bystander</a>' in page


def test_named_lead_may_post_updates_for_their_pledge_only(client, programme_lead):
    mine = PledgeFactory(number=1, lead=programme_lead)
    theirs = PledgeFactory(number=2)
    client.force_login(programme_lead)
    data = {
        "status": "on_track",
        "narrative": "Good progress.",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "published_on": "2026-11-05",
    }
    assert (
        client.get(reverse("pledges:detail", kwargs={"number": 1}))
        .content.decode()
        .count("Post a progress update")
    )
    response = client.post(reverse("pledges:pledge_update_new", kwargs={"pk": mine.pk}), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:detail", kwargs={"number": 1})
    assert mine.updates.get().author == programme_lead
    assert (
        client.post(reverse("pledges:pledge_update_new", kwargs={"pk": theirs.pk}), data).status_code == 403
    )
    assert not theirs.updates.exists()
    objective = ObjectiveFactory(lead=programme_lead, title="Think system first")
    other_objective = ObjectiveFactory()
    listing = client.get(reverse("pledges:list")).content.decode()
    assert "Post a progress update on pledge 1" in listing
    assert "Post a progress update on the objective “Think system first”" in listing
    assert "on pledge 2" not in listing
    url = reverse("pledges:objective_update_new", kwargs={"pk": objective.pk})
    assert client.post(url, data).status_code == 302
    url = reverse("pledges:objective_update_new", kwargs={"pk": other_objective.pk})
    assert client.post(url, data).status_code == 403


def test_posting_a_mismatched_status_asks_for_confirmation_first(client, academy_admin):
    pledge = PledgeFactory(number=1)
    metric = linked_metric(pledge, target=Decimal("5"))
    client.force_login(academy_admin)
    url = reverse("pledges:pledge_update_new", kwargs={"pk": pledge.pk})
    page = client.get(url).content.decode()
    assert "I have checked the metrics" not in page
    data = {
        "status": "on_track",
        "narrative": "All fine.",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "published_on": "2026-11-05",
    }
    page = client.post(url, data).content.decode()
    assert "The status does not match the metrics" in page
    assert f"but {metric.name} consistently fails its target" in page
    assert "I have checked the metrics" in page
    assert not ProgressUpdate.objects.exists()
    response = client.post(url, {**data, "confirm_mismatch": "on"})
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert "consistently fails its target" in update.metric_check
    page = client.get(reverse("pledges:board")).content.decode()
    assert "Check:" in page and "consistently fails its target" in page


def test_update_form_validation_messages(client, academy_admin):
    pledge = PledgeFactory(number=1)
    client.force_login(academy_admin)
    url = reverse("pledges:pledge_update_new", kwargs={"pk": pledge.pk})
    page = client.post(url, {"period_start": "2026-10-31", "period_end": "2026-10-01"}).content.decode()
    for message in (
        "Choose a status",
        "Enter what has happened in the period",
        "The end of the period must be on or after its start",
        "Enter the date of the update",
    ):
        assert message in page
    assert "I have checked the metrics" not in page
    assert not ProgressUpdate.objects.exists()


def test_admin_creates_edits_archives_and_restores_a_pledge(client, academy_admin):
    objective = ObjectiveFactory(title="Think system first")
    client.force_login(academy_admin)
    response = client.post(
        reverse("pledges:pledge_create"),
        {
            "number": "4",
            "title": "Pledge 4 placeholder",
            "is_placeholder_wording": "on",
            "objectives": [objective.pk],
        },
    )
    pledge = Pledge.objects.get(number=4)
    assert response["Location"] == reverse("pledges:manage_pledge", kwargs={"pk": pledge.pk})
    assert list(pledge.objectives.all()) == [objective]
    page = client.post(reverse("pledges:pledge_create"), {"number": "4", "title": ""}).content.decode()
    assert "Another pledge already has this number" in page and "Enter the pledge&#x27;s title" in page
    client.post(
        reverse("pledges:pledge_edit", kwargs={"pk": pledge.pk}),
        {"number": "4", "title": "Official words", "description": "Plain words."},
    )
    pledge.refresh_from_db()
    assert pledge.title == "Official words" and not pledge.is_placeholder_wording
    history = client.get(reverse("pledges:pledge_history", kwargs={"pk": pledge.pk})).content.decode()
    assert "Pledge 4 placeholder" in history and "Official words" in history
    first = pledge.history.order_by("history_id").first().history_id
    restore_url = reverse("pledges:pledge_restore", kwargs={"pk": pledge.pk, "history_id": first})
    confirm = client.get(restore_url).content.decode()
    assert "Restore this version" in confirm and "Pledge 4 placeholder" in confirm
    assert client.post(restore_url).status_code == 302
    pledge.refresh_from_db()
    assert pledge.title == "Pledge 4 placeholder" and pledge.is_placeholder_wording
    assert list(pledge.objectives.all()) == [objective]
    assert pledge.history.count() == 3
    archive_url = reverse("pledges:pledge_archive", kwargs={"pk": pledge.pk})
    assert "Archive Pledge 4" in client.get(archive_url).content.decode()
    client.post(archive_url)
    pledge.refresh_from_db()
    assert pledge.is_archived
    assert client.get(archive_url).status_code == 404
    client.post(reverse("pledges:pledge_unarchive", kwargs={"pk": pledge.pk}))
    pledge.refresh_from_db()
    assert not pledge.is_archived


def test_restore_of_an_unknown_version_is_404(client, academy_admin):
    pledge, other = PledgeFactory(number=1), PledgeFactory(number=2)
    services.pledge_update(pledge=other, user=academy_admin, title="x")
    client.force_login(academy_admin)
    foreign = other.history.first().history_id
    url = reverse("pledges:pledge_restore", kwargs={"pk": pledge.pk, "history_id": foreign})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_admin_manages_objectives_links_and_updates(client, academy_admin):
    client.force_login(academy_admin)
    response = client.post(
        reverse("pledges:objective_create"), {"pillar": "reform", "title": "Innovation led"}
    )
    objective = Objective.objects.get(title="Innovation led")
    assert response["Location"] == reverse("pledges:manage_objective", kwargs={"pk": objective.pk})
    manage_page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("pledges:objective_detail", kwargs={"pk": objective.pk})}"' in manage_page
    page = client.post(reverse("pledges:objective_create"), {"pillar": "reform", "title": "Innovation led"})
    assert "This pillar already has an objective with this wording" in page.content.decode()
    page = client.post(reverse("pledges:objective_create"), {}).content.decode()
    assert "Choose the pillar: recruit, retain or reform" in page
    metric = MetricFactory()
    client.post(
        reverse("pledges:objective_metric_add", kwargs={"pk": objective.pk}),
        {"metric": metric.pk, "target": "8.5", "is_key": "on"},
    )
    link = MetricLink.objects.get(objective=objective)
    assert link.target == Decimal("8.5")
    client.post(reverse("pledges:metric_link_remove", kwargs={"pk": link.pk}))
    assert not MetricLink.objects.exists()
    assert MetricLink.history.filter(history_type="-").exists()
    update = ProgressUpdateFactory(pledge=None, objective=objective, status=Status.AT_RISK)
    response = client.post(
        reverse("pledges:update_edit", kwargs={"pk": update.pk}),
        {
            "status": "off_track",
            "narrative": "Corrected.",
            "period_start": "2026-09-01",
            "period_end": "2026-09-30",
            "published_on": "2026-10-07",
        },
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == "off_track"
    history = client.get(reverse("pledges:update_history", kwargs={"pk": update.pk})).content.decode()
    assert "At risk" in history and "Off track" in history
    client.post(reverse("pledges:objective_archive", kwargs={"pk": objective.pk}))
    objective.refresh_from_db()
    assert objective.is_archived


def test_reordering_pledges_from_the_list(client, academy_admin):
    a, b = PledgeFactory(number=1, order=0), PledgeFactory(number=2, order=1)
    client.force_login(academy_admin)
    client.post(reverse("pledges:pledge_move", kwargs={"pk": b.pk}), {"direction": "up"})
    assert list(Pledge.objects.values_list("number", flat=True)) == [2, 1]
    assert client.get(reverse("pledges:pledge_move", kwargs={"pk": b.pk})).status_code == 405
    client.post(reverse("pledges:pledge_move", kwargs={"pk": a.pk}), {"direction": "up"})
    assert list(Pledge.objects.values_list("number", flat=True)) == [1, 2]


def test_board_overview_lists_changes_since_the_last_meeting(client, academy_admin, board_member):
    pledge = PledgeFactory(number=1, title="Before")
    BoardMeeting.objects.create(date=datetime.date.today() - datetime.timedelta(days=7))
    services.pledge_update(pledge=pledge, user=academy_admin, title="After")
    client.force_login(board_member)
    page = client.get(reverse("pledges:board")).content.decode()
    assert "Pledge 1: After changed" in page
    assert academy_admin.display_name in page


def test_update_form_prefills_last_month_as_iso_dates(client, academy_admin):
    pledge = PledgeFactory(number=1)
    client.force_login(academy_admin)
    page = client.get(reverse("pledges:pledge_update_new", kwargs={"pk": pledge.pk})).content.decode()
    today = datetime.date.today()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    assert f'value="{today.isoformat()}"' in page
    assert f'value="{last_month_end.replace(day=1).isoformat()}"' in page
    assert f'value="{last_month_end.isoformat()}"' in page


@pytest.mark.parametrize(
    ("role", "board", "manage"),
    [
        (None, False, False),
        (Role.PROGRAMME_LEAD, False, False),
        (Role.BOARD_MEMBER, True, False),
        (Role.ACADEMY_ADMIN, True, True),
    ],
)
def test_home_cards_and_navigation_lead_each_role_to_its_pledge_pages(client, role, board, manage):
    client.force_login(UserFactory(roles=[role] if role else []))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("pledges:list")}"' in page
    assert (f'href="{reverse("pledges:board")}"' in page) is board
    assert (f'href="{reverse("pledges:manage_pledges")}"' in page) is manage
    if board:
        # The board overview is the first card on a board member's home.
        cards = page.split('class="nhsuk-card__link"')
        assert f'href="{reverse("pledges:board")}"' in cards[1]


def test_the_django_admin_never_deletes_pledges_objectives_updates_workstreams_or_programmes(client):
    from .factories import ProgrammeFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    update = ProgressUpdateFactory()
    objective = ObjectiveFactory()
    programme = ProgrammeFactory()
    client.force_login(superuser)
    objects = [
        ("pledges", "pledge", update.pledge),
        ("pledges", "objective", objective),
        ("pledges", "progressupdate", update),
        ("programmes", "programme", programme),
        ("programmes", "workstream", programme.workstream),
    ]
    for app, model, obj in objects:
        # The admin works for this superuser (the change page opens) but offers no deletion.
        change = client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
        assert change.status_code == 200, model
        assert f"{obj.pk}/delete/" not in change.content.decode(), model
        delete = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
        assert client.get(delete).status_code == 403, model
        assert client.post(delete, {"post": "yes"}).status_code == 403, model
        assert type(obj).objects.filter(pk=obj.pk).exists(), model


def test_correcting_an_update_to_a_mismatched_status_warns_and_keeps_the_check(client, academy_admin):
    pledge = PledgeFactory(number=1)
    metric = linked_metric(pledge, target=Decimal("5"))
    update = ProgressUpdateFactory(pledge=pledge, status=Status.AT_RISK)
    client.force_login(academy_admin)
    data = {
        "status": "on_track",
        "narrative": "Corrected.",
        "period_start": "2026-09-01",
        "period_end": "2026-09-30",
        "published_on": "2026-10-07",
    }
    page = client.post(reverse("pledges:update_edit", kwargs={"pk": update.pk}), data, follow=True)
    text = page.content.decode()
    assert f"Check the status: The status is “on track” but {metric.name} consistently fails" in text
    update.refresh_from_db()
    assert update.status == "on_track" and "consistently fails its target" in update.metric_check
    page = client.post(
        reverse("pledges:update_edit", kwargs={"pk": update.pk}), {**data, "status": "at_risk"}, follow=True
    )
    assert "Check the status" not in page.content.decode()
    update.refresh_from_db()
    assert update.metric_check == ""


@pytest.mark.parametrize("direction", ["sideways", "", "<b>up</b>"])
def test_moving_with_an_unknown_direction_says_so_instead_of_failing(client, academy_admin, direction):
    pledge = PledgeFactory(number=1, order=0)
    PledgeFactory(number=2, order=1)
    objective = ObjectiveFactory(order=0)
    client.force_login(academy_admin)
    for url, expected in (
        (
            reverse("pledges:pledge_move", kwargs={"pk": pledge.pk}),
            "Pledge 1 was not moved: Choose up or down.",
        ),
        (
            reverse("pledges:objective_move", kwargs={"pk": objective.pk}),
            "The objective was not moved: Choose up or down.",
        ),
    ):
        response = client.post(url, {"direction": direction}, follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert expected in page
        assert " moved " + direction not in page.replace("was not moved", "")
    assert list(Pledge.objects.values_list("number", flat=True)) == [1, 2]


def test_pledge_number_hint_and_validation_agree(client, academy_admin):
    client.force_login(academy_admin)
    page = client.get(reverse("pledges:pledge_create")).content.decode()
    assert "from 1 to 13" in page and 'max="13"' in page
    page = client.post(
        reverse("pledges:pledge_create"), {"number": "14", "title": "Fourteen"}
    ).content.decode()
    assert "Pledge number must be 13 or less" in page
    assert not Pledge.objects.exists()
    response = client.post(reverse("pledges:pledge_create"), {"number": "13", "title": "Thirteen"})
    assert response.status_code == 302 and Pledge.objects.get().number == 13


def test_metric_link_target_hint_gives_the_unit_and_errors_are_clear(client, academy_admin):
    pledge = PledgeFactory(number=1)
    metric = MetricFactory(name="Test vacancy rate")
    client.force_login(academy_admin)
    url = reverse("pledges:pledge_metric_add", kwargs={"pk": pledge.pk})
    page = client.get(url).content.decode()
    assert "Test vacancy rate (percentage)" in page
    assert "for a percentage, enter 8.5 for 8.5%" in page
    page = client.post(url, {"metric": metric.pk, "target": "ten"}).content.decode()
    assert "Enter the target as a number, like 8.5" in page
    page = client.post(url, {"metric": metric.pk, "target": "150"}).content.decode()
    assert "Test vacancy rate is a percentage: enter a target from 0 to 100" in page
    assert not MetricLink.objects.exists()
    assert client.post(url, {"metric": metric.pk, "target": "8.5"}).status_code == 302
    assert MetricLink.objects.get().target == Decimal("8.5")


def _update(subject, status, month, **fields):
    key = {"pledge": subject} if isinstance(subject, Pledge) else {"pledge": None, "objective": subject}
    return ProgressUpdateFactory(
        **key,
        status=status,
        period_start=datetime.date(2026, month, 1),
        period_end=datetime.date(2026, month, 28),
        published_on=datetime.date(2026, month, 28),
        **fields,
    )


def test_pledge_page_shows_the_latest_updates_check_period_and_actions_and_no_empty_earlier_list(
    client, staff_user
):
    pledge = PledgeFactory(number=2)
    _update(
        pledge,
        Status.ON_TRACK,
        9,
        narrative="Going well.",
        actions_agreed="Leads to report in December.",
        metric_check="The status is “on track” but Turnover consistently fails its target.",
    )
    client.force_login(staff_user)
    url = reverse("pledges:detail", kwargs={"number": 2})
    page = client.get(url).content.decode()
    assert "Going well." in page
    assert "Status does not match the metrics" in page and "Turnover consistently fails its target" in page
    assert "Period covered: 1 September 2026 to 28 September 2026" in page
    assert "Leads to report in December." in page
    assert "Earlier updates" not in page and "No progress updates yet." not in page
    _update(pledge, Status.AT_RISK, 10, narrative="Some delay.")
    page = client.get(url).content.decode()
    assert "Trend: worsening." in page
    earlier = page.split("Earlier updates")[1]
    assert "Going well." in earlier and "Some delay." not in earlier


def test_status_tags_take_their_colour_from_the_selectors_map(monkeypatch):
    from django.template.loader import render_to_string

    from pledges import selectors

    monkeypatch.setitem(selectors.STATUS_TAG, Status.AT_RISK, "orange")
    html = render_to_string("pledges/includes/status_tag.html", {"update": ProgressUpdate(status="at_risk")})
    assert 'class="nhsuk-tag nhsuk-tag--orange">At risk<' in html
    html = render_to_string("pledges/includes/status_tag.html", {"update": None})
    assert "No update yet" in html


def test_staff_see_an_objectives_progress_from_the_pledge_page(client, staff_user):
    pledge = PledgeFactory(number=2)
    objective = ObjectiveFactory(title="Think system first", description="Partners first.")
    quiet = ObjectiveFactory(title="Innovation led")
    pledge.objectives.add(objective, quiet)
    _update(objective, Status.AT_RISK, 8, narrative="Slow start.")
    _update(objective, Status.ON_TRACK, 9, narrative="Back on plan.", actions_agreed="Share the video.")
    client.force_login(staff_user)
    page = client.get(reverse("pledges:detail", kwargs={"number": 2})).content.decode()
    url = reverse("pledges:objective_detail", kwargs={"pk": objective.pk})
    item = page.split(f'<a href="{url}">')[1].split("</li>")[0]
    assert "Think system first" in item and "nhsuk-tag--green" in item and "On track" in item
    quiet_item = page.split(reverse("pledges:objective_detail", kwargs={"pk": quiet.pk}))[1].split("</li>")[0]
    assert "No update yet" in quiet_item
    page = client.get(url).content.decode()
    assert "Think system first" in page and "Partners first." in page
    assert "This is on track" in page and "Trend: improving." in page
    assert "Back on plan." in page and "Share the video." in page
    assert "Slow start." in page.split("Earlier updates")[1]
    assert f'href="{reverse("pledges:detail", kwargs={"number": 2})}"' in page
    assert "Post a progress update" not in page and "Manage this objective" not in page
    objective.is_archived = True
    objective.save()
    assert client.get(url).status_code == 404


def test_the_objective_page_needs_signing_in(client):
    url = reverse("pledges:objective_detail", kwargs={"pk": ObjectiveFactory().pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_an_objectives_named_lead_posts_an_update_and_lands_on_its_page(client, programme_lead):
    objective = ObjectiveFactory(lead=programme_lead, title="Think system first")
    client.force_login(programme_lead)
    url = reverse("pledges:objective_detail", kwargs={"pk": objective.pk})
    assert "Post a progress update" in client.get(url).content.decode()
    response = client.post(
        reverse("pledges:objective_update_new", kwargs={"pk": objective.pk}),
        {
            "status": "at_risk",
            "narrative": "Waiting on partners.",
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "published_on": "2026-11-05",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Waiting on partners." in page and "This is at risk" in page
    assert "Earlier updates" not in page


def test_board_overview_workforce_headlines_are_the_dashboards_figures(client, board_member):
    """Each metric's latest LLR figure, variation and assurance icon as the workforce dashboard gives them,
    with the synthetic-data warning while any of them is demo data."""
    from workforce import charts
    from workforce import selectors as workforce_selectors
    from workforce.models import Observation

    from .report_factories import seed_metrics

    seed_metrics(end=datetime.date(2026, 10, 1), months=20, codes=["turnover-12m", "agency-spend"])
    client.force_login(board_member)
    page = client.get(reverse("pledges:board")).content.decode()
    section = page[page.index("<h2>Workforce headlines</h2>") : page.index("<h2>Programme reach</h2>")]
    body = section[section.index("<tbody") :]
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', body, flags=re.S)
    summaries = [s for s in workforce_selectors.metric_summaries() if s.series.points]
    assert len(summaries) == 2 and len(rows) == 2
    for summary, row in zip(summaries, rows, strict=True):
        assert f">{summary.metric.name}<" in row
        assert charts.format_value(summary.latest_value, summary.metric.unit) in row
        assert "(October 2026)" in row
        variation = charts.variation_icon(summary.variation, summary.metric.improvement_direction)
        assert f'alt="{variation.label}"' in row
        if summary.assurance:
            assert f'alt="{charts.assurance_icon(summary.assurance).label}"' in row
        else:
            assert "No target assurance" in row
    assert "Synthetic demo data" in page

    Observation.objects.update(is_synthetic=False)
    page = client.get(reverse("pledges:board")).content.decode()
    assert "Synthetic demo data" not in page
