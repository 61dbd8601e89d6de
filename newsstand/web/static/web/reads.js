/* Reads for publishers: loaded only on article pages served to members (web.personal's read-beacon).
   Once the page has been in view long enough, or the reader has scrolled half the article and stayed a few
   seconds, it tells the server, once. The server checks the claim against when it served the page. */
(function () {
  "use strict";
  var beacon = document.getElementById("read-beacon");
  if (!beacon) return;
  var data = beacon.dataset;
  var article = document.querySelector(".story-body") || document.body;
  var visibleMs = 0, shownSince = document.hidden ? null : Date.now(), furthest = 0, sent = false;

  function dwellMs() { return visibleMs + (shownSince === null ? 0 : Date.now() - shownSince); }
  function csrf() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }
  function check() {
    var ms = dwellMs();
    var stayed = ms >= data.dwell * 1000;
    var scrolled = furthest >= data.scroll && ms >= data.scrollSeconds * 1000;
    if (sent || !(stayed || scrolled)) return;
    sent = true;
    clearInterval(ticker);
    var claim = new URLSearchParams({
      token: data.token, dwell: (ms / 1000).toFixed(1), scroll: furthest.toFixed(3), csrfmiddlewaretoken: csrf(),
    });
    if (navigator.sendBeacon && navigator.sendBeacon(data.url, claim)) return;
    fetch(data.url, { method: "POST", body: claim, credentials: "same-origin", keepalive: true }).catch(function () {});
  }

  // Time counts only while the page is in view.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { visibleMs = dwellMs(); shownSince = null; } else { shownSince = Date.now(); }
  });
  // How far the reader has scrolled through the article: only scrolling counts, not an article that fits.
  addEventListener("scroll", function () {
    var box = article.getBoundingClientRect();
    if (box.height > 0) furthest = Math.max(furthest, Math.min(1, (innerHeight - box.top) / box.height));
    check();
  }, { passive: true });
  var ticker = setInterval(check, 1000);
})();
