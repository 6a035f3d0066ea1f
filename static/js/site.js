// Site-wide behaviour. Everything here is an enhancement: the pages work without it.
(function () {
  "use strict";

  // On wide screens the navigation is always visible: keep its <details> open
  // (the breakpoint is the one in site.css, "Wide screens").
  var nav = document.querySelector(".site-nav");
  var wide = window.matchMedia ? window.matchMedia("(min-width: 62rem)") : null;
  if (nav && wide) {
    var sync = function () { if (wide.matches) nav.open = true; };
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
  }

  // Close the mobile menu with Escape and return focus to its toggle (never the wide
  // screens' always-open navigation).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open].site-nav, details[open][data-closable]").forEach(function (details) {
      if (details === nav && wide && wide.matches) return;
      details.open = false;
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // Focus the error summary of a form that came back with errors, so it is announced.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
