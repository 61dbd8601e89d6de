/* Newsstand service worker, served as /sw.js; VERSION, SHELL and SIGN_OUT are prepended by newsstand.web.views.app.

   Strategy:
   - install: precache the app shell (offline page, stylesheet, script, icons) under shell-VERSION;
   - static files: cache first (their names change or VERSION changes when they do);
   - pages: network first; the response is kept (articles in ARTICLES, the last 50 read; other pages in PAGES, the
     last 20) and served from the cache when the network fails, else the offline page;
   - saving: the save request (POST /saved/<pk>/, answered {"saved": true|false}) passes through; the worker then
     keeps the article in SAVED, or drops it from there, so saved articles stay readable offline.

   The paywall (newsstand.web.paywall): an article page says X-Newsstand-Access: full or teaser. A full page may carry
   X-Newsstand-Access-Until (ms since the epoch): past it, the kept copy is never served. When the network answers
   an article with a teaser (membership lapsed), every kept full page is dropped from every store, and keeping a
   saved article keeps it only if it came full. Signing out (the POST passes through here), or any page answered
   as to an anonymous reader (X-Newsstand-Reader: anonymous), empties every store but the app shell: the reader's pages
   (history, saved, their home) go with the full text. Chromium does not empty a worker's caches on the sign-out's
   Clear-Site-Data, so the worker does it itself. So neither a former member's full text nor a signed-out
   reader's pages are ever shown on the device, online or off. */

const SHELL_CACHE = "shell-" + VERSION;
const OFFLINE_URL = SHELL[0];
const ARTICLES = "articles";
const PAGES = "pages";
const SAVED = "saved";
const LIMITS = { articles: 50, pages: 20, saved: 500 };
const ARTICLE_PATH = /^\/articles\/\d+\/$/;
const SAVE_PATH = /^\/saved\/(\d+)\/$/;
const NEVER_CACHED = /^\/(admin|sw\.js|saved\/\d+|account|membership)/;
const ACCESS = "X-Newsstand-Access";
const ACCESS_UNTIL = "X-Newsstand-Access-Until";
const READER = "X-Newsstand-Reader";  // newsstand.web.caching.READER_HEADER

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting())
  );
});

// How far a reader got is sent as the article page goes away (web/reading.js): straight to the network, never
// through this worker, which Chromium no longer reaches for a page that is gone, losing the request.
self.addEventListener("install", (event) => {
  if (!event.addRoutes || typeof URLPattern === "undefined") return;
  const progress = new URLPattern({ pathname: "/history/:pk/" });
  event.waitUntil(
    event.addRoutes([{ condition: { urlPattern: progress, requestMethod: "post" }, source: "network" }]).catch(() => {})
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shell-") && key !== SHELL_CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const saving = url.pathname.match(SAVE_PATH);
  if (request.method === "POST" && url.pathname === SIGN_OUT) {
    event.respondWith(forgetThrough(event));
  } else if (saving && request.method === "POST") {
    event.respondWith(saveThrough(event, saving[1]));
  } else if (request.method !== "GET" || NEVER_CACHED.test(url.pathname)) {
    return;
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(event));
  } else if (request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html")) {
    event.respondWith(networkFirst(event, url));
  }
});

self.addEventListener("message", (event) => {
  // The page may say so too (e.g. after a save the worker did not see): {type: "saved", pk, saved}.
  const data = event.data || {};
  if (data.type === "saved" && /^\d+$/.test(String(data.pk))) {
    event.waitUntil(data.saved ? keepSaved(data.pk) : dropSaved(data.pk));
  }
});

async function cacheFirst(event) {
  const cached = await caches.match(event.request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok) {
    const copy = response.clone();
    event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, copy)));
  }
  return response;
}

async function networkFirst(event, url) {
  const key = url.pathname + url.search;
  try {
    const response = await fetch(event.request);
    if (response.headers.get(READER) === "anonymous") {
      await forgetReader();  // answered as to an anonymous reader: nobody is signed in on this device now
    } else if (response.headers.get(ACCESS) === "teaser") {
      await dropFullText();
    }
    if (response.ok && response.type === "basic" && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
      const copy = response.clone();
      event.waitUntil(remember(ARTICLE_PATH.test(url.pathname) ? ARTICLES : PAGES, key, copy));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(key, { ignoreVary: true });
    return (readable(cached) && cached) || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

function readable(response) {
  // A kept full page only while the access it was served under lasts (the reader's device clock decides offline).
  if (!response) return false;
  const until = Number(response.headers.get(ACCESS_UNTIL) || "0");
  return response.headers.get(ACCESS) !== "full" || !until || Date.now() < until;
}

async function forgetThrough(event) {
  // Before the sign-out reaches the server: even if the answer never comes back, nothing of the reader stays.
  await forgetReader();
  return fetch(event.request);
}

async function forgetReader() {
  await Promise.all([ARTICLES, PAGES, SAVED].map((name) => caches.delete(name)));
}

async function dropFullText() {
  for (const name of [ARTICLES, PAGES, SAVED]) {
    const cache = await caches.open(name);
    const keys = await cache.keys();
    for (const key of keys) {
      const kept = await cache.match(key);
      if (kept && kept.headers.get(ACCESS) === "full") await cache.delete(key);
    }
  }
}

async function saveThrough(event, pk) {
  const response = await fetch(event.request);
  if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) {
    event.waitUntil(
      response
        .clone()
        .json()
        .then((body) => (body.saved ? keepSaved(pk) : dropSaved(pk)))
        .catch(() => undefined)
    );
  }
  return response;
}

async function keepSaved(pk) {
  const path = "/articles/" + pk + "/";
  const response = await fetch(path, { credentials: "same-origin" });
  if (response.ok && response.headers.get(ACCESS) === "full") await remember(SAVED, path, response);
}

async function dropSaved(pk) {
  const cache = await caches.open(SAVED);
  await cache.delete("/articles/" + pk + "/");
}

async function remember(name, key, response) {
  // Delete first so that the entry moves to the end: the cache's key order is then least recently read first.
  const cache = await caches.open(name);
  await cache.delete(key);
  await cache.put(key, response);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - LIMITS[name])).map((old) => cache.delete(old)));
}
