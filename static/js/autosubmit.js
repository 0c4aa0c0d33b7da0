// A control marked data-submit-on-change sends its form as soon as it changes
// (the language switch). Kept out of the page: the Content-Security-Policy
// allows no inline script or handler attribute.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.matches && control.matches("[data-submit-on-change]") && control.form) {
      control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
    }
  });
})();
