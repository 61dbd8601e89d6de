"""Each setting is declared once (newsstand.conf) and documented in the README: keep the two in step."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsstand import conf

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_documented_in_the_readme():
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README.read_text(), flags=re.MULTILINE))
    assert documented == {s.name for s in conf.REGISTRY}


def test_missing_secret_key_is_a_startup_error_without_debug(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("NEWSSTAND_DATA_DIR", str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        conf.secret_key(debug=False)


def test_development_secret_key_is_generated_once(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("NEWSSTAND_DATA_DIR", str(tmp_path))
    key = conf.secret_key(debug=True)
    assert len(key) >= 50 and conf.secret_key(debug=True) == key


def test_a_key_generated_for_development_is_refused_without_debug(monkeypatch, tmp_path):
    """Whoever ran the site once with DEBUG=1 has a key in the data dir that was never meant to guard a real one."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("NEWSSTAND_DATA_DIR", str(tmp_path))
    conf.secret_key(debug=True)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set") as refused:
        conf.secret_key(debug=False)
    message = str(refused.value)
    assert "secrets.token_urlsafe(50)" in message and "made for development (DEBUG=1) and is not used" in message
    monkeypatch.setenv("SECRET_KEY", "set-by-the-operator-" + "x" * 40)
    assert conf.secret_key(debug=False) == "set-by-the-operator-" + "x" * 40


def test_wildcard_hosts_refused_in_production(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        conf.allowed_hosts(debug=False)


def test_bad_values_name_the_variable(monkeypatch):
    monkeypatch.setenv("NEWSSTAND_FETCH_PER_HOST", "many")
    with pytest.raises(ImproperlyConfigured, match="NEWSSTAND_FETCH_PER_HOST"):
        conf.env("NEWSSTAND_FETCH_PER_HOST")
