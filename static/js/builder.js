// Template builder: after an HTMX swap of the question list, put focus back where the
// user was (the moved question's button follows the question), so keyboard users can
// press "Move up" repeatedly without hunting for their place.
(function () {
  "use strict";
  let focusId = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (!form || !form.closest || !form.closest("#template-questions, #bank-results")) return;
    const active = document.activeElement;
    focusId = active && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // Settle fires for the list and for the out-of-band bank swap; act once, on the list.
    const target = event.target;
    if (!target || target.id !== "template-questions") return;
    let next = focusId ? document.getElementById(focusId) : null;
    // At the top or bottom the pressed button is disabled: use its pair instead.
    if (next && next.disabled && next.dataset.pair) {
      next = document.getElementById(next.dataset.pair);
    }
    // An added question's button becomes an "Already in this template" mark.
    if (!next && focusId && focusId.indexOf("add-") === 0) {
      next = document.getElementById("added-" + focusId.slice(4));
    }
    if (!next || next.disabled) {
      next = document.getElementById("questions-heading");
    }
    if (next) next.focus();
    focusId = null;
  });
})();
