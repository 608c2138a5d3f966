// What every page needs around htmx actions: where focus goes after an action,
// and a readable message when the server cannot answer. No inline script (the
// CSP forbids it) and nothing the page cannot do without: every action also
// works as a plain form post.
(function () {
  "use strict";

  // After "Post your answer" (or any link to #answer-N / #comment-N) the page
  // opens on that item: move focus there too, so that a keyboard or screen
  // reader user starts from what they just did.
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^(answer|comment)-\d+$/.test(id)) return;
    var target = document.getElementById(id);
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusTarget);
  } else {
    focusTarget();
  }

  // 4xx replies are fragments that htmx swaps in place (base.html's
  // responseHandling). A 5xx or a lost connection has nothing to swap: say so
  // next to what was clicked instead of doing nothing.
  function showProblem(elt, text) {
    var form = elt.closest("form") || elt;
    var note = form.querySelector(":scope > .action-problem");
    if (!note) {
      note = document.createElement("p");
      note.className = "inline-error action-problem";
      note.setAttribute("role", "alert");
      form.appendChild(note);
    }
    note.textContent = text;
  }

  document.addEventListener("htmx:responseError", function (event) {
    showProblem(
      event.detail.elt,
      "Something went wrong on our side (error " + event.detail.xhr.status + "). " +
        "Please try again in a moment."
    );
  });

  document.addEventListener("htmx:sendError", function (event) {
    showProblem(event.detail.elt, "The site could not be reached. Check your connection and try again.");
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest("form") || event.detail.elt;
    var note = form.querySelector(":scope > .action-problem");
    if (note) note.remove();
  });

  // The header's menu is a <details>: Escape closes it and gives focus back to
  // its button, and a click elsewhere on the page closes it, as a menu does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector("details.site-menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    var menu = document.querySelector("details.site-menu[open]");
    if (menu && !menu.contains(event.target)) menu.open = false;
  });
})();
