// One-click moderation (blog.admin.CommentAdmin and the dashboard's latest comments): a row's buttons post in
// place and the list keeps up (tab counts, the row's status, Undo); Reply opens a box under the comment; keyboard
// shortcuts as WordPress's, only while the focus is in a list of comments. Without this script every button posts
// the #comment-moderation form and Reply opens its own page.
(function () {
  "use strict";

  // Loaded in the head, with the admin's other list scripts.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
  var form = document.getElementById("comment-moderation");
  if (!form || !window.fetch) return;
  var statusLine = document.getElementById("moderation-status");
  var currentTab = document.querySelector(".status-tabs [aria-current=page]");
  var shownStatus = currentTab ? currentTab.dataset.statusTab : "all";
  var lastUndo = null;
  var TEXT_ENTRY = "textarea, select, [contenteditable], input:not([type=checkbox]):not([type=radio])";

  // "All" (and the dashboard) lists the comments readers see or may see.
  function shown(status) {
    return shownStatus === "all" ? status === "pending" || status === "approved" : status === shownStatus;
  }

  function say(message) {
    if (statusLine) statusLine.textContent = message;
  }

  function post(url, fields) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    Object.keys(fields).forEach(function (name) { data.append(name, fields[name]); });
    return fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (answer) {
          answer.ok = response.ok;
          return answer;
        }, function () {
          // Not the moderation's JSON: the comment is gone, or this person may no longer change it.
          return {ok: false, message: "This comment no longer exists, or you may not change it: reload the list."};
        });
      }, function () {
        return {ok: false, message: "The server could not be reached: nothing was changed. Try again."};
      });
  }

  // The tabs' counts, All counting what readers see or may see, and the pending counts on the page (dashboard,
  // header).
  function count(status, delta) {
    var counters = Array.prototype.slice.call(
      document.querySelectorAll('.status-tabs [data-status-tab="' + status + '"] [data-count]')
    );
    if (status === "pending" || status === "approved") {
      counters = counters.concat(Array.prototype.slice.call(
        document.querySelectorAll('.status-tabs [data-status-tab="all"] [data-count]')
      ));
    }
    if (status === "pending") {
      counters = counters.concat(Array.prototype.slice.call(document.querySelectorAll("[data-pending-count]")));
    }
    counters.forEach(function (counter) {
      counter.textContent = Math.max(0, Number(counter.textContent) + delta);
    });
  }

  function rows(list) {
    return Array.prototype.filter.call(list.querySelectorAll("tbody > tr"), function (row) {
      return !row.classList.contains("moderated") && row.querySelector(".comment-actions");
    });
  }

  function listOf(element) {
    return element.closest("[data-comment-list], #result_list");
  }

  function focusRow(row) {
    var list = listOf(row);
    rows(list).forEach(function (other) { other.tabIndex = -1; });
    row.tabIndex = 0;
    row.focus();
  }

  function nextRow(row) {
    var all = rows(listOf(row));
    var after = all.filter(function (other) {
      return row.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    return after[0] || all[all.length - 1];
  }

  function refreshRow(row, answer) {
    var actions = row.querySelector(".comment-actions");
    actions.outerHTML = answer.actions;
    var status = row.querySelector(".field-status, [data-comment-status]");
    if (status) status.textContent = answer.status_label;
  }

  // The comment left the tab shown: its row folds into a line saying what happened, with Undo.
  function fold(row, answer, undoStatus) {
    row.classList.add("moderated");
    var note = document.createElement("td");
    note.className = "moderated-note";
    note.colSpan = row.children.length;
    var text = document.createElement("span");
    text.textContent = answer.message + " ";
    note.appendChild(text);
    if (answer.reply_url) {
      var link = document.createElement("a");
      link.href = answer.reply_url;
      link.textContent = "View the reply";
      note.appendChild(link);
    } else if (undoStatus) {
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "moderate-button";
      undo.textContent = "Undo";
      undo.dataset.undo = undoStatus;
      note.appendChild(undo);
      lastUndo = undo;
    }
    row.appendChild(note);
  }

  function unfold(row) {
    row.classList.remove("moderated");
    var note = row.querySelector(".moderated-note");
    if (note) note.remove();
  }

  function afterMove(row, answer, previous) {
    count(previous, -1);
    if (answer.deleted) {
      fold(row, answer, null);
    } else {
      count(answer.new_status, 1);
      refreshRow(row, answer);
      if (!shown(answer.new_status)) fold(row, answer, previous);
    }
    say(answer.message);
  }

  function moderate(button) {
    var row = button.closest("tr");
    var previous = button.closest(".comment-actions").dataset.status;
    var wasFocused = row.contains(document.activeElement);
    button.disabled = true;
    post(button.formAction, {status: button.value}).then(function (answer) {
      button.disabled = false;
      if (answer.location) {
        window.location.assign(answer.location);
        return;
      }
      if (!answer.ok) {
        say(answer.message || "This comment could not be changed.");
        if (answer.actions) {
          count(previous, -1);
          count(answer.new_status, 1);
          refreshRow(row, answer);
        }
        return;
      }
      afterMove(row, answer, previous);
      if (row.classList.contains("moderated")) {
        var next = nextRow(row);
        if (next && wasFocused) focusRow(next);
      }
    });
  }

  function undo(button) {
    var row = button.closest("tr");
    var actions = row.querySelector(".comment-actions");
    var url = actions.querySelector("button[name=status]").formAction;
    post(url, {status: button.dataset.undo}).then(function (answer) {
      if (!answer.ok) {
        say(answer.message || "This comment could not be changed.");
        return;
      }
      count(actions.dataset.status, -1);
      count(answer.new_status, 1);
      unfold(row);
      refreshRow(row, answer);
      say(answer.message);
      focusRow(row);
    });
  }

  function closeReply(box) {
    var row = box.previousElementSibling;
    box.remove();
    if (row) focusRow(row);
  }

  function openReply(link) {
    var row = link.closest("tr");
    var open = row.nextElementSibling;
    if (open && open.classList.contains("reply-row")) {
      open.querySelector("textarea").focus();
      return;
    }
    var actions = link.closest(".comment-actions");
    var details = row.querySelector("details.comment-text");
    if (details) details.open = true;
    var id = "reply-" + actions.dataset.comment;
    var box = document.createElement("tr");
    box.className = "reply-row";
    var cell = document.createElement("td");
    cell.colSpan = row.children.length;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Your reply to " + actions.dataset.name;
    var textarea = document.createElement("textarea");
    textarea.id = id;
    textarea.rows = 4;
    textarea.required = true;
    var errors = document.createElement("p");
    errors.className = "errornote";
    errors.id = id + "-errors";
    errors.hidden = true;
    var publish = document.createElement("button");
    publish.type = "button";
    publish.className = "moderate-button moderate-button--primary";
    publish.textContent = actions.dataset.status === "pending" ? "Approve and publish reply" : "Publish reply";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "moderate-button";
    cancel.textContent = "Cancel";
    var buttons = document.createElement("div");
    buttons.className = "reply-buttons";
    buttons.append(publish, cancel);
    cell.append(label, textarea, errors, buttons);
    box.appendChild(cell);
    row.after(box);
    textarea.focus();

    function send() {
      var previous = actions.dataset.status;
      publish.disabled = true;
      post(link.href, {body: textarea.value}).then(function (answer) {
        publish.disabled = false;
        if (!answer.ok) {
          var messages = answer.errors ? answer.errors.body || answer.errors.__all__ || [] : [answer.message];
          errors.textContent = messages.join(" ") || "The reply could not be published.";
          errors.hidden = false;
          textarea.setAttribute("aria-invalid", "true");
          textarea.setAttribute("aria-describedby", errors.id);
          textarea.focus();
          return;
        }
        box.remove();
        if (answer.new_status !== previous) {
          count(previous, -1);
          count(answer.new_status, 1);
        }
        count("approved", 1);  // the reply itself
        refreshRow(row, answer);
        if (!shown(answer.new_status)) fold(row, answer, null);
        say(answer.message);
        var next = row.classList.contains("moderated") ? nextRow(row) : row;
        if (next) focusRow(next);
      });
    }
    publish.addEventListener("click", send);
    cancel.addEventListener("click", function () { closeReply(box); });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        send();
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeReply(box);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest(".comment-actions button[name=status], [data-undo], [data-reply]");
    if (!target || !listOf(target)) return;
    event.preventDefault();
    if (target.dataset.undo) undo(target);
    else if (target.hasAttribute("data-reply")) openReply(target);
    else moderate(target);
  });

  document.querySelectorAll("[data-comment-list], #result_list").forEach(function (list) {
    var all = rows(list);
    all.forEach(function (row, index) {
      row.tabIndex = index === 0 ? 0 : -1;
      row.setAttribute("aria-label", "Comment by " + row.querySelector(".comment-actions").dataset.name);
    });
    list.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.target.matches(TEXT_ENTRY)) return;
      var row = event.target.closest("tr");
      var current = rows(list);
      if (!current.length) return;
      var key = event.key.toLowerCase();
      if (key === "j" || key === "k") {
        var at = current.indexOf(row);
        var to = at === -1 ? 0 : Math.min(current.length - 1, Math.max(0, at + (key === "j" ? 1 : -1)));
        event.preventDefault();
        focusRow(current[to]);
        return;
      }
      if (!row || row.classList.contains("moderated")) return;
      var restore = row.querySelector('.comment-actions [aria-keyshortcuts="Z"]');
      if (key === "z" && !restore && lastUndo && document.contains(lastUndo)) {
        event.preventDefault();
        undo(lastUndo);
        return;
      }
      var button = row.querySelector('.comment-actions [aria-keyshortcuts="' + key.toUpperCase() + '"]');
      if (!button) return;
      event.preventDefault();
      if (button.hasAttribute("data-reply")) openReply(button);
      else moderate(button);
    });
  });
  }
})();
