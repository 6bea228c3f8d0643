// The product form's photos: reorder (drag, or the ↑ ↓ buttons on a phone), make one the hero (it moves
// first: the first photo is the hero), and tap a photo to set its focus point. The order is the order of the
// `keep` checkboxes in the form; the focus point is each photo's hidden `focus:<file>` field ("x y", 0-1).
// Its own file (not app.js): only the product form loads it, and the CSP allows no inline script.
(function () {
  "use strict";
  var editor = document.querySelector("[data-photo-editor]");
  if (!editor) { return; }
  var status = document.querySelector("[data-photo-status]");
  var dragged = null;

  function photos() { return Array.prototype.slice.call(editor.querySelectorAll("figure.photo")); }

  function say(text) { if (status) { status.textContent = text; } }

  // Numbers in the alt texts and button labels follow the order; the first figure is marked as the hero;
  // the first cannot move forward nor the last back.
  function renumber() {
    var all = photos();
    all.forEach(function (fig, i) {
      var n = i + 1;
      fig.querySelector("[data-move='-1']").disabled = i === 0;
      fig.querySelector("[data-move='1']").disabled = i === all.length - 1;
      fig.classList.toggle("hero", i === 0);
      fig.querySelector("img").alt = "Foto " + n + (i === 0 ? " (foto utama)" : "");
      fig.querySelector("[data-move='-1']").setAttribute("aria-label", "Pindahkan foto " + n + " ke depan");
      fig.querySelector("[data-move='1']").setAttribute("aria-label", "Pindahkan foto " + n + " ke belakang");
    });
  }

  function place(fig) {
    var value = fig.querySelector("[data-focus-value]").value.split(" ");
    var marker = fig.querySelector(".focus-marker");
    var x = value.length === 2 ? parseFloat(value[0]) : 0.5;
    var y = value.length === 2 ? parseFloat(value[1]) : 0.5;
    marker.style.left = (x * 100) + "%";
    marker.style.top = (y * 100) + "%";
  }

  function move(fig, step) {
    var all = photos();
    var to = all.indexOf(fig) + step;
    if (to < 0 || to >= all.length) { return; }
    if (step < 0) { editor.insertBefore(fig, all[to]); } else { editor.insertBefore(fig, all[to].nextSibling); }
    renumber();
    say("Foto dipindahkan ke urutan " + (to + 1) + ".");
  }

  editor.addEventListener("click", function (event) {
    var fig = event.target.closest("figure.photo");
    if (!fig) { return; }
    var mover = event.target.closest("[data-move]");
    if (mover) {
      move(fig, parseInt(mover.getAttribute("data-move"), 10));
      (mover.disabled ? fig.querySelector("[data-hero], [data-move]:not([disabled])") : mover).focus();
      return;
    }
    var hero = event.target.closest("[data-hero]");
    if (hero) {
      editor.insertBefore(fig, editor.firstElementChild);
      renumber();
      hero.focus();
      say("Foto ini sekarang foto utama.");
      return;
    }
    var pick = event.target.closest("[data-focus-pick]");
    if (pick) {
      var box = pick.querySelector("img").getBoundingClientRect();
      var x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      var y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      fig.querySelector("[data-focus-value]").value = x.toFixed(3) + " " + y.toFixed(3);
      fig.querySelector(".focus-marker").classList.remove("unset");
      place(fig);
      say("Titik fokus dipilih. Simpan untuk memakainya.");
    }
  });

  // HTML5 drag and drop (mouse; phones use the buttons): drop before or after the photo under the pointer.
  editor.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("figure.photo");
    if (!dragged) { return; }
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-file"));
  });
  editor.addEventListener("dragover", function (event) {
    if (dragged) { event.preventDefault(); event.dataTransfer.dropEffect = "move"; }
  });
  editor.addEventListener("drop", function (event) {
    var target = event.target.closest("figure.photo");
    event.preventDefault();
    if (!dragged || !target || target === dragged) { return; }
    var box = target.getBoundingClientRect();
    var after = event.clientX > box.left + box.width / 2;
    editor.insertBefore(dragged, after ? target.nextSibling : target);
    renumber();
    say("Foto dipindahkan ke urutan " + (photos().indexOf(dragged) + 1) + ".");
  });
  editor.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
  });

  photos().forEach(place);
  renumber();
})();
