/* talktopics digest: the current selection of talks = search box AND filters (day, room, track,
   edition, session type, has my notes), the "by topic" / "by schedule" switch and the URL
   fragment that restores them (#q=...&day=...&view=schedule).

   Whenever the selection changes it sets window.talktopics.selection (the ids of the selected
   talk cards, in page order) and dispatches
   document "talktopics:selection" {detail: {ids}}; a change of view dispatches
   "talktopics:view" {detail: {view}}. Every count on the page (toolbar, topic sections, chart,
   topic menu, sub-topics) follows the selection. User text is only set with textContent. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("tt-data").textContent);
  var tt = window.talktopics = window.talktopics || {};
  var records = {};
  (data.talks || []).forEach(function (t) { records[t.anchor] = t; });
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  var input = document.getElementById("tt-search");
  var countEl = document.getElementById("tt-count");
  var emptyEl = document.getElementById("tt-empty");
  var scheduleEl = document.getElementById("schedule");
  var cards = all("article.talk");
  var sections = all(".topic-section");
  var selects = all("select[data-filter]");
  var notesBox = document.getElementById("tt-filter-notes");
  var filterCount = document.getElementById("tt-filter-count");
  var viewButtons = all(".view-switch button[data-view]");
  function fold(s) { return s.normalize("NFKC").toLowerCase(); }
  var texts = cards.map(function (c) { return fold(c.textContent); });
  var cardRecords = cards.map(function (c) { return records[c.id] || null; });
  var cardIndex = {};
  cards.forEach(function (c, i) { cardIndex[c.id] = i; });
  var view = "topic";

  function words(text) { return fold(text || "").split(/\s+/).filter(Boolean); }
  function activeFilters() {
    var out = [];
    selects.forEach(function (s) { if (s.value) { out.push([s.getAttribute("data-filter"), s.value]); } });
    return out;
  }
  function passes(i, filters, notes) {
    var rec = cardRecords[i];
    for (var k = 0; k < filters.length; k++) {
      if (!rec || rec[filters[k][0]] !== filters[k][1]) { return false; }
    }
    return !notes || Boolean(rec && rec.notes);
  }
  function matches(i, ws) { return ws.every(function (w) { return texts[i].indexOf(w) >= 0; }); }
  /* Indices of the cards a search text selects under the current filters. */
  function select(text) {
    var ws = words(text), filters = activeFilters(), notes = Boolean(notesBox && notesBox.checked);
    var out = [];
    cards.forEach(function (c, i) { if (passes(i, filters, notes) && matches(i, ws)) { out.push(i); } });
    return out;
  }
  /* How many talks "Find talks" with this text would show (the filters kept). */
  tt.countFor = function (text) { return select(text).length; };
  /* How many of the selected talks (or of the given card ids) contain every word of this text. */
  tt.countIn = function (text, only) {
    var ws = words(text), ids = only || tt.selection || [], n = 0, seen = {};
    ids.forEach(function (id) {
      var i = cardIndex[id];
      if (i !== undefined && !seen[id] && matches(i, ws)) { n += 1; }
      seen[id] = true;
    });
    return n;
  };

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function setCounts(chosen, narrowed) {
    var perTopic = {}, perSub = {};
    chosen.forEach(function (i) {
      var rec = cardRecords[i];
      if (!rec) { return; }
      perTopic[rec.topic] = (perTopic[rec.topic] || 0) + 1;
      if (rec.subtopic_id) { perSub[rec.subtopic_id] = (perSub[rec.subtopic_id] || 0) + 1; }
    });
    tt.topicCounts = perTopic;
    all(".topic-count[data-topic]").forEach(function (el) {
      var n = perTopic[el.getAttribute("data-topic")] || 0, total = Number(el.getAttribute("data-total"));
      el.textContent = narrowed ? n + " of " + plural(total, "talk", "talks") : plural(total, "talk", "talks");
    });
    all("[data-count-topic]").forEach(function (el) { el.textContent = String(perTopic[el.getAttribute("data-count-topic")] || 0); });
    all("[data-count-subtopic]").forEach(function (el) { el.textContent = String(perSub[el.getAttribute("data-count-subtopic")] || 0); });
    var chart = document.querySelector("svg.chart");
    if (!chart) { return; }
    var bars = all("svg.chart a[data-topic]");
    var most = Math.max.apply(null, [1].concat(bars.map(function (a) { return perTopic[a.getAttribute("data-topic")] || 0; })));
    var span = Number(chart.getAttribute("data-span")) || 280;
    bars.forEach(function (a) {
      var n = perTopic[a.getAttribute("data-topic")] || 0, w = Math.round(10 * span * n / most) / 10;
      a.querySelector("rect").setAttribute("width", String(Math.max(w, 2)));
      var count = a.querySelector(".bar-count");
      count.textContent = String(n);
      count.setAttribute("x", String(w + 8));
      a.querySelector("rect title").textContent = a.querySelector(".bar-label").getAttribute("data-label") + ": " + plural(n, "talk", "talks");
      a.classList.toggle("none", n === 0);
    });
  }

  function stateParams() {
    var p = new URLSearchParams();
    if (input.value.trim()) { p.set("q", input.value.trim()); }
    activeFilters().forEach(function (f) { p.set(f[0], f[1]); });
    if (notesBox && notesBox.checked) { p.set("notes", "1"); }
    if (view !== "topic") { p.set("view", view); }
    return p;
  }
  function writeFragment() {
    var text = stateParams().toString();
    var hash = location.hash.slice(1);
    if (text) {
      if (hash !== text) { history.replaceState(null, "", "#" + text); }
    } else if (hash.indexOf("=") >= 0) {
      history.replaceState(null, "", location.pathname + location.search);
    }
  }
  function readFragment() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") < 0) { return false; }
    var p = new URLSearchParams(hash);
    input.value = p.get("q") || "";
    selects.forEach(function (s) {
      var v = p.get(s.getAttribute("data-filter")) || "";
      s.value = Array.prototype.some.call(s.options, function (o) { return o.value === v; }) ? v : "";
    });
    if (notesBox) { notesBox.checked = p.get("notes") === "1"; }
    setView(p.get("view") === "schedule" && scheduleEl ? "schedule" : "topic", false);
    return true;
  }

  function apply(write) {
    var chosen = select(input.value);
    var narrowed = chosen.length !== cards.length || words(input.value).length > 0 || activeFilters().length > 0 ||
      Boolean(notesBox && notesBox.checked);
    var on = {};
    chosen.forEach(function (i) { on[i] = true; });
    cards.forEach(function (card, i) { card.hidden = !on[i]; });
    sections.forEach(function (s) {
      s.hidden = view !== "topic" || (narrowed && !s.querySelector(".talk:not([hidden])"));
    });
    countEl.textContent = narrowed
      ? chosen.length + " of " + cards.length + " talks match"
      : plural(cards.length, "talk", "talks");
    emptyEl.hidden = view !== "topic" || !(narrowed && chosen.length === 0);
    var nf = activeFilters().length + (notesBox && notesBox.checked ? 1 : 0);
    if (filterCount) { filterCount.textContent = nf ? "(" + nf + ")" : ""; }
    setCounts(chosen, narrowed);
    if (write) { writeFragment(); }
    var ids = chosen.map(function (i) { return cards[i].id; });
    tt.selection = ids;
    tt.narrowed = narrowed;
    document.dispatchEvent(new CustomEvent("talktopics:selection", { detail: { ids: ids } }));
  }

  function setView(next, write) {
    view = next;
    if (scheduleEl) { scheduleEl.hidden = view !== "schedule"; }
    viewButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-view") === view ? "true" : "false");
    });
    if (write !== false) {
      apply(true);
      document.dispatchEvent(new CustomEvent("talktopics:view", { detail: { view: view } }));
    }
  }
  tt.view = function () { return view; };
  tt.setView = function (next) { setView(next === "schedule" && scheduleEl ? "schedule" : "topic", true); };
  viewButtons.forEach(function (b) {
    b.addEventListener("click", function () { tt.setView(b.getAttribute("data-view")); });
  });
  var menuSchedule = document.getElementById("tt-menu-schedule");
  if (menuSchedule) {
    menuSchedule.addEventListener("click", function () {
      document.getElementById("tt-menu").open = false;
      tt.setView("schedule");
      scheduleEl.scrollIntoView({ block: "start" });
    });
  }

  input.addEventListener("input", function () { apply(true); });
  selects.forEach(function (s) { s.addEventListener("change", function () { apply(true); }); });
  if (notesBox) { notesBox.addEventListener("change", function () { apply(true); }); }
  var clear = document.getElementById("tt-clear");
  if (clear) {
    clear.addEventListener("click", function () {
      input.value = "";
      selects.forEach(function (s) { s.value = ""; });
      if (notesBox) { notesBox.checked = false; }
      apply(true);
    });
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      input.focus();
    }
    if (e.key === "Escape" && document.activeElement === input) { input.value = ""; apply(true); }
  });
  window.addEventListener("hashchange", function () {
    if (readFragment()) { apply(false); document.dispatchEvent(new CustomEvent("talktopics:view", { detail: { view: view } })); }
  });

  /* Search from elsewhere (the network's "Find talks"): the filters stay. */
  tt.search = function (text) {
    input.value = text;
    apply(true);
    var first = view === "schedule" ? scheduleEl : document.querySelector(".talk:not([hidden])");
    (first || input).scrollIntoView({ behavior: "smooth", block: "center" });
  };

  /* Topic menu: closes after a jump; back-to-top shows once the page is scrolled. */
  var menu = document.getElementById("tt-menu");
  if (menu) {
    all("#tt-menu a").forEach(function (a) { a.addEventListener("click", function () { menu.open = false; }); });
    document.addEventListener("pointerdown", function (e) { if (menu.open && !menu.contains(e.target)) { menu.open = false; } });
  }
  /* A link to a topic or a talk card shows the topics first (the schedule hides them). */
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#topic-'], a[href^='#talk-']") : null;
    if (a && view !== "topic") { setView("topic", true); }
  }, true);
  var filtersBox = document.getElementById("tt-filters");
  if (filtersBox && window.matchMedia && window.matchMedia("(min-width: 821px)").matches) { filtersBox.open = true; }
  /* Links land below the sticky toolbar, however tall its open filters make it. */
  var toolbar = document.querySelector(".toolbar");
  function pad() {
    if (toolbar) { document.documentElement.style.scrollPaddingTop = (toolbar.offsetHeight + 12) + "px"; }
  }
  window.addEventListener("resize", pad);
  if (filtersBox) { filtersBox.addEventListener("toggle", pad); }
  pad();
  var toTop = document.getElementById("tt-top");
  if (toTop) {
    toTop.addEventListener("click", function () { window.scrollTo({ top: 0, behavior: "smooth" }); input.focus({ preventScroll: true }); });
    var onScroll = function () { toTop.hidden = window.scrollY < window.innerHeight; };
    window.addEventListener("scroll", onScroll, { passive: true });
    onScroll();
  }

  readFragment();
  apply(false);
  if (view !== "topic") { document.dispatchEvent(new CustomEvent("talktopics:view", { detail: { view: view } })); }
})();
