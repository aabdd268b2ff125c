// Keeps editors' work safe in the admin's change forms (see core/editing.py):
// - who else has this form open, asked every few seconds (a small JSON endpoint), and whether someone saved
//   a newer version meanwhile;
// - a local draft of every field, kept in this browser as the editor types, offered back after a crash, a
//   closed tab or a failed save, and dropped once a save succeeds;
// - a warning before leaving the page with unsaved changes.
// Without JavaScript the server's version check still refuses a stale save.
(function () {
  "use strict";

  var SUBMITTING = "clinic-editing:submitting";
  var PREFIX = "clinic-editing:";

  function storage(kind) {
    try {
      var store = window[kind];
      store.setItem(PREFIX + "probe", "1");
      store.removeItem(PREFIX + "probe");
      return store;
    } catch (error) {
      return null; // private mode or storage disabled: the server-side checks still hold
    }
  }

  var local = storage("localStorage");
  var session = storage("sessionStorage");

  // A save that went through (Django shows its success message on the next page) makes the draft obsolete.
  function forgetSavedDraft() {
    if (!session || !local) return;
    var key = session.getItem(SUBMITTING);
    if (!key) return;
    session.removeItem(SUBMITTING);
    if (document.querySelector(".messagelist .success")) local.removeItem(key);
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      var type = (element.type || "").toLowerCase();
      return element.name && !element.disabled && element.name.indexOf("__prefix__") === -1 &&
        ["file", "hidden", "submit", "button", "reset", "image", "password"].indexOf(type) === -1;
    });
  }

  function readState(form) {
    var state = {};
    fields(form).forEach(function (element) {
      var type = element.type.toLowerCase();
      if (type === "checkbox" || type === "radio") {
        state[element.name + "|" + element.value] = element.checked;
      } else if (type === "select-multiple") {
        state[element.name] = Array.prototype.filter.call(element.options, function (option) {
          return option.selected;
        }).map(function (option) { return option.value; });
      } else {
        state[element.name] = element.value;
      }
    });
    return state;
  }

  function writeState(form, state) {
    fields(form).forEach(function (element) {
      var type = element.type.toLowerCase();
      if (type === "checkbox" || type === "radio") {
        var key = element.name + "|" + element.value;
        if (key in state) element.checked = state[key];
      } else if (!(element.name in state)) {
        return;
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = state[element.name].indexOf(option.value) !== -1;
        });
      } else if (element.tagName === "SELECT" &&
                 !Array.prototype.some.call(element.options, function (o) { return o.value === state[element.name]; })) {
        return; // an autocomplete choice no longer offered: keep what the page shows
      } else {
        element.value = state[element.name];
        var editor = window.editors && window.editors[element.id];
        if (editor) editor.setData(state[element.name]);
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function editorsReady(form, callback) {
    var wanted = form.querySelectorAll("textarea.django_ckeditor_5").length;
    var tries = 0;
    (function wait() {
      var ready = Object.keys(window.editors || {}).length >= wanted;
      if (ready || tries++ > 100) callback();
      else window.setTimeout(wait, 50);
    })();
  }

  function focusFirstField(form) {
    var first = fields(form)[0];
    if (first) first.focus();
  }

  function describeTime(timestamp) {
    return new Date(timestamp).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }

  // The server compares what the editor sends with what CKEditor made of the stored HTML on opening
  // (core/editing.py LOADED_PREFIX), so CKEditor's own rewriting is not taken for a change.
  function recordLoadedEditors(form) {
    Object.keys(window.editors || {}).forEach(function (id) {
      var textarea = document.getElementById(id);
      if (!textarea || !form.contains(textarea)) return;
      var loaded = document.createElement("input");
      loaded.type = "hidden";
      loaded.name = "_edit_loaded-" + textarea.name;
      loaded.value = window.editors[id].getData();
      form.appendChild(loaded);
    });
  }

  function keepDrafts(box, form) {
    if (!local) return function () { return false; };
    var key = PREFIX + box.dataset.storageKey;
    var banner = box.querySelector(".editing-draft");
    var opened = readState(form);
    var lastKept = JSON.stringify(opened);
    var stored = null;
    try {
      stored = JSON.parse(local.getItem(key) || "null");
    } catch (error) {
      local.removeItem(key);
    }
    var version = form.querySelector("input[name=_edit_version]");
    var snapshot = form.querySelector("input[name=_edit_snapshot]");
    var base = { version: version ? version.value : "", snapshot: snapshot ? snapshot.value : "" };
    if (stored && (box.hasAttribute("data-refused") || same(stored.fields, opened))) {
      // After a refused save the form already holds what was typed (and, after a conflict, the other
      // person's changes): an older draft would only bring back stale values.
      local.removeItem(key);
      stored = null;
    } else if (stored) {
      banner.querySelector(".editing-draft__when").textContent = "(from " + describeTime(stored.savedAt) + ")";
      banner.hidden = false;
      banner.querySelector(".editing-draft__restore").addEventListener("click", function () {
        writeState(form, stored.fields);
        // The draft was typed over the version it was opened at: saving it is checked against that version,
        // so changes saved by someone else since are shown, never silently replaced.
        if (stored.base && version && snapshot) {
          base = stored.base;
          version.value = base.version;
          snapshot.value = base.snapshot;
        }
        banner.hidden = true;
        focusFirstField(form);
      });
      banner.querySelector(".editing-draft__discard").addEventListener("click", function () {
        local.removeItem(key);
        banner.hidden = true;
        focusFirstField(form);
      });
    }

    function keep() {
      var now = readState(form);
      var text = JSON.stringify(now);
      if (text === lastKept) return;
      lastKept = text;
      if (same(now, opened)) {
        if (!stored || banner.hidden) local.removeItem(key);
        return;
      }
      try {
        local.setItem(key, JSON.stringify({ savedAt: Date.now(), fields: now, base: base }));
        stored = null;
      } catch (error) {
        // Storage full: the form itself still holds the text.
      }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    // CKEditor writes its textarea without input events.
    Object.keys(window.editors || {}).forEach(function (id) {
      window.editors[id].model.document.on("change:data", keep);
    });

    var submitting = false;
    form.addEventListener("submit", function (event) {
      keep();
      var submitter = event.submitter;
      if (submitter && submitter.formTarget === "_blank") return; // a preview in another tab saves nothing
      if (session) session.setItem(SUBMITTING, key);
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || same(readState(form), opened)) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function notice(container, strong, text) {
    var paragraph = document.createElement("p");
    paragraph.className = "editing-notice";
    var name = document.createElement("strong");
    name.textContent = strong;
    paragraph.appendChild(name);
    paragraph.appendChild(document.createTextNode(text));
    container.appendChild(paragraph);
  }

  function watchOthers(box, form) {
    var url = box.dataset.heartbeatUrl;
    if (!url) return;
    var noun = box.dataset.noun;
    var seconds = Number(box.dataset.heartbeatSeconds) || 15;
    var container = box.querySelector(".editing-others");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var version = form.querySelector("input[name=_edit_version]");

    function body(extra) {
      var data = new FormData();
      if (token) data.append("csrfmiddlewaretoken", token.value);
      if (version) data.append("version", version.value);
      Object.keys(extra || {}).forEach(function (name) { data.append(name, extra[name]); });
      return data;
    }

    function show(answer) {
      container.textContent = "";
      (answer.others || []).forEach(function (other) {
        notice(container, other.name, " is editing " + noun + " (since " + other.since + "). If you both " +
          "save, the second save is refused and shown what the first changed: nothing is lost.");
      });
      if (answer.newer) {
        notice(container, answer.newer.name, " saved a newer version" + (answer.newer.at ? " (at " + answer.newer.at + ")" : "") +
          ". Saving now will show you their changes before anything of yours is stored.");
      }
    }

    function beat() {
      if (document.visibilityState === "hidden") return;
      window.fetch(url, { method: "POST", body: body(), credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer) show(answer); })
        .catch(function () { /* offline for a moment: the next beat tries again */ });
    }
    window.setInterval(beat, seconds * 1000);
    document.addEventListener("visibilitychange", beat);
    window.addEventListener("pagehide", function () {
      if (navigator.sendBeacon) navigator.sendBeacon(url, body({ leave: "1" }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    forgetSavedDraft();
    var box = document.getElementById("editing");
    var form = box && box.closest("form");
    if (!form) return;
    watchOthers(box, form);
    editorsReady(form, function () {
      recordLoadedEditors(form);
      keepDrafts(box, form);
    });
  });
})();
