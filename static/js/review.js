// Review queue keys: 1 correct, 2 partly correct, 3 wrong, S skip.
// Partly and wrong need a note: the key focuses the note box and remembers the
// choice; Ctrl+Enter (or Cmd+Enter) in the box then sends it. Without this file
// the page is plain forms and buttons.
(function () {
  "use strict";

  var VALUES = { "1": "correct", "2": "partly", "3": "wrong" };
  var pending = null;

  function form() {
    return document.querySelector(".review-card .verdict-form");
  }

  function isTyping(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
  }

  function send(box, value) {
    var button = box.querySelector('button[name="value"][value="' + value + '"]');
    if (button && !button.disabled) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.repeat) return;
    var box = form();
    if (!box) return;
    var note = box.querySelector("textarea[name='note']");

    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === note) {
      event.preventDefault();
      send(box, pending || (note.value.trim() ? "wrong" : "correct"));
      return;
    }
    if (event.ctrlKey || event.metaKey || isTyping(event.target)) return;

    if (event.key === "s" || event.key === "S") {
      var skip = document.getElementById("review-skip");
      if (skip) {
        event.preventDefault();
        skip.click();
      }
      return;
    }
    var value = VALUES[event.key];
    if (!value) return;
    event.preventDefault();
    var details = box.closest("details");
    if (details) details.open = true;
    if (value === "correct" || (note && note.value.trim())) {
      send(box, value);
      return;
    }
    pending = value;
    box.querySelectorAll("button[name='value']").forEach(function (button) {
      button.classList.toggle("chosen", button.value === value);
    });
    if (note) {
      note.setAttribute("placeholder", "Say what is wrong, then press Ctrl+Enter");
      note.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var title = document.getElementById("review-question");
    if (title) title.focus({ preventScroll: true });
  });
})();
