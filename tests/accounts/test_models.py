"""The email address is the identity: normalised on the way in, unique whatever its case."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from newsstand.accounts.models import User


def test_the_user_model_signs_in_by_email():
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"
    assert "username" not in {field.name for field in User._meta.get_fields()}


@pytest.mark.django_db
def test_addresses_are_stored_trimmed_and_lower_cased():
    user = User.objects.create_user("  Reader@Example.COM ", "x")
    assert user.email == "reader@example.com"
    assert User.objects.get_by_natural_key("READER@example.com") == user


@pytest.mark.django_db
def test_an_address_is_one_account_whatever_its_case():
    User.objects.create_user("reader@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("Reader@Example.com")
    # Written around the manager, too: the LOWER(email) index refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="READER@EXAMPLE.COM")


@pytest.mark.django_db
def test_accounts_need_an_address():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("  ")


@pytest.mark.django_db
def test_a_superuser_is_made_by_email_too():
    admin = User.objects.create_superuser("admin@example.com", "x")
    assert admin.is_staff and admin.is_superuser and admin.email == "admin@example.com"
    assert not admin.email_verified
