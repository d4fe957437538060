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

  /* --- Notes: debounced autosave against the server's revisions -------------------
   *
   * The server numbers the revisions. Each save says which stored revision its text was
   * edited from; the server stores it and answers the new revision, or — when another
   * tab or device saved in between — refuses with a conflict carrying the text it has.
   * A conflict is shown beside this tab's text and nothing is saved until the user
   * chooses: keep mine (saved against the current revision), keep both, or take the
   * other. Until the server has the text, it also waits in sessionStorage: a reload or a
   * closed connection restores it and sends it again.
   */
  var notes = null;

  function setupNotes(field) {
    var statusEl = document.getElementById("notes-status");
    var url = field.dataset.saveUrl;
    var storageKey = field.dataset.storageKey;
    var base = parseInt(field.dataset.revision, 10) || 0; // the stored revision we build on
    var savedText = field.value; // what the server holds at `base`
    // Texts sent from `base` whose reply has not come back. If the server then holds one
    // of them, it is this tab's own save (its reply was lost): not someone else's words.
    var sent = [];
    var debounceTimer = null;
    var retryTimer = null;
    var retryDelay = 0;
    var inflight = false;
    var blocked = false; // a refusal (4xx): no retry until the text changes
    var conflict = null; // {theirs, revision, panel, mine}

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
          JSON.stringify({ text: field.value, base: base, sent: sent })
        );
      } catch (e) {
        /* storage full or disabled: the server copy is still the safety net */
      }
    }

    function dropPending() {
      try {
        window.sessionStorage.removeItem(storageKey);
      } catch (e) {
        /* nothing to clear */
      }
    }

    function body(text) {
      var params = new URLSearchParams();
      params.set("notes", text);
      params.set("base_revision", String(base));
      return params;
    }

    function headers() {
      return {
        "X-CSRFToken": csrfToken(),
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
      };
    }

    function rebase(revision, text) {
      base = revision;
      savedText = text;
      sent = [];
    }

    // After the server answered: done if it has what is in the field, else send the rest.
    function settle() {
      if (field.value === savedText) {
        dropPending();
        setStatus("Saved", "saved");
      } else {
        writePending();
        save();
      }
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
      if (inflight || blocked || conflict) {
        return;
      }
      if (field.value === savedText) {
        dropPending();
        setStatus("Saved", "saved");
        return;
      }
      inflight = true;
      var sending = field.value;
      sent.push(sending);
      if (sent.length > 20) {
        sent.shift();
      }
      writePending();
      if (!retryTimer && !retryDelay) {
        setStatus("Saving…", "saving");
      }
      fetch(url, {
        method: "POST",
        headers: headers(),
        body: body(sending),
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
            rebase(data.revision, sending);
            settle();
          } else if (response.status === 409 && data.conflict) {
            retryDelay = 0;
            if (data.notes === field.value || sent.indexOf(data.notes) >= 0) {
              // The server holds this tab's own text: build on it, nothing is lost.
              rebase(data.revision, data.notes);
              settle();
            } else {
              showConflict(data.notes, data.revision);
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

    /* The conflict panel: both texts side by side, and the ways out. Built here with
     * textContent only; the page without this script renders its own on the server. */
    function element(tag, attrs, text) {
      var el = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (name) {
        el.setAttribute(name, attrs[name]);
      });
      if (text) {
        el.textContent = text;
      }
      return el;
    }

    function textColumn(id, label, value) {
      var column = element("div", { class: "notes-conflict-text" });
      column.appendChild(element("label", { for: id }, label));
      var area = element("textarea", { id: id, rows: "5", readonly: "" });
      area.value = value;
      column.appendChild(area);
      return { column: column, area: area };
    }

    function showConflict(theirs, revision) {
      hideConflict();
      var panel = element("section", {
        id: "notes-conflict",
        class: "notes-conflict",
        role: "alert",
        "aria-labelledby": "notes-conflict-title",
      });
      panel.appendChild(
        element("h3", { id: "notes-conflict-title" }, "These notes changed somewhere else")
      );
      panel.appendChild(
        element(
          "p",
          {},
          "Another tab or device saved different notes for this question while you were " +
            "typing here. Nothing has been overwritten, and nothing you type here is " +
            "saved until you choose which text to keep."
        )
      );
      var texts = element("div", { class: "notes-conflict-texts" });
      var mine = textColumn("notes-mine", "Your text (not saved)", field.value);
      texts.appendChild(mine.column);
      texts.appendChild(textColumn("notes-theirs", "Saved elsewhere", theirs).column);
      panel.appendChild(texts);
      var actions = element("div", { class: "notes-conflict-actions" });
      var keepMine = element(
        "button",
        { type: "button", id: "notes-keep-mine", class: "primary" },
        "Keep mine"
      );
      var keepBoth = element("button", { type: "button", id: "notes-keep-both" }, "Keep both");
      var takeTheirs = element(
        "button",
        { type: "button", id: "notes-take-theirs" },
        "Use the text saved elsewhere"
      );
      actions.appendChild(keepMine);
      actions.appendChild(keepBoth);
      actions.appendChild(takeTheirs);
      panel.appendChild(actions);
      field.parentNode.insertBefore(panel, field);
      conflict = { theirs: theirs, revision: revision, panel: panel, mine: mine.area };
      setStatus("Not saved — conflict: choose which text to keep", "conflict");
      writePending();

      keepMine.addEventListener("click", function () {
        resolve(field.value);
      });
      keepBoth.addEventListener("click", function () {
        resolve(theirs ? field.value + "\n\n" + theirs : field.value);
      });
      takeTheirs.addEventListener("click", function () {
        resolve(theirs);
      });
    }

    // Save `text` against the revision the other writer made (taking theirs saves nothing).
    function resolve(text) {
      var current = conflict;
      hideConflict();
      field.value = text;
      rebase(current.revision, current.theirs);
      blocked = false;
      settle();
      field.focus();
    }

    function hideConflict() {
      if (conflict && conflict.panel.parentNode) {
        conflict.panel.parentNode.removeChild(conflict.panel);
      }
      conflict = null;
    }

    function onInput() {
      blocked = false;
      writePending();
      if (conflict) {
        conflict.mine.value = field.value;
        return;
      }
      if (!retryTimer) {
        setStatus("Saving…", "saving");
      }
      clearTimeout(debounceTimer);
      debounceTimer = setTimeout(save, 600);
    }

    // Leaving the page: hand what is unsaved to a request that outlives it. If a save is
    // still in flight the two may cross; whichever loses is this tab's own text, which
    // the next load recognises from `sent` and sends again.
    function flushOnLeave() {
      if (field.value === savedText || blocked || conflict) {
        return;
      }
      sent.push(field.value);
      writePending();
      try {
        fetch(url, {
          method: "POST",
          headers: headers(),
          body: body(field.value),
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

    // Text typed before a reload that the server never acknowledged: restore it. Built
    // on what is stored now (or on this tab's own later save), it is sent again; built
    // on a revision someone else has replaced since, it is a conflict.
    var pending = readPending();
    if (pending && typeof pending.text === "string" && pending.text !== field.value) {
      var stored = field.value;
      field.value = pending.text;
      if (pending.base === base || (pending.sent || []).indexOf(stored) >= 0) {
        setStatus("Saving…", "saving");
        save();
      } else {
        showConflict(stored, base);
      }
    } else if (pending) {
      dropPending();
    }

    return { flush: flushOnLeave };
  }

  // A page the server sent back with a conflict carries its own choices (a plain form).
  if (notesField && !notesField.readOnly && !document.getElementById("notes-conflict")) {
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
    // The pace rule lives on the server (interviews/pages/runner.py, Clock.pace_line):
    // it sends the pace now, for the current question still unrated and once rated, and
    // how long the unrated one holds; this only moves them on by the seconds passed.
    var running = el.dataset.running === "true";
    var spent = parseInt(el.dataset.questionSpent, 10) || 0;
    var budget = parseInt(el.dataset.questionBudget, 10) || 0;
    var elapsed = parseInt(el.dataset.totalElapsed, 10) || 0;
    var pacePending = parseInt(el.dataset.pacePending, 10) || 0;
    var steadyFor = parseInt(el.dataset.pacePendingSteadyFor, 10) || 0;
    var paceRated = parseInt(el.dataset.paceRated, 10) || 0;
    var tolerance = parseInt(el.dataset.paceTolerance, 10) || 0;
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
      var pace = pending ? pacePending - Math.max(0, dt - steadyFor) : paceRated - dt;
      questionEl.textContent = clockText(questionSpent);
      totalEl.textContent = clockText(totalElapsed);
      if (!running && totalElapsed === 0) {
        return;
      }
      var label;
      var cls;
      if (Math.abs(pace) < tolerance) {
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
