from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: every signed-in user


# The header navigation; each role sees the items it may open. Later features add their entry here.
NAVIGATION = (
    NavItem("Home", "home"),
    NavItem("Programmes", "programmes:catalogue"),
    NavItem("My learning", "programmes:my_learning"),
    NavItem("Your cohorts", "programmes:cohorts", "programmes.lead_programmes"),
    NavItem("People and roles", "workforce:people", "workforce.manage_people"),
    NavItem("Learning record", "programmes:learning_record"),
    NavItem("Attendance", "programmes:sessions", "programmes.lead_programmes"),
    NavItem("Evaluation", "programmes:evaluations", "programmes.lead_programmes"),
    NavItem("Programme reach", "programmes:reach", "programmes.view_programme_reach"),
)


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in NAVIGATION
        if item.permission is None or user.has_perm(item.permission)
    ]
    for item in items:
        item["current"] = request.path == item["url"] or (
            item["url"] != "/" and request.path.startswith(item["url"])
        )
    return {"navigation": items}


@dataclass(frozen=True)
class HomeCard:
    title: str
    description: str
    url_name: str
    permission: str | None = None


# What each role came for, on the signed-in home page. Later features add their cards here.
HOME_CARDS = (
    HomeCard(
        "Find a programme",
        "Leadership, preceptorship, mentoring, wellbeing and training programmes open to you.",
        "programmes:catalogue",
    ),
    HomeCard(
        "My learning", "Your places, waiting lists, requests and calendar files.", "programmes:my_learning"
    ),
    HomeCard("To approve", "Requests for places from the people you manage.", "programmes:approvals"),
    HomeCard(
        "Your cohorts",
        "People, waiting lists and sessions of the cohorts you run; export the list.",
        "programmes:cohorts",
        "programmes.lead_programmes",
    ),
    HomeCard("Your profile", "Your organisation, staff group, band and line manager.", "workforce:profile"),
    HomeCard("Account security", "Set up an authenticator app and recovery codes.", "mfa_index"),
    HomeCard(
        "People and roles",
        "Find people and give them the programme lead, board member or admin role.",
        "workforce:people",
        "workforce.manage_people",
    ),
    HomeCard(
        "Your learning record",
        "Programmes you completed, CPD hours, certificates, and learning done elsewhere.",
        "programmes:learning_record",
    ),
    HomeCard(
        "Attendance",
        "Mark who came to your cohorts' sessions; completion follows.",
        "programmes:sessions",
        "programmes.lead_programmes",
    ),
    HomeCard(
        "Evaluation",
        "Programme outcomes, completion rules and survey results.",
        "programmes:evaluations",
        "programmes.lead_programmes",
    ),
    HomeCard(
        "Programme reach",
        "Who the programmes reach, by organisation, sector, staff group, band and equality characteristics.",
        "programmes:reach",
        "programmes.view_programme_reach",
    ),
)


def home_cards_for(user) -> list[dict]:
    return [
        {"title": c.title, "description": c.description, "url": reverse(c.url_name)}
        for c in HOME_CARDS
        if c.permission is None or user.has_perm(c.permission)
    ]
