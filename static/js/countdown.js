// Live countdowns for deadlines: every element with data-due (an ISO time in UTC)
// shows the time left, or how long it is overdue, and updates every second.
// Texts come from the page (translated): data-left / data-overdue hold "{time}",
// data-days the short unit for days. Elements swapped in by htmx are picked up too.
(function () {
  "use strict";
  if (window.countdownStarted) return;
  window.countdownStarted = true;

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function span(ms, days) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var hms = pad(h) + ":" + pad(m) + ":" + pad(s % 60);
    return d > 0 ? d + " " + (days || "d") + " " + hms : hms;
  }

  function tick() {
    var now = Date.now();
    var nodes = document.querySelectorAll("[data-due]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) continue;
      var left = due - now;
      var text = (left > 0 ? el.getAttribute("data-left") : el.getAttribute("data-overdue")) || "{time}";
      el.textContent = text.replace("{time}", span(left, el.getAttribute("data-days")));
      el.classList.toggle("overdue", left <= 0);
      // The last quarter of an hour is shown as urgent.
      el.classList.toggle("soon", left > 0 && left < 15 * 60 * 1000);
    }
  }

  function start() {
    tick();
    setInterval(tick, 1000);
    // A section swapped in by htmx shows the exact time at once, not a second later.
    document.body.addEventListener("htmx:afterSettle", tick);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
