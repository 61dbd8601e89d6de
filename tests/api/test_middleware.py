"""A doubled leading slash (newsboat with a base URL ending in '/') reaches the API; other paths are left alone."""

from newsstand.api.middleware import trimmed_path


def test_api_paths_with_a_doubled_slash_are_trimmed():
    assert trimmed_path("//v1/feeds") == "/v1/feeds"
    assert trimmed_path("///v1/me") == "/v1/me"
    assert trimmed_path("//reader/api/0/token") == "/reader/api/0/token"
    assert trimmed_path("//accounts/ClientLogin") == "/accounts/ClientLogin"
    assert trimmed_path("//fever/") == "/fever/"


def test_other_paths_are_left_as_they_came():
    assert trimmed_path("/v1/feeds") is None
    assert trimmed_path("//articles/1/") is None
    assert trimmed_path("//example.com/v1/") is None
    assert trimmed_path("/") is None
