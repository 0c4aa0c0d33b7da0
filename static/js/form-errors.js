// The error summary of a refused form (templates/_form_errors.html): take the focus when it
// arrives (page load or an htmx swap), and let each link move the focus to its field.
(function () {
  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.scrollIntoView({block: "start"});
  }

  function fieldFor(link) {
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return null;
    // A group of checkboxes is a <div id=...>: focus its first box.
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) {
      target = target.querySelector("input, select, textarea") || target;
    }
    return target;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = fieldFor(link);
    if (!field) return;
    event.preventDefault();
    var details = field.closest("details");
    if (details) details.open = true;
    field.scrollIntoView({block: "center"});
    field.focus({preventScroll: true});
  });

  document.addEventListener("DOMContentLoaded", function () { focusSummary(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusSummary(event.detail.elt); });
})();
