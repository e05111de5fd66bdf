/* talktopics digest: the word network (cytoscape.js), readable at laptop and phone widths.
   The digest places the terms; this script sizes dots and labels in screen pixels (whatever
   the zoom) and decides which labels show: every topic's label first (moved to free space
   near its terms), then terms by rank (each topic's best terms before any topic's lesser
   ones), a label only where it overlaps no label or dot already placed; zooming in shows more.
   Listens to "talktopics:selection": terms then count the selected talks.
   User text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";

  var tt = window.talktopics = window.talktopics || {};
  if (!tt.data) { tt.data = JSON.parse(document.getElementById("tt-data").textContent); }
  var data = tt.data;
  var topicById = {};
  data.topics.forEach(function (t) { topicById[t.id] = t; });
  var box = document.getElementById("tt-network");
  if (!box || typeof cytoscape !== "function" || data.nodes.length === 0) {
    var panel = document.querySelector(".network-panel");
    if (panel && data.nodes.length === 0) { panel.hidden = true; }
    return;
  }
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  var ink = dark ? "#e6eaee" : "#1c232b";
  var paper = dark ? "#1c2228" : "#ffffff";
  var SLICES = 4;
  var FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, Arial, sans-serif";
  /* Sizes in screen pixels (dots and fonts a little smaller in a small box, see scaleTo). */
  var DOT = [9, 22], TERM_FONT = [11, 14], HUB_FONT = 13, OUTLINE = 2, HUB_PAD = 4, GAP = 2;
  function scaleTo(w, h) {
    var small = Math.min(w, h) < 560;
    DOT = small ? [6, 13] : [9, 22];
    TERM_FONT = small ? [11, 12.5] : [11, 14];
    HUB_FONT = small ? 12 : 13;
  }
  var EDGE = 2; /* cytoscape pads a label's bounding box by 2 model units on each side */
  var FIT_PAD = 30, TAP_REACH = 22;

  var elements = [];
  data.topics.forEach(function (t) {
    if (t.x === null) { return; }
    elements.push({ group: "nodes", classes: "hub",
      data: { id: "h-" + t.id, topic: t.id, label: t.label, colour: t.colour, talks: t.talks },
      position: { x: t.x, y: t.y } });
  });
  data.nodes.forEach(function (n, i) {
    var d = { id: "n" + i, label: n.label, score: n.score, df: n.df, topics: n.topics, rank: n.rank };
    for (var k = 0; k < SLICES; k++) {
      var m = n.topics[k];
      d["p" + (k + 1)] = m ? Math.round(m[1] * 1000) / 10 : 0;
      d["c" + (k + 1)] = m && topicById[m[0]] ? topicById[m[0]].colour : "#8a929b";
    }
    var fuzzy = n.topics.length > 1;
    elements.push({ group: "nodes", classes: fuzzy ? "term fuzzy" : "term", data: d,
      position: { x: n.x, y: n.y } });
    if (fuzzy) {
      n.topics.forEach(function (m) {
        var t = topicById[m[0]];
        if (t && t.x !== null) {
          elements.push({ group: "edges", classes: "member",
            data: { id: "m" + i + "-" + t.id, source: "n" + i, target: "h-" + t.id, colour: t.colour } });
        }
      });
    }
  });
  data.edges.forEach(function (e, i) {
    elements.push({ group: "edges", classes: "sim",
      data: { id: "e" + i, source: "n" + e[0], target: "n" + e[1], weight: e[2] } });
  });

  /* The stylesheet at zoom z: every size divided by z, so it is the same on screen. */
  function stylesheet(z) {
    function px(v) { return v / z; }
    function byScore(a, b) { return "mapData(score, 0, 1, " + px(a) + ", " + px(b) + ")"; }
    var term = {
      "width": byScore(DOT[0], DOT[1]), "height": byScore(DOT[0], DOT[1]),
      "background-color": "data(c1)", "pie-size": "100%", "label": "",
      "font-family": FONT, "font-size": byScore(TERM_FONT[0], TERM_FONT[1]), "color": ink,
      "text-outline-color": paper, "text-outline-width": px(OUTLINE), "text-outline-opacity": 0.85,
      "min-zoomed-font-size": 0, "text-events": "yes", "border-width": px(1), "border-color": paper
    };
    for (var s = 1; s <= SLICES; s++) {
      term["pie-" + s + "-background-color"] = "data(c" + s + ")";
      term["pie-" + s + "-background-size"] = "mapData(p" + s + ", 0, 100, 0, 100)";
    }
    return [
      { selector: "node.term", style: term },
      { selector: "node.term.lab", style: { "label": "data(label)" } },
      { selector: "node.lab-b", style: { "text-valign": "bottom", "text-halign": "center", "text-margin-y": px(GAP) } },
      { selector: "node.lab-t", style: { "text-valign": "top", "text-halign": "center", "text-margin-y": -px(GAP) } },
      { selector: "node.lab-r", style: { "text-valign": "center", "text-halign": "right", "text-margin-x": px(GAP) } },
      { selector: "node.lab-l", style: { "text-valign": "center", "text-halign": "left", "text-margin-x": -px(GAP) } },
      { selector: "node.fuzzy", style: { "border-width": px(2), "border-color": ink, "border-opacity": 0.55 } },
      { selector: "node.hub", style: {
        "width": px(4), "height": px(4), "background-opacity": 0, "border-width": 0,
        "label": "data(label)", "text-valign": "center", "text-halign": "center",
        "font-family": FONT, "font-size": px(HUB_FONT), "font-weight": 700, "color": ink,
        "text-background-color": "data(colour)", "text-background-opacity": dark ? 0.45 : 0.22,
        "text-background-shape": "round-rectangle", "text-background-padding": px(HUB_PAD),
        "text-border-width": px(1.5), "text-border-color": "data(colour)", "text-border-opacity": 0.9,
        "min-zoomed-font-size": 0, "text-events": "no", "z-index": 10 } },
      { selector: "node.hub.nolab", style: { "label": "" } },
      { selector: "edge.sim", style: {
        "width": "mapData(weight, 0, 1, " + px(0.6) + ", " + px(2.5) + ")",
        "line-color": dark ? "#5d6975" : "#9aa5b1", "opacity": 0.3, "curve-style": "haystack" } },
      { selector: "edge.member", style: {
        "width": px(1.6), "line-color": "data(colour)", "line-style": "dashed", "opacity": 0.85,
        "curve-style": "straight", "display": "none" } },
      { selector: "edge.member.show", style: { "display": "element" } },
      { selector: "node.term.nosel", style: { "opacity": 0.25 } },
      { selector: "node.hub.nosel", style: { "opacity": 0.25, "text-opacity": 0.35 } },
      { selector: ".faded", style: { "opacity": 0.1, "text-opacity": 0.15 } },
      { selector: "node.term.hl", style: { "border-width": px(3), "border-color": ink, "border-opacity": 1, "z-index": 20 } },
      { selector: "edge.hl", style: { "opacity": 0.9 } }
    ];
  }

  var cy = cytoscape({
    container: box,
    elements: elements,
    layout: { name: "preset", fit: false },
    minZoom: 0.1, maxZoom: 6,
    userZoomingEnabled: false, userPanningEnabled: false, boxSelectionEnabled: false,
    autoungrabify: true, autounselectify: true,
    style: stylesheet(1)
  });
  tt.cy = cy;
  var terms = cy.nodes(".term");
  var hubs = cy.nodes(".hub");
  /* The digest's positions; a tall box (a phone) shows them transposed, so the wide ring of
     topics fills the box instead of a strip of it. */
  var given = {}, home = {}, transposed = null;
  cy.nodes().forEach(function (n) { given[n.id()] = { x: n.position("x"), y: n.position("y") }; });
  function orient() {
    var tall = box.clientHeight > box.clientWidth * 1.1;
    if (tall === transposed) { return; }
    transposed = tall;
    cy.nodes().forEach(function (n) {
      var p = given[n.id()];
      n.position(tall ? { x: p.y, y: p.x } : { x: p.x, y: p.y });
    });
    hubs.forEach(function (h) { home[h.id()] = { x: h.position("x"), y: h.position("y") }; });
  }
  /* Label order: rank within the main topic, then importance. */
  var order = terms.toArray().sort(function (a, b) {
    return (a.data("rank") - b.data("rank")) || (b.data("score") - a.data("score"));
  });

  /* ---- label placement (model coordinates; sizes from screen pixels) --------------------- */
  var measure = document.createElement("canvas").getContext("2d");
  var widths = {};
  function textWidth(node, fontPx, weight) {
    var key = node.id() + "/" + fontPx;
    if (!(key in widths)) {
      measure.font = weight + " " + fontPx + "px " + FONT;
      widths[key] = Math.ceil(measure.measureText(node.data("label")).width) + 1;
    }
    return widths[key];
  }
  function dotPx(node) { return DOT[0] + (DOT[1] - DOT[0]) * node.data("score"); }
  function fontPx(node) { return TERM_FONT[0] + (TERM_FONT[1] - TERM_FONT[0]) * node.data("score"); }
  function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }
  function hubBox(hub, at, z) {
    var w = textWidth(hub, HUB_FONT, "700") / z, h = HUB_FONT / z;
    var pad = (HUB_PAD + 1.5 + GAP) / z + EDGE;
    return { x1: at.x - w / 2 - pad, x2: at.x + w / 2 + pad, y1: at.y - h / 2 - pad, y2: at.y + h / 2 + pad };
  }
  function termBox(node, side, z) {
    var p = node.position(), r = dotPx(node) / 2 / z + 2 / z, f = fontPx(node);
    var w = textWidth(node, f, "normal") / z, h = f / z;
    var o = (OUTLINE + GAP) / z + EDGE;
    var gap = GAP / z;
    if (side === "b") { return { x1: p.x - w / 2 - o, x2: p.x + w / 2 + o, y1: p.y + r + gap - o, y2: p.y + r + gap + h + o }; }
    if (side === "t") { return { x1: p.x - w / 2 - o, x2: p.x + w / 2 + o, y1: p.y - r - gap - h - o, y2: p.y - r - gap + o }; }
    if (side === "r") { return { x1: p.x + r + gap - o, x2: p.x + r + gap + w + o, y1: p.y - h / 2 - o, y2: p.y + h / 2 + o }; }
    return { x1: p.x - r - gap - w - o, x2: p.x - r - gap + o, y1: p.y - h / 2 - o, y2: p.y + h / 2 + o };
  }
  function dotBoxes(z) {
    return terms.map(function (n) {
      var p = n.position(), r = dotPx(n) / 2 / z + 1 / z;
      return { id: n.id(), b: { x1: p.x - r, x2: p.x + r, y1: p.y - r, y2: p.y + r } };
    });
  }
  /* Each topic label goes to the free spot nearest its place that covers the fewest dots and
     no other topic label, inside the view. */
  function placeHubs() {
    var z = cy.zoom(), ext = cy.extent(), dots = dotBoxes(z), done = covered(z);
    var steps = [[0, 0]];
    for (var ring = 1; ring <= 8; ring++) {
      for (var a = 0; a < 16; a++) {
        var ang = a * Math.PI / 8;
        steps.push([Math.round(Math.cos(ang) * 30 * ring), Math.round(Math.sin(ang) * 18 * ring)]);
      }
    }
    hubs.forEach(function (hub) {
      var start = home[hub.id()], best = null, bestCost = Infinity;
      steps.forEach(function (s) {
        var at = { x: start.x + s[0] / z, y: start.y + s[1] / z };
        var b = hubBox(hub, at, z);
        var cost = Math.sqrt(s[0] * s[0] + s[1] * s[1]);
        if (b.x1 < ext.x1 || b.x2 > ext.x2 || b.y1 < ext.y1 || b.y2 > ext.y2) { cost += 5000; }
        done.forEach(function (d) { if (overlaps(b, d)) { cost += 10000; } });
        dots.forEach(function (d) { if (overlaps(b, d.b)) { cost += 20; } });
        if (cost < bestCost) { bestCost = cost; best = at; }
      });
      hub.position(best);
      done.push(hubBox(hub, best, z));
    });
  }
  /* The controls and the hint lie over the network: no label goes under them. */
  function covered(z) {
    var out = [], pan = cy.pan(), outer = box.getBoundingClientRect();
    ["tt-activate"].concat(["tt-zoom-in", "tt-zoom-out", "tt-fit"]).forEach(function (id) {
      var e = document.getElementById(id);
      if (!e || e.hidden) { return; }
      var r = e.getBoundingClientRect();
      out.push({ x1: (r.left - outer.left - pan.x) / z, x2: (r.right - outer.left - pan.x) / z,
        y1: (r.top - outer.top - pan.y) / z, y2: (r.bottom - outer.top - pan.y) / z });
    });
    return out;
  }
  function inside(b, ext) { return b.x1 >= ext.x1 && b.x2 <= ext.x2 && b.y1 >= ext.y1 && b.y2 <= ext.y2; }
  var SIDES = ["b", "t", "r", "l"];
  function placeLabels() {
    var z = cy.zoom(), dots = dotBoxes(z), placed = covered(z), ext = cy.extent();
    cy.batch(function () {
      hubs.forEach(function (hub) {
        var b = hubBox(hub, hub.position(), z);
        var clash = placed.some(function (p) { return overlaps(b, p); });
        hub.toggleClass("nolab", clash);
        if (!clash) { placed.push(b); }
      });
      order.forEach(function (node) {
        node.removeClass("lab lab-b lab-t lab-r lab-l");
        if (node.hasClass("faded")) { return; }
        for (var i = 0; i < SIDES.length; i++) {
          var b = termBox(node, SIDES[i], z);
          var free = inside(b, ext) && !placed.some(function (p) { return overlaps(b, p); }) &&
            !dots.some(function (d) { return d.id !== node.id() && overlaps(b, d.b); });
          if (free) { node.addClass("lab lab-" + SIDES[i]); placed.push(b); return; }
        }
      });
    });
  }
  function restyle() { styledAt = cy.zoom(); cy.style(stylesheet(styledAt)); }
  function arrange() {
    cy.resize();
    scaleTo(box.clientWidth, box.clientHeight);
    orient();
    hubs.forEach(function (h) { h.position(home[h.id()]); });
    restyle();
    cy.fit(terms, FIT_PAD);
    restyle();
    placeHubs();
    placeLabels();
  }
  /* Zooming resizes and re-labels (more labels fit when zoomed in); panning re-labels. */
  var pending = false, styledAt = null;
  cy.on("viewport", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      if (cy.zoom() !== styledAt) { restyle(); }
      placeLabels();
    });
  });

  /* Zooming and panning start after a click into the network, so the page scrolls normally. */
  var hint = document.getElementById("tt-activate");
  hint.hidden = false;
  arrange();
  function activate(on) {
    cy.userZoomingEnabled(on);
    cy.userPanningEnabled(on);
    hint.hidden = on;
  }
  cy.on("tapstart", function () { activate(true); });
  box.addEventListener("mouseleave", function () { activate(false); });
  document.addEventListener("pointerdown", function (e) {
    if (!box.contains(e.target)) { activate(false); }
  });
  document.getElementById("tt-zoom-in").addEventListener("click", function () { zoomBy(1.3); });
  document.getElementById("tt-zoom-out").addEventListener("click", function () { zoomBy(1 / 1.3); });
  document.getElementById("tt-fit").addEventListener("click", arrange);
  function zoomBy(f) {
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } });
  }
  var lastWidth = box.clientWidth;
  window.addEventListener("resize", function () {
    if (box.clientWidth !== lastWidth) { lastWidth = box.clientWidth; arrange(); } else { cy.resize(); }
  });

  /* ---- which talks a term finds: the search's rule (every word in the card's text) -------- */
  /* Word matching is filters.js's alone (tt.countFor / tt.countIn): one rule for the search,
     the tooltips and the fading, so they never disagree. */
  var nCards = document.querySelectorAll("article.talk").length;
  /* Selected cards (by anchor) from talk ids or card ids; null = no selection. */
  var anchorOf = {};
  (data.map || []).forEach(function (p) { anchorOf[p[4]] = p[3]; anchorOf[p[3]] = p[3]; });
  var selected = null, selectedIds = [], selectedCount = 0;
  function onSelection(ids) {
    if (!ids || ids.length >= nCards) { selected = null; cy.nodes().removeClass("nosel"); return; }
    selected = {};
    selectedIds = [];
    ids.forEach(function (id) {
      var a = anchorOf[id] || id;
      if (!selected[a]) { selected[a] = true; selectedIds.push(a); }
    });
    selectedCount = selectedIds.length;
    cy.batch(function () {
      terms.forEach(function (n) {
        var k = tt.countIn(n.data("label"), selectedIds);
        n.data("sel", k);
        n.toggleClass("nosel", k === 0);
      });
      /* a topic with none of the selected talks fades too */
      cy.nodes(".hub").forEach(function (h) {
        h.toggleClass("nosel", Boolean(tt.topicCounts) && !tt.topicCounts[h.data("topic")]);
      });
    });
  }
  document.addEventListener("talktopics:selection", function (e) {
    onSelection(e.detail && e.detail.ids ? e.detail.ids : null);
  });
  if (Array.isArray(tt.selection)) { onSelection(tt.selection); }

  /* ---- tooltip: a term's topics with weights, or a topic's size ---------------------------- */
  var tip = document.getElementById("tt-tip");
  var pinned = null;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function plural(n, one) { return n + " " + one + (n === 1 ? "" : "s"); }
  function showTip(node) {
    tip.replaceChildren();
    tip.appendChild(el("p", "tip-term", node.data("label")));
    if (node.hasClass("hub")) {
      var nt = tt.narrowed && tt.topicCounts ? (tt.topicCounts[node.data("topic")] || 0) : node.data("talks");
      tip.appendChild(el("p", "tip-meta", plural(nt, "talk") + " · click to highlight its terms"));
    } else {
      var topics = node.data("topics");
      /* The count "Find talks" will show: filters.js's own count under the current filters. */
      var found = tt.countFor(node.data("label"));
      var meta = (topics.length > 1 ? "shared by " + topics.length + " topics" : "one topic") +
        " · found in " + plural(found, "talk");
      if (selected) { meta += " · " + tt.countIn(node.data("label"), selectedIds) + " of the " + plural(selectedCount, "selected talk"); }
      tip.appendChild(el("p", "tip-meta", meta));
      var ul = el("ul");
      topics.forEach(function (m) {
        var t = topicById[m[0]];
        var li = el("li");
        var sw = el("span", "swatch");
        sw.style.background = t ? t.colour : "#8a929b";
        li.appendChild(sw);
        li.appendChild(el("span", "", t ? t.label : m[0]));
        li.appendChild(el("span", "pct", Math.round(m[1] * 100) + " %"));
        ul.appendChild(li);
      });
      tip.appendChild(ul);
      var btn = el("button", "", "Find talks with “" + node.data("label") + "”");
      btn.type = "button";
      btn.addEventListener("click", function () { if (tt.search) { tt.search(node.data("label")); } });
      tip.appendChild(btn);
    }
    tip.hidden = false;
    var p = node.renderedPosition();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = Math.min(Math.max(4, p.x + 14), box.clientWidth - w - 4);
    var y = p.y + 14 + h > box.clientHeight ? Math.max(4, p.y - h - 14) : p.y + 14;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function closeTip() {
    if (pinned) { ties(pinned, false); }
    pinned = null;
    tip.hidden = true;
  }
  function hideTip() { if (!pinned) { tip.hidden = true; } }
  /* A fuzzy term's dashed ties to its topics show while it is hovered or selected. */
  function ties(node, on) {
    if (node.hasClass("term")) { node.connectedEdges(".member")[on ? "addClass" : "removeClass"]("show"); }
  }
  cy.on("mouseover", "node", function (e) { ties(e.target, true); if (!pinned) { showTip(e.target); } });
  cy.on("mouseout", "node", function (e) { if (e.target !== pinned) { ties(e.target, false); } hideTip(); });
  /* A tooltip belongs to a place on the screen: zooming or panning closes it. */
  cy.on("viewport", function () { if (!tip.hidden) { closeTip(); } });

  /* Highlight: one topic's terms (legend, hub, "show in network"), or one term's neighbours. */
  var legendButtons = Array.prototype.slice.call(document.querySelectorAll(".legend-item"));
  var current = null;
  function clearHighlight() {
    cy.elements().removeClass("faded hl show");
    legendButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    current = null;
  }
  function highlightTopic(topicId) {
    if (current === topicId) { clearHighlight(); placeLabels(); return; }
    clearHighlight();
    current = topicId;
    var keep = cy.nodes().filter(function (n) {
      if (n.hasClass("hub")) { return n.data("topic") === topicId; }
      return n.data("topics").some(function (m) { return m[0] === topicId; });
    });
    cy.elements().addClass("faded");
    keep.removeClass("faded").addClass("hl");
    keep.edgesWith(keep).removeClass("faded").addClass("hl");
    keep.edgesWith(cy.getElementById("h-" + topicId)).addClass("show");
    legendButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-topic") === topicId ? "true" : "false");
    });
    placeLabels();
  }
  function highlightTerm(node) {
    clearHighlight();
    var hood = node.closedNeighborhood();
    cy.elements().addClass("faded");
    hood.removeClass("faded");
    node.addClass("hl");
    ties(node, true);
    placeLabels();
  }
  legendButtons.forEach(function (b) {
    b.addEventListener("click", function () { highlightTopic(b.getAttribute("data-topic")); });
  });
  Array.prototype.slice.call(document.querySelectorAll(".show-in-net")).forEach(function (b) {
    b.addEventListener("click", function () {
      highlightTopic(b.getAttribute("data-topic"));
      document.querySelector(".network-panel").scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });
  function tapTerm(node) { if (pinned) { ties(pinned, false); } pinned = node; highlightTerm(node); showTip(node); }
  cy.on("tap", "node.hub", function (e) { closeTip(); highlightTopic(e.target.data("topic")); showTip(e.target); });
  cy.on("tap", "node.term", function (e) { tapTerm(e.target); });
  /* A tap near a dot (a finger is wider than a dot), on the background or an edge, counts as
     a tap on the nearest dot. */
  cy.on("tap", function (e) {
    if (e.target !== cy && !e.target.isEdge()) { return; }
    var at = e.renderedPosition, near = null, best = TAP_REACH * TAP_REACH;
    /* Topic labels let events through to the dots they may cover; a tap on a label's free
       part picks its topic. */
    var hub = at ? hubs.filter(function (h) {
      var b = h.renderedBoundingBox({ includeNodes: false, includeLabels: true, includeEdges: false });
      return !h.hasClass("nolab") && at.x >= b.x1 && at.x <= b.x2 && at.y >= b.y1 && at.y <= b.y2;
    })[0] : null;
    if (hub) { closeTip(); highlightTopic(hub.data("topic")); showTip(hub); return; }
    if (at) {
      terms.forEach(function (n) {
        var p = n.renderedPosition(), d = (p.x - at.x) * (p.x - at.x) + (p.y - at.y) * (p.y - at.y);
        if (d < best) { best = d; near = n; }
      });
    }
    if (near) { tapTerm(near); } else { closeTip(); clearHighlight(); placeLabels(); }
  });
})();
