// Template builder: after an HTMX swap of the question list, put focus back where the
// user was (the moved question's button follows the question), so keyboard users can
// press "Move up" repeatedly without hunting for their place.
(function () {
  "use strict";
  // Keyed by request: a fast second key press must not take the first one's focus target.
  const focusByRequest = new WeakMap();

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (!form || !form.closest || !form.closest("#template-questions, #bank-results")) return;
    const active = document.activeElement;
    if (event.detail.xhr && active && active.id) focusByRequest.set(event.detail.xhr, active.id);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // Settle fires for the list and for the out-of-band bank swap; act once, on the list.
    const target = event.target;
    if (!target || target.id !== "template-questions" || !event.detail.xhr) return;
    const focusId = focusByRequest.get(event.detail.xhr);
    if (focusId === undefined) return;
    focusByRequest.delete(event.detail.xhr);
    let next = document.getElementById(focusId);
    // At the top or bottom the pressed button is disabled: use its pair instead.
    if (next && next.disabled && next.dataset.pair) {
      next = document.getElementById(next.dataset.pair);
    }
    // An added question's button becomes an "Already in this template" mark.
    if (!next && focusId.indexOf("add-") === 0) {
      next = document.getElementById("added-" + focusId.slice(4));
    }
    if (!next || next.disabled) {
      next = document.getElementById("questions-heading");
    }
    if (next) next.focus();
  });
})();
