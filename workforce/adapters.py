from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError

from .selectors import email_domain_allowed


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            domains = ", ".join(f"@{d}" for d in settings.LLR_SIGNUP_EMAIL_DOMAINS)
            raise ValidationError(
                "Use your work email address. Sign-up is open to staff of Leicester, Leicestershire and "
                f"Rutland health and care organisations with an address ending in {domains}.",
                code="domain_not_allowed",
            )
        return email
