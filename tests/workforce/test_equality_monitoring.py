import re

import pytest
from django.contrib import admin
from django.urls import reverse

from workforce.models import PREFER_NOT_TO_SAY, EqualityMonitoring

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("workforce:equality_monitoring")


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


def test_every_question_is_optional_and_offers_prefer_not_to_say(client, staff_user):
    client.force_login(staff_user)
    page = client.get(URL).content.decode()
    for name in EqualityMonitoring.CHARACTERISTICS:
        assert f'name="{name}" class="nhsuk-radios__input" value="{PREFER_NOT_TO_SAY}"' in page
    assert page.count("(optional)") >= len(EqualityMonitoring.CHARACTERISTICS)
    # Saving nothing at all is allowed.
    response = client.post(URL, {})
    assert response.status_code == 302
    record = EqualityMonitoring.objects.get(person=staff_user)
    assert all(getattr(record, name) == "" for name in EqualityMonitoring.CHARACTERISTICS)


def test_a_person_saves_changes_and_deletes_their_own_answers(client, staff_user):
    client.force_login(staff_user)
    response = client.post(URL, {"ethnicity": "asian", "disability": PREFER_NOT_TO_SAY})
    assert response.status_code == 302
    assert (
        "Your equality-monitoring answers have been saved."
        in client.get(response["Location"]).content.decode()
    )
    record = EqualityMonitoring.objects.get(person=staff_user)
    assert (record.ethnicity, record.disability, record.sex) == ("asian", PREFER_NOT_TO_SAY, "")
    page = client.get(URL).content.decode()
    checked = re.findall(r'name="(\w+)" class="nhsuk-radios__input" value="(\w+)"[^>]*checked', page)
    assert sorted(checked) == [("disability", PREFER_NOT_TO_SAY), ("ethnicity", "asian")]
    client.post(URL, {"delete": "1"})
    assert not EqualityMonitoring.objects.filter(person=staff_user).exists()


def test_an_unknown_answer_is_refused(client, staff_user):
    client.force_login(staff_user)
    response = client.post(URL, {"ethnicity": "martian"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not EqualityMonitoring.objects.filter(person=staff_user).exists()


def test_nobody_sees_another_persons_answers(client, academy_admin):
    other = UserFactory()
    EqualityMonitoring.objects.create(person=other, ethnicity="black", religion="muslim")
    client.force_login(academy_admin)
    # The page only ever shows the signed-in person's own answers ...
    page = client.get(URL).content.decode()
    assert "checked" not in page
    # ... there is no URL that takes a person, and the model is not in the Django admin.
    assert EqualityMonitoring not in admin.site._registry
    people = client.get(reverse("workforce:people")).content.decode()
    assert "Black, Black British" not in people and "Muslim" not in people
    roles = client.get(reverse("workforce:person_roles", kwargs={"pk": other.pk})).content.decode()
    assert "Black, Black British" not in roles and "Muslim" not in roles
