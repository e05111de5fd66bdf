/* talktopics digest: the interactive word network (cytoscape.js).
   User text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("tt-data").textContent);
  var topicById = {};
  data.topics.forEach(function (t) { topicById[t.id] = t; });

  /* Search and filters live in filters.js (window.talktopics.search, .countFor, .topicCounts). */
  var tt = window.talktopics = window.talktopics || {};
  function searchFor(text) { if (tt.search) { tt.search(text); } }
  /* Talks a term's "Find talks" shows in the current selection's filters; a topic's selected talks. */
  function termTalks(node) { return tt.countFor ? tt.countFor(node.data("label")) : node.data("df"); }
  function topicTalks(node) {
    return tt.topicCounts ? (tt.topicCounts[node.data("topic")] || 0) : node.data("talks");
  }

  /* ---- word network ------------------------------------------------------------------------ */
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

  var elements = [];
  data.topics.forEach(function (t) {
    if (t.x === null) { return; }
    elements.push({ group: "nodes", classes: "hub",
      data: { id: "h-" + t.id, topic: t.id, label: t.label, colour: t.colour, talks: t.talks },
      position: { x: t.x, y: t.y } });
  });
  data.nodes.forEach(function (n, i) {
    var d = { id: "n" + i, label: n.label, score: n.score, df: n.df, topics: n.topics };
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

  var termStyle = {
    "width": "mapData(score, 0, 1, 12, 40)", "height": "mapData(score, 0, 1, 12, 40)",
    "background-color": "data(c1)", "pie-size": "100%",
    "label": "data(label)", "font-size": "mapData(score, 0, 1, 11, 21)", "color": ink,
    "text-valign": "bottom", "text-margin-y": 3, "text-outline-color": paper, "text-outline-width": 2,
    "text-outline-opacity": 0.85, "min-zoomed-font-size": 9, "border-width": 1, "border-color": paper
  };
  for (var s = 1; s <= SLICES; s++) {
    termStyle["pie-" + s + "-background-color"] = "data(c" + s + ")";
    termStyle["pie-" + s + "-background-size"] = "mapData(p" + s + ", 0, 100, 0, 100)";
  }
  var cy = cytoscape({
    container: box,
    elements: elements,
    layout: { name: "preset", fit: true, padding: 24 },
    minZoom: 0.2, maxZoom: 4,
    userZoomingEnabled: false, userPanningEnabled: false, boxSelectionEnabled: false,
    autoungrabify: false, autounselectify: true,
    style: [
      { selector: "node.term", style: termStyle },
      { selector: "node.fuzzy", style: { "border-width": 2, "border-color": ink, "border-opacity": 0.55 } },
      { selector: "node.hub", style: {
        "width": 4, "height": 4, "background-color": "data(colour)", "border-width": 0,
        "label": "data(label)", "text-valign": "center", "text-halign": "center",
        "font-size": 20, "font-weight": 700, "color": ink, "text-wrap": "wrap", "text-max-width": 220,
        "text-background-color": "data(colour)", "text-background-opacity": dark ? 0.35 : 0.16,
        "text-background-shape": "round-rectangle", "text-background-padding": 6,
        "text-border-width": 1.5, "text-border-color": "data(colour)", "text-border-opacity": 0.9,
        "min-zoomed-font-size": 6, "z-index": 10 } },
      { selector: "edge.sim", style: {
        "width": "mapData(weight, 0, 1, 0.6, 3)", "line-color": dark ? "#5d6975" : "#9aa5b1",
        "opacity": 0.3, "curve-style": "haystack" } },
      { selector: "edge.member", style: {
        "width": 1.6, "line-color": "data(colour)", "line-style": "dashed", "opacity": 0.85,
        "curve-style": "straight", "display": "none" } },
      { selector: "edge.member.show", style: { "display": "element" } },
      { selector: ".faded", style: { "opacity": 0.1, "text-opacity": 0.15 } },
      { selector: "node.out", style: { "opacity": 0.12, "text-opacity": 0.12, "events": "no" } },
      { selector: "node.term.hl", style: { "border-width": 3, "border-color": ink, "border-opacity": 1, "z-index": 20 } },
      { selector: "edge.hl", style: { "opacity": 0.9 } }
    ]
  });
  tt.cy = cy;

  /* The network follows the selection (filters.js): terms in none of the shown talks and
     topics with none of them fade out. */
  function followSelection() {
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var out = Boolean(tt.narrowed) && (n.hasClass("hub") ? topicTalks(n) === 0 : tt.countIn(n.data("label")) === 0);
        n[out ? "addClass" : "removeClass"]("out");
      });
    });
  }
  var following = null;
  document.addEventListener("talktopics:selection", function () {
    clearTimeout(following);
    following = setTimeout(followSelection, 60);
  });
  if (tt.countIn) { followSelection(); }

  /* Zooming and panning start after a click into the network, so the page scrolls normally. */
  var hint = document.getElementById("tt-activate");
  hint.hidden = false;
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
  document.getElementById("tt-fit").addEventListener("click", function () { cy.fit(undefined, 24); });
  function zoomBy(f) {
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } });
  }
  window.addEventListener("resize", function () { cy.resize(); });

  /* Tooltip: a term's topics with weights, or a topic's size. */
  var tip = document.getElementById("tt-tip");
  var pinned = null;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function showTip(node) {
    tip.replaceChildren();
    if (node.hasClass("hub")) {
      tip.appendChild(el("p", "tip-term", node.data("label")));
      var nt = topicTalks(node);
      tip.appendChild(el("p", "tip-meta", nt + (nt === 1 ? " talk" : " talks") + " · click to highlight its terms"));
    } else {
      tip.appendChild(el("p", "tip-term", node.data("label")));
      var topics = node.data("topics");
      var n = termTalks(node);
      tip.appendChild(el("p", "tip-meta", (topics.length > 1 ? "shared by " + topics.length + " topics" : "one topic") +
        " · in " + n + (n === 1 ? " talk" : " talks")));
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
      btn.addEventListener("click", function () { searchFor(node.data("label")); });
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
  function hideTip() { if (!pinned) { tip.hidden = true; } }
  /* A fuzzy term's dashed ties to its topics show while it is hovered or selected. */
  function ties(node, on) {
    if (node.hasClass("term")) { node.connectedEdges(".member")[on ? "addClass" : "removeClass"]("show"); }
  }
  cy.on("mouseover", "node", function (e) { ties(e.target, true); if (!pinned) { showTip(e.target); } });
  cy.on("mouseout", "node", function (e) { if (e.target !== pinned) { ties(e.target, false); } hideTip(); });

  /* Highlight: one topic's terms (legend, hub, "show in network"), or one term's neighbours. */
  var legendButtons = Array.prototype.slice.call(document.querySelectorAll(".legend-item"));
  var current = null;
  function clearHighlight() {
    cy.elements().removeClass("faded hl show");
    legendButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    current = null;
  }
  function highlightTopic(topicId) {
    if (current === topicId) { clearHighlight(); return; }
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
  }
  function highlightTerm(node) {
    clearHighlight();
    var hood = node.closedNeighborhood();
    cy.elements().addClass("faded");
    hood.removeClass("faded");
    node.addClass("hl");
    ties(node, true);
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
  cy.on("tap", "node.hub", function (e) { pinned = null; highlightTopic(e.target.data("topic")); showTip(e.target); });
  cy.on("tap", "node.term", function (e) { pinned = e.target; highlightTerm(e.target); showTip(e.target); });
  cy.on("tap", function (e) {
    if (e.target === cy) { pinned = null; tip.hidden = true; clearHighlight(); }
  });
})();
