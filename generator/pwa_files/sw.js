/* eventsite service worker. The build fills in VERSION (the folder hash) and PRECACHE. */
"use strict";
const VERSION = "__FOLDER_HASH__";
const PRECACHE = __PRECACHE__;
// Several sites may share one origin (GitHub project pages): caches are named after this
// site's scope, and activation deletes only this site's older caches.
const SCOPE = self.registration.scope;
const PREFIX = "eventsite:" + SCOPE + ":";
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(PRECACHE.map((p) => new Request(new URL(p, SCOPE).href, { cache: "reload" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skipWaiting") self.skipWaiting();
});

function fallback(request) {
  if (request.mode === "navigate") return caches.match(new URL("offline.html", SCOPE).href, { cacheName: CACHE });
  if (request.destination === "image") {
    return caches.match(new URL("assets/images/offline.svg", SCOPE).href, { cacheName: CACHE });
  }
  return Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only this site's GET requests: other origins and other sites' paths are never cached.
  if (request.method !== "GET" || url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request, { ignoreSearch: true }).then((hit) =>
        hit || fetch(request).then((response) => {
          if (response.ok && response.type === "basic") cache.put(request, response.clone());
          return response;
        }).catch(() => fallback(request).then((r) => r || Response.error()))
      )
    )
  );
});
