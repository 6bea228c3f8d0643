// Etalase dashboard: the little JavaScript it needs. Everything works without it except copying.
// No inline script anywhere: the Content-Security-Policy allows only this file.
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
      var refused = function () { manual(copy, source); };
      // navigator.clipboard exists only in a secure context (https or localhost): phones on plain http fall back.
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(source, done, refused); });
      } else {
        fallback(source, done, refused);
      }
      event.preventDefault();
      return;
    }
    var share = event.target.closest("[data-share]");
    if (share) {
      shareFiles(share);
      event.preventDefault();
      return;
    }
    var back = event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      window.history.back();
      event.preventDefault();
    }
  });

  // Plain http on a phone (no secure context): select the text in a textarea and use the old copy command.
  // iOS Safari selects a textarea's text only when it is editable and given an explicit range.
  function fallback(source, done, refused) {
    if (!source) { return; }
    var area = document.createElement("textarea");
    area.value = source.textContent;
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    area.style.fontSize = "16px";  // smaller text makes iOS zoom in on focus
    document.body.appendChild(area);
    var copied = false;
    try {
      area.focus();
      area.select();
      area.setSelectionRange(0, area.value.length);
      copied = document.execCommand("copy");
    } catch (e) {
      copied = false;
    } finally {
      document.body.removeChild(area);
    }
    if (copied) { done(); } else { refused(); }
  }

  // The browser refused to copy: select the text itself and say how to copy it by hand.
  function manual(button, source) {
    if (!source) { return; }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var note = document.getElementById(source.id + "-manual");
    if (!note) {
      note = document.createElement("p");
      note.id = source.id + "-manual";
      note.className = "copy-manual";
      note.setAttribute("role", "status");
      button.parentNode.insertAdjacentElement("afterend", note);
    }
    note.textContent = "HP ini tidak mengizinkan salin otomatis. Teksnya sudah dipilih: tekan lama pada teks, " +
      "lalu pilih Salin.";
  }

  // Web Share with files (phones on https: straight into TikTok or the gallery). The buttons stay hidden where
  // the browser cannot share files (plain http, desktops): the download links are always there.
  function canShareFiles() {
    try {
      return !!(navigator.share && navigator.canShare && window.File &&
        navigator.canShare({ files: [new File(["x"], "x.jpg", { type: "image/jpeg" })] }));
    } catch (e) {
      return false;
    }
  }

  function shareFiles(button) {
    var items = JSON.parse(button.getAttribute("data-share") || "[]");
    var old = button.textContent;
    button.disabled = true;
    button.textContent = "Menyiapkan…";
    Promise.all(items.map(function (item) {
      return fetch(item.url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.blob();
      }).then(function (blob) { return new File([blob], item.name, { type: blob.type }); });
    })).then(function (files) {
      return navigator.share({ files: files });
    }).catch(function (e) {
      if (e && e.name !== "AbortError") {
        window.alert("Tidak bisa membagikan dari HP ini. Pakai tombol Unduh, lalu unggah dari galeri.");
      }
    }).then(function () {
      button.disabled = false;
      button.textContent = old;
    });
  }

  if (canShareFiles()) {
    document.querySelectorAll("[data-share], .share-hint").forEach(function (el) { el.hidden = false; });
  }

  // "Buat sekarang"/"Buat ulang": while the day's build runs, poll its progress and reload when it is done.
  var box = document.getElementById("kemajuan");
  if (box && !box.hidden && window.fetch) {
    var text = document.getElementById("kemajuan-teks"), bar = document.getElementById("kemajuan-bar");
    var poll = function () {
      fetch(box.getAttribute("data-kemajuan"), { credentials: "same-origin", cache: "no-store" }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (s) {
        if (!s) { setTimeout(poll, 3000); return; }
        if (!s.active) { window.location.reload(); return; }
        text.textContent = s.label;
        if (s.percent === null || s.percent === undefined) { bar.removeAttribute("value"); } else { bar.setAttribute("value", s.percent); }
        setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 1000);
  }

  // Ask before destructive buttons (reject, skip), with the text the button carries.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
