"""The read beacon: the article page's script reports that a member stayed (or scrolled half way), once per view.

Thin: the body is parsed here, everything else is `readership.services.record_claim`. Any well-formed claim gets
200 and `{"counted": bool}`; a claim that does not count (anonymous, bot, no member, too early) writes nothing.
"""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from newsstand.core import clock
from newsstand.readership import services
from newsstand.readership.rules import Claim, Verdict

MAX_TOKEN = 512


@require_POST
def record_read(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    try:
        claim = Claim(dwell_seconds=_number(request.POST.get("dwell")), scroll=_number(request.POST.get("scroll")))
    except ValueError:
        return HttpResponse("dwell (seconds) and scroll (0 to 1) must be numbers.", status=400)
    if not token or len(token) > MAX_TOKEN or not 0.0 <= claim.scroll <= 1.0:
        return HttpResponse("Send the page's token, dwell (seconds) and scroll (0 to 1).", status=400)
    verdict = services.record_claim(
        request.user, token=token, claim=claim, user_agent=request.headers.get("User-Agent", ""), now=clock.now()
    )
    return JsonResponse({"counted": verdict is Verdict.COUNTS, "verdict": verdict.value})


def _number(raw: str | None) -> float:
    value = float(raw if raw is not None else "")
    if not math.isfinite(value) or value < 0:
        raise ValueError(raw)
    return value
