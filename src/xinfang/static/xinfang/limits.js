// Text limits, counted where people type (workbench and portal): 已输入 n/limit under every field that has
// data-xf-limit, a warning as the text nears the limit and a message once it is over. The browser never cuts
// the text (no maxlength): the person sees the overflow and shortens it; the server refuses what is still over.
(function () {
  "use strict";
  var NEAR = 0.9;

  function length(text) {
    // Characters as the server counts them: code points, a line break as one.
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function state(count, limit) {
    if (count > limit) return "over";
    if (count >= Math.floor(limit * NEAR)) return "near";
    return "ok";
  }

  function message(count, limit, now) {
    if (now === "over") return "已超出" + (count - limit) + "字，请删减后再提交。";
    if (now === "near") return "接近字数上限，还可输入" + (limit - count) + "字。";
    return "";
  }

  function attach(field) {
    var limit = parseInt(field.getAttribute("data-xf-limit"), 10);
    if (!(limit > 0) || field.dataset.xfCounted) return;
    field.dataset.xfCounted = "1";
    var counter = document.createElement("p");
    counter.className = "form-text xf-counter";
    counter.id = (field.id || "xf-field-" + Math.random().toString(36).slice(2)) + "_counter";
    var figure = document.createElement("span");
    var note = document.createElement("span");
    note.className = "xf-counter-note";
    // Announced only when the message changes (near, over, back within), not at every keystroke.
    note.setAttribute("aria-live", "polite");
    counter.appendChild(figure);
    counter.appendChild(note);
    var anchor = field;
    var next = field.nextElementSibling;
    while (next && next.matches(".form-text, .pt-error, .invalid-feedback, [id$='_helptext'], [id$='_help']")) {
      anchor = next;
      next = next.nextElementSibling;
    }
    anchor.insertAdjacentElement("afterend", counter);
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    described.push(counter.id);
    field.setAttribute("aria-describedby", described.join(" "));
    var last = "";
    function update() {
      var count = length(field.value);
      var now = state(count, limit);
      figure.textContent = "已输入 " + count + "/" + limit + (now === "ok" ? "" : "，");
      counter.classList.toggle("xf-counter-near", now === "near");
      counter.classList.toggle("xf-counter-over", now === "over");
      var text = message(count, limit, now);
      if (text !== last) {
        note.textContent = text;
        last = text;
      }
      if (now === "over") field.setAttribute("data-xf-over", "1");
      else field.removeAttribute("data-xf-over");
    }
    field.addEventListener("input", update);
    update();
  }

  function scan(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-xf-limit]"), attach);
  }

  window.xfLimits = { scan: scan };
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  // Rows added on the page (co-signers, parties) and fragments htmx swaps in get their counters too.
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.target); });
  document.addEventListener("xf:added", function (event) { scan(event.target); });
})();
