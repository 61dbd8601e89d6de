"""Signal receivers: a membership for every new user, whichever interface made it (sign-up, `members create`, the
admin, createsuperuser), in the transaction that creates the user; its trial when the address is verified (at once
for an account made verified); and, when a user is deleted, no more charges and the address's trial remembered."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from newsstand.accounts.signals import email_verified
from newsstand.core import clock
from newsstand.membership import services
from newsstand.membership.models import Membership
from newsstand.membership.providers import get_provider


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="membership-trial-on-sign-up")
def membership_for_new_user(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:  # raw: loaddata restores rows as they were, memberships included
        services.membership_for(instance, now=clock.now())
        if instance.email_verified:  # made by an operator, who vouches for the address
            services.start_trial(instance, now=instance.email_verified_at)


@receiver(email_verified, dispatch_uid="membership-trial-on-verification")
def start_trial_on_verification(sender, user, now: datetime, **kwargs) -> None:
    services.start_trial(user, now=now)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="membership-end-billing-on-delete")
def end_billing_for_deleted_user(sender, instance, **kwargs) -> None:
    """A deleted account must not go on being charged: cancel its subscription first. If the provider cannot be
    reached this raises BillingError and the deletion (in its transaction) does not happen; the reader retries."""
    membership = Membership.objects.filter(user=instance).exclude(subscription_id="").first()
    if membership is not None and membership.provider != "manual":
        get_provider(membership.provider).end_billing(membership)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="membership-remember-trial-on-delete")
def remember_trial_of_deleted_user(sender, instance, **kwargs) -> None:
    services.keep_trial_address(instance)
