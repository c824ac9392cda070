"""Formatting for workforce figures and SPC icons in templates (the same helpers the charts use)."""

from django import template
from django.utils.html import format_html

from .. import charts

register = template.Library()


@register.filter
def metric_value(value, unit):
    return charts.format_value(value, unit)


@register.filter
def metric_change(value, unit):
    return charts.format_value(value, unit, signed=True)


@register.simple_tag
def variation_icon(summary, size=32):
    """The Making Data Count variation icon as an <img> with its meaning as alt text."""
    if summary is None or summary.latest_value is None or getattr(summary, "suppressed", False):
        return ""
    icon = charts.variation_icon(summary.variation, summary.metric.improvement_direction)
    return _img(icon, size)


@register.simple_tag
def assurance_icon(summary, size=32):
    if summary is None or getattr(summary, "suppressed", False):
        return ""
    icon = charts.assurance_icon(summary.assurance)
    return _img(icon, size) if icon else ""


def _img(icon, size):
    return format_html(
        '<img class="app-spc-icon" src="{}" alt="{}" title="{}" width="{}" height="{}">',
        icon.data_url,
        icon.label,
        icon.label,
        size,
        size,
    )
