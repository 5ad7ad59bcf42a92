/* eventsite: filters, search, bookmarks, time zones, grid and "now", on the DOM contract.
   Plain JavaScript, no framework, nothing from another origin. Without it every page still
   shows all its content; the controls it needs are `hidden` in the HTML and revealed here. */
(function () {
  "use strict";
  var doc = document;
  var html = doc.documentElement;
  var script = doc.currentScript;
  if (!script) return;
  var ROOT = new URL("../../", script.src); // this file lives at <root>/assets/js/
  var EVENT = html.getAttribute("data-event") || "event";
  var EVENT_TZ = html.getAttribute("data-tz") || "UTC";
  var DAY_CHANGE_MS = (function (hm) {
    var p = (hm || "04:00").split(":");
    return (parseInt(p[0], 10) * 60 + parseInt(p[1] || "0", 10)) * 60000;
  })(html.getAttribute("data-day-change"));
  var VIEWER_TZ = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  // One key per event and site path: two events on one origin never mix.
  var KEY = "eventsite:" + EVENT + ":" + ROOT.pathname + ":";
  var main = doc.getElementById("main");
  var sched = doc.querySelector("[data-schedule]");
  // The schedule as the server grouped it, kept on the first regrouping only: serialising a
  // long schedule costs a long task, which most page loads never need.
  var originalSchedule = null;

  function $$(sel, el) { return Array.prototype.slice.call((el || doc).querySelectorAll(sel)); }
  // Writing an attribute, even its own value, makes the browser recheck styles: a schedule has
  // hundreds of cards, so write only what changes.
  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  function setHidden(el, hide) {
    if (el.hidden !== hide) el.hidden = hide;
  }
  function load(name, fallback) {
    try { var v = localStorage.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function norm(s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ");
  }

  var starred = new Set(load("starred", []));
  var localTz = load("localtz", false);
  var state = { track: "", room: "", day: "", q: "", starred: false, view: "list" };
  var FILTERS = ["track", "room", "day", "q", "starred"];
  var controls = doc.querySelector("[data-controls]");
  var searchBox = doc.querySelector("[data-search]");
  var gridBox = null;
  var items = [];
  var texts = new WeakMap();

  /* ---- state in the URL hash: #track=x&room=y&day=z&q=w&starred=1&view=grid ---- */
  function readHash() {
    var h = location.hash.slice(1);
    var next = { track: "", room: "", day: "", q: "", starred: false, view: "list" };
    if (h.indexOf("=") < 0) return next;
    var p = new URLSearchParams(h);
    next.track = p.get("track") || "";
    next.room = p.get("room") || "";
    next.day = p.get("day") || "";
    next.q = p.get("q") || "";
    next.starred = p.get("starred") === "1";
    next.view = p.get("view") === "grid" ? "grid" : "list";
    return next;
  }
  function writeHash(push) {
    var p = new URLSearchParams();
    ["track", "room", "day", "q"].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.starred) p.set("starred", "1");
    if (state.view === "grid") p.set("view", "grid");
    var s = p.toString();
    var url = location.pathname + location.search + (s ? "#" + s : "");
    if (url === location.pathname + location.search + location.hash) return;
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  /* ---- times: the event's zone, or the viewer's ---- */
  function zone() { return localTz ? VIEWER_TZ : EVENT_TZ; }
  var formatters = {};
  function fmt(date, opts) {
    // Building an Intl.DateTimeFormat is slow: one per zone and style, reused.
    var key = zone() + JSON.stringify(opts);
    if (!formatters[key]) {
      opts.timeZone = zone();
      formatters[key] = new Intl.DateTimeFormat("en-GB", opts);
    }
    return formatters[key].format(date);
  }
  function fmtTime(d) { return fmt(d, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }); }
  function fmtDay(d) { return fmt(d, { weekday: "short", day: "numeric", month: "short" }); }
  function fmtDate(d) { return fmt(d, { weekday: "long", day: "numeric", month: "long", year: "numeric" }); }
  function dayOf(d) {
    // The conference day: the date at (start - day change) in the current zone, YYYY-MM-DD.
    return fmt(new Date(d.getTime() - DAY_CHANGE_MS), { year: "numeric", month: "2-digit", day: "2-digit" })
      .split("/").reverse().join("-");
  }
  var shownZone = EVENT_TZ; // the zone the page's times are written in now
  function renderTimes() {
    $$("[data-tz-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(localTz));
      b.textContent = localTz ? "Show times in the event's time zone (" + EVENT_TZ + ")"
        : "Show times in my time zone (" + VIEWER_TZ + ")";
    });
    if (zone() === shownZone) return;
    shownZone = zone();
    $$("time[data-fmt]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) return;
      var f = el.getAttribute("data-fmt");
      var card = el.closest("[data-session-id]");
      var day = card ? dateFromSlug(card.getAttribute("data-day")) : d;
      el.textContent = f === "t" ? fmtTime(d) : f === "dt" ? fmtDay(d) + ", " + fmtTime(d)
        : fmtDate(day) + ", " + fmtTime(d);
    });
    $$("[data-tz-label]").forEach(function (el) { el.textContent = "(" + zone() + ")"; });
    $$(".tz-note").forEach(function (el) { el.textContent = "All times are in " + zone() + "."; });
  }
  function dateFromSlug(slug) {
    // Noon UTC on that date: formats as that date in any zone within ±11 h.
    return new Date(slug + "T12:00:00Z");
  }
  var daysLocal = false;
  function setDays() {
    if (localTz === daysLocal) return;
    daysLocal = localTz;
    $$("[data-session-id]").forEach(function (el) {
      if (!el.hasAttribute("data-day0")) el.setAttribute("data-day0", el.getAttribute("data-day"));
      el.setAttribute("data-day", localTz ? dayOf(new Date(el.getAttribute("data-start")))
        : el.getAttribute("data-day0"));
    });
  }

  /* ---- the schedule list, regrouped by day when the viewer's zone is on ---- */
  var grouped = false; // true while the list is regrouped by the viewer's days
  function regroup() {
    if (!sched || localTz === grouped) return;
    grouped = localTz;
    // Still in the server's grouping and the event's zone here (times are rewritten after).
    if (originalSchedule === null) {
      $$(".highlight", sched).forEach(function (el) { el.classList.remove("highlight"); el.removeAttribute("tabindex"); });
      originalSchedule = sched.innerHTML;
    } else {
      sched.innerHTML = originalSchedule;
    }
    if (!localTz) return;
    var cards = $$("[data-session-id]", sched);
    var days = new Map();
    cards.forEach(function (el) {
      var start = new Date(el.getAttribute("data-start"));
      var day = dayOf(start);
      if (!days.has(day)) days.set(day, new Map());
      var slots = days.get(day);
      var key = start.getTime();
      if (!slots.has(key)) slots.set(key, []);
      slots.get(key).push(el);
    });
    sched.textContent = "";
    Array.from(days.keys()).sort().forEach(function (day) {
      var sec = doc.createElement("section");
      sec.className = "day";
      sec.setAttribute("data-day", day);
      sec.setAttribute("aria-labelledby", "day-" + day);
      var h = doc.createElement("h2");
      h.className = "day-title";
      h.id = "day-" + day;
      h.textContent = fmtDate(dateFromSlug(day));
      sec.appendChild(h);
      var slots = days.get(day);
      Array.from(slots.keys()).sort(function (a, b) { return a - b; }).forEach(function (k) {
        var slot = doc.createElement("div");
        slot.className = "slot";
        slots.get(k).forEach(function (el) { slot.appendChild(el); });
        sec.appendChild(slot);
      });
      sched.appendChild(sec);
    });
  }
  function dayNav() {
    var nav = doc.querySelector(".day-nav ul");
    if (!nav || !sched) return;
    var days = $$(".day", sched).map(function (s) { return s.getAttribute("data-day"); });
    var li = ['<li><a href="#" data-filter-day="">All days</a></li>'];
    days.forEach(function (d) {
      li.push('<li><a href="#day-' + d + '" data-filter-day="' + d + '">' + fmtDay(dateFromSlug(d)) + "</a></li>");
    });
    nav.innerHTML = li.join("");
  }

  /* ---- grid: one column per room, rows of five minutes ---- */
  var ROW_MS = 5 * 60000;
  function roomOrder() {
    return $$("[data-filter-room]").map(function (a) {
      return [a.getAttribute("data-filter-room"), shownText(a)];
    });
  }
  function buildGrid() {
    if (gridBox) gridBox.remove();
    gridBox = doc.createElement("div");
    gridBox.className = "grid-view";
    var rooms = roomOrder();
    $$(".day", sched).forEach(function (day) {
      var cards = $$("[data-session-id]", day);
      var used = new Set(cards.map(function (c) { return c.getAttribute("data-room"); }));
      var cols = rooms.filter(function (r) { return used.has(r[0]); });
      if (used.has("")) cols.push(["", "Room to be announced"]);
      var t0 = Infinity, t1 = -Infinity;
      cards.forEach(function (c) {
        t0 = Math.min(t0, Date.parse(c.getAttribute("data-start")));
        t1 = Math.max(t1, Date.parse(c.getAttribute("data-end")));
      });
      t0 = Math.floor(t0 / (30 * 60000)) * 30 * 60000;
      var rows = Math.max(1, Math.ceil((t1 - t0) / ROW_MS));
      var wrap = doc.createElement("section");
      wrap.className = "grid-day";
      wrap.setAttribute("data-day", day.getAttribute("data-day"));
      var title = day.querySelector(".day-title");
      var h = doc.createElement("h2");
      h.textContent = title ? title.textContent : "";
      wrap.appendChild(h);
      var scroller = doc.createElement("div");
      scroller.className = "grid-scroll";
      scroller.tabIndex = 0;
      scroller.setAttribute("role", "region");
      scroller.setAttribute("aria-label", "Grid: " + h.textContent);
      var grid = doc.createElement("div");
      grid.className = "grid";
      grid.style.gridTemplateColumns = "4.5rem repeat(" + cols.length + ", minmax(11rem, 1fr))";
      grid.style.gridTemplateRows = "auto repeat(" + rows + ", 1.1rem)";
      var corner = doc.createElement("div");
      corner.className = "grid-corner";
      grid.appendChild(corner);
      cols.forEach(function (r, i) {
        var head = doc.createElement("div");
        head.className = "grid-room";
        head.textContent = r[1];
        head.style.gridColumn = String(i + 2);
        grid.appendChild(head);
      });
      for (var r = 0; r < rows; r += 6) {
        var label = doc.createElement("div");
        label.className = "grid-time";
        label.textContent = fmtTime(new Date(t0 + r * ROW_MS));
        label.style.gridRow = r + 2 + " / span 6";
        grid.appendChild(label);
      }
      cards.forEach(function (c) {
        var copy = c.cloneNode(true);
        copy.removeAttribute("id");
        var s = Date.parse(c.getAttribute("data-start")), e = Date.parse(c.getAttribute("data-end"));
        var a = Math.floor((s - t0) / ROW_MS), b = Math.max(a + 1, Math.ceil((e - t0) / ROW_MS));
        var col = cols.findIndex(function (x) { return x[0] === c.getAttribute("data-room"); });
        copy.style.gridRow = a + 2 + " / " + (b + 2);
        copy.style.gridColumn = String(col + 2);
        grid.appendChild(copy);
      });
      scroller.appendChild(grid);
      wrap.appendChild(scroller);
      gridBox.appendChild(wrap);
    });
    sched.parentNode.insertBefore(gridBox, sched.nextSibling);
  }

  /* ---- filtering ---- */
  function collect() {
    items = $$("[data-session-id]:not(.session-page), [data-speaker-id]", main);
  }
  function textOf(el) {
    // Made on the first search only: reading every card's text costs time at page load.
    if (!texts.has(el)) texts.set(el, norm(el.textContent));
    return texts.get(el);
  }
  function labelFor(kind, value) {
    var a = doc.querySelector("[data-filter-" + kind + '="' + CSS.escape(value) + '"]');
    return a ? shownText(a) : value;
  }
  function shownText(el) {
    // A filter link's name as shown: without its words for screen readers only (" track").
    var t = "";
    el.childNodes.forEach(function (n) {
      if (!(n.classList && n.classList.contains("visually-hidden"))) t += n.textContent;
    });
    return t.trim();
  }
  function apply() {
    if (sched) {
      var grid = state.view === "grid";
      if (grid && !gridBox) buildGrid();
      if (gridBox) gridBox.hidden = !grid;
      sched.hidden = grid;
      collect();
    }
    var q = norm(state.q).trim();
    var shown = 0, total = 0;
    items.forEach(function (el) {
      var ok = true;
      if (el.hasAttribute("data-session-id")) {
        ok = (!state.track || el.getAttribute("data-track") === state.track) &&
          (!state.room || el.getAttribute("data-room") === state.room) &&
          (!state.day || el.getAttribute("data-day") === state.day) &&
          (!state.starred || starred.has(el.getAttribute("data-session-id")));
      }
      ok = ok && (!q || textOf(el).indexOf(q) >= 0);
      setHidden(el, !ok);
      // Count only the view on screen (the grid holds copies of the list's sessions).
      if (!sched || (state.view === "grid") === !!el.closest(".grid-view")) { total++; if (ok) shown++; }
    });
    $$(".slot, .day, .grid-day, .track-section, .room-section", main).forEach(function (c) {
      setHidden(c, !c.querySelector("[data-session-id]:not([hidden])"));
    });
    var none = doc.querySelector("[data-no-results]");
    if (none) none.hidden = shown > 0 || total === 0;
    var status = doc.querySelector("[data-status]");
    if (status) status.textContent = active().length ? "Showing " + shown + " of " + total + "." : "";
    renderChips();
    $$("[data-filter-track], [data-filter-room], [data-filter-day]").forEach(function (a) {
      var kind = a.hasAttribute("data-filter-track") ? "track" : a.hasAttribute("data-filter-room") ? "room" : "day";
      var on = state[kind] === a.getAttribute("data-filter-" + kind) && (kind === "day" || state[kind] !== "");
      if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
    press("[data-starred-filter]", state.starred);
    press("[data-view-toggle]", state.view === "grid");
    if (searchBox && searchBox.value !== state.q) searchBox.value = state.q;
  }
  function press(sel, on) {
    $$(sel).forEach(function (b) { b.setAttribute("aria-pressed", String(!!on)); });
  }
  function active() {
    return FILTERS.filter(function (k) { return !!state[k]; });
  }
  var NAMES = { track: "Track", room: "Room", day: "Day", q: "Search", starred: "Starred only" };
  function renderChips() {
    var box = doc.querySelector("[data-active-filters]");
    var list = doc.querySelector("[data-filter-chips]");
    if (!box || !list) return;
    var act = active();
    box.hidden = act.length === 0;
    list.textContent = "";
    act.forEach(function (k) {
      var text = NAMES[k] + (k === "starred" ? "" : ": " + (k === "q" ? "“" + state.q + "”"
        : k === "day" ? fmtDay(dateFromSlug(state.day)) : labelFor(k, state[k])));
      var li = doc.createElement("li");
      var b = doc.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.setAttribute("data-remove", k);
      b.setAttribute("aria-label", "Remove filter " + text);
      b.textContent = text + " ✕";
      li.appendChild(b);
      list.appendChild(li);
    });
  }
  function setFilter(kind, value, push) {
    state[kind] = value;
    writeHash(push);
    apply();
  }

  /* ---- bookmarks ---- */
  function renderStars() {
    $$("[data-star]").forEach(function (b) {
      setAttr(b, "aria-pressed", String(starred.has(b.getAttribute("data-star"))));
    });
    $$("[data-star-count]").forEach(function (el) { el.textContent = String(starred.size); });
  }
  function toggleStar(id) {
    if (starred.has(id)) starred.delete(id); else starred.add(id);
    save("starred", Array.from(starred));
    renderStars();
    if (state.starred) apply();
  }
  function starredCards() {
    var seen = new Set();
    return $$("[data-session-id]", sched || main).filter(function (el) {
      var id = el.getAttribute("data-session-id");
      if (!starred.has(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  /* ---- calendar file made here, by the same rules as the server's (UTC, RFC 5545) ---- */
  var enc = new TextEncoder();
  function icsText(s) {
    return String(s).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
  }
  function fold(line) {
    var out = [], cur = "", n = 0;
    for (var ch of line) {
      var b = enc.encode(ch).length;
      if (n + b > (out.length ? 74 : 75)) { out.push(cur); cur = ""; n = 0; }
      cur += ch;
      n += b;
    }
    out.push(cur);
    return out.join("\r\n ");
  }
  function icsDate(d) { return d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, ""); }
  function text(el, sel) { var x = el.querySelector(sel); return x ? shownText(x) : ""; }
  function buildIcs(cards) {
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eventsite//starred sessions//EN",
      "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + icsText(doc.title.split(" · ").pop() + " – starred")];
    var stamp = icsDate(new Date());
    cards.forEach(function (el) {
      var link = el.querySelector(".session-title a");
      var url = link ? new URL(link.getAttribute("href"), location.href).href : "";
      var speakers = text(el, ".session-speakers");
      var desc = (speakers ? "Speakers: " + speakers + "\n" : "") + url;
      lines.push("BEGIN:VEVENT",
        "UID:" + icsText(el.getAttribute("data-uid") || el.getAttribute("data-session-id") + "@" + EVENT + ".eventsite"),
        "DTSTAMP:" + stamp,
        "DTSTART:" + icsDate(new Date(el.getAttribute("data-start"))),
        "DTEND:" + icsDate(new Date(el.getAttribute("data-end"))),
        "SUMMARY:" + icsText(text(el, ".session-title")));
      if (text(el, ".session-room")) lines.push("LOCATION:" + icsText(text(el, ".session-room")));
      if (text(el, ".track-badge")) lines.push("CATEGORIES:" + icsText(text(el, ".track-badge")));
      lines.push("DESCRIPTION:" + icsText(desc));
      if (url) lines.push("URL:" + url);
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("\r\n") + "\r\n";
  }
  function download(name, body) {
    var a = doc.createElement("a");
    a.href = URL.createObjectURL(new Blob([body], { type: "text/calendar;charset=utf-8" }));
    a.download = name;
    doc.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  /* ---- sharing starred sessions as a link ---- */
  function shareUrl() {
    var ids = Array.from(starred).map(encodeURIComponent).join(",");
    return new URL("schedule.html", ROOT).href + "#import=" + ids;
  }
  function offerImport() {
    var m = /^#import=(.*)$/.exec(location.hash);
    var box = doc.querySelector("[data-import-box]");
    if (!m || !box) return;
    var ids = m[1].split(",").filter(Boolean).map(decodeURIComponent).filter(function (id) {
      return doc.querySelector('[data-session-id="' + CSS.escape(id) + '"]');
    });
    if (!ids.length) return;
    var fresh = ids.filter(function (id) { return !starred.has(id); }).length;
    doc.querySelector("[data-import-text]").textContent = "Someone shared " + ids.length +
      " starred session" + (ids.length === 1 ? "" : "s") + " with you (" + fresh + " new). Add them to your starred sessions?";
    box.hidden = false;
    box.ids = ids;
  }
  function closeImport(accept) {
    var box = doc.querySelector("[data-import-box]");
    if (accept && box.ids) {
      box.ids.forEach(function (id) { starred.add(id); });
      save("starred", Array.from(starred));
      renderStars();
    }
    box.hidden = true;
    history.replaceState(null, "", location.pathname + location.search);
    apply();
  }

  /* ---- now and next ---- */
  function tick() {
    var now = Date.now(), first = Infinity, last = -Infinity;
    $$("[data-session-id]").forEach(function (el) {
      var s = Date.parse(el.getAttribute("data-start")), e = Date.parse(el.getAttribute("data-end"));
      first = Math.min(first, s);
      last = Math.max(last, e);
      var on = s <= now && now < e;
      if (el.classList.contains("is-now") === on) return;
      el.classList.toggle("is-now", on);
      var badge = el.querySelector(".now-badge");
      if (badge) badge.hidden = !on;
    });
    $$("[data-jump-now]").forEach(function (b) { b.hidden = !(now >= first && now < last); });
  }
  function jumpToNow() {
    var now = Date.now();
    var visible = $$("[data-session-id]:not([hidden])", main).filter(function (el) {
      return !el.closest("[hidden]");
    });
    var target = visible.find(function (el) { return el.classList.contains("is-now"); }) ||
      visible.find(function (el) { return Date.parse(el.getAttribute("data-start")) >= now; });
    if (target) focusCard(target);
  }
  function focusCard(el) {
    el.classList.add("highlight");
    el.setAttribute("tabindex", "-1");
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }

  /* ---- events ---- */
  doc.addEventListener("click", function (ev) {
    var t = ev.target.closest("button, a");
    if (!t) return;
    if (t.hasAttribute("data-star")) return toggleStar(t.getAttribute("data-star"));
    var kinds = ["track", "room", "day"];
    for (var i = 0; i < kinds.length; i++) {
      var k = kinds[i];
      if (t.hasAttribute("data-filter-" + k) && controls) {
        ev.preventDefault();
        var v = t.getAttribute("data-filter-" + k);
        return setFilter(k, state[k] === v ? "" : v, true);
      }
    }
    if (t.hasAttribute("data-remove")) {
      var key = t.getAttribute("data-remove");
      state[key] = key === "starred" ? false : "";
      writeHash(true);
      apply();
      var next = doc.querySelector("[data-remove]") || searchBox;
      if (next) next.focus();
      return;
    }
    if (t.hasAttribute("data-clear-filters")) {
      FILTERS.forEach(function (k) { state[k] = k === "starred" ? false : ""; });
      writeHash(true);
      apply();
      if (searchBox) searchBox.focus();
      return;
    }
    if (t.hasAttribute("data-starred-filter")) return setFilter("starred", !state.starred, true);
    if (t.hasAttribute("data-view-toggle")) return setFilter("view", state.view === "grid" ? "list" : "grid", true);
    if (t.hasAttribute("data-jump-now")) return jumpToNow();
    if (t.hasAttribute("data-tz-toggle")) {
      localTz = !localTz;
      save("localtz", localTz);
      return refresh();
    }
    if (t.hasAttribute("data-export-starred")) {
      var cards = starredCards();
      var st = doc.querySelector("[data-status]");
      if (!cards.length) { if (st) st.textContent = "Star some sessions first."; return; }
      download(EVENT + "-starred.ics", buildIcs(cards));
      if (st) st.textContent = "Downloaded " + cards.length + " starred sessions.";
      return;
    }
    if (t.hasAttribute("data-share-starred")) {
      var box = doc.querySelector("[data-share-box]");
      var input = doc.querySelector("[data-share-url]");
      input.value = shareUrl();
      box.hidden = false;
      input.focus();
      input.select();
      return;
    }
    if (t.hasAttribute("data-import-accept")) return closeImport(true);
    if (t.hasAttribute("data-import-dismiss")) return closeImport(false);
  });
  if (searchBox) {
    searchBox.addEventListener("input", function () {
      state.q = searchBox.value;
      writeHash(false);
      apply();
    });
  }
  window.addEventListener("popstate", function () { Object.assign(state, readHash()); apply(); });
  window.addEventListener("storage", function (ev) {
    if (ev.key === KEY + "starred") { starred = new Set(load("starred", [])); renderStars(); }
  });

  function refresh() {
    regroup();
    // The schedule may have been rebuilt from its original HTML: reveal its controls again.
    $$("[data-toolbar], [data-controls], [data-star], [data-js-only]").forEach(function (el) { setHidden(el, false); });
    setDays();
    dayNav();
    if (gridBox) { gridBox.remove(); gridBox = null; }
    renderTimes();
    collect();
    apply();
    renderStars();
    tick();
  }

  html.classList.add("js");
  Object.assign(state, readHash());
  refresh();
  offerImport();
  setInterval(tick, 30000);
  var target = /^#s-/.test(location.hash) && doc.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) focusCard(target);
})();
