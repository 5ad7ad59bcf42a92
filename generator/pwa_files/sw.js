/* eventsite service worker. The build replaces the two placeholders below. */
"use strict";
const VERSION = "__FOLDER_HASH__";
const PRECACHE = __PRECACHE__;
// Several sites may share one origin (GitHub project pages): name caches after this site's scope.
const SCOPE = self.registration.scope;
const PREFIX = "eventsite:" + SCOPE + ":";
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((p) => new URL(p, SCOPE).href)))
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k)))
    ).then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skipWaiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request, { ignoreSearch: request.mode === "navigate" }).then((hit) => {
        if (hit) return hit;
        return fetch(request)
          .then((response) => {
            if (response.ok && response.type === "basic") cache.put(request, response.clone());
            return response;
          })
          .catch(() => {
            if (request.mode === "navigate") return cache.match(new URL("offline.html", SCOPE).href);
            if (request.destination === "image") return cache.match(new URL("assets/images/offline.svg", SCOPE).href);
            return Response.error();
          });
      })
    )
  );
});
