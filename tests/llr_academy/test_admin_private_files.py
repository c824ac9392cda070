"""Files in private storage have no URL: the Django admin shows their stored name, never a link or a 500."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import UserFactory
from tests.pledges.report_factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def import_record():
    from workforce.models import WorkforceImport

    record = WorkforceImport(file_name="figures.csv", file_format="csv", uploaded_by=UserFactory())
    record.file.save("figures.csv", ContentFile(b"a,b\n"), save=False)
    record.save()
    return record, "admin:workforce_workforceimport_change"


def certificate():
    from programmes.models import Certificate
    from tests.programmes.learning_helpers import PRESENT, mark, past_cohort, place

    lead = UserFactory()
    cohort = past_cohort(sessions=1, lead=lead)
    enrolment = place(cohort)
    mark(cohort, enrolment, [PRESENT], lead)
    record = Certificate.objects.get(completion__enrolment=enrolment)
    record.file.save("certificate.pdf", ContentFile(b"%PDF-"), save=True)
    return record, "admin:programmes_certificate_change"


def board_pack():
    record = make_report(UserFactory(), status="done")
    record.file.save("pack.pdf", ContentFile(b"%PDF-"), save=True)
    return record, "admin:pledges_boardreport_change"


@pytest.mark.parametrize("build", [import_record, certificate, board_pack])
def test_a_record_with_a_private_file_opens_in_the_admin(superuser_client, build):
    record, url_name = build()
    response = superuser_client.get(reverse(url_name, args=[record.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert record.file.name in page and f'href="/media/{record.file.name}"' not in page
