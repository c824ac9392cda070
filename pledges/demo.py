"""Demo data for the strategy layer: the 13 pledges, Table 1 objectives, their links and a year of updates.

Idempotent: rows are looked up by natural keys (pledge number, pillar + objective title, subject + date).

Only one pledge's wording appears in our sources: paragraph 9 of the 2025 People Plan report to the Joint
Health Scrutiny Committee quotes the LLR Five-Year Plan's workforce pledge. Every other pledge gets a clearly
marked placeholder title (``is_placeholder_wording=True``) for an admin to replace with the official wording;
we never invent official wording. The progress updates are synthetic demo data and say so.
"""

import datetime

from django.db.models import Q
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


def _upsert_quietly(model, lookup: dict, defaults: dict):
    """update_or_create that saves only when something differs, so re-seeding adds no history versions."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults)
    if any(getattr(obj, name) != value for name, value in defaults.items()):
        for name, value in defaults.items():
            setattr(obj, name, value)
        obj.save()
    return obj


def seed_pledges() -> list[Pledge]:
    pledges = []
    workforce_pledge, _ = Pledge.objects.update_or_create(
        number=WORKFORCE_PLEDGE_NUMBER,
        defaults={
            "title": WORKFORCE_PLEDGE,
            "description": WORKFORCE_PLEDGE_DESCRIPTION,
            "executive_lead": "Chief People Officer, LLR ICB",
            "is_placeholder_wording": False,
            "order": 0,
        },
    )
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
        pledges.append(pledge)
    return sorted(pledges, key=lambda p: p.number)


def seed_objectives() -> list[Objective]:
    objectives = []
    for pillar, titles in OBJECTIVES.items():
        for order, title in enumerate(titles):
            objective, _ = Objective.objects.update_or_create(
                pillar=pillar, title=title, defaults={"order": order}
            )
            wanted = OBJECTIVE_PROGRAMMES.get(title, [])
            if wanted:
                query = Q()
                for programme_title in wanted:
                    query |= Q(title__iexact=programme_title)
                objective.programmes.add(*Programme.objects.filter(query))
            objectives.append(objective)
    return objectives


def _metric_named(word: str) -> MetricDefinition | None:
    return (
        MetricDefinition.objects.filter(Q(name__icontains=word) | Q(code__icontains=word))
        .order_by("order", "name")
        .first()
    )


def seed_links(pledges: list[Pledge], objectives: list[Objective]) -> None:
    workforce_pledge = next(p for p in pledges if p.number == WORKFORCE_PLEDGE_NUMBER)
    workforce_pledge.objectives.add(*objectives)
    turnover = _metric_named("turnover")
    if turnover is not None:
        MetricLink.objects.update_or_create(
            pledge=workforce_pledge, metric=turnover, defaults={"is_key": True}
        )
    by_title = {o.title: o for o in objectives}
    for title, word in OBJECTIVE_METRICS.items():
        metric = _metric_named(word)
        if metric is not None:
            MetricLink.objects.update_or_create(objective=by_title[title], metric=metric, defaults={})


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
            _upsert_quietly(
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
            _upsert_quietly(
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
    BoardMeeting.objects.update_or_create(
        date=today - datetime.timedelta(days=21),
        defaults={"note": "People and Culture Board (demo)", "set_by": user},
    )
    BoardMeeting.objects.update_or_create(
        date=today + datetime.timedelta(days=35),
        defaults={"note": "People and Culture Board (demo)", "set_by": user},
    )


def backdate_history(today) -> None:
    """The demo's history should read as if it happened over the year: each update's versions are dated
    when it was published, and the seeded pledges, objectives, links, programmes and workstreams a year ago
    (rows written by the system, never a person's edit)."""
    tz = timezone.get_current_timezone()
    year_ago = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time(9), tz)
    # The programmes' demo rows too, so the board overview's "what changed" is not all demo loading.
    for model in (Pledge, Objective, MetricLink, Programme, Workstream):
        model.history.filter(history_user__isnull=True).update(history_date=year_ago)
    for update in ProgressUpdate.objects.filter(
        author__email="admin@example.org", narrative__startswith="Demo data."
    ):
        update.history.filter(history_user__isnull=True).update(
            history_date=datetime.datetime.combine(update.published_on, datetime.time(9), tz)
        )


def seed() -> dict:
    today = timezone.localdate()
    admin = User.objects.filter(email="admin@example.org").first() or User.objects.order_by("pk").first()
    pledges = seed_pledges()
    objectives = seed_objectives()
    seed_links(pledges, objectives)
    updates = seed_updates(pledges, objectives, admin, today) if admin else 0
    if admin:
        seed_board_meetings(today, admin)
    backdate_history(today)
    return {"pledges": len(pledges), "objectives": len(objectives), "updates": updates}
