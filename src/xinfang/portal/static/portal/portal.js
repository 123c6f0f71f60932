// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // Region picker: show only the villages of the chosen township (a village code starts with its township's).
  function filterVillages(township, village) {
    var code = township.value;
    Array.prototype.forEach.call(village.querySelectorAll("optgroup"), function (group) {
      var any = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var show = !!code && option.value.indexOf(code) === 0;
        option.hidden = !show;
        option.disabled = !show;
        any = any || show;
      });
      group.hidden = !any;
    });
    var selected = village.options[village.selectedIndex];
    if (selected && selected.disabled) { village.value = ""; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var township = document.querySelector("[data-xf-township]");
    var village = document.querySelector("[data-xf-village]");
    if (township && village) {
      filterVillages(township, village);
      township.addEventListener("change", function () { filterVillages(township, village); });
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-xf-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
