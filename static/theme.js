// Runs in <head>, before the body is painted, so a reader who chose dark never sees a flash of
// light. Always sets "light" or "dark": highlight.css keys its dark palette on data-theme="dark".
(function () {
  var theme;
  try {
    theme = localStorage.getItem("aula-theme");
  } catch (e) {
    theme = null;
  }
  if (theme !== "light" && theme !== "dark") {
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  document.documentElement.dataset.theme = theme;
})();
