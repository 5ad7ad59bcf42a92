// Loaded before the page is drawn: controls that need script are shown from the first paint,
// so nothing moves when site.js starts (inline script would break the site's CSP).
document.documentElement.classList.add("js");
