"""Demo data for the strategy layer: the 13 pledges, Table 1 objectives, their links and a year of updates.

Idempotent: rows are looked up by natural keys (pledge number, pillar + objective title, subject + date).
Rows and links are only written when the seed creates them, so running it again (``make run`` seeds every
time) never undoes an admin's edits.

Only one pledge's wording appears in our sources: paragraph 9 of the 2025 People Plan report to the Joint
Health Scrutiny Committee quotes the LLR Five-Year Plan's workforce pledge. Every other pledge gets a clearly
marked placeholder title (``is_placeholder_wording=True``) for an admin to replace with the official wording;
we never invent official wording. The progress updates are synthetic demo data and say so.
"""

import datetime

from django.db.models import Max, Q
from django.utils import timezone

from programmes.models import Pillar, Programme, Workstream
from workforce.models import MetricDefinition, User

from .models import BoardMeeting, MetricLink, Objective, PeoplePromiseElement, Pledge, ProgressUpdate, Status

WORKFORCE_PLEDGE = (
    "Shape our people and services around the needs of our population by building a one team and culture "
    "to maximise the people potential of the LLR workforce"
)
WORKFORCE_PLEDGE_NUMBER = 1  # The plan's own number for this pledge is not in our sources.
WORKFORCE_PLEDGE_DESCRIPTION = (
    "This is the LLR Five-Year Plan's pledge about the health and care workforce, as quoted in the People "
    "Plan report to the Joint Health Scrutiny Committee (17 March 2025). The People and Culture Board works "
    "towards it across three pillars: recruit, retain and reform. Its number in the plan is to be confirmed."
)

# Table 1 of the 2025 scrutiny report: key aims and objectives.
OBJECTIVES = {
    Pillar.RECRUIT: [
        "Strong LLR identity",
        "System wide workforce",
        "Recruit from the local community and widen participation",
        "LLR appeals to younger people/new graduates",
        "Recruitment process which meets the needs of the population",
        "Innovative (new roles/new ways of working)",
        "Strong links to Higher Education (with a local training pipeline)",
        "Attract and develop talent",
    ],
    Pillar.RETAIN: [
        "Attractive workplaces and working practices",
        "Attractive rewarding careers in LLR",
        "Retaining and developing skills within LLR",
        "Inclusive compassionate culture across LLR",
    ],
    Pillar.REFORM: [
        "A workforce that reflects the needs of our population",
        "Collaborative approach",
        "Think system first",
        "Innovation led",
        "Empower service users and support staff",
    ],
}

# Objective -> Table 2 programme titles that serve it (linked when the programmes exist).
OBJECTIVE_PROGRAMMES = {
    "Recruit from the local community and widen participation": [
        "Care Leavers (Universal Families) Programme",
        "Routes to employment",
    ],
    "Strong links to Higher Education (with a local training pipeline)": [
        "Nursing Next Gen",
        "Placement expansion",
        "Nursing Associates' placements",
    ],
    "Innovative (new roles/new ways of working)": ["Advanced clinical practice"],
    "Attract and develop talent": ["Preceptorship"],
    "Attractive workplaces and working practices": [
        "HWB Festival and Events",
        "Staff fast track menopause pathway",
        "Staff fast track Talking Therapies pathway",
    ],
    "Retaining and developing skills within LLR": ["Reverse Mentoring", "Messenger Pilot (Buddying)"],
    "Inclusive compassionate culture across LLR": [
        "Active Bystander",
        "Sexual Safety Charter",
        "Developing Diverse Leadership and Developing Diverse Senior Leadership",
        "Women in Leadership annual conference",
    ],
    "Collaborative approach": ["Staff Portability (workforce sharing agreement)"],
    "Think system first": ["ICS Induction video (launch)"],
    "A workforce that reflects the needs of our population": ["Population health workforce modelling"],
}

# Objective -> a word in the name of the workforce metric that evidences it (linked when metrics exist).
OBJECTIVE_METRICS = {
    "System wide workforce": "vacanc",
    "Attractive workplaces and working practices": "turnover",
    "Retaining and developing skills within LLR": "stability",
    "Empower service users and support staff": "sickness",
}

PEOPLE_PROMISE_FOR_WORKFORCE_PLEDGE = [
    "compassionate-inclusive",
    "a-team",
    "always-learning",
    "work-flexibly",
]

# A year of statuses for the workforce pledge, oldest first (synthetic demo data).
WORKFORCE_PLEDGE_STATUSES = [
    Status.AT_RISK,
    Status.AT_RISK,
    Status.AT_RISK,
    Status.ON_TRACK,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.ON_TRACK,
    Status.ON_TRACK,
    Status.ON_TRACK,
    Status.ON_TRACK,
    Status.ON_TRACK,
    Status.ON_TRACK,
]
WORKFORCE_PLEDGE_NARRATIVES = [
    "Two Health and Care recruitment events brought almost 2,000 people to consider careers in health "
    "and care.",
    "Turnover continues to fall across the NHS and adult social care; engagement scores are improving "
    "slowly.",
    "The People and Culture Board began its review of the LLR People Plan with partners.",
    "Active Bystander training and the Sexual Safety Charter are being implemented across organisations.",
    "The culture and inclusion dashboard is in development; the first data sets have been agreed.",
]
PLACEHOLDER_CYCLE = [Status.ON_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.OFF_TRACK, Status.COMPLETE]


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _previous_month(day: datetime.date) -> datetime.date:
    return _month_start(_month_start(day) - datetime.timedelta(days=1))


def _create_missing(model, lookup: dict, defaults: dict):
    """get_or_create: an existing row, perhaps corrected by an admin since, is left as it is (no history)."""
    return model.objects.get_or_create(**lookup, defaults=defaults)[0]


def seed_pledges() -> tuple[list[Pledge], set[int]]:
    """The 13 pledges, and the numbers of those created by this run (only those get the seed's links)."""
    pledges, created_numbers = [], set()
    workforce_pledge, created = Pledge.objects.get_or_create(
        number=WORKFORCE_PLEDGE_NUMBER,
        defaults={
            "title": WORKFORCE_PLEDGE,
            "description": WORKFORCE_PLEDGE_DESCRIPTION,
            "executive_lead": "Chief People Officer, LLR ICB",
            "is_placeholder_wording": False,
            "order": 0,
        },
    )
    if created:
        created_numbers.add(WORKFORCE_PLEDGE_NUMBER)
        workforce_pledge.people_promise_elements.set(
            PeoplePromiseElement.objects.filter(code__in=PEOPLE_PROMISE_FOR_WORKFORCE_PLEDGE)
        )
    pledges.append(workforce_pledge)
    for number in range(1, 14):
        if number == WORKFORCE_PLEDGE_NUMBER:
            continue
        pledge, created = Pledge.objects.get_or_create(
            number=number,
            defaults={
                "title": f"Pledge {number} (placeholder: official wording to be added)",
                "description": (
                    "Placeholder. An academy admin will replace this with the pledge's official wording "
                    "from the LLR Five-Year Plan and a plain-words description."
                ),
                "is_placeholder_wording": True,
                "order": number - 1,
            },
        )
        if created:
            created_numbers.add(number)
        pledges.append(pledge)
    return sorted(pledges, key=lambda p: p.number), created_numbers


def seed_objectives() -> tuple[list[Objective], set[int]]:
    """The Table 1 objectives, and the ids of those created by this run."""
    objectives, created_ids = [], set()
    for pillar, titles in OBJECTIVES.items():
        for order, title in enumerate(titles):
            objective, created = Objective.objects.get_or_create(
                pillar=pillar, title=title, defaults={"order": order}
            )
            wanted = OBJECTIVE_PROGRAMMES.get(title, [])
            if created:
                created_ids.add(objective.pk)
                if wanted:
                    query = Q()
                    for programme_title in wanted:
                        query |= Q(title__iexact=programme_title)
                    objective.programmes.add(*Programme.objects.filter(query))
            objectives.append(objective)
    return objectives, created_ids


def _metric_named(word: str) -> MetricDefinition | None:
    return (
        MetricDefinition.objects.filter(Q(name__icontains=word) | Q(code__icontains=word))
        .order_by("order", "name")
        .first()
    )


def _link_metric_once(*, metric: MetricDefinition, is_key: bool = False, **subject) -> None:
    """Link the metric unless a link between the two has ever existed: one an admin removed stays removed."""
    if not MetricLink.history.filter(metric=metric, **subject).exists():
        MetricLink.objects.create(metric=metric, is_key=is_key, **subject)


def seed_links(
    pledges: list[Pledge],
    objectives: list[Objective],
    *,
    created_pledges: set[int] | None = None,
    created_objectives: set[int] | None = None,
) -> None:
    """Link the workforce pledge to the objectives created with it, and the demo's metrics. None: all."""
    workforce_pledge = next(p for p in pledges if p.number == WORKFORCE_PLEDGE_NUMBER)
    if created_pledges is None or WORKFORCE_PLEDGE_NUMBER in created_pledges:
        new = objectives
    else:
        # A new objective in OBJECTIVES joins the pledge; ones an admin unlinked stay unlinked.
        new = [o for o in objectives if created_objectives is None or o.pk in created_objectives]
    if new:
        workforce_pledge.objectives.add(*new)
    turnover = _metric_named("turnover")
    if turnover is not None:
        _link_metric_once(pledge=workforce_pledge, metric=turnover, is_key=True)
    by_title = {o.title: o for o in objectives}
    for title, word in OBJECTIVE_METRICS.items():
        metric = _metric_named(word)
        if metric is not None:
            _link_metric_once(objective=by_title[title], metric=metric)


def seed_updates(pledges: list[Pledge], objectives: list[Objective], author: User, today) -> int:
    count = 0
    month = _month_start(today)
    months = []
    for _ in range(12):
        month = _previous_month(month)
        months.append(month)
    months.reverse()  # oldest first
    for pledge in pledges:
        for index, period_start in enumerate(months):
            period_end = _month_start(period_start + datetime.timedelta(days=32)) - datetime.timedelta(days=1)
            if pledge.number == WORKFORCE_PLEDGE_NUMBER:
                status = WORKFORCE_PLEDGE_STATUSES[index]
                narrative = WORKFORCE_PLEDGE_NARRATIVES[index % len(WORKFORCE_PLEDGE_NARRATIVES)]
            else:
                status = PLACEHOLDER_CYCLE[(pledge.number + index // 4) % len(PLACEHOLDER_CYCLE)]
                if status == Status.COMPLETE and index < 11:
                    status = Status.ON_TRACK
                narrative = f"Synthetic demo update for {period_start:%B %Y}, for a placeholder pledge."
            _create_missing(
                ProgressUpdate,
                {"pledge": pledge, "published_on": min(period_end + datetime.timedelta(days=7), today)},
                {
                    "status": status,
                    "narrative": f"Demo data. {narrative}",
                    "actions_agreed": "Demo data: leads to report back at the next board meeting.",
                    "period_start": period_start,
                    "period_end": period_end,
                    "author": author,
                },
            )
            count += 1
    for objective in objectives[:3]:
        for index, period_start in enumerate(months[::3]):
            period_end = _month_start(period_start + datetime.timedelta(days=93)) - datetime.timedelta(days=1)
            _create_missing(
                ProgressUpdate,
                {"objective": objective, "published_on": min(period_end + datetime.timedelta(days=7), today)},
                {
                    "status": [Status.AT_RISK, Status.ON_TRACK][index % 2],
                    "narrative": "Demo data. Synthetic quarterly update on this objective.",
                    "period_start": period_start,
                    "period_end": period_end,
                    "author": author,
                },
            )
            count += 1
    return count


def seed_board_meetings(today, user: User) -> None:
    for date in (today - datetime.timedelta(days=21), today + datetime.timedelta(days=35)):
        _create_missing(
            BoardMeeting, {"date": date}, {"note": "People and Culture Board (demo)", "set_by": user}
        )


# The models whose seeded history backdate_history moves; the programmes' demo rows too, so the board
# overview's "what changed" is not all demo loading.
BACKDATED_MODELS = (Pledge, Objective, MetricLink, Programme, Workstream, ProgressUpdate)


def history_marks() -> dict[type, int]:
    """The newest history row of each backdated model: take it before seeding, so that only the rows the
    seed then writes are backdated (seed_demo takes it before the programmes' seed)."""
    return {model: model.history.aggregate(m=Max("history_id"))["m"] or 0 for model in BACKDATED_MODELS}


def backdate_history(today, marks: dict[type, int]) -> None:
    """The demo's history should read as if it happened over the year: each update's versions are dated
    when it was published, and the seeded pledges, objectives, links, programmes and workstreams a year ago.
    Only rows written by this seed run (after ``marks``) by the system: never a person's edit, and never an
    earlier run's rows, which would then date before the edits made since."""
    tz = timezone.get_current_timezone()
    year_ago = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time(9), tz)
    for model in (Pledge, Objective, MetricLink, Programme, Workstream):
        model.history.filter(history_id__gt=marks[model], history_user__isnull=True).update(
            history_date=year_ago
        )
    for update in ProgressUpdate.objects.filter(
        author__email="admin@example.org", narrative__startswith="Demo data."
    ):
        update.history.filter(history_id__gt=marks[ProgressUpdate], history_user__isnull=True).update(
            history_date=datetime.datetime.combine(update.published_on, datetime.time(9), tz)
        )


def seed(*, marks: dict[type, int] | None = None) -> dict:
    """``marks``: history_marks() from before any app's seed in this run; by default, from now."""
    marks = history_marks() if marks is None else marks
    today = timezone.localdate()
    admin = User.objects.filter(email="admin@example.org").first() or User.objects.order_by("pk").first()
    pledges, created_pledges = seed_pledges()
    objectives, created_objectives = seed_objectives()
    seed_links(pledges, objectives, created_pledges=created_pledges, created_objectives=created_objectives)
    updates = seed_updates(pledges, objectives, admin, today) if admin else 0
    if admin:
        seed_board_meetings(today, admin)
    backdate_history(today, marks)
    return {"pledges": len(pledges), "objectives": len(objectives), "updates": updates}
