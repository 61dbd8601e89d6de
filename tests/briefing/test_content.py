"""What a briefing may say: headlines, publishers, teasers and links, never an article's text, member or not;
members are told the links open whole articles, others are offered membership (the paywall decides which)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstand.briefing import compose
from newsstand.core import clock
from newsstand.reading import services
from newsstand.reading.models import Follow, FollowKind
from tests.briefing.conftest import LINKS, make_news, make_reader
from tests.web.rows import make_article, make_publisher

pytestmark = pytest.mark.django_db

WORD = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=12, max_size=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=WORD, member=st.booleans(), paragraphs=st.integers(1, 30))
def test_no_article_text_beyond_the_teaser_ever_reaches_the_mail(secret, member, paragraphs):
    """Whatever the body (a word that only the body holds, however long it is), neither part of the mail has it."""
    now = clock.now()
    reader = make_reader(f"r{abs(hash((secret, member, paragraphs)))}@example.com", member=member)
    publisher = make_publisher(name="Followed Times")
    body = "".join(f"<p>Paragraph {n} says {secret}.</p>" for n in range(paragraphs))
    article = make_article(
        publisher,
        title="A followed article",
        published_at=now - timedelta(hours=1),
        summary="<p>A short standfirst.</p>",
        body_html=body,
        text=body,
    )
    Follow.objects.create(user=reader, kind=FollowKind.PUBLISHER, publisher=publisher, created_at=now)
    briefing = compose.gather(reader, day=now.date(), now=now, links=LINKS)
    rendered = compose.render(briefing)
    assert [item.url for item in briefing.for_you] == [LINKS.article_url(article.pk)]
    for part in (rendered.subject, rendered.text, rendered.html):
        assert secret not in part
        assert "A short standfirst." in part or part is rendered.subject


def test_members_are_told_links_open_whole_articles_and_others_are_offered_membership():
    now = clock.now()
    member, lapsed = make_reader("member@example.com"), make_reader("lapsed@example.com", member=False)
    make_news(now)
    for_member = compose.gather(member, day=now.date(), now=now, links=LINKS)
    for_lapsed = compose.gather(lapsed, day=now.date(), now=now, links=LINKS)
    assert for_member.member and all(item.full for item in for_member.picks)
    assert not for_lapsed.member and not any(item.full for item in for_lapsed.picks + for_lapsed.top)
    member_text, lapsed_text = compose.render(for_member).text, compose.render(for_lapsed).text
    assert "every link opens the whole article" in member_text and LINKS.membership not in member_text
    assert f"Members read every article in full: {LINKS.membership}" in lapsed_text


def test_for_you_is_reading_s_choice_and_nothing_is_listed_twice():
    now = clock.now()
    reader = make_reader("reader@example.com")
    news = make_news(now, follower=reader)
    briefing = compose.gather(reader, day=now.date(), now=now, links=LINKS)
    assert [i.url for i in briefing.top] == [LINKS.story_url(news["story"].pk)]
    assert [i.url for i in briefing.picks] == [LINKS.article_url(news["picked"].pk)]
    assert [i.url for i in briefing.for_you] == [LINKS.article_url(news["for_you"].pk)]
    assert briefing.top[0].publisher == "The Daily Example, Weekly & Co"
    urls = [i.url for i in briefing.top + briefing.picks + briefing.for_you]
    assert len(urls) == len(set(urls))


def test_what_the_reader_muted_is_left_out_of_top_stories_and_our_picks_too():
    """Muted matter never appears anywhere personal: the site's own lists in the mail are filtered as For you is."""
    now = clock.now()
    reader = make_reader("reader@example.com")
    news = make_news(now, follower=reader)
    story, picked = news["story"], news["picked"]
    weekly = picked.publisher
    services.mute(reader, publisher=weekly, until=None, now=now)  # covers the story (with another) and the pick
    briefing = compose.gather(reader, day=now.date(), now=now, links=LINKS)
    assert [i.url for i in briefing.top] == [LINKS.story_url(story.pk)]  # still covered by one not muted …
    assert briefing.top[0].publisher == "The Daily Example"  # … who alone is named
    assert briefing.picks == []

    services.mute(reader, keyword="storm", until=None, now=now)
    briefing = compose.gather(reader, day=now.date(), now=now, links=LINKS)
    assert briefing.top == [] and briefing.picks == []
    assert [i.url for i in briefing.for_you] == [LINKS.article_url(news["for_you"].pk)]

    other = make_reader("other@example.com")  # mutes are the reader's own
    briefing = compose.gather(other, day=now.date(), now=now, links=LINKS)
    assert [i.url for i in briefing.top] == [LINKS.story_url(story.pk)] and len(briefing.picks) == 1
