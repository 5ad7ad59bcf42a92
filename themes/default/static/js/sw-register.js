/* Registers the service worker (site root as scope, any sub-path), offers updates, and saves
   the whole event for offline use on request. Loaded only when the build registers a worker. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || location.protocol === "file:") return;
  var doc = document;
  var root = new URL("../../", doc.currentScript.src); // this file lives at <root>/assets/js/
  var banner = doc.querySelector("[data-update]");
  var box = doc.querySelector("[data-offline]");

  function offerUpdate(worker) {
    if (!banner || !worker) return;
    banner.hidden = false;
    banner.querySelector("button").onclick = function () { worker.postMessage("skipWaiting"); };
  }
  var reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    // Only an update the attendee accepted reloads; the very first install does not.
    if (reloading || !hadController) return;
    reloading = true;
    location.reload();
  });
  var hadController = !!navigator.serviceWorker.controller;

  function watch(worker) {
    // A new worker may be found before or after this script runs: follow it in any state.
    if (!worker || !navigator.serviceWorker.controller) return;
    if (worker.state === "installed") return offerUpdate(worker);
    worker.addEventListener("statechange", function () {
      if (worker.state === "installed") offerUpdate(worker);
    });
  }
  navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.href }).then(function (reg) {
    watch(reg.waiting || reg.installing);
    reg.addEventListener("updatefound", function () { watch(reg.installing); });
    reg.update().catch(function () { /* offline: try again on the next visit */ });
  });

  /* "Available offline": fetch every file on the build's list through the worker, which
     keeps what passes through it. */
  if (!box) return;
  box.hidden = false;
  var button = box.querySelector("button");
  var bar = box.querySelector("progress");
  var status = box.querySelector("[role=status]");
  function mb(n) { return (n / 1e6).toFixed(1) + " MB"; }
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.serviceWorker.ready.then(function () {
      return fetch(new URL("offline.json", root).href, { cache: "no-store" });
    }).then(function (r) { return r.json(); }).then(function (list) {
      var done = 0, bytes = 0, failed = 0, next = 0;
      bar.max = list.files.length;
      bar.hidden = false;
      function one() {
        if (next >= list.files.length) return Promise.resolve();
        var file = list.files[next++];
        return fetch(new URL(file.path, root).href).then(function (r) {
          if (!r.ok) failed++;
          return r.arrayBuffer();
        }).catch(function () { failed++; }).then(function () {
          done++;
          bytes += file.size;
          bar.value = done;
          status.textContent = "Saving for offline use: " + done + " of " + list.files.length +
            " files (" + mb(bytes) + " of " + mb(list.bytes) + ")";
          return one();
        });
      }
      return Promise.all([one(), one(), one(), one()]).then(function () {
        status.textContent = failed ? failed + " files could not be saved; try again when online."
          : "The whole event is available offline (" + list.files.length + " files, " + mb(list.bytes) + ").";
        button.disabled = false;
      });
    }).catch(function () {
      status.textContent = "Could not save the event for offline use; try again when online.";
      button.disabled = false;
    });
  });
})();
