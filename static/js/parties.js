// "Add party": copy the empty party form, numbering it like the formset expects.
(function () {
  var button = document.getElementById("add-party");
  if (!button) return;
  button.addEventListener("click", function () {
    var total = document.getElementById("id_party-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = document.getElementById("party-template").innerHTML
      .replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
    document.getElementById("parties").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
  });
})();
