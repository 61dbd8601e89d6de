"""membership.backends: the user and their membership in one query; old sessions still sign in; a wrong password
is checked once."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth.signals import user_login_failed
from django.test import Client

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.membership import selectors
from newsstand.membership.backends import MemberBackend
from newsstand.membership.models import Membership, Status

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


@pytest.fixture
def member() -> User:
    user = User.objects.create_user("member@example.com", password=PASSWORD)
    now = clock.now()
    Membership.objects.update_or_create(
        user=user, defaults={"status": Status.ACTIVE, "created_at": now, "updated_at": now}
    )
    return user


def test_the_request_user_comes_with_a_current_membership_in_one_query(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(member.pk)
        assert selectors.membership_of(user).status == Status.ACTIVE
    Membership.objects.filter(user=member).update(status=Status.EXPIRED)
    assert selectors.membership_of(MemberBackend().get_user(member.pk)).status == Status.EXPIRED


def test_a_user_loaded_elsewhere_reads_the_membership_as_it_is(member):
    user = User.objects.get(pk=member.pk)
    assert selectors.membership_of(user).status == Status.ACTIVE
    Membership.objects.filter(user=member).update(status=Status.EXPIRED)
    assert selectors.membership_of(user).status == Status.EXPIRED  # no copy kept on the instance


def test_a_wrong_password_is_refused_once(member, rf, monkeypatch):
    checks = []
    check_password = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, raw: checks.append(raw) or check_password(self, raw))
    failures = []
    user_login_failed.connect(lambda **kw: failures.append(kw), weak=False, dispatch_uid="test-backends")
    try:
        assert authenticate(rf.post("/"), username="member@example.com", password="wrong") is None
    finally:
        user_login_failed.disconnect(dispatch_uid="test-backends")
    assert len(failures) == 1 and checks == ["wrong"]  # hashed once, not once per model backend
    assert authenticate(rf.post("/"), username="member@example.com", password=PASSWORD) == member


def test_a_session_made_with_djangos_backend_still_signs_in(member):
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get("/account/").status_code == 200
