/* Reading progress on the article page. For every reader, a bar across the top of the window follows them through
   the article body. For signed-in readers of the whole text (the body carries data-progress-url), how far they are
   goes to their history: while they scroll (at most every few seconds) and, with sendBeacon, as they leave. Links
   from "Continue reading" end in #progress=F (a fragment: the page cache keys on the query, never on it), and the
   page opens there.

   How far is the share of `.story-body` above the bottom of the window (0–1), as web/reads.js measures it;
   scrolling to a share inverts the same formula, so a point sent and a point restored are the same place.
   Hooks (also used by the browser tests): .story-body[data-progress-url], #reading-progress. */
(function () {
  "use strict";
  var body = document.querySelector(".story-body");
  if (!body) return;
  var url = body.dataset.progressUrl;
  var EVERY_MS = 2000;  // the most often a scrolling reader's point is sent

  var track = document.createElement("div");
  track.id = "reading-progress";
  track.className = "reading-progress";
  track.setAttribute("aria-hidden", "true");  // the scroll bar says the same to assistive technology
  var bar = document.createElement("div");
  bar.className = "reading-progress-bar";
  track.appendChild(bar);
  document.body.appendChild(track);

  function fraction() {
    var box = body.getBoundingClientRect();
    if (box.height <= 0) return 0;
    return Math.min(1, Math.max(0, (innerHeight - box.top) / box.height));
  }
  function scrollToFraction(share) {
    var box = body.getBoundingClientRect();
    scrollTo({ top: Math.max(0, box.top + scrollY - innerHeight + share * box.height), behavior: "instant" });
  }

  var framed = false;
  function draw() {
    framed = false;
    bar.style.transform = "scaleX(" + fraction() + ")";  // CSSOM, not a style attribute: the CSP allows it
  }
  function redraw() {
    if (!framed) { framed = true; requestAnimationFrame(draw); }
  }
  addEventListener("resize", redraw);
  // Images loading above or in the body, and the text size, move it without a scroll.
  if (window.ResizeObserver) {
    var resized = new ResizeObserver(redraw);
    resized.observe(document.body);
    resized.observe(body);
  }
  draw();

  // Back to where the reader stopped: now, and again once images have loaded and moved the text, unless the
  // reader has started scrolling themselves.
  var restoring = false;
  var wanted = /^#progress=([01](?:\.\d+)?)$/.exec(location.hash);
  if (wanted) {
    var share = Math.min(1, parseFloat(wanted[1]));
    restoring = true;
    history.replaceState(history.state, "", location.pathname + location.search);
    var stop = function () { restoring = false; };
    ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (kind) {
      addEventListener(kind, stop, { once: true, passive: true });
    });
    scrollToFraction(share);
    var settle = function () {
      if (restoring) scrollToFraction(share);
      requestAnimationFrame(function () { requestAnimationFrame(stop); });  // after the scroll events it caused
    };
    if (document.readyState === "complete") settle(); else addEventListener("load", settle, { once: true });
  }

  if (!url) {
    addEventListener("scroll", redraw, { passive: true });
    return;
  }

  var meta = document.querySelector("meta[name=csrf-token]");
  var token = meta ? meta.content : "";
  var moved = false, sent = null, timer = null;

  function send(leaving) {
    var at = Math.round(fraction() * 1000) / 1000;
    if (!moved || at === sent) return;  // a reader who never scrolled keeps the place they had
    sent = at;
    // Form data, not headers (sendBeacon sets none): Django's CSRF check reads csrfmiddlewaretoken from the body.
    var data = new URLSearchParams({ progress: String(at), csrfmiddlewaretoken: token });
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, data)) return;
    fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true }).then(function (response) {
      if (!response.ok) sent = null;
    }, function () { sent = null; });
  }
  function later() {
    timer = null;
    send(false);
  }
  function leave() {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    send(true);
  }

  addEventListener("scroll", function () {
    redraw();
    if (restoring) return;  // the page moving itself is not the reader reading
    moved = true;
    if (timer === null) timer = setTimeout(later, EVERY_MS);
  }, { passive: true });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
  });
  addEventListener("pagehide", leave);
})();
