/* talktopics digest: download the selected talks (window.talktopics.selection) as a calendar
   (.ics, RFC 5545) or a table (.csv, RFC 4180), made in the page from the embedded talk
   records. The calendar holds the talks with a date and a start time, as floating local times
   (the programme gives no time zone); the table holds every selected talk. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("tt-data").textContent);
  var tt = window.talktopics = window.talktopics || {};
  var records = {};
  var order = [];
  (data.talks || []).forEach(function (t) { records[t.anchor] = t; order.push(t.anchor); });
  function selected() {
    return (tt.selection || order).map(function (id) { return records[id]; }).filter(Boolean);
  }
  tt.selectedRecords = selected;
  function dated(rec) { return /^\d{4}-\d{2}-\d{2}$/.test(rec.date) && /^\d{2}:\d{2}$/.test(rec.start); }

  /* ---- iCalendar ------------------------------------------------------------------------------ */
  function icsText(value) {
    return String(value).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
      .replace(/\r\n|\r|\n/g, "\\n");
  }
  function utf8Length(ch) {
    var c = ch.codePointAt(0);
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  /* Lines of at most 75 octets; continuation lines start with one space (RFC 5545, 3.1). */
  function fold(line) {
    var out = [], cur = "", size = 0, limit = 75;
    Array.from(line).forEach(function (ch) {
      var n = utf8Length(ch);
      if (size + n > limit) { out.push(cur); cur = " "; size = 1; }
      cur += ch;
      size += n;
    });
    out.push(cur);
    return out.join("\r\n");
  }
  function stamp(date) { return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"); }
  function localTime(rec) { return rec.date.replace(/-/g, "") + "T" + rec.start.replace(":", "") + "00"; }
  tt.icsFor = function (recs, now) {
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//talktopics//digest//EN", "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH", "X-WR-CALNAME:" + icsText(document.title)];
    var dtstamp = stamp(now || new Date());
    recs.filter(dated).forEach(function (rec) {
      lines.push("BEGIN:VEVENT", "UID:" + icsText(rec.uid) + "@talktopics", "DTSTAMP:" + dtstamp,
        "DTSTART:" + localTime(rec), "SUMMARY:" + icsText(rec.title));
      if (rec.room) { lines.push("LOCATION:" + icsText(rec.room)); }
      var about = [rec.speakers, rec.summary].filter(Boolean).join("\n\n");
      if (about) { lines.push("DESCRIPTION:" + icsText(about)); }
      if (rec.topic_label) { lines.push("CATEGORIES:" + icsText(rec.topic_label)); }
      if (rec.url) { lines.push("URL:" + rec.url); }
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("\r\n") + "\r\n";
  };

  /* ---- CSV ------------------------------------------------------------------------------------ */
  var COLUMNS = [["id", "uid"], ["title", "title"], ["speakers", "speakers"], ["date", "date"],
    ["day", "day"], ["start", "start"], ["room", "room"], ["track", "track"], ["edition", "edition"],
    ["session_type", "type"], ["topic", "topic_label"], ["subtopic", "subtopic"], ["has_notes", "notes"],
    ["summary", "summary"], ["url", "url"], ["video_url", "video_url"]];
  function csvCell(value) {
    var text = String(value === undefined || value === null ? "" : value);
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; } /* no formulas when opened in a spreadsheet */
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }
  tt.csvFor = function (recs) {
    var rows = [COLUMNS.map(function (c) { return c[0]; })];
    recs.forEach(function (rec) {
      rows.push(COLUMNS.map(function (c) { return c[1] === "notes" ? (rec.notes ? "yes" : "no") : rec[c[1]]; }));
    });
    return rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  };

  /* ---- buttons -------------------------------------------------------------------------------- */
  function save(text, type, name) {
    var url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  var ics = document.getElementById("tt-ics");
  var csv = document.getElementById("tt-csv");
  function update() {
    var recs = selected();
    var n = recs.filter(dated).length;
    if (ics) {
      ics.disabled = n === 0;
      ics.title = n ? "Download the " + n + " shown talk" + (n === 1 ? "" : "s") + " with a date and time as a calendar (.ics)"
        : "No shown talk has a date and a time";
    }
    if (csv) {
      csv.disabled = recs.length === 0;
      csv.title = "Download the " + recs.length + " shown talk" + (recs.length === 1 ? "" : "s") + " as a table (.csv)";
    }
  }
  if (ics) { ics.addEventListener("click", function () { save(tt.icsFor(selected()), "text/calendar", "talks.ics"); }); }
  if (csv) { csv.addEventListener("click", function () { save(tt.csvFor(selected()), "text/csv", "talks.csv"); }); }
  document.addEventListener("talktopics:selection", update);
  update();
})();
