
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("im-data").textContent);
  var cards = Array.prototype.slice.call(document.querySelectorAll("#findings article.finding"));
  var input = document.getElementById("filter");
  var count = document.getElementById("count");
  function update() {
    if (!input) { return; }
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    cards.forEach(function (c) {
      var hit = !q || (c.getAttribute("data-search") || "").indexOf(q) !== -1 ||
        c.textContent.toLowerCase().indexOf(q) !== -1;
      c.classList.toggle("hidden", !hit);
      if (hit) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + data.findings + " findings"; }
  }
  function setAll(open) {
    document.querySelectorAll("details").forEach(function (d) { d.open = open; });
  }
  if (input) { input.addEventListener("input", update); }
  var ex = document.getElementById("expand"), co = document.getElementById("collapse");
  if (ex) { ex.addEventListener("click", function () { setAll(true); }); }
  if (co) { co.addEventListener("click", function () { setAll(false); }); }
  window.addEventListener("beforeprint", function () { setAll(true); });
  // play controls: one player; a quote plays from its start and pauses at its end
  var player = null, stopAt = null, active = null;
  function mark(on) { if (active) { active.classList.toggle("playing", on); } }
  document.querySelectorAll("button.play").forEach(function (b) {
    b.addEventListener("click", function () {
      var src = b.getAttribute("data-src"), start = parseFloat(b.getAttribute("data-start")) || 0;
      var end = b.hasAttribute("data-end") ? parseFloat(b.getAttribute("data-end")) : null;
      if (!player) {
        player = new Audio();
        player.addEventListener("timeupdate", function () {
          if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); }
        });
        player.addEventListener("playing", function () { mark(true); });
        player.addEventListener("pause", function () { mark(false); });
        player.addEventListener("ended", function () { mark(false); });
      }
      player.pause();
      mark(false);
      active = b;
      stopAt = end;
      var go = function () { player.currentTime = start; player.play(); };
      if (player.getAttribute("data-src") === src && player.readyState >= 1) { go(); return; }
      player.setAttribute("data-src", src);
      player.src = src;
      player.addEventListener("loadedmetadata", go, { once: true });
    });
  });
  update();
})();
