"""Forms for the account pages: they parse and check input, then the views call accounts.services.

Email fields are `type=email` inputs with the autocomplete hints password managers need; errors are the words a
reader should see. Sign-in authenticates through Django's `authenticate`, so django-axes counts every attempt.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from newsstand.accounts.models import User, normalize_email


def _email(autocomplete: str, label: str = "Email address", *, first: bool = True) -> forms.EmailField:
    attrs = {"autocomplete": autocomplete, "autofocus": True} if first else {"autocomplete": autocomplete}
    return forms.EmailField(label=label, max_length=254, widget=forms.EmailInput(attrs=attrs))


def _password(autocomplete: str, label: str = "Password", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class _Form(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")  # "Password", not "Password:"
        super().__init__(*args, **kwargs)


class SignUpForm(_Form):
    email = _email("email")
    password = _password(
        "new-password",
        help_text="At least 8 characters; not a common password, not only digits, not like your address.",
    )

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class SignInForm(_Form):
    email = _email("username")
    password = _password("current-password")

    error = "That email address and password do not match an account. Check both, or reset your password."

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        if "email" in data and "password" in data:
            self.user = authenticate(self.request, username=normalize_email(data["email"]), password=data["password"])
            if self.user is None:
                raise forms.ValidationError(self.error, code="invalid_login")
        return data


class EmailChangeForm(_Form):
    email = _email("email", label="New email address", first=False)
    password = _password("current-password", label="Your current password")


class PasswordChangeForm(_Form):
    current = _password("current-password", label="Current password")
    new = _password("new-password", label="New password")


class PasswordResetForm(_Form):
    email = _email("email")


class DeleteAccountForm(_Form):
    password = _password("current-password", label="Your password")


class AppPasswordForm(_Form):
    """A new app password or personal access token, named so that the reader knows which one to revoke."""

    label = forms.CharField(
        label="What it is for",
        max_length=100,
        help_text="The app or device, e.g. “newsboat on my laptop”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            ("app", "App password: reader apps (Miniflux, Google Reader and Fever logins)"),
            ("token", "Personal access token: Newsstand's REST API"),
        ],
        initial="app",
        widget=forms.RadioSelect,
    )
