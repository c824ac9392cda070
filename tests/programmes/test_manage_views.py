"""Admin editing of workstreams and programmes (issue 6): permissions, validation, archive never deletes."""

import re

import pytest
from django.urls import reverse

from programmes.models import Programme, Workstream
from workforce.roles import Role

from ..factories import UserFactory
from ..pledges.factories import ProgrammeFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def urls(workstream, programme):
    return [
        reverse("programmes:manage_workstreams"),
        reverse("programmes:workstream_create"),
        reverse("programmes:workstream_edit", kwargs={"pk": workstream.pk}),
        reverse("programmes:workstream_archive", kwargs={"pk": workstream.pk}),
        reverse("programmes:workstream_unarchive", kwargs={"pk": workstream.pk}),
        reverse("programmes:manage_programmes"),
        reverse("programmes:programme_create"),
        reverse("programmes:programme_edit", kwargs={"pk": programme.pk}),
        reverse("programmes:programme_archive", kwargs={"pk": programme.pk}),
        reverse("programmes:programme_unarchive", kwargs={"pk": programme.pk}),
    ]


POST_ONLY = ["programmes:workstream_move", "programmes:programme_move"]


def test_anonymous_users_are_sent_to_sign_in(client):
    programme = ProgrammeFactory()
    for url in urls(programme.workstream, programme):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD, Role.BOARD_MEMBER])
def test_editing_pages_are_forbidden_without_the_admin_role(client, role):
    programme = ProgrammeFactory(title="Unchanged")
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in urls(programme.workstream, programme):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "Hacked", "name": "Hacked"}).status_code == 403, url
    other = ProgrammeFactory(workstream=programme.workstream, order=1)
    programme.order = 0
    programme.save()
    for name in POST_ONLY:
        pk = programme.workstream.pk if name == "programmes:workstream_move" else other.pk
        assert client.post(reverse(name, kwargs={"pk": pk}), {"direction": "up"}).status_code == 403, name
    programme.refresh_from_db()
    other.refresh_from_db()
    assert programme.title == "Unchanged" and programme.status == Programme.Status.PUBLISHED
    assert (programme.order, other.order) == (0, 1)


def test_admin_adds_edits_reorders_and_archives_workstreams(client, academy_admin):
    client.force_login(academy_admin)
    first = WorkstreamFactory(name="Education and Entry (Train)", order=0)
    response = client.post(
        reverse("programmes:workstream_create"),
        {"name": "Culture and Leadership (Retain)", "slug": "culture-and-leadership"},
    )
    assert response["Location"] == reverse("programmes:manage_workstreams")
    created = Workstream.objects.get(slug="culture-and-leadership")
    assert created.order == 1
    page = client.post(
        reverse("programmes:workstream_create"), {"name": "Other", "slug": "culture-and-leadership"}
    ).content.decode()
    assert "Another workstream uses this web name" in page
    client.post(reverse("programmes:workstream_move", kwargs={"pk": created.pk}), {"direction": "up"})
    assert list(Workstream.objects.values_list("pk", flat=True)) == [created.pk, first.pk]
    # A workstream with live programmes is not archived; once they are archived, it can be.
    programme = ProgrammeFactory(workstream=created)
    client.post(reverse("programmes:workstream_archive", kwargs={"pk": created.pk}))
    created.refresh_from_db()
    assert not created.is_archived
    client.post(reverse("programmes:programme_archive", kwargs={"pk": programme.pk}))
    client.post(reverse("programmes:workstream_archive", kwargs={"pk": created.pk}))
    created.refresh_from_db()
    assert created.is_archived
    assert Programme.objects.filter(pk=programme.pk, status="archived").exists()


def test_admin_adds_and_edits_a_programme_with_validation(client, academy_admin):
    workstream = WorkstreamFactory()
    client.force_login(academy_admin)
    page = client.post(reverse("programmes:programme_create"), {"cpd_hours": "-1"}).content.decode()
    for message in ("Enter the programme&#x27;s title", "Choose the workstream", "Choose the pillar"):
        assert message in page
    data = {
        "title": "Reverse Mentoring",
        "slug": "reverse-mentoring",
        "summary": "Senior leaders are mentored by colleagues.",
        "workstream": workstream.pk,
        "pillar": "retain",
        "format": "in_person",
        "cpd_hours": "6",
        "status": "published",
        "delivered_at_system_level": "on",
    }
    assert client.post(reverse("programmes:programme_create"), data).status_code == 302
    programme = Programme.objects.get(slug="reverse-mentoring")
    client.post(
        reverse("programmes:programme_edit", kwargs={"pk": programme.pk}), {**data, "cpd_hours": "7.5"}
    )
    programme.refresh_from_db()
    assert str(programme.cpd_hours) == "7.5"
    client.post(reverse("programmes:programme_archive", kwargs={"pk": programme.pk}))
    programme.refresh_from_db()
    assert programme.status == Programme.Status.ARCHIVED
    client.post(reverse("programmes:programme_unarchive", kwargs={"pk": programme.pk}))
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT


def test_programme_audience_is_saved_and_history_can_be_restored(client, academy_admin):
    from workforce.models import Sector

    from ..factories import StaffGroupFactory

    nurses = StaffGroupFactory(name="Nursing and midwifery")
    workstream = WorkstreamFactory()
    client.force_login(academy_admin)
    data = {
        "title": "Preceptorship",
        "slug": "preceptorship",
        "summary": "Support for newly registered practitioners.",
        "workstream": workstream.pk,
        "pillar": "recruit",
        "format": "blended",
        "cpd_hours": "12",
        "status": "published",
        "audience": "Newly registered nurses.",
        "audience_staff_groups": [nurses.pk],
        "audience_sectors": [Sector.NHS],
    }
    assert client.post(reverse("programmes:programme_create"), data).status_code == 302
    programme = Programme.objects.get(slug="preceptorship")
    assert list(programme.audience_staff_groups.all()) == [nurses]
    assert programme.audience_sectors == ["nhs"]
    first = programme.history.get().history_id
    client.post(
        reverse("programmes:programme_edit", kwargs={"pk": programme.pk}), {**data, "title": "Renamed"}
    )
    programme.refresh_from_db()
    assert programme.title == "Renamed"
    assert list(programme.audience_staff_groups.all()) == [nurses]  # an edit keeps the audience
    history = client.get(
        reverse("programmes:programme_history", kwargs={"pk": programme.pk})
    ).content.decode()
    assert "Preceptorship" in history and "Renamed" in history and academy_admin.display_name in history
    # A change of audience is one version too, with the links before and after.
    midwives = StaffGroupFactory(name="Midwifery")
    client.post(
        reverse("programmes:programme_edit", kwargs={"pk": programme.pk}),
        {**data, "title": "Renamed", "audience_staff_groups": [midwives.pk]},
    )
    assert list(programme.audience_staff_groups.all()) == [midwives]
    assert programme.history.count() == 3
    history = client.get(
        reverse("programmes:programme_history", kwargs={"pk": programme.pk})
    ).content.decode()
    assert "Open to staff groups" in history and "Midwifery" in history
    restore = reverse("programmes:programme_restore", kwargs={"pk": programme.pk, "history_id": first})
    assert "Restore this version" in client.get(restore).content.decode()
    client.post(restore)
    programme.refresh_from_db()
    assert programme.title == "Preceptorship"
    assert list(programme.audience_staff_groups.all()) == [nurses]  # the audience is restored as well
    assert programme.history.count() == 4
    assert programme.history.order_by("history_id").first().history_type == "+"


@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD, Role.BOARD_MEMBER])
def test_history_pages_are_admin_only(client, role):
    programme = ProgrammeFactory()
    urls_ = [
        reverse("programmes:programme_history", kwargs={"pk": programme.pk}),
        reverse("programmes:workstream_history", kwargs={"pk": programme.workstream.pk}),
        reverse(
            "programmes:programme_restore",
            kwargs={"pk": programme.pk, "history_id": programme.history.get().history_id},
        ),
    ]
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in urls_:
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    client.logout()
    for url in urls_:
        assert client.get(url).status_code == 302


def test_cohort_history_and_restore_for_admins_only(client, academy_admin, programme_lead):
    from .factories import CohortFactory

    cohort = CohortFactory(venue="Room A")
    first = cohort.history.get().history_id
    cohort.venue = "Room B"
    cohort.save()
    history_url = reverse("programmes:cohort_history", kwargs={"pk": cohort.pk})
    restore_url = reverse("programmes:cohort_restore", kwargs={"pk": cohort.pk, "history_id": first})
    client.force_login(programme_lead)
    assert client.get(history_url).status_code == 403
    assert client.post(restore_url).status_code == 403
    cohort.programme.lead = programme_lead
    cohort.programme.save()
    cohort_page = reverse("programmes:cohort", kwargs={"pk": cohort.pk})
    response = client.get(cohort_page)
    assert response.status_code == 200  # the lead manages the cohort but not its history
    assert history_url not in response.content.decode()
    client.force_login(academy_admin)
    # Admins reach the history from the cohort's own page.
    assert f'href="{history_url}"' in client.get(cohort_page).content.decode()
    page = client.get(history_url).content.decode()
    assert "Room A" in page and "Room B" in page
    assert client.post(restore_url).status_code == 302
    cohort.refresh_from_db()
    assert cohort.venue == "Room A"


def test_admin_reorders_programmes_within_their_workstream(client, academy_admin):
    train = WorkstreamFactory(name="Education and Entry (Train)", order=0)
    retain = WorkstreamFactory(name="Culture and Leadership (Retain)", order=1)
    client.force_login(academy_admin)
    data = {
        "summary": "A programme.",
        "pillar": "retain",
        "format": "in_person",
        "cpd_hours": "1",
        "status": "published",
    }
    for title, workstream in (("Zeta", train), ("Alpha", train), ("Beta", train), ("Gamma", retain)):
        response = client.post(
            reverse("programmes:programme_create"),
            {**data, "title": title, "slug": title.lower(), "workstream": workstream.pk},
        )
        assert response.status_code == 302
    zeta, alpha, beta, gamma = (Programme.objects.get(title=t) for t in ("Zeta", "Alpha", "Beta", "Gamma"))
    # New programmes go to the end of their own workstream, not alphabetically.
    assert [(p.order) for p in (zeta, alpha, beta, gamma)] == [0, 1, 2, 0]

    def listed():
        page = client.get(reverse("programmes:manage_programmes")).content.decode()
        return re.findall(r'<th scope="row" class="nhsuk-table__header">([^<]+)</th>', page), page

    titles, page = listed()
    assert titles == ["Zeta", "Alpha", "Beta", "Gamma"]
    # Up/Down only within a workstream: no "up" for the first of each, no "down" for the last of each.
    assert "move Zeta up" not in page and "move Zeta down" in page
    assert "move Beta down" not in page and "move Beta up" in page
    assert "move Gamma up" not in page and "move Gamma down" not in page

    move = reverse("programmes:programme_move", kwargs={"pk": beta.pk})
    response = client.post(move, {"direction": "up"})
    assert response["Location"] == reverse("programmes:manage_programmes")
    titles, _ = listed()
    assert titles == ["Zeta", "Beta", "Alpha", "Gamma"]
    client.post(reverse("programmes:programme_move", kwargs={"pk": zeta.pk}), {"direction": "down"})
    titles, _ = listed()
    assert titles == ["Beta", "Zeta", "Alpha", "Gamma"]
    # At the edge of its workstream nothing moves, and never into the next workstream.
    client.post(reverse("programmes:programme_move", kwargs={"pk": alpha.pk}), {"direction": "down"})
    gamma.refresh_from_db()
    assert gamma.order == 0 and gamma.workstream == retain
    titles, _ = listed()
    assert titles == ["Beta", "Zeta", "Alpha", "Gamma"]
    page = client.post(move, {"direction": "sideways"}, follow=True).content.decode()
    assert "Choose up or down" in page
    assert client.get(move).status_code == 405
    # Each move is kept in the programme's history.
    beta.refresh_from_db()
    assert beta.history.first().history_change_reason == "Reordered"
    assert beta.history.first().history_user == academy_admin
    # Moving a programme to another workstream puts it at the end of that workstream.
    client.post(
        reverse("programmes:programme_edit", kwargs={"pk": beta.pk}),
        {**data, "title": "Beta", "slug": "beta", "workstream": retain.pk},
    )
    beta.refresh_from_db()
    assert (beta.workstream, beta.order) == (retain, 1)
