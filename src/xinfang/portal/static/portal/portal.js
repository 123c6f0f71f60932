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
  // Co-signers (联名人): a row added on the page, no round trip; without this script the button posts the form
  // and the server adds the row.
  function addCoPetitioner(event) {
    var total = document.getElementById("id_co-TOTAL_FORMS");
    var most = document.getElementById("id_co-MAX_NUM_FORMS");
    var template = document.getElementById("co-empty-form");
    var list = document.getElementById("co-list");
    if (!total || !template || !list) return;  // the server's way still works
    event.preventDefault();
    var index = parseInt(total.value, 10) || 0;
    var limit = most ? parseInt(most.value, 10) : 20;
    if (index >= limit) return;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
    var row = holder.firstElementChild;
    list.appendChild(row);
    total.value = index + 1;
    row.dispatchEvent(new CustomEvent("xf:added", { bubbles: true }));  // limits.js counts its fields
    if (index + 1 >= limit) { event.currentTarget.hidden = true; }
    var first = row.querySelector("input");
    if (first) { first.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var township = document.querySelector("[data-xf-township]");
    var village = document.querySelector("[data-xf-village]");
    if (township && village) {
      filterVillages(township, village);
      township.addEventListener("change", function () { filterVillages(township, village); });
    }
    var add = document.querySelector("[data-xf-co-add]");
    if (add) { add.addEventListener("click", addCoPetitioner); }
    Array.prototype.forEach.call(document.querySelectorAll("[data-xf-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
