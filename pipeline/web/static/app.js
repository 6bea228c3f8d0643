// Etalase dashboard: the little JavaScript it needs. Everything works without it except copying.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      var text = source ? source.textContent : "";
      var done = function () {
        var old = copy.textContent;
        copy.textContent = "Tersalin ✓";
        setTimeout(function () { copy.textContent = old; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(source, done); });
      } else {
        fallback(source, done);
      }
      event.preventDefault();
      return;
    }
    var back = event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      window.history.back();
      event.preventDefault();
    }
  });

  // Plain http on a phone (no secure context): select the text and use the old copy command.
  function fallback(source, done) {
    if (!source) { return; }
    var area = document.createElement("textarea");
    area.value = source.textContent;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { if (document.execCommand("copy")) { done(); } } finally { document.body.removeChild(area); }
  }

  // Ask before destructive buttons (reject, skip), with the text the button carries.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
