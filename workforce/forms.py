from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError

from . import services
from .importing import max_upload_bytes
from .models import Band, EqualityMonitoring, Organisation, StaffGroup, User
from .roles import Role


class ProfileFieldsMixin(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True),
        label="Organisation",
        empty_label="Choose your organisation",
        error_messages={"required": "Choose the organisation you work for"},
    )
    staff_group = forms.ModelChoiceField(
        queryset=StaffGroup.objects.all(),
        required=False,
        label="Staff group (optional)",
        empty_label="Not set",
    )
    band = forms.ModelChoiceField(
        queryset=Band.objects.all(), required=False, label="Pay band (optional)", empty_label="Not set"
    )


class SignupForm(ProfileFieldsMixin, AllauthSignupForm):
    field_order = ["first_name", "last_name", "email", "organisation", "staff_group", "band"]

    def save(self, request):
        user = super().save(request)
        services.user_update_profile(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            organisation=self.cleaned_data["organisation"],
            staff_group=self.cleaned_data["staff_group"],
            band=self.cleaned_data["band"],
        )
        return user


class ProfileForm(ProfileFieldsMixin):
    line_manager_email = forms.EmailField(
        required=False,
        label="Your line manager's work email (optional)",
        help_text="They approve your place on programmes that need approval.",
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_line_manager_email(self):
        email = self.cleaned_data["line_manager_email"].strip().lower()
        if not email:
            return None
        if email == self.user.email.lower():
            raise ValidationError("Enter your line manager's email, not your own")
        manager = User.objects.filter(email__iexact=email, is_active=True).first()
        if manager is None:
            raise ValidationError(
                "No one with that email has an LLR Academy account yet. Ask them to sign up, then try again"
            )
        return manager


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Roles",
        help_text="Everyone who signs in is staff. Tick the extra roles this person holds.",
    )


class WorkforceImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file of monthly figures",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file in the template's layout, up to 20 MB.",
        error_messages={
            "required": "Choose a CSV or Excel file to upload",
            "empty": "The file is empty. Download the template, add your figures and upload it again.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "A CSV (UTF-8) or Excel (.xlsx) file in the template's layout, up to "
            f"{max_upload_bytes() // (1024 * 1024)} MB."
        )


class CultureFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        error_messages={
            "required": "Select an organisation",
            "invalid_choice": "Select an organisation from the list; showing the default instead",
        },
    )
    year = forms.TypedChoiceField(
        coerce=int,
        label="Year",
        choices=(),
        error_messages={
            "required": "Select a year",
            "invalid_choice": "Select a year from the list; showing the latest year instead",
        },
    )

    def __init__(self, *args, organisations, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        self.fields["year"].choices = [(y, str(y)) for y in years]


class EqualityMonitoringForm(forms.ModelForm):
    """Every question optional; the radios have no blank choice ("prefer not to say" is always there)."""

    class Meta:
        model = EqualityMonitoring
        fields = list(EqualityMonitoring.CHARACTERISTICS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self._meta.fields:
            field = self.fields[name]
            model_field = EqualityMonitoring._meta.get_field(name)
            field.choices = list(model_field.choices)
            field.widget = forms.RadioSelect(choices=field.choices)
            field.required = False
            field.label = f"{model_field.verbose_name} (optional)"
