import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pledges import demo, selectors, services
from pledges.models import BoardMeeting, Objective, PeoplePromiseElement, Pledge, ProgressUpdate, Status
from workforce import spc
from workforce.history import history_entries, history_restore

from ..factories import UserFactory
from .factories import (
    STEADY_TEN,
    MetricFactory,
    ObjectiveFactory,
    PledgeFactory,
    ProgrammeFactory,
    ProgressUpdateFactory,
    add_series,
    linked_metric,
)

pytestmark = pytest.mark.django_db

PERIOD = {
    "period_start": datetime.date(2026, 9, 1),
    "period_end": datetime.date(2026, 9, 30),
    "published_on": datetime.date(2026, 10, 7),
}


def test_people_promise_elements_are_created_by_migration():
    assert list(PeoplePromiseElement.objects.values_list("name", flat=True)) == [
        "We are compassionate and inclusive",
        "We are recognised and rewarded",
        "We each have a voice that counts",
        "We are safe and healthy",
        "We are always learning",
        "We work flexibly",
        "We are a team",
    ]


def test_metric_results_recompute_ratios_from_summed_counts_and_run_spc():
    metric = MetricFactory()
    orgs = add_series(metric, [10.0] * 3)
    # A third, bigger organisation at 20% moves the system rate to (10+10+60)/(100+100+300) = 16%.
    from workforce.models import Observation

    Observation.objects.create(
        metric=metric,
        organisation=orgs[0].__class__.objects.create(name="Big", short_name="BIG", code="big", sector="nhs"),
        month=datetime.date(2025, 3, 1),
        numerator=Decimal("60"),
        denominator=Decimal("300"),
    )
    result = selectors.metric_results({metric.pk: None})[metric.pk]
    assert result.values == [10.0, 10.0, 16.0]
    assert result.months[-1] == datetime.date(2025, 3, 1)
    assert result.latest_display == "16.0%"
    assert result.spc.is_run_chart  # fewer than 13 points


def test_metric_result_sentence_counts_months():
    metric = MetricFactory()
    # STEADY_TEN then 7 months at 9%: a shift below the mean, told in months as the board papers say.
    add_series(metric, STEADY_TEN + [9.0] * 7)
    sentence = selectors.metric_results({metric.pk: None})[metric.pk].sentence
    assert "7 months below the mean" in sentence, sentence


@pytest.mark.parametrize(
    ("target", "assurance"),
    [(Decimal("5"), spc.ASSURANCE_FAIL), (Decimal("20"), spc.ASSURANCE_PASS), (Decimal("10"), "hit_or_miss")],
)
def test_linked_metric_assurance_uses_the_links_target(target, assurance):
    pledge = PledgeFactory()
    linked_metric(pledge, target=target)  # "lower is better", steady around 10%
    (item,) = selectors.linked_metrics(pledge)
    assert item.result.assurance == assurance


def test_linked_metrics_agree_with_the_workforce_dashboard_including_recalculated_limits():
    """The pledge pages use the workforce selector's SPC, so a recalculation (a new phase) counts too."""
    from workforce import selectors as workforce_selectors
    from workforce.models import SpcRecalculation

    pledge = PledgeFactory()
    # 15 months around 20%, then 15 months around 10% after a change in how turnover is counted.
    values = [v + 10 for v in STEADY_TEN] + STEADY_TEN
    metric = linked_metric(pledge, target=None, values=values)
    metric.target = Decimal("15")
    metric.save()
    SpcRecalculation.objects.create(metric=metric, month=datetime.date(2026, 4, 1), reason="New definition")
    (summary,) = [s for s in workforce_selectors.metric_summaries() if s.metric == metric]
    (item,) = selectors.linked_metrics(pledge)
    # Within the new phase the limits are about 9.2% to 10.8%: a 15% ceiling is consistently met, and the
    # drop is not special cause. One phase over both levels would say "hit or miss" and "improvement".
    assert summary.assurance == item.result.assurance == spc.ASSURANCE_PASS
    assert summary.variation == item.result.variation == spc.COMMON_CAUSE
    assert item.result.spc.upper == summary.spc.upper
    # A link's own target is assessed against the same (recalculated) limits.
    link = pledge.metric_links.get()
    link.target = Decimal("9")
    link.save()
    (item,) = selectors.linked_metrics(pledge)
    assert item.result.assurance == spc.ASSURANCE_FAIL
    assert item.result.spc.upper == summary.spc.upper
    assert item.result.target == 9.0


def test_pledges_sharing_a_key_metric_are_each_assured_against_their_own_target():
    one, two = PledgeFactory(number=1), PledgeFactory(number=2)
    metric = linked_metric(one, target=Decimal("5"))
    from pledges.models import MetricLink

    MetricLink.objects.create(pledge=two, metric=metric, target=Decimal("20"), is_key=True)
    rows = {row.pledge.number: row for row in selectors.pledge_rows([one, two])}
    assert rows[1].key_metric.assurance == spc.ASSURANCE_FAIL
    assert rows[2].key_metric.assurance == spc.ASSURANCE_PASS
    assert (rows[1].key_metric.target, rows[2].key_metric.target) == (5.0, 20.0)


def test_a_links_empty_target_falls_back_to_the_metrics_own():
    pledge = PledgeFactory()
    metric = linked_metric(pledge, target=None)
    metric.target = Decimal("5")
    metric.save()
    assert selectors.linked_metrics(pledge)[0].result.assurance == spc.ASSURANCE_FAIL


def test_posting_on_track_while_the_metric_fails_keeps_the_mismatch_with_the_update():
    pledge = PledgeFactory()
    metric = linked_metric(pledge, target=Decimal("5"))
    author = UserFactory()
    update = services.progress_update_create(
        subject=pledge, author=author, status=Status.ON_TRACK, narrative="Fine.", **PERIOD
    )
    assert update.metric_check == f"The status is “on track” but {metric.name} consistently fails its target."
    at_risk = services.progress_update_create(
        subject=pledge, author=author, status=Status.AT_RISK, narrative="Watching.", **PERIOD
    )
    assert at_risk.metric_check == ""
    assert update.history.first().history_user == author


def test_updates_refuse_a_period_that_ends_before_it_starts_and_archived_subjects():
    pledge = PledgeFactory()
    with pytest.raises(ValidationError) as error:
        services.progress_update_create(
            subject=pledge,
            author=UserFactory(),
            status=Status.ON_TRACK,
            narrative="x",
            period_start=datetime.date(2026, 9, 30),
            period_end=datetime.date(2026, 9, 1),
            published_on=datetime.date(2026, 10, 1),
        )
    assert "The end of the period must be on or after its start" in str(error.value)
    pledge.is_archived = True
    pledge.save()
    with pytest.raises(ValidationError, match="archived"):
        services.progress_update_create(
            subject=pledge, author=UserFactory(), status=Status.ON_TRACK, narrative="x", **PERIOD
        )
    assert not ProgressUpdate.objects.exists()


def test_objective_updates_work_too():
    objective = ObjectiveFactory()
    update = services.progress_update_create(
        subject=objective, author=UserFactory(), status=Status.OFF_TRACK, narrative="Behind.", **PERIOD
    )
    assert update.objective == objective and update.pledge is None
    assert list(selectors.updates_for(objective)) == [update]


def test_pledge_create_and_update_are_one_version_each_with_their_links():
    admin = UserFactory()
    objective = ObjectiveFactory(title="Attract and develop talent")
    element = PeoplePromiseElement.objects.get(code="a-team")
    pledge = services.pledge_create(
        user=admin, number=4, title="Placeholder", objectives=[objective], people_promise_elements=[element]
    )
    assert pledge.history.count() == 1
    first = pledge.history.first()
    assert first.history_type == "+" and first.history_user == admin
    services.pledge_update(pledge=pledge, user=admin, title="Better title", objectives=[])
    assert pledge.history.count() == 2
    (latest, created) = history_entries(pledge)
    assert latest.action == "Changed" and latest.who == admin.display_name
    changes = {c.label: (c.before, c.after) for c in latest.changes}
    assert changes == {
        "Title": ("Placeholder", "Better title"),
        "Objectives": ("Attract and develop talent", "(empty)"),
    }
    assert created.action == "Created"


def test_restore_puts_back_fields_and_links_and_is_itself_recorded():
    admin, other = UserFactory(), UserFactory()
    objective = ObjectiveFactory()
    pledge = services.pledge_create(user=admin, number=5, title="Original", objectives=[objective])
    original_version = pledge.history.first().history_id
    services.pledge_update(pledge=pledge, user=admin, title="Changed", executive_lead="CPO", objectives=[])
    history_restore(obj=pledge, history_id=original_version, user=other)
    pledge.refresh_from_db()
    assert pledge.title == "Original"
    assert pledge.executive_lead == ""
    assert list(pledge.objectives.all()) == [objective]
    entries = history_entries(pledge)
    assert len(entries) == 3
    assert entries[0].who == other.display_name
    assert entries[0].reason.startswith("Restored the version of")
    assert {c.label for c in entries[0].changes} == {"Title", "Executive lead", "Objectives"}


def test_restore_refuses_a_version_that_clashes_with_current_data():
    admin = UserFactory()
    pledge = services.pledge_create(user=admin, number=6, title="Six")
    old = pledge.history.first().history_id
    services.pledge_update(pledge=pledge, user=admin, number=7)
    PledgeFactory(number=6)  # someone else took number 6 since
    with pytest.raises(ValidationError, match="clashes"):
        history_restore(obj=pledge, history_id=old, user=admin)
    pledge.refresh_from_db()
    assert pledge.number == 7


def test_archive_keeps_the_pledge_and_hides_it_from_lists():
    admin = UserFactory()
    pledge = PledgeFactory()
    ProgressUpdateFactory(pledge=pledge)
    services.pledge_archive(pledge=pledge, user=admin)
    assert Pledge.objects.filter(pk=pledge.pk, is_archived=True).exists()
    assert pledge not in selectors.pledge_list()
    assert pledge in selectors.pledge_list(include_archived=True)
    assert pledge.history.first().history_change_reason == "Archived"
    services.pledge_unarchive(pledge=pledge, user=admin)
    assert pledge in selectors.pledge_list()


def test_move_swaps_neighbours_and_renumbers():
    admin = UserFactory()
    a, b, c = (PledgeFactory(number=n, order=n * 10) for n in (1, 2, 3))
    services.pledge_move(pledge=c, user=admin, direction="up")
    assert list(Pledge.objects.values_list("number", flat=True)) == [1, 3, 2]
    services.pledge_move(pledge=a, user=admin, direction="up")  # already first: no change
    assert list(Pledge.objects.values_list("number", flat=True)) == [1, 3, 2]
    with pytest.raises(ValidationError):
        services.pledge_move(pledge=a, user=admin, direction="sideways")


def test_objective_move_stays_within_its_pillar():
    admin = UserFactory()
    first = ObjectiveFactory(pillar="recruit", order=0)
    second = ObjectiveFactory(pillar="recruit", order=1)
    other = ObjectiveFactory(pillar="retain", order=0)
    services.objective_move(objective=second, user=admin, direction="up")
    assert list(Objective.objects.filter(pillar="recruit").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    other.refresh_from_db()
    assert other.order == 0


def test_one_key_metric_per_subject():
    admin = UserFactory()
    pledge = PledgeFactory()
    m1, m2 = MetricFactory(), MetricFactory()
    services.metric_link_set(subject=pledge, metric=m1, user=admin, is_key=True)
    services.metric_link_set(subject=pledge, metric=m2, user=admin, is_key=True, target=Decimal("3"))
    assert dict(pledge.metric_links.values_list("metric_id", "is_key")) == {m1.pk: False, m2.pk: True}


def test_pledge_rows_give_latest_status_trend_and_key_metric_in_few_queries(django_assert_max_num_queries):
    pledges = [PledgeFactory(number=n) for n in range(1, 14)]
    linked_metric(pledges[0], target=Decimal("5"))
    for month, status in enumerate([Status.AT_RISK, Status.OFF_TRACK, Status.ON_TRACK], start=1):
        ProgressUpdateFactory(
            pledge=pledges[0],
            status=status,
            period_start=datetime.date(2026, month, 1),
            period_end=datetime.date(2026, month, 28),
            published_on=datetime.date(2026, month, 28),
        )
    with django_assert_max_num_queries(6):
        rows = selectors.pledge_rows(list(selectors.pledge_list()))
    first = rows[0]
    assert first.latest.status == Status.ON_TRACK
    assert first.statuses == [Status.AT_RISK, Status.OFF_TRACK, Status.ON_TRACK]
    assert first.trend == "Improving"
    assert first.key_metric.assurance == spc.ASSURANCE_FAIL
    assert [m.assurance for m in first.mismatches] == [spc.ASSURANCE_FAIL]
    assert rows[1].latest is None and rows[1].key_metric is None and rows[1].trend == "Not enough updates yet"


def test_pledge_rows_check_the_status_against_every_linked_metric_not_just_the_key_one(
    django_assert_max_num_queries,
):
    pledge = PledgeFactory(number=1)
    linked_metric(pledge, target=Decimal("20"), is_key=True)  # consistently meets its target
    failing = linked_metric(pledge, target=Decimal("5"), is_key=False)  # consistently fails its target
    ProgressUpdateFactory(pledge=pledge, status=Status.ON_TRACK)
    with django_assert_max_num_queries(6):
        (row,) = selectors.pledge_rows([pledge])
    assert row.key_metric.assurance == spc.ASSURANCE_PASS
    assert [m.message for m in row.mismatches] == [
        f"The status is “on track” but {failing.name} consistently fails its target."
    ]


def test_pledge_programmes_are_the_published_ones_of_its_live_objectives_in_the_admins_order():
    from .factories import WorkstreamFactory

    pledge = PledgeFactory()
    live, archived = ObjectiveFactory(), ObjectiveFactory(is_archived=True)
    first, second = WorkstreamFactory(order=0), WorkstreamFactory(order=1)
    p1, p2, p3 = ProgrammeFactory(title="A"), ProgrammeFactory(title="B"), ProgrammeFactory(title="C")
    draft = ProgrammeFactory(title="D", status="draft")  # not in the catalogue: its link would be a 404
    later = ProgrammeFactory(title="E", workstream=second, order=0)
    z_first = ProgrammeFactory(title="Z", workstream=first, order=0)
    y_second = ProgrammeFactory(title="Y", workstream=first, order=1)
    live.programmes.add(p1, p2, draft, later, z_first, y_second)
    archived.programmes.add(p3)
    pledge.objectives.add(live, archived)
    p2.status = "archived"
    p2.save()
    p1.workstream = second
    p1.order = 1
    p1.save()
    assert selectors.pledge_programmes(pledge) == [z_first, y_second, later, p1]


def test_changes_since_lists_updates_and_edits_after_the_date_only():
    admin = UserFactory()
    pledge = services.pledge_create(user=admin, number=9, title="Nine")
    services.pledge_update(pledge=pledge, user=admin, title="Nine, edited")
    services.progress_update_create(
        subject=pledge, author=admin, status=Status.AT_RISK, narrative="Risky.", **PERIOD
    )
    today = datetime.date.today()
    texts = [c.what for c in selectors.changes_since(today)]
    assert "Progress update posted on pledge 9: At risk" in texts
    assert "Pledge 9: Nine, edited changed" in texts
    assert selectors.changes_since(today + datetime.timedelta(days=1)) == []


def test_last_and_next_board_meeting():
    today = datetime.date(2026, 11, 23)
    BoardMeeting.objects.create(date=datetime.date(2026, 10, 1))
    BoardMeeting.objects.create(date=datetime.date(2026, 11, 2))
    BoardMeeting.objects.create(date=datetime.date(2026, 12, 7))
    assert selectors.last_board_meeting(today=today).date == datetime.date(2026, 11, 2)
    assert selectors.next_board_meeting(today=today).date == datetime.date(2026, 12, 7)


def test_demo_seed_is_idempotent_and_never_invents_wording():
    UserFactory(email="admin@example.org")
    first = demo.seed()
    versions = ProgressUpdate.history.count()
    second = demo.seed()
    assert ProgressUpdate.history.count() == versions  # re-seeding changes nothing, so records nothing
    assert first == second == {"pledges": 13, "objectives": 17, "updates": 13 * 12 + 3 * 4}
    assert Pledge.objects.count() == 13
    official = Pledge.objects.filter(is_placeholder_wording=False)
    assert [p.title for p in official] == [demo.WORKFORCE_PLEDGE]
    assert all("placeholder" in p.title for p in Pledge.objects.filter(is_placeholder_wording=True))
    assert Objective.objects.filter(pillar="recruit").count() == 8
    assert Objective.objects.filter(pillar="retain").count() == 4
    assert Objective.objects.filter(pillar="reform").count() == 5
    assert ProgressUpdate.objects.count() == 13 * 12 + 3 * 4
    assert all(u.narrative.startswith("Demo data.") for u in ProgressUpdate.objects.all())


def test_programme_reach_is_empty_until_people_enrol_then_suppressed_totals():
    from programmes.models import Completion, Enrolment

    from ..programmes.factories import CohortFactory, EnrolmentFactory

    assert selectors.programme_reach_headlines() is None
    cohort = CohortFactory()
    for number in range(12):
        enrolment = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.CONFIRMED)
        # 9 completed (shown rounded to 10), 3 still in progress (not counted).
        status = Completion.Status.COMPLETED if number < 9 else Completion.Status.IN_PROGRESS
        Completion.objects.create(enrolment=enrolment, status=status, computed_status=status)
    for position in range(1, 4):
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITING, queue_number=position)
    assert dict(selectors.programme_reach_headlines()) == {
        "People who held a place": "10",
        "Places held (enrolled)": "10",
        "Completed": "10",
        "On waiting lists now": "*",
        "Programmes with people enrolled": "1",
    }


def test_changes_since_include_programme_and_workstream_edits():
    from programmes import services as programme_services

    admin = UserFactory()
    programme = ProgrammeFactory(title="Reverse Mentoring")
    programme.title = "Reverse Mentoring (2027)"
    programme_services.programme_save(programme=programme, user=admin)
    texts = [(c.what, c.who) for c in selectors.changes_since(datetime.date.today())]
    assert ("Programme Reverse Mentoring (2027) changed", admin.display_name) in texts
    assert ("Workstream " + programme.workstream.name + " created", "The system") in texts


def test_seeding_again_keeps_an_admins_edits_and_their_place_in_history():
    """make run seeds every time: a second seed must not undo edits nor date them before the demo's rows."""
    from pledges.models import MetricLink

    admin = UserFactory(email="admin@example.org")
    demo.seed()
    pledge = Pledge.objects.get(number=demo.WORKFORCE_PLEDGE_NUMBER)
    kept = list(pledge.objectives.exclude(title="Strong LLR identity"))
    services.pledge_update(
        pledge=pledge, user=admin, title="Edited", objectives=kept, people_promise_elements=[]
    )
    first, second = Objective.objects.filter(pillar="recruit").order_by("order")[:2]
    services.objective_move(objective=first, user=admin, direction="down")
    collaborative = Objective.objects.get(title="Collaborative approach")
    services.objective_update(objective=collaborative, user=admin, programmes=[])
    services.metric_link_remove(link=MetricLink.objects.get(pledge=pledge), user=admin)  # the seed's link
    corrected = services.progress_update_edit(
        update=pledge.updates.first(), user=admin, status=Status.OFF_TRACK, narrative="Demo data. Corrected."
    )
    update_versions = ProgressUpdate.history.count()
    versions = (Pledge.history.count(), Objective.history.count(), MetricLink.history.count())
    newest = pledge.history.first()

    demo.seed()

    pledge.refresh_from_db()
    assert pledge.title == "Edited"
    assert set(pledge.objectives.all()) == set(kept)
    assert not pledge.people_promise_elements.exists()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (1, 0)
    assert not collaborative.programmes.exists()
    assert not MetricLink.objects.filter(pledge=pledge).exists()
    assert (Pledge.history.count(), Objective.history.count(), MetricLink.history.count()) == versions
    corrected.refresh_from_db()
    assert (corrected.status, corrected.narrative) == (Status.OFF_TRACK, "Demo data. Corrected.")
    assert ProgressUpdate.history.count() == update_versions
    # The admin's edit is still the current version, dated today, not moved behind the seed's rows.
    assert pledge.history.first().history_id == newest.history_id
    assert pledge.history.first().history_date == newest.history_date


def test_seeding_backdates_only_the_history_rows_it_writes():
    UserFactory(email="admin@example.org")
    earlier = services.pledge_create(user=None, number=20, title="Added by a script before the demo")
    demo.seed()
    today = datetime.date.today()
    assert earlier.history.get().history_date.date() == today
    workforce_pledge = Pledge.objects.get(number=demo.WORKFORCE_PLEDGE_NUMBER)
    assert all(v.history_date.date() < today for v in workforce_pledge.history.all())
    services.pledge_update(pledge=workforce_pledge, user=None, title="Changed by a script")
    demo.seed()
    latest = workforce_pledge.history.first()
    assert (latest.title, latest.history_date.date()) == ("Changed by a script", today)


def test_objective_create_has_no_unused_pledges_parameter():
    """Pledges link to objectives from the pledge's side (pledge_create/pledge_update)."""
    import inspect

    assert "pledges" not in inspect.signature(services.objective_create).parameters


def test_subject_progress_gives_the_latest_update_trend_and_recent_updates_in_one_query(
    django_assert_num_queries,
):
    objective = ObjectiveFactory()
    for month in range(1, 15):
        ProgressUpdateFactory(
            pledge=None,
            objective=objective,
            status=Status.OFF_TRACK if month < 14 else Status.AT_RISK,
            period_start=datetime.date(2025, 1, 1) + datetime.timedelta(days=31 * month),
            period_end=datetime.date(2025, 1, 20) + datetime.timedelta(days=31 * month),
            published_on=datetime.date(2025, 1, 28) + datetime.timedelta(days=31 * month),
        )
    with django_assert_num_queries(1):
        progress = selectors.subject_progress(objective)
        assert progress.latest.author.display_name
    assert progress.latest.status == Status.AT_RISK
    assert len(progress.updates) == selectors.UPDATES_SHOWN
    assert progress.earlier == progress.updates[1:]
    assert progress.statuses == [Status.OFF_TRACK] * (selectors.TREND_LENGTH - 1) + [Status.AT_RISK]
    assert progress.trend == "Improving"
    assert progress.plain_words == selectors.STATUS_PLAIN_WORDS[Status.AT_RISK]
    (row,) = selectors.objective_rows([objective])
    assert (row.latest, row.statuses) == (progress.latest, progress.statuses)
