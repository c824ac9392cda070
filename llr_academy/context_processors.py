from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: every signed-in user


# The header navigation; each role sees the items it may open.
NAVIGATION = (
    # Kept short so the NHS.UK header never folds links into "More"; everything else is a home card.
    NavItem("Home", "home"),
    NavItem("Programmes", "programmes:catalogue"),
    NavItem("My learning", "programmes:my_learning"),
    NavItem("Your cohorts", "programmes:cohorts", "programmes.lead_programmes"),
    NavItem("Board overview", "pledges:board", "pledges.view_board_overview"),
    NavItem("Workforce", "workforce:dashboard", "workforce.view_workforce_dashboard"),
    NavItem("Pledges", "pledges:list"),
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
    # The current item is the one whose URL is the longest prefix of this page's path, so that
    # /workforce/import/ marks "Import figures" and not also "Workforce".
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    current = max(matches, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["current"] = item is current
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
        "Workforce dashboard",
        "Vacancies, turnover, sickness, agency and bank use: NHS and adult social care side by side.",
        "workforce:dashboard",
        "workforce.view_workforce_dashboard",
    ),
    HomeCard(
        "People and roles",
        "Find people and give them the programme lead, board member or admin role.",
        "workforce:people",
        "workforce.manage_people",
    ),
    HomeCard(
        "Culture and inclusion",
        "WRES, WDES and NHS Staff Survey themes by organisation and year, with gaps flagged.",
        "workforce:culture",
        "workforce.view_workforce_dashboard",
    ),
    HomeCard(
        "Import workforce figures",
        "Upload monthly figures from a CSV or Excel file, check them and import them.",
        "workforce:import",
        "workforce.import_workforce_figures",
    ),
    HomeCard(
        "Board reports",
        "Request the board pack as a PDF, follow its progress and find earlier packs.",
        "pledges:board_reports",
        "pledges.request_board_report",
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
