"""Programmes reacting to changes in the floor below (workforce), which cannot call up to us.

A person's certificates carry their name: when they change it, the certificates are re-issued (same code)
straight after the change is committed rather than at the nightly refresh.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from workforce.models import User

NAME_FIELDS = {"first_name", "last_name", "email"}  # the certificate shows the email when there is no name


@receiver(post_save, sender=User, dispatch_uid="programmes.certificates_follow_the_name")
def certificates_follow_the_name(sender, instance: User, created: bool, update_fields=None, **kwargs):
    if created or kwargs.get("raw"):
        return
    if update_fields is not None and not NAME_FIELDS & set(update_fields):
        return  # e.g. last_login on every sign-in
    from . import services

    services.certificates_refresh_later(person_id=instance.pk)
