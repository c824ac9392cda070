"""Every enrolment email as the person (or the approver) receives it: a subject, and plain-text and HTML
bodies that say the same thing, with the programme and a way back to the portal."""

import re
from html import unescape

import pytest
from django.urls import reverse

from programmes.emails import SUBJECTS, notification_email
from programmes.models import Notification
from tests.factories import UserFactory

from .factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_has_a_subject_and_matching_text_and_html_bodies(kind):
    assert set(SUBJECTS) == set(Kind.values)
    programme = ProgrammeFactory(title="Leading with Compassion & Care")
    cohort = CohortFactory(programme=programme, name="Spring cohort")
    session = SessionFactory(cohort=cohort, title="Opening day")
    manager = UserFactory(first_name="Mo", email="mo.manager@nhs.net")
    person = UserFactory(first_name="Pat", last_name="Okafor", line_manager=manager)
    enrolment = EnrolmentFactory(cohort=cohort, person=person, approver=manager)
    recipient = manager if kind == Kind.APPROVAL_REQUESTED else person
    notification = Notification(
        enrolment=enrolment, recipient=recipient, kind=kind, session=session, key=f"test:{kind}"
    )

    message = notification_email(notification)

    assert message.to == [recipient.email]
    assert message.subject.endswith(programme.title) or programme.title in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and html.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    text = message.body
    for body in (text, _text_of(html)):
        assert f"Dear {recipient.first_name}" in body
        assert programme.title in body  # "&" escaped in the HTML, shown as "&" to the reader
        assert "{{" not in body and "{%" not in body
    assert "&amp;" in html and "&amp;" not in text
    # A way back: the approver to their To approve page, everyone to My learning.
    page = "programmes:approvals" if kind == Kind.APPROVAL_REQUESTED else "programmes:my_learning"
    link = "http://127.0.0.1:8000" + reverse(page)
    assert link in text and f'href="{link}"' in html
