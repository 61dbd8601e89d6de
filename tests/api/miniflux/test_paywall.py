"""The paywall holds in the Miniflux API: whatever a reader's membership and whatever an article's shape, an entry's
content carries the whole article exactly when the pages' one decision (membership.paywall.decide) says full, and
otherwise nothing past the teaser, in every list and lookup a client can ask for."""

from __future__ import annotations

from datetime import timedelta

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.membership.models import Membership, Status
from newsstand.subscriptions.models import Subscription
from tests.api.miniflux.conftest import Api
from tests.web.rows import make_article

HIDDEN = "quokkaquill"  # the last paragraph's word: past any teaser's share of the text
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
OFFSETS = st.one_of(st.none(), st.integers(min_value=-30, max_value=30).map(lambda days: timedelta(days=days)))


def paragraphs(draw_lists: list[list[str]]) -> str:
    return "".join(f"<p>{' '.join(words)}</p>" for words in draw_lists)


bodies = st.lists(st.lists(WORDS, min_size=8, max_size=40), min_size=6, max_size=14).map(
    lambda paras: paragraphs(paras) + f"<p>{HIDDEN}.</p>"
)
states = st.tuples(st.sampled_from([s.value for s in Status] + [None]), OFFSETS, OFFSETS, st.booleans())


@hypothesis.settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, summary=st.lists(WORDS, max_size=30), state=states)
@pytest.mark.django_db
def test_entry_content_is_the_teaser_unless_the_decision_is_full(site, body, summary, state):
    status, trial_offset, period_offset, staff = state
    user = site.lapsed.user
    now = clock.now()
    Membership.objects.filter(user=user).delete()
    if status is not None:
        Membership.objects.create(
            user=user,
            status=status,
            trial_ends_at=now + trial_offset if trial_offset is not None else None,
            current_period_end=now + period_offset if period_offset is not None else None,
            created_at=now,
            updated_at=now,
        )
    user.is_staff = staff
    user.save(update_fields=["is_staff"])
    article = make_article(
        site.world.publisher,
        feeds=(site.world,),
        summary=f"<p>{' '.join(summary)}</p>" if summary else "",
        body_html=body,
        published_at=now - timedelta(minutes=1),
    )
    assert Subscription.objects.filter(user=user, feed=site.world).exists()
    full = paywall.decide(paywall.reader_for(user), article, now).full

    api = Api(site.lapsed)
    shown = [
        api.json("GET", f"/v1/entries/{article.pk}"),
        api.json("GET", f"/v1/feeds/{site.world.pk}/entries/{article.pk}"),
        *[e for e in api.json("GET", f"/v1/feeds/{site.world.pk}/entries")["entries"] if e["id"] == article.pk],
        *[
            e
            for e in api.json("GET", "/v1/entries?limit=1&order=id&direction=desc")["entries"]
            if e["id"] == article.pk
        ],
    ]
    assert len(shown) == 4
    for entry in shown:
        assert (HIDDEN in entry["content"]) is full
        assert ("Continue reading on Newsstand" in entry["content"]) is not full
