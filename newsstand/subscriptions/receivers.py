"""Signal receivers: the feeds' new articles reach their subscribers' unread entries (from the store stage, and
from sightings saved through the ORM, as the admin and tests save them), and an account's deletion leaves its
private sources as unsubscribing would."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from newsstand.articles.models import ArticleFeed
from newsstand.articles.signals import sightings_stored
from newsstand.subscriptions import services


@receiver(sightings_stored, dispatch_uid="subscriptions-deliver-stored")
def deliver_stored(sender, feed_id: int, article_ids: list[int], changed: list[int], **kwargs) -> None:
    services.deliver(feed_id, article_ids, changed=changed)


@receiver(post_save, sender=ArticleFeed, dispatch_uid="subscriptions-deliver-saved")
def deliver_saved(sender, instance: ArticleFeed, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:  # raw: loaddata restores rows as they were, unread entries included
        services.deliver(instance.feed_id, [instance.article_id])


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="subscriptions-leave-on-delete")
def leave_on_delete(sender, instance, **kwargs) -> None:
    services.leave_all(instance)
