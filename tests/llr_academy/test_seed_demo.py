import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client

from workforce import selectors
from workforce.demo import DEMO_PASSWORD
from workforce.models import Band, Organisation, StaffGroup, User
from workforce.roles import Role

pytestmark = pytest.mark.django_db


def counts():
    from programmes.models import Attendance, Certificate, Completion, SurveyResponse

    models = (Organisation, StaffGroup, Band, User, EmailAddress)
    models += (Attendance, Completion, Certificate, SurveyResponse)  # issue 4's demo data
    return tuple(m.objects.count() for m in models)


def test_seed_demo_creates_llr_organisations_and_demo_accounts(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {
        "University Hospitals of Leicester NHS Trust",
        "Leicestershire Partnership NHS Trust",
        "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
        "Leicester City Council",
        "Leicestershire County Council",
        "Rutland County Council",
    } <= names
    assert Organisation.objects.filter(sector="asc").exists()
    assert Organisation.objects.filter(sector="vcse").exists()
    # The demo accounts (programmes add fictional colleagues with ".demo@" addresses who cannot sign in).
    roles = {u.email: selectors.user_roles(u) for u in User.objects.exclude(email__contains=".demo@")}
    assert roles == {
        "staff@example.org": [],
        "lead@example.org": [Role.PROGRAMME_LEAD],
        "board@example.org": [Role.BOARD_MEMBER],
        "admin@example.org": [Role.ACADEMY_ADMIN],
    }
    assert User.objects.get(email="staff@example.org").line_manager.email == "lead@example.org"
    assert StaffGroup.objects.filter(name="Nursing and midwifery").exists()
    assert Band.objects.filter(name="Band 5").exists()
    # Already verified, with the organisation, staff group and band the README gives.
    for email in roles:
        assert EmailAddress.objects.get(email=email).verified, email
    staff = User.objects.get(email="staff@example.org")
    assert (staff.organisation.short_name, staff.staff_group.name, staff.band.name) == (
        "UHL",
        "Nursing and midwifery",
        "Band 5",
    )


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


@pytest.mark.parametrize(
    "email", ["staff@example.org", "lead@example.org", "board@example.org", "admin@example.org"]
)
def test_demo_accounts_sign_in_with_the_demo_password(settings, email):
    settings.DEBUG = True
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = False
    call_command("seed_demo")
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_seed_demo_refuses_to_run_on_a_live_portal(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG=False"):
        call_command("seed_demo")
    assert User.objects.count() == 0
    call_command("seed_demo", "--force")
    assert User.objects.exclude(email__contains=".demo@").count() == 4


def test_seed_demo_fills_the_learning_pages(settings):
    """Issue 4: past cohorts with attendance, completions, certificates and evaluation responses."""
    from programmes.models import Attendance, Certificate, Completion, ExternalLearning, SurveyResponse

    settings.DEBUG = True
    call_command("seed_demo")
    assert Attendance.objects.count() > 100
    statuses = set(Completion.objects.values_list("status", flat=True))
    assert {"completed", "not_completed", "in_progress"} <= statuses
    assert Certificate.objects.count() == Completion.objects.filter(status="completed").count() > 20
    assert SurveyResponse.objects.count() >= 20
    staff = User.objects.get(email="staff@example.org")
    assert Completion.objects.filter(enrolment__person=staff, status="completed").exists()
    assert ExternalLearning.objects.filter(person=staff).count() == 2


def test_seed_demo_backdates_the_rows_it_writes_and_keeps_later_edits_current(settings):
    """The demo's history reads as a year old, programmes included; an admin's edit since stays the newest
    version after make run seeds again."""
    import datetime

    from pledges import services
    from pledges.models import Pledge
    from programmes.models import Programme

    settings.DEBUG = True
    call_command("seed_demo")
    today = datetime.date.today()
    assert Programme.history.exists()
    assert not Programme.history.filter(history_date__date=today).exists()
    assert not Pledge.history.filter(history_date__date=today).exists()
    pledge = Pledge.objects.get(number=1)
    services.pledge_update(pledge=pledge, user=User.objects.get(email="admin@example.org"), title="Edited")
    call_command("seed_demo")
    pledge.refresh_from_db()
    latest = pledge.history.first()
    assert (pledge.title, latest.title, latest.history_date.date()) == ("Edited", "Edited", today)


def history_counts() -> dict[str, int]:
    """Rows in every history table (django-simple-history's, the many-to-many ones included)."""
    from django.apps import apps

    return {m.__name__: m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical")}


def test_seeding_an_untouched_database_again_writes_nothing(settings):
    """make run seeds every time: the second run finds everything there and records no new versions."""
    settings.DEBUG = True
    call_command("seed_demo")
    before, rows = history_counts(), counts()
    assert before["HistoricalProgramme"] and before["HistoricalOrganisation"]  # the seed is historied
    call_command("seed_demo")
    assert history_counts() == before
    assert counts() == rows


def test_seeding_again_keeps_admins_edits_without_new_history(settings):
    """An admin's edits to the demo rows survive make run: nothing written back, no versions recorded."""
    from programmes import services as programme_services
    from programmes.models import Cohort, Programme, Workstream
    from workforce import services as workforce_services

    settings.DEBUG = True
    call_command("seed_demo")
    admin = User.objects.get(email="admin@example.org")
    programme = Programme.objects.get(slug="nursing-next-gen")
    programme.title = "Nursing Next Generation"
    programme_services.programme_save(
        programme=programme, user=admin, audience={"audience_staff_groups": [], "audience_bands": []}
    )
    cohort = Cohort.objects.get(programme__slug="active-bystander", name="Summer cohort")
    cohort.capacity = 20
    programme_services.cohort_save(cohort=cohort)
    workstream = Workstream.objects.get(slug="culture-and-leadership")
    workstream.name = "Culture, Leadership and Inclusion"
    programme_services.workstream_save(workstream=workstream, user=admin)
    lead = User.objects.get(email="lead@example.org")
    workforce_services.user_set_roles(user=lead, roles=[], changed_by=admin)
    lead.set_password("changed-by-the-lead")
    lead.save()
    organisation = Organisation.objects.get(code="uhl")
    organisation.name = "University Hospitals of Leicester"
    organisation.save()
    edited = (programme, cohort, workstream, organisation)
    versions = [obj.history.count() for obj in edited]
    rows = (Programme.objects.count(), Cohort.objects.count(), Workstream.objects.count())

    call_command("seed_demo")

    programme.refresh_from_db()
    assert programme.title == "Nursing Next Generation"
    assert not programme.audience_staff_groups.exists()  # the admin opened it to everyone
    assert Cohort.objects.get(pk=cohort.pk).capacity == 20
    assert Workstream.objects.get(pk=workstream.pk).name == "Culture, Leadership and Inclusion"
    assert Organisation.objects.get(pk=organisation.pk).name == "University Hospitals of Leicester"
    lead.refresh_from_db()
    assert selectors.user_roles(lead) == []  # the role taken away stays away
    assert lead.check_password("changed-by-the-lead")
    assert [obj.history.count() for obj in edited] == versions
    # Nothing was added in their place (looked up by slug and name, not by the title the admin changed).
    assert (Programme.objects.count(), Cohort.objects.count(), Workstream.objects.count()) == rows
