// Site-wide behaviour. Everything here is an enhancement: the pages work without it.
(function () {
  "use strict";

  // Close the mobile menu with Escape and return focus to its toggle.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open].site-nav, details[open][data-closable]").forEach(function (details) {
      details.open = false;
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // On wide screens the navigation is always visible: keep its <details> open.
  var nav = document.querySelector(".site-nav");
  if (nav && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 68rem)");
    var sync = function () { if (wide.matches) nav.open = true; };
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
  }

  // Focus the error summary of a form that came back with errors, so it is announced.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
