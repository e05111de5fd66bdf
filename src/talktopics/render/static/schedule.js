/* talktopics digest: the "by schedule" view (#schedule). Per day (programme order), the selected
   talks by start time, one column per room on a laptop (one row per room on a phone, by CSS),
   each coloured by its topic; talks without a time are listed after each day's grid, talks
   without a day last. Rebuilt from the embedded talk records whenever the selection
   (talktopics:selection) or the view (talktopics:view) changes while it is shown.
   User text is only set with textContent. */
(function () {
  "use strict";

  var box = document.getElementById("tt-schedule-body");
  if (!box) { return; }
  var data = JSON.parse(document.getElementById("tt-data").textContent);
  var tt = window.talktopics = window.talktopics || {};
  var records = {};
  (data.talks || []).forEach(function (t) { records[t.anchor] = t; });
  var dayLabels = {}, dayOrder = {};
  (data.days || []).forEach(function (d, i) { dayLabels[d.value] = d.label; dayOrder[d.value] = i; });
  var NO_ROOM = "Room not given";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function item(rec) {
    var a = el("a", "sched-item");
    a.href = "#" + rec.anchor;
    a.style.setProperty("--c", rec.colour);
    a.setAttribute("data-talk", rec.anchor);
    a.setAttribute("data-start", rec.start);
    a.title = rec.topic_label || "In no topic";
    a.appendChild(el("span", "sched-title", rec.title));
    if (rec.speakers) { a.appendChild(el("span", "sched-speakers", rec.speakers)); }
    var meta = [rec.start, rec.room].filter(Boolean).join(" · ");
    if (meta) { a.appendChild(el("span", "sched-where", meta)); }
    return a;
  }

  function grid(timed) {
    var rooms = [];
    timed.forEach(function (r) { var room = r.room || NO_ROOM; if (rooms.indexOf(room) < 0) { rooms.push(room); } });
    rooms.sort(function (a, b) { return (a === NO_ROOM) - (b === NO_ROOM) || a.localeCompare(b); });
    var starts = [];
    timed.forEach(function (r) { if (starts.indexOf(r.start) < 0) { starts.push(r.start); } });
    starts.sort();
    var wrap = el("div", "sched-scroll");
    var g = el("div", "sched-grid");
    g.style.setProperty("--rooms", String(rooms.length));
    g.appendChild(el("div", "sched-corner", "Time"));
    rooms.forEach(function (room, c) {
      var h = el("div", "sched-room", room);
      h.style.gridColumn = String(c + 2);
      g.appendChild(h);
    });
    starts.forEach(function (start, r) {
      var t = el("div", "sched-time", start);
      t.style.gridRow = String(r + 2);
      g.appendChild(t);
      rooms.forEach(function (room, c) {
        var here = timed.filter(function (x) { return x.start === start && (x.room || NO_ROOM) === room; });
        if (!here.length) { return; }
        var cell = el("div", "sched-cell");
        cell.style.gridRow = String(r + 2);
        cell.style.gridColumn = String(c + 2);
        here.forEach(function (x) { cell.appendChild(item(x)); });
        g.appendChild(cell);
      });
    });
    wrap.appendChild(g);
    return wrap;
  }

  function daySection(day, recs) {
    var s = el("section", "sched-day");
    s.setAttribute("data-day", day);
    var h = el("h3", "", day ? (dayLabels[day] || day) : "Day not given");
    h.appendChild(el("span", "sched-n", plural(recs.length, "talk", "talks")));
    s.appendChild(h);
    var timed = recs.filter(function (r) { return r.start; });
    var untimed = recs.filter(function (r) { return !r.start; });
    if (timed.length) { s.appendChild(grid(timed)); }
    if (untimed.length) {
      s.appendChild(el("h4", "sched-untimed-h", "Without a time"));
      var list = el("div", "sched-untimed");
      untimed.forEach(function (r) { list.appendChild(item(r)); });
      s.appendChild(list);
    }
    return s;
  }

  function build(ids) {
    var groups = {}, keys = [];
    ids.forEach(function (id) {
      var rec = records[id];
      if (!rec) { return; }
      if (!groups[rec.day]) { groups[rec.day] = []; keys.push(rec.day); }
      groups[rec.day].push(rec);
    });
    keys.sort(function (a, b) {
      var oa = a in dayOrder ? dayOrder[a] : 1e9, ob = b in dayOrder ? dayOrder[b] : 1e9;
      return oa - ob;
    });
    box.replaceChildren();
    keys.forEach(function (day) { box.appendChild(daySection(day, groups[day])); });
    if (!keys.length) { box.appendChild(el("p", "empty", "No talk matches the search and filters.")); }
  }

  var dirty = true;
  function refresh() {
    if (tt.view && tt.view() === "schedule") {
      build(tt.selection || Object.keys(records));
      dirty = false;
    } else {
      dirty = true;
    }
  }
  document.addEventListener("talktopics:selection", refresh);
  document.addEventListener("talktopics:view", function () { if (dirty || tt.view() === "schedule") { refresh(); } });
  refresh();
})();
