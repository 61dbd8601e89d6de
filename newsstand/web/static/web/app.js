/* Newsstand: the little the pages need beyond HTML. Everything works without it; this adds the service worker,
   the dark-mode and text-size switches, keyboard navigation (j/k/o/s/?), saving without a page load, and sharing.
   Hooks (also used by the browser tests): [data-nav-item], #theme-toggle, #text-size, #save-button, #header-menu. */
(function () {
  "use strict";
  var root = document.documentElement;
  var script = document.currentScript;
  // Controls that only work with script are rendered hidden; show them now.
  Array.prototype.forEach.call(document.querySelectorAll("[data-needs-js]"), function (el) { el.hidden = false; });

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode: the choice lasts this page only */ }
  }

  // The service worker keeps the shell, recent and saved articles for offline reading.
  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {});
  }

  // Dark mode: the head script already applied a stored choice before first paint; this flips and stores it.
  var toggle = document.getElementById("theme-toggle");
  function dark() {
    var chosen = root.dataset.theme;
    return chosen ? chosen === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  }
  if (toggle) {
    toggle.setAttribute("aria-pressed", String(dark()));
    toggle.addEventListener("click", function () {
      root.dataset.theme = dark() ? "light" : "dark";
      store("theme", root.dataset.theme);
      toggle.setAttribute("aria-pressed", String(dark()));
    });
  }

  // The header menu, a <details>, opens without script; this closes it as menus close: Escape (focus back on its
  // button), a click or the focus elsewhere.
  var menu = document.getElementById("header-menu");
  if (menu) {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.open) return;
      menu.open = false;
      if (menu.contains(document.activeElement)) menu.firstElementChild.focus();
    });
    var leave = function (event) { if (!menu.contains(event.target)) menu.open = false; };
    document.addEventListener("click", leave);
    document.addEventListener("focusin", leave);
  }

  // An image that fails to load (a publisher's broken one) leaves no empty box (site.css: .img-failed).
  function failed(img) { if (img.tagName === "IMG") img.classList.add("img-failed"); }
  document.addEventListener("error", function (event) { failed(event.target); }, true);
  Array.prototype.forEach.call(document.images, function (img) {
    if (img.complete && img.currentSrc && !img.naturalWidth) failed(img);
  });

  // Text size for article bodies, kept across pages.
  var size = document.getElementById("text-size");
  if (size) {
    size.value = root.dataset.textSize || "medium";
    size.addEventListener("change", function () {
      root.dataset.textSize = size.value;
      store("text-size", size.value);
    });
  }

  // Save without leaving the page; on anything unexpected the form posts the ordinary way.
  var status = document.getElementById("page-status");
  function say(text) { if (status) status.textContent = text; }
  function csrf(form) {
    var field = form && form.querySelector("[name=csrfmiddlewaretoken]");
    var meta = document.querySelector("meta[name=csrf-token]");
    return field ? field.value : meta ? meta.content : "";
  }
  function save(url, form, button) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
      if (!response.ok || !json) throw new Error("not saved");
      return response.json();
    }).then(function (body) {
      if (button) button.setAttribute("aria-pressed", String(body.saved));
      say(body.saved ? "Saved for offline reading." : "Removed from saved articles.");
      return body;
    });
  }
  var saveForm = document.getElementById("save-form");
  var saveButton = document.getElementById("save-button");
  if (saveForm && saveButton) {
    saveForm.addEventListener("submit", function (event) {
      event.preventDefault();
      save(saveForm.action, saveForm, saveButton).catch(function () {
        if (navigator.onLine === false) say("You are offline: try saving again when you are back online.");
        else saveForm.submit();
      });
    });
  }

  // Share: the platform's sheet where there is one, else copy the link.
  var share = document.getElementById("share-button");
  if (share) {
    share.addEventListener("click", function () {
      var data = { title: document.title, url: share.dataset.url || location.href };
      if (navigator.share) { navigator.share(data).catch(function () {}); return; }
      if (navigator.clipboard) {
        navigator.clipboard.writeText(data.url).then(function () { say("Link copied."); }, function () { say(data.url); });
      } else {
        say(data.url);
      }
    });
  }
  var print = document.getElementById("print-button");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }

  // Keyboard: j/k move through the items of a list, o or Enter opens, s saves, ? shows the keys.
  var help = document.getElementById("keyboard-help");
  var current = -1;
  function items() {
    // Lists mark their items with data-nav-item; a list that does not yet is walked by its article/card elements.
    var found = document.querySelectorAll("main [data-nav-item]");
    if (!found.length) found = document.querySelectorAll("main .article-item, main .story-card");
    return Array.prototype.slice.call(found).filter(function (el) {
      return el.offsetParent !== null;
    });
  }
  function move(step) {
    var list = items();
    if (!list.length) return;
    var at = list.indexOf(focused());
    current = Math.min(list.length - 1, Math.max(0, (at >= 0 ? at : current) + step));
    list.forEach(function (el) { el.classList.remove("nav-current"); });
    var item = list[current];
    if (!item.hasAttribute("tabindex")) item.setAttribute("tabindex", "-1");
    item.classList.add("nav-current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }
  function focused() {
    var active = document.activeElement;
    var list = items();
    for (var i = 0; i < list.length; i++) if (list[i].contains(active)) return list[i];
    return null;
  }
  function open(item) {
    var link = item && item.querySelector("a[href]");
    if (link) location.href = link.href;
  }
  function typing(target) {
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (help && help.open) return;
    var item = focused();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": open(item); break;
      case "Enter":
        if (item && event.target === item) open(item); else return;
        break;
      case "s":
        if (item && item.dataset.saveUrl) {
          save(item.dataset.saveUrl, null, null).catch(function () { say("Sign in to save articles."); });
        } else if (saveButton) {
          saveButton.click();
        } else {
          return;
        }
        break;
      case "?":
        if (help && help.showModal) help.showModal(); else return;
        break;
      default:
        return;
    }
    event.preventDefault();
  });
})();
