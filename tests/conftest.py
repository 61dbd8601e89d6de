import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _expected_database(django_db_setup, django_db_blocker):
    """CI runs the suite a second time with DATABASE_URL; make sure it really ran on that database."""
    expected = os.environ.get("NEWSSTAND_EXPECT_DB")
    if expected:
        from django.db import connection

        assert connection.vendor == expected, f"suite expected {expected}, runs on {connection.vendor}"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches; tests/web/test_pick_action.py makes a generation where it needs to."""
    from testkit.caches import empty_caches

    empty_caches()


@pytest.fixture
def web():
    """A loopback web server for the test to route feeds, pages and faults on."""
    from testkit.webserver import LoopbackWeb

    with LoopbackWeb() as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Argon2 at its lowest cost: the production hasher's code and hash format, without ~0.3 s per password set.
    The browser tests' site runs the production settings (and cost)."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["testkit.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS],
        HISTORY_WRITE_SECONDS=0,  # each test is one transaction: visits written at once (reading.visits)
    ):
        yield
