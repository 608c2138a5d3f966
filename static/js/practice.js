// Practice page keys, like Anki: Space shows the answer, 1–4 rate the card, U
// undoes the last rating; with typed answers, Ctrl+Enter checks the answer.
// Everything also works without this file: the answer is a <details> element
// and the ratings are submit buttons of a plain form (htmx swaps the next card in).
(function () {
  "use strict";

  var shownAt = Date.now();

  function card() {
    return document.querySelector(".practice-card");
  }

  function isTyping(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
  }

  function focusCard() {
    var current = card();
    // A checked answer is the same card: its time keeps running until the rating.
    if (!current || !current.querySelector(".answer-check")) shownAt = Date.now();
    if (!current) return;
    var typed = current.querySelector("#typed-answer");
    if (typed) {
      typed.focus();
      return;
    }
    var title = current.querySelector(".card-title");
    if (title) title.focus({ preventScroll: false });
  }

  document.addEventListener("keydown", function (event) {
    // Ctrl+Enter (Cmd+Enter) in the answer box checks the typed answer.
    // Escape leaves the box, so that U (undo) and the other keys work again.
    var box = event.target instanceof Element ? event.target.closest("#typed-answer") : null;
    if (box && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (box.form) box.form.requestSubmit();
      return;
    }
    if (box && event.key === "Escape") {
      event.preventDefault();
      var title = card() && card().querySelector(".card-title");
      if (title) title.focus();
      else box.blur();
      return;
    }
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    if (isTyping(event.target)) return;
    if (event.key === "u" || event.key === "U") {
      var undo = document.querySelector(".undo-button");
      if (undo && !undo.disabled) {
        event.preventDefault();
        undo.click();
      }
      return;
    }
    var current = card();
    if (!current) return;
    var reveal = current.querySelector("details.reveal");
    if (!reveal) {
      // Typing answers: Space or Enter goes (back) into the answer box.
      var typed = current.querySelector("#typed-answer");
      var onControl = event.target instanceof Element && event.target.closest("button, a, summary");
      if (typed && !onControl && (event.key === " " || event.key === "Enter")) {
        event.preventDefault();
        typed.focus();
      }
      return;
    }

    if (event.key === " " || event.key === "Enter") {
      // A focused button, link or summary keeps its own Space/Enter behaviour.
      if (event.target instanceof Element && event.target.closest("button, a, summary")) return;
      if (!reveal.open) {
        event.preventDefault();
        reveal.open = true;
      }
      return;
    }

    if (/^[1-4]$/.test(event.key) && reveal.open) {
      var button = current.querySelector('button[name="rating"][value="' + event.key + '"]');
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
      }
    }
  });

  // How long the member looked at the card before rating it, for the review log.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("rating-form")) return;
      var field = form.querySelector('input[name="duration_ms"]');
      if (field) field.value = String(Math.max(0, Date.now() - shownAt));
    },
    true
  );

  // When the answer opens, bring the rating buttons into view; after htmx
  // brings the next card, focus its question so screen readers announce it.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details instanceof HTMLDetailsElement && details.classList.contains("reveal") && details.open) {
        // The ratings stick to the bottom of the window while the answer is in view
        // (study.css): when they are below it, the answer's start goes to the top.
        var buttons = details.querySelector(".rating-buttons");
        if (buttons && buttons.getBoundingClientRect().bottom > window.innerHeight) {
          details.querySelector("summary").scrollIntoView({ block: "start" });
        }
      }
    },
    true
  );

  document.addEventListener("htmx:afterSettle", function (event) {
    var session = document.getElementById("practice-session");
    if (session && event.target instanceof Node && session.contains(event.target)) focusCard();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      shownAt = Date.now();
      var typed = document.getElementById("typed-answer");
      if (typed) typed.focus();
    });
  }
})();
