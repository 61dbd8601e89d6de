"""What the browser tests check with: axe-core, the Content-Security-Policy's violations, computed colours, and marks
for pages still being built."""

from __future__ import annotations

import json

import pytest

from tests.browser._site import AXE

# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the issue asks every page type to pass.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

# Colour-only rules: what a change of colour scheme can break (the rest is checked once, in the light scheme).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

_RUN_AXE = """async (only) => {
  const result = await axe.run(document, {runOnly: only, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.slice(0, 6).map((n) => ({target: n.target, html: n.html.slice(0, 240), why: n.failureSummary})),
    count: v.nodes.length,
  }));
}"""


def axe_violations(page, *, colours_only: bool = False) -> list[dict]:
    """Serious and critical WCAG 2.2 AA violations on the page as it is now (`colours_only`: the colour rules).

    axe is evaluated from DevTools, not added as a <script>: the page's policy rightly refuses an inline one."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    only = {"type": "rule", "values": COLOUR_RULES} if colours_only else {"type": "tag", "values": WCAG_AA}
    return [v for v in page.evaluate(_RUN_AXE, only) if v["impact"] in BLOCKING]


# Put in every page before its own scripts run: each violation of the page's policy is said on the console.
_REPORT_CSP = """addEventListener("securitypolicyviolation", (e) => console.error(
  `CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  + (e.sample ? ` (${e.sample})` : "")));"""


def watch_csp(context, into: list[str]) -> list[str]:
    """Collect into `into` every Content-Security-Policy violation on the pages `context` opens from now on: the
    pages' `securitypolicyviolation` events and the console's "Refused to … Content Security Policy" errors."""
    context.add_init_script(_REPORT_CSP)

    def note(message) -> None:
        if message.type == "error" and ("CSP violation" in message.text or "Content Security Policy" in message.text):
            into.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", note)
    return into


def describe(violations: list[dict]) -> str:
    """Violations as a reader of a failed test wants them: rule, impact, help, where, why."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html']}")
            lines.append("      " + (node["why"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def background(page, selector: str = "body") -> str:
    """The computed background colour the reader sees behind `selector` (the first non-transparent ancestor's)."""
    return page.evaluate(
        """(selector) => {
          for (let el = document.querySelector(selector); el; el = el.parentElement) {
            const colour = getComputedStyle(el).backgroundColor;
            if (colour && colour !== "transparent" && colour !== "rgba(0, 0, 0, 0)") return colour;
          }
          return "rgb(255, 255, 255)";
        }""",
        selector,
    )


def luminance(colour: str) -> float:
    """Relative luminance of an `rgb(…)`/`rgba(…)` colour (WCAG's formula), 0 black … 1 white."""
    parts = [float(p) for p in colour[colour.index("(") + 1 : colour.index(")")].replace("/", ",").split(",")[:3]]

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(p) for p in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _not_landed(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).func.__name__ == "not_yet"
    except Resolver404:
        return True


def pending(owner: str, *paths: str):
    """xfail (strict) while any of `paths` still routes to the "not yet" placeholder: the test runs, must fail,
    and becomes an ordinary test the moment the page lands."""
    missing = [path for path in paths if _not_landed(path)]
    return pytest.mark.xfail(bool(missing), reason=f"{owner}: {', '.join(missing)} not landed yet", strict=True)


def pending_markup(owner: str, template: str, snippet: str):
    """xfail (strict) while `template` does not contain `snippet` (a hook such as id="theme-toggle")."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        source = get_template(template).template.source
    except TemplateDoesNotExist:
        source = ""
    return pytest.mark.xfail(snippet not in source, reason=f"{owner}: {snippet} not in {template} yet", strict=True)
