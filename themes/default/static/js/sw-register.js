// Registers the service worker with the site root as its scope (works under any sub-path).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || location.protocol === "file:") return;
  var script = document.currentScript;
  var root = new URL("../../", script.src); // this file lives at <root>/assets/js/
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.href });
  });
})();
