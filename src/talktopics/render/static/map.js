/* talktopics digest: the map of talks. One SVG dot per talk at the position the digest
   computed (window.talktopics.data.map: [x, y, topic index, card id, talk id, title, summary],
   x and y in 0..1), coloured by the talk's topic. Hover (or tap) shows the title and a line of
   summary; a click goes to the talk's card. Dots keep their size on screen when zoomed.
   Listens to "talktopics:selection": talks outside the selection turn grey.
   User text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";

  var tt = window.talktopics = window.talktopics || {};
  if (!tt.data) { tt.data = JSON.parse(document.getElementById("tt-data").textContent); }
  var data = tt.data;
  var holder = document.getElementById("talk-map");
  var points = data.map || [];
  if (!holder || points.length === 0) { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var tip = document.getElementById("tt-map-tip");
  var countEl = document.getElementById("tt-map-count");
  var n = points.length;
  /* Dots shrink and fade a little as the map fills: 6 px for 100 talks, 3.5 px for 2,000. */
  var R = Math.max(3, Math.min(7, 10 - 2 * Math.log10(n)));
  var ALPHA = Math.max(0.55, Math.min(0.9, 1.3 - 0.25 * Math.log10(n)));
  var PAD = 14;

  var svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "map-svg");
  svg.setAttribute("aria-hidden", "true");
  var layer = document.createElementNS(SVG, "g");
  svg.appendChild(layer);
  holder.appendChild(svg);

  /* Bounds of the points (the shorter side was centred by the digest). */
  var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  points.forEach(function (p) {
    x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]);
    y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
  });
  var spanX = (x1 - x0) || 1, spanY = (y1 - y0) || 1;

  var dots = points.map(function (p, i) {
    var c = document.createElementNS(SVG, "circle");
    var topic = p[2] >= 0 ? data.topics[p[2]] : null;
    c.setAttribute("class", "map-dot");
    c.setAttribute("fill", topic ? topic.colour : data.other_colour || "#8a929b");
    c.setAttribute("fill-opacity", String(ALPHA));
    c.setAttribute("data-talk", p[3]);
    layer.appendChild(c);
    return { el: c, p: p, i: i, topic: topic, sx: 0, sy: 0, on: true };
  });

  /* View: base scale fits the map into the box; zoom k and pan (tx, ty) on top of it. */
  var W = 0, H = 0, base = 1, ox = 0, oy = 0, k = 1, tx = 0, ty = 0;
  function measure() {
    W = holder.clientWidth; H = holder.clientHeight;
    svg.setAttribute("width", W); svg.setAttribute("height", H);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    base = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
    ox = (W - base * spanX) / 2; oy = (H - base * spanY) / 2;
  }
  function draw() {
    var r = R * (k > 1 ? Math.min(2, Math.sqrt(k)) : 1);
    dots.forEach(function (d) {
      d.sx = tx + k * (ox + base * (d.p[0] - x0));
      d.sy = ty + k * (oy + base * (d.p[1] - y0));
      d.el.setAttribute("cx", d.sx.toFixed(1));
      d.el.setAttribute("cy", d.sy.toFixed(1));
      d.el.setAttribute("r", r.toFixed(2));
    });
  }
  function reset() { k = 1; tx = 0; ty = 0; measure(); draw(); hideTip(); }
  function zoomAt(f, cx, cy) {
    var nk = Math.max(1, Math.min(12, k * f));
    tx = cx - (cx - tx) * nk / k; ty = cy - (cy - ty) * nk / k; k = nk;
    if (k === 1) { tx = 0; ty = 0; }
    draw(); hideTip();
  }
  reset();
  window.addEventListener("resize", function () {
    if (holder.clientWidth !== W || holder.clientHeight !== H) { reset(); }
  });
  document.getElementById("tt-map-in").addEventListener("click", function () { zoomAt(1.5, W / 2, H / 2); });
  document.getElementById("tt-map-out").addEventListener("click", function () { zoomAt(1 / 1.5, W / 2, H / 2); });
  document.getElementById("tt-map-fit").addEventListener("click", reset);

  /* The wheel zooms once the map was clicked, so the page scrolls normally past it. */
  var active = false;
  holder.addEventListener("wheel", function (e) {
    if (!active) { return; }
    e.preventDefault();
    var b = holder.getBoundingClientRect();
    zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX - b.left, e.clientY - b.top);
  }, { passive: false });
  holder.addEventListener("mouseleave", function () { active = false; hideTip(); });

  /* The nearest shown dot within reach of a screen point (a finger reaches further). */
  function nearest(x, y, reach) {
    var best = null, bestD = reach * reach;
    dots.forEach(function (d) {
      if (!d.on) { return; }
      var dx = d.sx - x, dy = d.sy - y, dd = dx * dx + dy * dy;
      if (dd < bestD) { bestD = dd; best = d; }
    });
    return best;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  var shown = null;
  function showTip(d, touch) {
    if (shown) { shown.el.classList.remove("hot"); }
    shown = d;
    d.el.classList.add("hot");
    layer.appendChild(d.el); /* on top of its neighbours */
    tip.replaceChildren();
    tip.appendChild(el("p", "tip-term", d.p[5]));
    var meta = el("p", "tip-meta");
    var sw = el("span", "swatch");
    sw.style.background = d.el.getAttribute("fill");
    meta.appendChild(sw);
    meta.appendChild(document.createTextNode(d.topic ? d.topic.label : "In no topic"));
    tip.appendChild(meta);
    if (d.p[6]) { tip.appendChild(el("p", "tip-summary", d.p[6])); }
    if (touch) {
      var btn = el("button", "", "Go to the talk");
      btn.type = "button";
      btn.addEventListener("click", function () { goTo(d); });
      tip.appendChild(btn);
    }
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.min(Math.max(4, d.sx + 12), W - w - 4) + "px";
    tip.style.top = (d.sy + 12 + h > H ? Math.max(4, d.sy - h - 12) : d.sy + 12) + "px";
  }
  function hideTip() {
    if (shown) { shown.el.classList.remove("hot"); shown = null; }
    tip.hidden = true;
  }
  function goTo(d) {
    hideTip();
    var card = document.getElementById(d.p[3]);
    if (!card) { return; }
    card.scrollIntoView({ behavior: "smooth", block: "center" });
    card.classList.remove("map-flash");
    void card.offsetWidth; /* restart the highlight */
    card.classList.add("map-flash");
  }
  function local(e) {
    var b = holder.getBoundingClientRect();
    return { x: e.clientX - b.left, y: e.clientY - b.top };
  }
  var drag = null;
  holder.addEventListener("pointerdown", function (e) {
    if (e.pointerType === "mouse") { active = true; }
    var at = local(e);
    drag = { x: at.x, y: at.y, tx: tx, ty: ty, moved: false };
  });
  holder.addEventListener("pointermove", function (e) {
    var at = local(e);
    if (drag && k > 1 && (e.buttons & 1)) {
      var dx = at.x - drag.x, dy = at.y - drag.y;
      if (drag.moved || dx * dx + dy * dy > 16) {
        drag.moved = true; tx = drag.tx + dx; ty = drag.ty + dy; draw(); hideTip();
        return;
      }
    }
    if (e.pointerType !== "mouse") { return; }
    var d = nearest(at.x, at.y, Math.max(10, R + 6));
    if (d && d !== shown) { showTip(d, false); } else if (!d && shown) { hideTip(); }
  });
  holder.addEventListener("pointerup", function (e) {
    var moved = drag && drag.moved;
    drag = null;
    if (moved || (e.target && e.target.closest && e.target.closest(".tip"))) { return; }
    var at = local(e), touch = e.pointerType !== "mouse";
    var d = nearest(at.x, at.y, touch ? 24 : Math.max(10, R + 6));
    if (!d) { hideTip(); return; }
    if (touch && d !== shown) { showTip(d, true); return; }
    goTo(d);
  });

  /* Selection from the filters: ids of talks (or of their cards); null = every talk. */
  function onSelection(ids) {
    var keep = null;
    if (ids) {
      keep = {};
      ids.forEach(function (id) { keep[id] = true; });
    }
    var count = 0;
    dots.forEach(function (d) {
      d.on = !keep || keep[d.p[4]] === true || keep[d.p[3]] === true;
      d.el.classList.toggle("out", !d.on);
      if (d.on) { count += 1; }
    });
    if (shown && !shown.on) { hideTip(); }
    countEl.textContent = keep && count !== n ? count + " of " + n + " talks selected" : n + (n === 1 ? " talk" : " talks");
  }
  document.addEventListener("talktopics:selection", function (e) {
    onSelection(e.detail && e.detail.ids ? e.detail.ids : null);
  });
  onSelection(Array.isArray(tt.selection) ? tt.selection : null);
  tt.map = { points: n, reset: reset };
})();
