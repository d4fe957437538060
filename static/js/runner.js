/* The live runner: keys, notes autosave, timers, the help overlay, HTMX error display.
 *
 * The page works without this file (every control is a real form or link); this adds
 * one-key scoring without reloads, notes that save as you type, and ticking timers.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var runner = document.getElementById("runner");
  if (!runner) {
    return;
  }
  var notesField = document.getElementById("notes");
  var helpDialog = document.getElementById("runner-help");
  var errorRegion = document.getElementById("runner-error");
  var announceRegion = document.getElementById("runner-announce");

  // The cookie first: signing in again (in another tab) rotates the token, and the
  // cookie always holds the current one; the page's copy is the fallback.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function announce(message) {
    if (!announceRegion) {
      return;
    }
    announceRegion.textContent = message;
  }

  function showError(message) {
    if (!errorRegion) {
      return;
    }
    errorRegion.replaceChildren();
    if (message) {
      var p = document.createElement("p");
      p.className = "runner-error-message";
      p.textContent = message;
      errorRegion.appendChild(p);
    }
  }

  /* --- Notes: debounced autosave with monotonic revisions ---------------------------
   *
   * Every edit takes the next revision number; the server stores a save only if its
   * revision is newer than the stored one, so a late, older save never wins. Until the
   * server acknowledges a revision, the text also waits in sessionStorage: a reload or
   * a closed connection restores and resends it.
   */
  var notes = null;

  function setupNotes(field) {
    var statusEl = document.getElementById("notes-status");
    var url = field.dataset.saveUrl;
    var storageKey = field.dataset.storageKey;
    var serverRevision = parseInt(field.dataset.revision, 10) || 0;
    var revision = serverRevision; // the newest revision given to an edit
    var acked = serverRevision; // the newest revision the server has (or superseded)
    var debounceTimer = null;
    var retryTimer = null;
    var retryDelay = 0;
    var inflight = false;
    var blocked = false; // a refusal (4xx): no retry until the text changes

    function setStatus(text, state) {
      statusEl.textContent = text;
      statusEl.dataset.state = state || "";
    }

    function readPending() {
      try {
        var raw = window.sessionStorage.getItem(storageKey);
        return raw ? JSON.parse(raw) : null;
      } catch (e) {
        return null;
      }
    }

    function writePending() {
      try {
        window.sessionStorage.setItem(
          storageKey,
          JSON.stringify({ text: field.value, revision: revision })
        );
      } catch (e) {
        /* storage full or disabled: the server copy is still the safety net */
      }
    }

    function clearPending() {
      try {
        var pending = readPending();
        if (pending && pending.revision <= acked) {
          window.sessionStorage.removeItem(storageKey);
        }
      } catch (e) {
        /* nothing to clear */
      }
    }

    function body(text, rev) {
      var params = new URLSearchParams();
      params.set("notes", text);
      params.set("revision", String(rev));
      return params;
    }

    function headers() {
      return {
        "X-CSRFToken": csrfToken(),
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
      };
    }

    function scheduleRetry() {
      retryDelay = retryDelay ? Math.min(retryDelay * 2, 30000) : 1000;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () {
        retryTimer = null;
        save();
      }, retryDelay);
    }

    function save() {
      clearTimeout(debounceTimer);
      debounceTimer = null;
      if (inflight || blocked) {
        return;
      }
      if (revision <= acked) {
        setStatus("Saved", "saved");
        return;
      }
      inflight = true;
      var sending = revision;
      if (!retryTimer && !retryDelay) {
        setStatus("Saving…", "saving");
      }
      fetch(url, {
        method: "POST",
        headers: headers(),
        body: body(field.value, sending),
        credentials: "same-origin",
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              return { response: response, data: data };
            });
        })
        .then(function (result) {
          inflight = false;
          var response = result.response;
          var data = result.data;
          if (response.ok && typeof data.saved !== "boolean") {
            // Not our JSON: a redirect to the sign-in page (the session expired). Keep
            // the text and keep trying; signing in again in another tab lets it through.
            setStatus(
              response.redirected
                ? "Not saved — you are signed out; sign in again in another tab. Retrying"
                : "Not saved — retrying",
              "retrying"
            );
            scheduleRetry();
          } else if (response.ok) {
            retryDelay = 0;
            // Stored, or superseded by a newer revision already on the server.
            acked = Math.max(acked, sending, data.revision || 0);
            revision = Math.max(revision, acked);
            clearPending();
            if (revision > acked) {
              save();
            } else {
              setStatus("Saved", "saved");
            }
          } else if (response.status === 403) {
            // Signed out, or the form token went stale: the text waits and we retry.
            setStatus(
              "Not saved — you may be signed out; sign in again in another tab. Retrying",
              "retrying"
            );
            scheduleRetry();
          } else if (response.status >= 400 && response.status < 500) {
            blocked = true;
            setStatus(
              "Not saved — " + (data.error || "the server refused these notes."),
              "refused"
            );
          } else {
            setStatus("Not saved — retrying", "retrying");
            scheduleRetry();
          }
        })
        .catch(function () {
          inflight = false;
          setStatus("Not saved — retrying", "retrying");
          scheduleRetry();
        });
    }

    function onInput() {
      revision += 1;
      blocked = false;
      writePending();
      if (!retryTimer) {
        setStatus("Saving…", "saving");
      }
      clearTimeout(debounceTimer);
      debounceTimer = setTimeout(save, 600);
    }

    // Leaving the page: hand what is unsaved to a request that outlives it.
    function flushOnLeave() {
      if (revision <= acked || blocked) {
        return;
      }
      try {
        fetch(url, {
          method: "POST",
          headers: headers(),
          body: body(field.value, revision),
          credentials: "same-origin",
          keepalive: true,
        });
      } catch (e) {
        /* sessionStorage still holds the text for the next load */
      }
    }

    field.addEventListener("input", onInput);
    field.addEventListener("blur", function () {
      if (debounceTimer) {
        save();
      }
    });
    field.addEventListener("keydown", function (evt) {
      if (evt.key === "Escape") {
        evt.preventDefault();
        field.blur();
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        flushOnLeave();
      }
    });
    window.addEventListener("pagehide", flushOnLeave);

    // Text typed before a reload that the server never acknowledged: restore, resend.
    var pending = readPending();
    if (pending && pending.revision > serverRevision && pending.text !== field.value) {
      field.value = pending.text;
      revision = pending.revision;
      setStatus("Saving…", "saving");
      save();
    } else if (pending) {
      try {
        window.sessionStorage.removeItem(storageKey);
      } catch (e) {
        /* nothing to clear */
      }
    }

    return { flush: flushOnLeave };
  }

  if (notesField && !notesField.readOnly) {
    notes = setupNotes(notesField);
  }

  /* --- Visits: the page GET writes nothing; this tells the server what is on screen --
   *
   * Opening the page, and coming back to it from the browser's history, moves the
   * interviewer's clock and place to this question. A failed visit only costs timing.
   */
  function recordVisit() {
    var url = runner.dataset.visitUrl;
    if (!url) {
      return;
    }
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      keepalive: true,
    }).catch(function () {
      /* timing only: nothing typed or scored depends on it */
    });
  }

  recordVisit();
  window.addEventListener("pageshow", function (evt) {
    if (evt.persisted) {
      recordVisit();
    }
  });

  /* --- Timers: server-side durations, ticked on locally ----------------------------- */
  var timers = document.getElementById("timers");

  function clockText(seconds) {
    seconds = Math.max(0, seconds);
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function setupTimers(el) {
    var running = el.dataset.running === "true";
    var spent = parseInt(el.dataset.questionSpent, 10) || 0;
    var budget = parseInt(el.dataset.questionBudget, 10) || 0;
    var elapsed = parseInt(el.dataset.totalElapsed, 10) || 0;
    var totalBudget = parseInt(el.dataset.totalBudget, 10) || 0;
    var remainingOther = parseInt(el.dataset.remainingOther, 10) || 0;
    var started = performance.now();
    var questionEl = document.getElementById("timer-question");
    var totalEl = document.getElementById("timer-total");
    var paceEl = document.getElementById("pace");

    function tick() {
      var dt = running ? Math.floor((performance.now() - started) / 1000) : 0;
      var questionSpent = spent + dt;
      var totalElapsed = elapsed + dt;
      var state = document.getElementById("question-state");
      var pending = state && state.dataset.state === "unasked";
      var left = pending ? Math.max(0, budget - questionSpent) : 0;
      var pace = totalBudget - (totalElapsed + remainingOther + left);
      questionEl.textContent = clockText(questionSpent);
      totalEl.textContent = clockText(totalElapsed);
      if (!running && totalElapsed === 0) {
        return;
      }
      var label;
      var cls;
      if (Math.abs(pace) < 60) {
        label = "On pace";
        cls = "pace-on";
      } else {
        label = Math.floor(Math.abs(pace) / 60) + " min " + (pace > 0 ? "ahead" : "behind");
        cls = pace > 0 ? "pace-ahead" : "pace-behind";
      }
      paceEl.textContent = label;
      paceEl.className = "timer pace " + cls;
      questionEl.classList.toggle("over", budget > 0 && questionSpent > budget);
    }

    if (running) {
      setInterval(tick, 1000);
    }
    document.addEventListener("htmx:afterSettle", tick);
  }

  if (timers) {
    setupTimers(timers);
  }

  /* --- HTMX: show refusals, announce saves, keep keyboard presses in order ---------- */
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (/\/accounts\/login\//.test(xhr.responseURL || "")) {
      // The session expired: never swap the sign-in page into the rating panel.
      evt.detail.shouldSwap = false;
      showError("Not saved — you are signed out. Sign in again, then retry.");
      return;
    }
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget")) {
      // htmx 2 does not swap 4xx; these carry a message meant for the alert region.
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    } else if (xhr.status >= 200 && xhr.status < 300) {
      showError("");
    }
  });
  // Errors the server did not phrase for this page (no HX-Retarget).
  document.addEventListener("htmx:responseError", function (evt) {
    var status = evt.detail.xhr.status;
    if (status >= 500) {
      showError("Not saved — the server had a problem. Try again.");
    } else if (status === 403) {
      showError("Not saved — your sign-in or form token expired. Reload the page.");
    } else {
      showError("Not saved — this question or interview is not available (" + status + ").");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showError("Not saved — the server could not be reached. Try again.");
  });
  // The "not rated yet" count under Finish follows the navigator after each change.
  document.addEventListener("htmx:afterSettle", function () {
    var count = document.getElementById("unasked-count");
    if (!count) {
      return;
    }
    var unasked = document.querySelectorAll(".navigator .state-unasked").length;
    count.textContent = unasked
      ? unasked + (unasked === 1 ? " question" : " questions") + " not rated yet."
      : "Every question is rated or skipped.";
  });
  document.addEventListener("intervy:saved", function (evt) {
    announce((evt.detail && evt.detail.message) || "Saved.");
  });

  // One state change at a time, so pressing 2 then 3 quickly ends at 3 on screen too.
  var queue = Promise.resolve();

  function press(buttonId) {
    queue = queue.then(function () {
      return new Promise(function (resolve) {
        var button = document.getElementById(buttonId);
        if (!button) {
          resolve();
          return;
        }
        if (button.disabled || button.closest("fieldset[disabled]")) {
          showError(runner.dataset.refusal || "Nothing can be recorded here now.");
          resolve();
          return;
        }
        // Wait until the reply is swapped in *and* settled: htmx wires up the new
        // buttons only when it settles, and a click before that would post natively.
        var timeout = setTimeout(finish, 10000);
        function finish() {
          clearTimeout(timeout);
          document.removeEventListener("htmx:afterSettle", finish);
          document.removeEventListener("htmx:afterRequest", failed);
          resolve();
        }
        function failed(evt) {
          if (evt.detail.failed) {
            finish();
          }
        }
        document.addEventListener("htmx:afterSettle", finish);
        document.addEventListener("htmx:afterRequest", failed);
        button.click();
      });
    });
  }

  // Leave only after the presses before it are answered: "3" then "n" at once must
  // not abort the score on its way to the server.
  function go(url) {
    if (!url) {
      return;
    }
    queue = queue.then(function () {
      if (notes) {
        notes.flush();
      }
      window.location.assign(url);
    });
  }

  /* --- Help overlay ---------------------------------------------------------------- */
  var helpOpener = null;

  function openHelp() {
    if (!helpDialog || helpDialog.open) {
      return;
    }
    helpOpener = document.activeElement;
    helpDialog.showModal();
    var close = document.getElementById("help-close");
    if (close) {
      close.focus();
    }
  }

  if (helpDialog) {
    document.getElementById("help-open").addEventListener("click", openHelp);
    helpDialog.addEventListener("close", function () {
      if (helpOpener && document.body.contains(helpOpener)) {
        helpOpener.focus();
      }
    });
    // A click on the backdrop (outside the dialog box) closes it too.
    helpDialog.addEventListener("click", function (evt) {
      if (evt.target === helpDialog) {
        helpDialog.close();
      }
    });
  }

  /* --- Keys ------------------------------------------------------------------------ */
  function isTyping(target) {
    return Boolean(
      target &&
        target.closest &&
        target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]")
    );
  }

  var KEYS = {
    1: function () { press("score-1"); },
    2: function () { press("score-2"); },
    3: function () { press("score-3"); },
    4: function () { press("score-4"); },
    0: function () { press("score-na"); },
    n: function () { go(runner.dataset.nextUrl); },
    ArrowRight: function () { go(runner.dataset.nextUrl); },
    p: function () { go(runner.dataset.previousUrl); },
    ArrowLeft: function () { go(runner.dataset.previousUrl); },
    f: function () { press("follow-up-toggle"); },
    s: function () { press("skip-toggle"); },
    "?": openHelp,
  };

  document.addEventListener("keydown", function (evt) {
    if (evt.defaultPrevented || evt.ctrlKey || evt.metaKey || evt.altKey || evt.isComposing) {
      return;
    }
    if (isTyping(evt.target) || (helpDialog && helpDialog.open)) {
      return;
    }
    var action = Object.prototype.hasOwnProperty.call(KEYS, evt.key) ? KEYS[evt.key] : null;
    if (!action) {
      return;
    }
    evt.preventDefault();
    action();
  });
})();
