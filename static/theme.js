// Runs in <head>, before the body is painted, so a reader who chose dark never sees a flash of
// light. Always sets "light" or "dark": highlight.css keys its dark palette on data-theme="dark".
// It also marks the page `js`: the stylesheet shows the controls that need a script (menu and
// search buttons, theme toggle, "mark as read") from the first paint, instead of aula.js showing
// them later and pushing the page down. Without scripts the page is complete without them.
(function () {
  var root = document.documentElement;
  var theme;
  try {
    theme = localStorage.getItem("aula-theme");
  } catch (e) {
    theme = null;
  }
  if (theme !== "light" && theme !== "dark") {
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  root.dataset.theme = theme;
  root.classList.add("js");
})();
