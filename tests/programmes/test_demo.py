import pytest
from django.core.management import call_command
from django.utils import timezone

from programmes import demo
from programmes.models import Cohort, Enrolment, Programme, Session, Workstream
from programmes.selectors import programme_catalogue

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Workstream, Programme, Cohort, Session, Enrolment))


def test_seed_demo_adds_every_table_2_programme_with_realistic_cohorts(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert list(Workstream.objects.values_list("name", flat=True)) == [w[1] for w in demo.WORKSTREAMS]
    assert Programme.objects.count() == len(demo.PROGRAMMES) == 45
    by_workstream = {
        w.name: set(w.programmes.values_list("title", flat=True)) for w in Workstream.objects.all()
    }
    assert "Active Bystander" in by_workstream["Culture and Leadership (Retain)"]
    assert "MECC training delivery" in by_workstream["Looking After Our People (Retain)"]
    assert Programme.objects.get(title="Preceptorship").pillar == "recruit"
    assert Programme.objects.get(title="Productivity improvement").pillar == "reform"
    assert not Programme.objects.get(title="Nursing Faculty").delivered_at_system_level

    catalogue = {p.title: p for p in programme_catalogue()}
    assert catalogue["Active Bystander"].places_left > 0  # the summer cohort has places
    bystander = Cohort.objects.get(programme__title="Active Bystander", name="Spring cohort")
    assert bystander.enrolments.filter(status="confirmed").count() == bystander.capacity
    assert bystander.enrolments.filter(status="waiting").count() == 3
    assert Cohort.objects.filter(approval_required=True).exists()
    assert Cohort.objects.filter(ends_on__lt=timezone.localdate()).count() >= 2  # some past cohorts

    staff = {e.status for e in Enrolment.objects.filter(person__email="staff@example.org")}
    assert staff == {"confirmed", "waiting", "awaiting_approval"}
    # Sessions run Monday to Friday, whatever day the demo is loaded.
    assert {d.weekday() for d in Session.objects.values_list("date", flat=True)} <= {0, 1, 2, 3, 4}


def test_demo_dates_move_off_weekends_without_crossing_today():
    import datetime

    saturday, sunday, monday = (
        datetime.date(2026, 11, 21),
        datetime.date(2026, 11, 22),
        datetime.date(2026, 11, 23),
    )
    assert demo.working_day(monday, today=monday) == monday
    assert demo.working_day(saturday, today=monday) == datetime.date(2026, 11, 20)  # past: the Friday before
    assert demo.working_day(sunday, today=sunday) == datetime.date(2026, 11, 20)  # today counts as past
    assert demo.working_day(sunday, today=datetime.date(2026, 11, 19)) == monday  # to come: the Monday after


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_seed_demo_has_enough_for_evaluation_results_and_reach_to_show(settings):
    """Beyond the row counts (tests/llr_academy/test_seed_demo.py): enough answers in one cohort for its
    results and a programme rating to be shown, and reach with figures both above and under suppression."""
    from django.db.models import Count

    from programmes.models import SurveyResponse
    from programmes.selectors import MIN_RESPONSES, programme_figures, programme_reach, reach_enrolments

    settings.DEBUG = True
    call_command("seed_demo")
    per_cohort = (
        SurveyResponse.objects.filter(invitation__kind="completion")
        .values("invitation__enrolment__cohort")
        .annotate(n=Count("pk"))
    )
    assert max(row["n"] for row in per_cohort) >= MIN_RESPONSES
    assert any(programme_figures(programme=p).average_rating for p in Programme.objects.all())
    reach = programme_reach(dimension="organisation", enrolments=reach_enrolments())
    shown = [r.enrolled for r in reach.rows]
    assert any(isinstance(n, int) and n >= 10 for n in shown) and "*" in shown


def test_seeding_again_keeps_a_leads_attendance_overrides_and_withdrawals(settings):
    """make run seeds every time: what a lead has done in the demo cohorts since is neither redone nor
    recorded again (no new history for attendance, completions or enrolments)."""
    from programmes import services
    from programmes.models import Attendance, Completion, SurveyQuestion
    from workforce.models import User

    settings.DEBUG = True
    call_command("seed_demo")
    lead = User.objects.get(email="lead@example.org")
    cohort = Cohort.objects.get(name="Spring 2026 (demo)")
    session = cohort.sessions.order_by("date").first()
    attendance = Attendance.objects.filter(session=session, status="present").first()
    services.attendance_mark(session=session, marks={attendance.enrolment_id: "absent"}, marked_by=lead)
    completion = Completion.objects.filter(enrolment__cohort=cohort, status="not_completed").first()
    services.completion_override(
        completion=completion, status="completed", reason="Made up the session", overridden_by=lead
    )
    # A lead takes someone off the full Active Bystander cohort: the seed must not give the place back.
    bystander = Cohort.objects.get(programme__slug="active-bystander", name="Spring cohort")
    leaving = bystander.enrolments.filter(status="confirmed").order_by("pk").first()
    services.enrolment_withdraw(enrolment=leaving, withdrawn_by=lead)
    question = SurveyQuestion.objects.filter(survey__programme=None).order_by("pk").first()
    question.text = "All in all, how was it?"
    question.save()
    history = tuple(m.history.count() for m in (Attendance, Completion, Enrolment, Session, SurveyQuestion))

    call_command("seed_demo")

    assert Attendance.objects.get(pk=attendance.pk).status == "absent"
    completion.refresh_from_db()
    assert (completion.status, completion.override_status) == ("completed", "completed")
    assert not bystander.enrolments.filter(person=leaving.person, status__in=Enrolment.LIVE_STATUSES).exists()
    assert SurveyQuestion.objects.get(pk=question.pk).text == "All in all, how was it?"
    assert tuple(m.history.count() for m in (Attendance, Completion, Enrolment, Session, SurveyQuestion)) == (
        history
    )
