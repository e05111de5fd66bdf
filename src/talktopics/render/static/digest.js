/* talktopics digest: talk search. The word network is network.js, the map of talks map.js;
   they read the page data this script parses (window.talktopics.data).
   User text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";

  var tt = window.talktopics = window.talktopics || {};
  if (!tt.data) { tt.data = JSON.parse(document.getElementById("tt-data").textContent); }

  /* ---- search: every word must occur in the card's text ---------------------------------- */
  var input = document.getElementById("tt-search");
  var countEl = document.getElementById("tt-count");
  var emptyEl = document.getElementById("tt-empty");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".talk"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".topic-section"));
  function fold(s) { return s.normalize("NFKC").toLowerCase(); }
  var texts = cards.map(function (c) { return fold(c.textContent); });

  function applyFilter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card, i) {
      var ok = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      card.hidden = !ok;
      if (ok) { shown += 1; }
    });
    sections.forEach(function (s) {
      s.hidden = words.length > 0 && !s.querySelector(".talk:not([hidden])");
    });
    countEl.textContent = words.length
      ? shown + " of " + cards.length + " talks match"
      : cards.length + (cards.length === 1 ? " talk" : " talks");
    emptyEl.hidden = !(words.length && shown === 0);
  }
  input.addEventListener("input", applyFilter);
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === "Escape" && document.activeElement === input) { input.value = ""; applyFilter(); }
  });
  function searchFor(text) {
    input.value = text;
    applyFilter();
    var first = document.querySelector(".talk:not([hidden])");
    (first || input).scrollIntoView({ behavior: "smooth", block: "center" });
  }
  applyFilter();
  tt.search = searchFor;
})();
