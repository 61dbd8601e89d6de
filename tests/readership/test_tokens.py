"""The view token is issued as django.core.signing issues it: signing reads it, and it reads signing's."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from newsstand.readership import tokens


@given(
    reader=st.integers(min_value=1, max_value=2**53),
    article=st.integers(min_value=1, max_value=2**53),
    seconds=st.floats(min_value=0, max_value=4e9, allow_nan=False),
)
def test_issued_tokens_are_signings_own(reader: int, article: int, seconds: float) -> None:
    now = datetime.fromtimestamp(seconds, UTC)
    token = tokens.issue(reader=reader, article=article, now=now)
    assert signing.loads(token, salt=tokens._SALT) == {"r": reader, "a": article, "t": round(now.timestamp(), 3)}
    view = tokens.read(token)
    assert view is not None and (view.reader, view.article) == (reader, article)
    made_by_signing = signing.dumps({"r": reader, "a": article, "t": round(now.timestamp(), 3)}, salt=tokens._SALT)
    assert tokens.read(made_by_signing) == view
    assert token.rsplit(":", 1)[0].split(":")[0] == made_by_signing.split(":")[0]  # the same payload


def test_a_token_under_another_key_or_altered_is_refused(settings) -> None:
    token = tokens.issue(reader=7, article=9, now=datetime.fromtimestamp(1e9, UTC))
    assert tokens.read(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert tokens.read(token) is None
    assert tokens.read(tokens.issue(reader=7, article=9, now=datetime.fromtimestamp(1e9, UTC))) is not None
