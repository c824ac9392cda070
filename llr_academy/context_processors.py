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
    NavItem("Board overview", "pledges:board", "pledges.view_board_overview"),
    NavItem("Pledges", "pledges:list"),
    NavItem("Manage pledges", "pledges:manage_pledges", "pledges.manage_pledges"),
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
    # First, so the board overview leads a board member's home page.
    HomeCard(
        "Board overview",
        "The 13 pledges at a glance, workforce headlines, programme reach and what changed since the "
        "last meeting.",
        "pledges:board",
        "pledges.view_board_overview",
    ),
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
    HomeCard("Our pledges", "What each of the 13 pledges means and how it is progressing.", "pledges:list"),
    HomeCard(
        "Pledges and objectives",
        "Edit the pledges and the recruit, retain and reform objectives, post updates and see their history.",
        "pledges:manage_pledges",
        "pledges.manage_pledges",
    ),
    HomeCard(
        "Workstreams and programmes",
        "Add, edit, reorder and archive the workstreams and the programmes in the catalogue.",
        "programmes:manage_programmes",
        "programmes.manage_programmes",
    ),
)


def home_cards_for(user) -> list[dict]:
    return [
        {"title": c.title, "description": c.description, "url": reverse(c.url_name)}
        for c in HOME_CARDS
        if c.permission is None or user.has_perm(c.permission)
    ]
