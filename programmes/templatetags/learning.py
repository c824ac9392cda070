"""Learning template pieces that other pages include (the programme page's case study)."""

from django import template

from .. import selectors
from ..models import ProgrammeOutcome

register = template.Library()


@register.inclusion_tag("programmes/includes/case_study.html")
def programme_case_study(programme):
    """The five evaluation elements beside the live figures: {% programme_case_study programme %}."""
    return {
        "outcome": ProgrammeOutcome.objects.filter(programme=programme).first(),
        "figures": selectors.programme_figures(programme=programme),
    }
