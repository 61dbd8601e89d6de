"""Signal receivers: a trial for every new user, whichever interface made it (sign-up, `members create`, the
admin, createsuperuser), in the transaction that creates the user."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from newsstand.core import clock
from newsstand.membership import services


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="membership-trial-on-sign-up")
def start_trial_for_new_user(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:  # raw: loaddata restores rows as they were, memberships included
        services.start_trial(instance, now=clock.now())
