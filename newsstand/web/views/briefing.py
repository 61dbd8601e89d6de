"""The daily briefing's pages: the account page's form (on or off, hour, time zone) and the unsubscribe link.

The unsubscribe address works without signing in: its signed token (briefing.tokens) names the reader. GET shows
a page with one button (a link scanner that fetches every link in a mail unsubscribes nobody); POST unsubscribes,
and is what a mail client's one-click unsubscribe sends (RFC 8058: `List-Unsubscribe=One-Click`, no cookies, no
CSRF token), so this one view is exempt from the CSRF check: the token is the proof, and all it can do is turn
that reader's briefing off.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from newsstand.briefing import services, tokens
from newsstand.briefing.forms import BriefingForm
from newsstand.core import clock
from newsstand.web.views.account import account_page


@never_cache
@login_required
@require_POST
def choose(request: HttpRequest) -> HttpResponse:
    form = BriefingForm(request.POST)
    if form.is_valid():
        try:
            choice = services.choose(request.user, now=clock.now(), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("time_zone" if exc.code == "time_zone" else "hour", exc)
        else:
            if choice.enabled:
                when = f"{choice.hour:02d}:00 ({choice.time_zone})"
                unverified = "" if request.user.email_verified else " once your email address is verified"
                messages.success(request, f"Your daily briefing goes out at {when} every day{unverified}.")
            else:
                messages.success(request, "The daily briefing is off.")
            return redirect("web:account")
    return account_page(request, briefing_form=form, status=400)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = tokens.read(token)
    except tokens.BadToken as exc:
        context = {"title": "This link cannot be used", "text": str(exc), "link": None}
        return render(request, "web/account/message.html", context, status=400)
    if request.method != "POST":
        return render(request, "web/briefing/unsubscribe.html", {"done": False})
    services.unsubscribe(user_id, now=clock.now())
    return render(request, "web/briefing/unsubscribe.html", {"done": True})
