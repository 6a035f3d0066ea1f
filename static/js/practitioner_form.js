// The group form of the practitioner space. Everything here is an enhancement: without it
// every field shows and the server checks everything.
//  * fields that do not apply to the choices made (an address for an online group) hide;
//  * the municipality of the postal code shows as you type (from this site, no outside call);
//  * long text fields count their characters.
(function () {
  "use strict";

  var form = document.querySelector("[data-group-form]");
  if (!form) return;

  // --- Fields shown only when they apply --------------------------------------------------
  // field name -> [controlling field, values for which it shows]
  var RULES = {
    venue_name: ["format", ["in_person", "hybrid"]],
    street_address: ["format", ["in_person", "hybrid"]],
    postal_code: ["format", ["in_person", "hybrid"]],
    venue_note: ["format", ["in_person", "hybrid"]],
    wheelchair_access: ["format", ["in_person", "hybrid"]],
    accessibility_note: ["format", ["in_person", "hybrid"]],
    online_joining_info: ["format", ["online", "hybrid"]],
    session_count: ["schedule_type", ["cycle"]],
    last_session_on: ["schedule_type", ["ongoing"]],
    weekday: ["recurrence", ["weekly", "biweekly", "monthly_nth"]],
    week_of_month: ["recurrence", ["monthly_nth"]],
    price_amount: ["price_type", ["per_session", "per_cycle", "sliding_scale"]],
    price_amount_max: ["price_type", ["sliding_scale"]],
    reimbursement_note: ["price_type", ["per_session", "per_cycle", "sliding_scale"]],
    registration_email: ["registration_method", ["email"]],
    registration_phone: ["registration_method", ["phone"]],
    registration_url: ["registration_method", ["link"]]
  };

  function currentValue(name) {
    var inputs = form.elements[name];
    if (!inputs) return null;
    if (inputs.length !== undefined && inputs.tagName !== "SELECT") {
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].checked) return inputs[i].value;
      }
      return "";
    }
    return inputs.value;
  }

  function applyRules() {
    Object.keys(RULES).forEach(function (name) {
      var wrapper = document.getElementById("field-" + name);
      if (!wrapper) return;
      var rule = RULES[name];
      var value = currentValue(rule[0]);
      // Never hide a field that shows an error: the person must see what to fix.
      var hasError = wrapper.classList.contains("field--error");
      wrapper.hidden = value !== null && value !== "" && rule[1].indexOf(value) === -1 && !hasError;
    });
  }

  var controllers = {};
  Object.keys(RULES).forEach(function (name) { controllers[RULES[name][0]] = true; });
  form.addEventListener("change", function (event) {
    if (event.target && controllers[event.target.name]) applyRules();
  });
  applyRules();

  // --- Postal code -> municipality ----------------------------------------------------------
  var postal = form.querySelector("[data-postal-code]");
  var hint = document.getElementById("postal-hint");
  if (postal && hint && window.fetch) {
    var template = hint.getAttribute("data-lookup-url");
    var lastCode = null;
    var lookup = function () {
      var code = postal.value.replace(/\D/g, "");
      if (code.length !== 4) {
        lastCode = null;
        hint.textContent = "";
        hint.classList.remove("postal-hint--unknown");
        return;
      }
      if (code === lastCode) return;
      lastCode = code;
      fetch(template.replace("0000", code), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || code !== lastCode) return;
          if (!data.found) {
            hint.textContent = hint.getAttribute("data-unknown");
            hint.classList.add("postal-hint--unknown");
            return;
          }
          hint.textContent = data.municipality + " (" + data.region + ")";
          hint.classList.remove("postal-hint--unknown");
        })
        .catch(function () { hint.textContent = ""; });
    };
    postal.addEventListener("input", lookup);
    lookup();
  }

  // --- Character counts ---------------------------------------------------------------------
  form.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-maxlength"), 10);
    if (!limit) return;
    var counter = document.createElement("span");
    counter.className = "char-count";
    counter.id = area.id + "_count";
    area.insertAdjacentElement("afterend", counter);
    var describedBy = (area.getAttribute("aria-describedby") || "").trim();
    area.setAttribute("aria-describedby", (describedBy + " " + counter.id).trim());
    var format = function () {
      var used = area.value.length;
      counter.textContent = used + " / " + limit;
      counter.classList.toggle("char-count--over", used > limit);
    };
    area.addEventListener("input", format);
    format();
  });
})();
