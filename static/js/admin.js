// Accessibility touches for the admin's autocomplete boxes (Select2, Django's own):
// the search field Select2 adds gets the name of its field, and the mouse-only
// "remove all" cross, which Select2 puts inside a list, is hidden from assistive
// technology. Select2 redraws these at every change, so a MutationObserver follows.
(function () {
  "use strict";

  function labelFor(container) {
    var select = container.previousElementSibling;
    if (!select || !select.id) return "";
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function fix(root) {
    root.querySelectorAll(".select2-container .select2-search__field:not([aria-label])").forEach(function (field) {
      var name = labelFor(field.closest(".select2-container"));
      field.setAttribute("aria-label", name ? "Search " + name.toLowerCase() : "Search");
    });
    root.querySelectorAll(".select2-selection__rendered > .select2-selection__clear:not([aria-hidden])").forEach(function (cross) {
      cross.setAttribute("aria-hidden", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
    new MutationObserver(function () {
      fix(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
