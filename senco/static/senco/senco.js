// Hide the screen at once (Escape, or the button) when someone walks up to a shared screen.
(function () {
  "use strict";
  function cover(show) {
    var el = document.getElementById("screen-cover");
    if (!el) { return; }
    el.hidden = !show;
    if (show) { document.getElementById("show-screen").focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var hide = document.getElementById("hide-screen");
    var show = document.getElementById("show-screen");
    if (hide) { hide.addEventListener("click", function () { cover(true); }); }
    if (show) { show.addEventListener("click", function () { cover(false); }); }
  });
  document.addEventListener("keydown", function (event) {
    var el = document.getElementById("screen-cover");
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (event.key === "Escape" && el && el.hidden && !typing) { cover(true); }
  });
})();
