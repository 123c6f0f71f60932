// Small progressive enhancements for the workbench; every page works without them.
(function () {
  "use strict";

  // "Add another petitioner": copy the formset's empty form, numbering it after the last one.
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (!add) return;
    var prefix = add.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-form");
    var list = document.getElementById(prefix + "-list");
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
    var row = holder.firstElementChild;
    list.appendChild(row);
    total.value = index + 1;
    if (window.htmx) window.htmx.process(row);
    row.dispatchEvent(new CustomEvent("xf:added", { bubbles: true }));  // limits.js counts its fields
    var first = row.querySelector("input[type=text], input:not([type])");
    if (first) first.focus();
  });

  // Removing an added row leaves a gap in the numbering; the formset treats a missing row as empty.
  document.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-formset-remove]");
    if (!remove) return;
    var row = remove.closest("[data-formset-row]");
    if (row) row.remove();
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-party-role]");
    if (select) {
      var row = select.closest("[data-formset-row]");
      row.classList.toggle("xf-role-representative", select.value === "representative");
    }
    if (event.target.id === "id_source") toggleSource();
  });

  function toggleSource() {
    var source = document.getElementById("id_source");
    var block = document.getElementById("source-above");
    if (source && block) block.hidden = source.value !== "referred_from_above";
  }
  toggleSource();

  // Link the new registration to an earlier petition of the same person (重复信访).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-link-repeat]");
    var unlink = event.target.closest("[data-unlink-repeat]");
    if (!link && !unlink) return;
    var input = document.getElementById("id_repeat_of");
    var display = document.getElementById("repeat-of-display");
    var label = document.getElementById("repeat-of-label");
    if (link) {
      input.value = link.dataset.linkRepeat;
      label.textContent = link.dataset.label;
      display.hidden = false;
    } else {
      input.value = "";
      label.textContent = "";
      display.hidden = true;
    }
  });

  // A suggestion applied with one click (assist): set the select it names; the person still submits the form.
  document.addEventListener("click", function (event) {
    var apply = event.target.closest("[data-apply-select]");
    if (!apply) return;
    var select = document.getElementById(apply.dataset.applySelect);
    if (!select) return;
    select.value = apply.dataset.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
