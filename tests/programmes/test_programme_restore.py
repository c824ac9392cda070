"""Restoring a workstream or programme from its history keeps the rules of its own service."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import services
from programmes.models import Completion, Programme, Workstream
from tests.factories import UserFactory
from workforce.roles import Role

from .factories import CohortFactory, ProgrammeFactory, WorkstreamFactory
from .learning_helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ACADEMY_ADMIN])


def latest_version(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


def restore_url(name: str, obj, version) -> str:
    return reverse(f"programmes:{name}_restore", kwargs={"pk": obj.pk, "history_id": version.history_id})


def archived_workstream_version(admin) -> tuple[Workstream, int]:
    """A workstream that was archived as "Old name", brought back, renamed and given a live programme."""
    workstream = WorkstreamFactory(name="Old name")
    services.workstream_set_archived(workstream=workstream, user=admin, archived=True)
    archived = latest_version(workstream).history_id
    services.workstream_set_archived(workstream=workstream, user=admin, archived=False)
    workstream.name = "New name"
    services.workstream_save(workstream=workstream, user=admin)
    ProgrammeFactory(workstream=workstream, status=Programme.Status.PUBLISHED)
    return workstream, archived


def test_restoring_an_archived_version_keeps_a_workstream_with_live_programmes_live(admin):
    workstream, archived = archived_workstream_version(admin)
    services.workstream_restore(workstream=workstream, history_id=archived, user=admin)
    workstream.refresh_from_db()
    assert workstream.name == "Old name"  # the rest is restored
    assert not workstream.is_archived


def test_the_workstream_restore_page_says_the_archive_state_stays_and_the_post_keeps_it(client, admin):
    workstream, archived = archived_workstream_version(admin)
    client.force_login(admin)
    url = reverse("programmes:workstream_restore", kwargs={"pk": workstream.pk, "history_id": archived})
    page = client.get(url).content.decode()
    assert "Left as they are now" in page and "Is archived" in page
    assert "never archives the workstream" in page
    assert client.post(url).status_code == 302
    workstream.refresh_from_db()
    assert (workstream.name, workstream.is_archived) == ("Old name", False)


def test_restoring_a_published_version_of_an_archived_programme_keeps_it_archived(admin):
    programme = ProgrammeFactory(title="Old title", status=Programme.Status.PUBLISHED)
    published = latest_version(programme).history_id
    programme.title = "New title"
    services.programme_save(programme=programme, user=admin)
    services.programme_set_archived(programme=programme, user=admin, archived=True)
    services.programme_restore(programme=programme, history_id=published, user=admin)
    programme.refresh_from_db()
    assert programme.title == "Old title"
    assert programme.status == Programme.Status.ARCHIVED
    # Bringing it back is its own step, and makes it a draft first.
    services.programme_set_archived(programme=programme, user=admin, archived=False)
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT


def test_the_programme_restore_page_shows_the_status_is_kept_and_the_post_keeps_it(client, admin):
    programme = ProgrammeFactory(title="Old title", status=Programme.Status.PUBLISHED)
    published = latest_version(programme)
    services.programme_set_archived(programme=programme, user=admin, archived=True)
    client.force_login(admin)
    url = restore_url("programme", programme, published)
    page = client.get(url).content.decode()
    assert "Left as they are now" in page and "Archived" in page
    assert "keeps the programme&#x27;s status" in page
    assert client.post(url).status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.ARCHIVED


def test_restoring_a_programmes_title_reissues_its_certificates(admin, django_capture_on_commit_callbacks):
    cohort = CohortFactory(programme=ProgrammeFactory(title="Old title", cpd_hours=6))
    programme = cohort.programme
    enrolment = place(cohort)
    Completion.objects.create(
        enrolment=enrolment, status=Completion.Status.COMPLETED, computed_status=Completion.Status.COMPLETED
    )
    first = latest_version(programme).history_id
    programme.title, programme.cpd_hours = "New title", 7
    services.programme_save(programme=programme, user=admin)
    with (
        mock.patch("programmes.tasks.certificates_refresh_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.programme_restore(programme=programme, history_id=first, user=admin)
    delay.assert_called_once_with(person_id=None, programme_id=programme.pk, cohort_id=None)
    programme.refresh_from_db()
    assert (programme.title, programme.cpd_hours) == ("Old title", 6)


def test_a_version_in_another_workstream_goes_to_the_end_of_that_workstreams_list(admin):
    here, there = WorkstreamFactory(), WorkstreamFactory()
    ProgrammeFactory(workstream=here, order=0)
    programme = ProgrammeFactory(workstream=here, order=1)
    in_here = latest_version(programme).history_id
    programme.workstream = there
    services.programme_save(programme=programme, user=admin)
    programme.refresh_from_db()
    assert programme.order == 0  # the first in "there"
    services.programme_restore(programme=programme, history_id=in_here, user=admin)
    assert sorted(here.programmes.values_list("order", flat=True)) == [0, 1]
    assert latest_version(programme).order == 1  # one version for the restore, with the new place in it


def test_a_version_in_a_workstream_archived_since_is_refused(admin):
    old, new = WorkstreamFactory(name="Old workstream"), WorkstreamFactory()
    programme = ProgrammeFactory(workstream=old)
    in_old = latest_version(programme).history_id
    programme.workstream = new
    services.programme_save(programme=programme, user=admin)
    services.workstream_set_archived(workstream=old, user=admin, archived=True)
    with pytest.raises(ValidationError, match="Old workstream, which is archived"):
        services.programme_restore(programme=programme, history_id=in_old, user=admin)
    programme.refresh_from_db()
    assert programme.workstream == new


def test_a_restore_never_brings_back_an_old_place_in_the_order(client, admin):
    first, second = WorkstreamFactory(order=0), WorkstreamFactory(order=1)
    before_the_move = latest_version(first)
    services.workstream_move(workstream=first, user=admin, direction="down")
    client.force_login(admin)
    url = restore_url("workstream", first, before_the_move)
    assert "never changes the position in a list" in client.get(url).content.decode()
    client.post(url)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (1, 0)
