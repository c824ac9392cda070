from django.forms.renderers import TemplatesSetting


class NHSFormRenderer(TemplatesSetting):
    """Renders every form field as an NHS.UK form group: label, hint, error message, widget."""

    form_template_name = "includes/forms/form.html"
    field_template_name = "includes/forms/field.html"
