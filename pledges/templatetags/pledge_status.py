"""The status tag's colour, from the one map in selectors (the board overview, pages and sparkline agree)."""

from django import template

from ..selectors import STATUS_TAG

register = template.Library()


@register.filter
def status_colour(status: str) -> str:
    """{{ update.status|status_colour }}: the NHS.UK tag colour for a progress update's status."""
    return STATUS_TAG.get(status, "grey")
