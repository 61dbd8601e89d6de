"""The account page's app passwords and personal access tokens: make one (its secret shown once, in the answer to
the POST that made it, which no cache keeps) and revoke one. Thin: accounts.app_passwords does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsstand.accounts import app_passwords, forms
from newsstand.core import clock
from newsstand.web.views.account import account_page


@never_cache
@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    form = forms.AppPasswordForm(request.POST)
    if not form.is_valid():
        return account_page(request, app_password_form=form, status=400)
    try:
        record, secret = app_passwords.create(
            request.user, form.cleaned_data["label"], form.cleaned_data["kind"], now=clock.now()
        )
    except app_passwords.AppPasswordError as exc:
        form.add_error(None, str(exc))
        return account_page(request, app_password_form=form, status=400)
    # Rendered here, not redirected to: the secret is in this one answer (no-store) and kept nowhere.
    return account_page(request, new_app_password=(record, secret))


@never_cache
@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if app_passwords.revoke(request.user, pk):
        messages.success(request, "Revoked: apps using it are signed out.")
    return redirect("web:account")
