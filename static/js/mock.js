// Mock interview: the countdown, and keys. Everything but the countdown works
// without this file: the answer and the grades are plain forms, and the server
// measures time from its own timestamps (the countdown only shows them).
(function () {
  "use strict";

  var timer = null;
  var announced = {};

  function isTyping(target) {
    return target instanceof Element && target.closest("textarea, input:not([type=radio]), select, [contenteditable]");
  }

  function format(seconds) {
    var s = Math.abs(seconds);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + rest : m + ":" + rest;
  }

  function say(text) {
    var status = document.getElementById("clock-status");
    if (status) status.textContent = text;
  }

  // The clock counts to the server's deadline, corrected for the difference
  // between the server's clock and this one when the page was rendered.
  function startClock() {
    if (timer) window.clearInterval(timer);
    timer = null;
    var clock = document.getElementById("mock-clock");
    if (!clock) return;
    var deadline = Number(clock.dataset.deadline) * 1000;
    var skew = Number(clock.dataset.now) * 1000 - Date.now();
    var value = clock.querySelector(".clock-value");
    var note = clock.querySelector(".clock-note");
    var key = clock.dataset.deadline;
    function tick() {
      var left = Math.round((deadline - (Date.now() + skew)) / 1000);
      if (left >= 0) {
        value.textContent = format(left);
        if (note) note.textContent = "left";
        clock.classList.toggle("is-low", left <= 30);
        if (left === 60 && !announced[key + "60"]) {
          announced[key + "60"] = true;
          say("One minute left.");
        }
      } else {
        value.textContent = "+" + format(-left);
        if (note) note.textContent = "over time";
        clock.classList.add("is-over");
        if (!announced[key + "0"]) {
          announced[key + "0"] = true;
          say("Time is up: finish your thought and go on.");
        }
      }
    }
    tick();
    timer = window.setInterval(tick, 1000);
  }

  function focusStage() {
    var title = document.querySelector("#mock-stage .card-title, #summary-heading");
    if (title) title.focus({ preventScroll: false });
  }

  function submitAnswer() {
    var form = document.querySelector(".mock-answer-form");
    var button = form && form.querySelector("button[type=submit]");
    if (button && !button.disabled) button.click();
  }

  // The first question without a grade yet, or the one holding the focus.
  function gradeTarget(target) {
    var here = target instanceof Element && target.closest("fieldset.mock-grade");
    if (here && !here.querySelector("input:checked")) return here;
    var sets = document.querySelectorAll("fieldset.mock-grade");
    for (var i = 0; i < sets.length; i++) {
      if (!sets[i].querySelector("input:checked")) return sets[i];
    }
    return here || null;
  }

  function grade(target, value) {
    var set = gradeTarget(target);
    if (!set) return false;
    var radio = set.querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) return false;
    radio.checked = true;
    var next = gradeTarget(null);
    if (next) {
      var first = next.querySelector("input[type=radio]");
      next.scrollIntoView({ block: "nearest" });
      if (first) first.focus({ preventScroll: true });
    } else {
      var save = document.querySelector("#mock-grade-form button[type=submit]");
      if (save) save.focus();
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.repeat) return;
    var box = document.getElementById("mock-answer");
    if (box && event.target === box) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submitAnswer();
      } else if (event.key === "Escape") {
        box.blur();
        var title = document.querySelector("#mock-stage .card-title");
        if (title) title.focus();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    if (box) {
      if (event.key === "a" || event.key === "A") {
        event.preventDefault();
        box.focus();
      } else if (event.key === "Enter") {
        if (event.target instanceof Element && event.target.closest("button, a, summary")) return;
        event.preventDefault();
        submitAnswer();
      }
      return;
    }
    if (/^[1-4]$/.test(event.key) && grade(event.target, event.key)) event.preventDefault();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var stage = document.getElementById("mock-stage");
    if (stage && event.target instanceof Node && (event.target === stage || stage.contains(event.target))) {
      startClock();
      focusStage();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startClock);
  } else {
    startClock();
  }
})();
