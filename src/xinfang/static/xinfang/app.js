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
  // A unit filter with too many units to list (orgs.picker): the search box asks its endpoint for the units
  // matching what is typed and offers them in the select, keeping the empty choice and the chosen unit.
  function wireUnitSearch(root) {
    (root || document).querySelectorAll("[data-unit-search]").forEach(function (box) {
      if (box.dataset.wired) return;
      box.dataset.wired = "1";
      var input = box.querySelector("input[type=search]");
      var select = document.getElementById(box.dataset.for);
      if (!input || !select) return;
      input.hidden = false;
      var timer = null;
      var asked = 0;
      function option(value, label, disabled) {
        var o = document.createElement("option");
        o.value = value;
        o.textContent = label;
        o.disabled = !!disabled;
        return o;
      }
      function show(data) {
        var keep = Array.prototype.filter.call(select.options, function (o) {
          return o.value === "" || o.selected;
        });
        var kept = {};
        keep.forEach(function (o) { kept[o.value] = true; });
        select.replaceChildren.apply(select, keep);
        (data.results || []).forEach(function (unit) {
          if (!kept[String(unit.id)]) select.appendChild(option(unit.id, unit.label));
        });
        if (!(data.results || []).length) select.appendChild(option("-", "没有匹配的单位", true));
        else if (data.more) select.appendChild(option("-", "……还有更多单位，请输入更多文字缩小范围", true));
      }
      function search() {
        var mine = ++asked;
        var url = box.dataset.unitSearch + "?q=" + encodeURIComponent(input.value.trim());
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === asked) show(data); })
          .catch(function () {});
      }
      input.addEventListener("input", function (event) {
        event.stopPropagation();
        clearTimeout(timer);
        timer = setTimeout(search, 250);
      });
      // The box names no field: its own change must not submit the filter form (htmx listens for change).
      input.addEventListener("change", function (event) { event.stopPropagation(); });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          clearTimeout(timer);
          search();
        }
      });
    });
  }
  wireUnitSearch(document);
  document.addEventListener("htmx:load", function (event) { wireUnitSearch(event.target); });
})();
