// Maillage pages: autocomplete (communes, ROME appellations and skills) and inline validation. No framework, no
// inline script (the Content-Security-Policy forbids it); every form also works without this file.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setupAutocomplete(input) {
    var kind = input.getAttribute("data-autocomplete");
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var last = "";
    var fetchOptions = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      last = q;
      fetch("/api/v1/reference/" + kind + "?limit=15&q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : []; }).then(function (items) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        items.forEach(function (item) {
          var option = document.createElement("option");
          if (kind === "communes") {
            option.value = item.name + " (" + item.insee_code + ")";
            option.label = item.postcodes.join(", ") + " · " + item.epci;
          } else if (kind === "skills") {
            option.value = item.label;
            option.label = { savoir: "savoir", savoir_etre: "savoir-être" }[item.kind] || "savoir-faire";
          } else {
            option.value = item.label;
            option.label = "ROME " + item.rome_code;
          }
          list.appendChild(option);
        });
      }).catch(function () { /* the server checks the value anyway */ });
    }, 150);
    input.addEventListener("input", fetchOptions);
  }

  function messageFor(el) {
    var v = el.validity;
    if (v.valueMissing) { return el.getAttribute("data-msg-required") || "Ce champ est obligatoire."; }
    if (v.rangeUnderflow || v.rangeOverflow || v.stepMismatch) {
      return el.getAttribute("data-msg-range") || "La valeur est hors des limites permises.";
    }
    if (v.badInput || v.typeMismatch) { return "La valeur n'a pas le bon format."; }
    if (v.tooLong) { return "Le texte est trop long."; }
    return el.validationMessage;
  }

  function check(el) {
    var box = document.getElementById(el.id + "-error");
    if (!box || !el.willValidate) { return true; }
    if (el.checkValidity()) {
      if (el.getAttribute("aria-invalid") === "true" && box.getAttribute("data-client") === "1") {
        box.textContent = "";
        el.removeAttribute("aria-invalid");
      }
      return true;
    }
    box.textContent = messageFor(el);
    box.setAttribute("data-client", "1");
    el.setAttribute("aria-invalid", "true");
    return false;
  }

  function setupValidation(form) {
    var fields = form.querySelectorAll("input[id], select[id], textarea[id]");
    Array.prototype.forEach.call(fields, function (el) {
      el.addEventListener("blur", function () { check(el); });
      el.addEventListener("input", function () { if (el.getAttribute("aria-invalid") === "true") { check(el); } });
    });
    form.addEventListener("submit", function (event) {
      var firstBad = null;
      Array.prototype.forEach.call(fields, function (el) { if (!check(el) && !firstBad) { firstBad = el; } });
      if (firstBad) { event.preventDefault(); firstBad.focus(); }
    });
  }

  function focusFirstError() {
    var bad = document.querySelector("[aria-invalid='true']");
    if (bad) { bad.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-autocomplete]"), setupAutocomplete);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-validate]"), setupValidation);
    focusFirstError();
  });
})();
