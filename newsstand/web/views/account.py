"""Account pages: sign up, verify the address, sign in and out, reset or change the password, change the address,
the account page, export my data, delete my account.

Thin: a form parses, one accounts service acts, a template renders. Every page here is personal or carries a CSRF
token, so each answers `Cache-Control: no-store` (never_cache): no shared cache, browser cache or service worker
keeps it. Links in mail are built here (URLs belong to the interface) and handed to the services.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from newsstand.accounts import app_passwords, forms, lockout, mail, services, throttle, tokens
from newsstand.accounts import export as data_export
from newsstand.accounts.models import AppPassword, User
from newsstand.accounts.tokens import Purpose
from newsstand.briefing import selectors as briefing_selectors
from newsstand.briefing.forms import BriefingForm
from newsstand.core import clock
from newsstand.membership.providers import BillingError
from newsstand.reading import selectors as reading
from newsstand.reading.services import MUTE_FOR
from newsstand.web import intents

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
NOT_SENT = "We could not send the email just now. Please try again in a few minutes."
TOO_SOON = "We sent you a link a moment ago: look for it (in spam too), or ask again in a minute."

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@never_cache
@sensitive_post_parameters("password")
@GET_POST
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:account")
    form = forms.SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                now=clock.now(),
                client=lockout.client_ip(request) or "unknown",
            )
        except ValidationError as exc:
            _attach(form, exc, {"email_taken": "email"}, default="password")
        except throttle.Limited as exc:
            return _too_many_sign_ups(request, retry_after=exc.retry_after)
        else:
            login(request, user, backend=MODEL_BACKEND)
            _send_verification(request, user, first=True)
            # Onboarding (web:welcome) unless they came to do something: then that, which they asked for, first.
            return redirect(intents.complete(request, _next(request)) or reverse("web:welcome"))
    return render(request, "web/account/sign_up.html", {"form": form, "next": _next(request)})


@never_cache
@sensitive_post_parameters("password")
@GET_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    """The page LOGIN_URL names; `next` (kept only when it points into this site) is where the reader goes after,
    once what it asked for is done (web.intents: a save link saves). Without one, a reader's first sign-in ever
    lands on onboarding (web:welcome), as a sign-up does; later ones on the home."""
    target = _next(request)
    if request.user.is_authenticated and request.method != "POST":
        return redirect(target or settings.LOGIN_REDIRECT_URL)
    form = forms.SignInForm(request, request.POST if request.method == "POST" else None)
    if form.is_valid():
        first = form.user.last_login is None  # an account made for them (staff, the API): never signed in before
        login(request, form.user)
        landing = reverse("web:welcome") if first else settings.LOGIN_REDIRECT_URL
        return redirect(intents.complete(request, target) or landing)
    return render(request, "web/account/sign_in.html", {"form": form, "next": target})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("web:latest")
    # The device forgets the pages it kept for this reader (full text among them: see web.paywall and sw.js).
    response["Clear-Site-Data"] = '"cache"'
    return response


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What django-axes answers (AXES_LOCKOUT_CALLABLE) once an address has had too many failed sign-ins here."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "web/account/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    add_never_cache_headers(response)
    return response


def _too_many_sign_ups(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """NEWSSTAND_SIGNUP_LIMIT accounts have been made from this client address this hour: nothing was made."""
    text = (
        "Too many accounts have been made from your network this hour, so no account was made. "
        f"Please try again in {max(1, retry_after // 60)} minute{'s' if retry_after >= 120 else ''}."
    )
    response = _message(request, "Too many sign-ups", text, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return account_page(request)


@never_cache
@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, f"{request.user.email} is verified already.")
    else:
        _send_verification(request, request.user)
    return redirect("web:account")


@never_cache
@GET_POST
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks the reader to confirm (a link scanner that fetches the mail's links confirms nothing); POST does."""
    return _follow_token(request, token, purpose=Purpose.VERIFY)


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_POST
def change_email(request: HttpRequest) -> HttpResponse:
    form = forms.EmailChangeForm(request.POST)
    if form.is_valid():
        try:
            services.request_email_change(
                request.user,
                new_email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                link=_link(request, "web:confirm-email"),
                now=clock.now(),
            )
        except ValidationError as exc:
            _attach(form, exc, {"wrong_password": "password"}, default="email")
        except mail.MailNotSent:
            form.add_error(None, NOT_SENT)
        except mail.TooSoon:
            form.add_error(None, TOO_SOON)
        else:
            messages.success(
                request,
                f"We sent a link to {form.cleaned_data['email']}. Your address changes when you open it.",
            )
            return redirect("web:account")
    return account_page(request, email_form=form, status=400)


@never_cache
@GET_POST
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The new address's link: as verify_email, then the address is the account's."""
    return _follow_token(request, token, purpose=Purpose.CHANGE)


@never_cache
@sensitive_post_parameters("current", "new")
@login_required
@require_POST
def change_password(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_password(request.user, current=form.cleaned_data["current"], new=form.cleaned_data["new"])
        except ValidationError as exc:
            _attach(form, exc, {"wrong_password": "current"}, default="new")
        else:
            update_session_auth_hash(request, request.user)  # this session stays signed in; others end
            messages.success(request, "Your password is changed.")
            return redirect("web:account")
    return account_page(request, password_form=form, status=400)


@never_cache
@GET_POST
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not an account has the address."""
    form = forms.PasswordResetForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.send_password_reset(email=email, link=_reset_link(request))
        except mail.MailNotSent:
            form.add_error(None, NOT_SENT)
        else:
            return _message(
                request,
                "Check your email",
                f"If an account has the address {email}, a link to choose a new password is on its way to it.",
            )
    return render(request, "web/account/password_reset.html", {"form": form})


@method_decorator(never_cache, name="dispatch")
class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's own: it checks the token, moves it out of the URL into the session, and takes the new password;
    the token is spent once the password changes. A reset also lifts a sign-in lockout on the address."""

    template_name = "web/account/password_reset_confirm.html"
    success_url = reverse_lazy("web:password-reset-complete")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        services.forget_failed_sign_ins(email=self.user.email)
        return response


@never_cache
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        "Password changed",
        "Your new password is set. Sign in with it.",
        link=(reverse("web:sign-in"), "Sign in"),
    )


@never_cache
@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Everything kept about the reader, as a JSON download (accounts.export gathers the sections)."""
    now = clock.now()
    response = JsonResponse(
        data_export.collect(request.user, now=now), encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="newsstand-data-{now:%Y-%m-%d}.json"'
    return response


@never_cache
@sensitive_post_parameters("password")
@login_required
@GET_POST
def delete(request: HttpRequest) -> HttpResponse:
    form = forms.DeleteAccountForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.delete_account(request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _attach(form, exc, {}, default="password")
        except BillingError:  # the subscription could not be canceled: nothing was deleted, nothing will be charged
            form.add_error(
                None,
                "We could not cancel your subscription with the payment provider just now, so nothing was deleted. "
                "Please try again in a few minutes.",
            )
        else:
            logout(request)
            return _message(request, "Account deleted", "Your account and everything kept with it are gone.")
    return render(request, "web/account/delete.html", {"form": form}, status=400 if form.errors else 200)


# -- helpers ----------------------------------------------------------------------------------------------------


def account_page(
    request: HttpRequest,
    *,
    email_form: Form | None = None,
    password_form: Form | None = None,
    app_password_form: Form | None = None,
    new_app_password: tuple[AppPassword, str] | None = None,
    briefing_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """The account page, with a form that failed (bound, with its errors) or an app password just made (its secret
    shown this once: web.views.app_passwords)."""
    context = {
        "email_form": email_form or forms.EmailChangeForm(),
        "password_form": password_form or forms.PasswordChangeForm(),
        "export_sections": [name.replace("_", " ") for name in data_export.names()],
        "app_password_form": app_password_form or forms.AppPasswordForm(),
        "app_passwords": app_passwords.listed(request.user),
        "new_app_password": new_app_password,
        "briefing_form": briefing_form or _briefing_form(request.user),
        "follows": reading.listed_follows(request.user),
        "mutes": reading.listed_mutes(request.user, now=clock.now()),
        "mute_for": list(MUTE_FOR),
    }
    return render(request, "web/account/account.html", context, status=status)


def _briefing_form(user: User) -> BriefingForm:
    """The briefing form as the reader left it (off, 07:00 UTC when never chosen)."""
    choice = briefing_selectors.choice_of(user)
    if choice is None:
        return BriefingForm()
    return BriefingForm(initial={"enabled": choice.enabled, "hour": choice.hour, "time_zone": choice.time_zone})


# What following each kind of mailed link does, and what the reader is told after.
_TOKEN_ACTIONS: dict[Purpose, tuple[Callable[..., User], str]] = {
    Purpose.VERIFY: (services.verify_email, "Thank you: {email} is verified."),
    Purpose.CHANGE: (services.confirm_email_change, "Your email address is now {email}."),
}


def _follow_token(request: HttpRequest, token: str, *, purpose: Purpose) -> HttpResponse:
    """A link from a mail: GET shows what it will do, POST does it; a bad link says why, with status 400."""
    act, done = _TOKEN_ACTIONS[purpose]
    try:
        if request.method != "POST":
            _, claim = services.token_holder(token, purpose=purpose, now=clock.now())
            return render(request, "web/account/confirm_link.html", {"email": claim.email, "purpose": str(purpose)})
        user = act(token, now=clock.now())
    except (tokens.TokenError, ValidationError) as exc:
        text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        return _message(request, "This link cannot be used", text, status=400, link=_new_link_for(request, purpose))
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, done.format(email=user.email))
        return redirect("web:account")
    return _message(request, "Done", done.format(email=user.email), link=(reverse("web:sign-in"), "Sign in"))


def _new_link_for(request: HttpRequest, purpose: Purpose) -> tuple[str, str]:
    if request.user.is_authenticated:
        return reverse("web:account"), "Ask for a new link on your account page"
    return f"{settings.LOGIN_URL}?next={reverse('web:account')}", "Sign in to ask for a new link"


def _send_verification(request: HttpRequest, user: User, *, first: bool = False) -> None:
    """Mail the link and say so. The first time (right after sign-up) the message is tagged "verify": the page it
    lands on shows it as the full notice (web/account/_notices.html), once, as every message is shown."""
    try:
        services.send_verification(user, link=_link(request, "web:verify-email"), now=clock.now())
    except mail.MailNotSent:
        messages.error(request, NOT_SENT)
    except mail.TooSoon:
        messages.info(request, TOO_SOON)
    else:
        messages.success(
            request,
            f"We sent a link to {user.email}: open it to verify your address.",
            extra_tags="verify" if first else "",
        )


def _message(
    request: HttpRequest, title: str, text: str, *, status: int = 200, link: tuple[str, str] | None = None
) -> HttpResponse:
    return render(request, "web/account/message.html", {"title": title, "text": text, "link": link}, status=status)


def _link(request: HttpRequest, name: str) -> services.Link:
    return lambda token: request.build_absolute_uri(reverse(name, args=[token]))


def _reset_link(request: HttpRequest) -> services.ResetLink:
    return lambda uid, token: request.build_absolute_uri(reverse("web:password-reset-confirm", args=[uid, token]))


def _attach(form: Form, exc: ValidationError, fields: dict[str, str], *, default: str) -> None:
    """Put a service's errors on the form fields they are about (by error code)."""
    for error in exc.error_list:
        form.add_error(fields.get(error.code or "", default), error)


def _next(request: HttpRequest) -> str:
    """`next` from the form or the query, if it stays on this site (an open redirect otherwise)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""
