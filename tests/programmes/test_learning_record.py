import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programmes import selectors, services
from programmes.models import ExternalLearning

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def login_url_for(url):
    return f"{reverse('account_login')}?next={url}"


def add_entry(person, **kwargs):
    data = {
        "title": "Safeguarding adults level 3",
        "completed_on": timezone.localdate() - datetime.timedelta(days=30),
        "cpd_hours": Decimal("3.5"),
        "evidence_note": "Certificate in my e-portfolio",
    } | kwargs
    return services.external_learning_create(person=person, **data)


OWN_URLS = [
    ("programmes:learning_record", False),
    ("programmes:learning_record_csv", False),
    ("programmes:learning_record_pdf", False),
    ("programmes:external_learning_add", False),
    ("programmes:external_learning_edit", True),
    ("programmes:external_learning_delete", True),
]


@pytest.mark.parametrize(("name", "needs_pk"), OWN_URLS)
def test_anonymous_users_are_sent_to_sign_in(client, name, needs_pk):
    url = reverse(name, kwargs={"pk": 1} if needs_pk else {})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url_for(url)


@pytest.mark.parametrize("name", ["programmes:external_learning_edit", "programmes:external_learning_delete"])
def test_someone_elses_entry_is_not_found(client, staff_user, name):
    entry = add_entry(UserFactory())
    client.force_login(staff_user)
    assert client.get(reverse(name, kwargs={"pk": entry.pk})).status_code == 404
    assert client.post(reverse(name, kwargs={"pk": entry.pk}), {"title": "Mine now"}).status_code == 404
    entry.refresh_from_db()
    assert entry.title == "Safeguarding adults level 3"


def test_a_future_date_or_silly_hours_are_refused():
    person = UserFactory()
    with pytest.raises(ValidationError, match="today or in the past"):
        add_entry(person, completed_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="between 0 and 1000"):
        add_entry(person, cpd_hours=Decimal("1001"))
    assert not ExternalLearning.objects.exists()


def test_a_person_adds_changes_and_removes_learning_done_elsewhere(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("programmes:external_learning_add"),
        {"title": "Moving and handling", "completed_on": "2026-01-15", "cpd_hours": "2", "evidence_note": ""},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "“Moving and handling” has been added to your learning record." in page
    assert "2 CPD hours in total" in page
    entry = ExternalLearning.objects.get(person=staff_user)
    response = client.post(
        reverse("programmes:external_learning_edit", kwargs={"pk": entry.pk}),
        {"title": "Moving and handling (refresher)", "completed_on": "2026-01-15", "cpd_hours": "2.5"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.cpd_hours) == ("Moving and handling (refresher)", Decimal("2.5"))
    response = client.post(reverse("programmes:external_learning_delete", kwargs={"pk": entry.pk}))
    assert response.status_code == 302
    assert not ExternalLearning.objects.exists()


def test_the_form_explains_what_is_missing(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("programmes:external_learning_add"), {"cpd_hours": "lots"})
    page = response.content.decode()
    assert "Enter the title of the learning" in page
    assert "Enter the date you completed it" in page
    assert "Enter CPD hours as a number, like 3.5" in page
    assert not ExternalLearning.objects.exists()


def test_the_record_downloads_as_csv_and_pdf_and_is_formula_safe(client, staff_user):
    add_entry(staff_user, title='=HYPERLINK("http://evil")', cpd_hours=Decimal("1.5"))
    add_entry(UserFactory(), title="Someone else's course")
    client.force_login(staff_user)
    response = client.get(reverse("programmes:learning_record_csv"))
    assert response["Content-Disposition"] == 'attachment; filename="learning-record.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == selectors.LEARNING_RECORD_HEADER
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][6] == "1.5"

    response = client.get(reverse("programmes:learning_record_pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Learning record: {staff_user.display_name}" in text
    assert "HYPERLINK" in text and "Someone else" not in text
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
