// aula.js — everything the reader's browser does, without a framework and without innerHTML:
// the theme toggle, code-block toolbars, reading progress (localStorage) and search (Pagefind).
// The lab widget is static/lab.js; it uses the few helpers this file shares as `window.aula`.
//
// UI strings come from the page: `data-s-*` attributes on <body> (site-wide). They are Fluent
// output; placeholders such as `{ $limit }` or `{count}` are filled in here by `fill`. Nothing a
// search index returns is ever parsed as HTML.
(function () {
  "use strict";

  var root = document.documentElement;
  var body = document.body;

  /** Replaces `{name}`, `{$name}` and `{ $name }` with values from `vars`. */
  function fill(text, vars) {
    return String(text || "").replace(/\{\s*\$?([\w-]+)\s*\}/g, function (whole, name) {
      return vars && Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole;
    });
  }

  /** A site-wide UI string: `data-s-copy-failed` is `ui("copyFailed")`. */
  function ui(name, vars) {
    return fill(body.dataset["s" + name.charAt(0).toUpperCase() + name.slice(1)], vars);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // One polite live region for short confirmations ("Copied").
  var announcer = el("p", "visually-hidden");
  announcer.setAttribute("role", "status");
  body.appendChild(announcer);
  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: progress is not kept */ }
  }

  /* ------------------------------------------------------------------ theme */

  function initTheme() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var sync = function () {
      button.setAttribute("aria-pressed", String(root.dataset.theme === "dark"));
    };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = root.dataset.theme === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      storageSet("aula-theme", next);
      sync();
    });
    // Follow the system while the reader has not chosen.
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      var follow = function (event) {
        var chosen = storageGet("aula-theme");
        if (chosen !== "light" && chosen !== "dark") {
          root.dataset.theme = event.matches ? "dark" : "light";
          sync();
        }
      };
      if (query.addEventListener) query.addEventListener("change", follow);
    }
  }

  /* ------------------------------------------------------------ code blocks */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }

  function initCode() {
    var blocks = document.querySelectorAll("pre.code");
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i];
      if (pre.parentNode.classList.contains("code-block")) continue;
      var wrap = el("div", "code-block");
      var bar = el("div", "code-bar");
      var label = el("span", "code-lang", pre.dataset.langLabel || "");
      label.id = "code-label-" + i;
      var button = el("button", "copy-code", ui("copy"));
      button.type = "button";
      if (pre.dataset.langLabel) {
        label.setAttribute("aria-label", ui("codeLabel", { language: pre.dataset.langLabel }));
        button.setAttribute("aria-describedby", label.id);
      }
      bar.append(label, button);
      pre.parentNode.insertBefore(wrap, pre);
      wrap.append(bar, pre);
      button.addEventListener("click", onCopy.bind(null, button, pre));
    }
    // Wide Markdown tables scroll inside their own box; the box is focusable so keyboard users
    // can scroll it too.
    var tables = document.querySelectorAll(".prose table");
    for (var j = 0; j < tables.length; j++) {
      var table = tables[j];
      if (table.closest(".table-wrap")) continue;
      var box = el("div", "table-wrap");
      box.tabIndex = 0;
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
  }

  function onCopy(button, pre) {
    var code = pre.querySelector("code") || pre;
    copyText(code.textContent.replace(/\n$/, "")).then(function () {
      button.textContent = ui("copied");
      announce(ui("copied"));
    }, function () {
      announce(ui("copyFailed"));
    });
    window.setTimeout(function () { button.textContent = ui("copy"); }, 2000);
  }

  /* --------------------------------------------------------------- progress */

  // { read: { <translation key>: true }, labs: { "<translation key>/<lab id>": true } }.
  // Keys are translation keys, so reading the Spanish article also marks the English one.
  var PROGRESS = "aula-progress";

  function loadProgress() {
    var value = null;
    try { value = JSON.parse(storageGet(PROGRESS) || "null"); } catch (e) { value = null; }
    if (!value || typeof value !== "object") value = {};
    if (!value.read || typeof value.read !== "object") value.read = {};
    if (!value.labs || typeof value.labs !== "object") value.labs = {};
    return value;
  }
  function saveProgress(value) { storageSet(PROGRESS, JSON.stringify(value)); }

  function labsOf(node) {
    return (node.dataset.labs || "").split(/\s+/).filter(Boolean);
  }

  function initArticleProgress() {
    var article = document.querySelector("article[data-progress-key]");
    if (!article) return;
    var key = article.dataset.progressKey;
    var button = article.querySelector(".mark-read");
    var state = article.querySelector("[data-read-state]");
    if (!button) return;
    var sync = function () {
      var read = Boolean(loadProgress().read[key]);
      button.setAttribute("aria-pressed", String(read));
      if (state) state.hidden = !read;
    };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var progress = loadProgress();
      if (progress.read[key]) delete progress.read[key]; else progress.read[key] = true;
      saveProgress(progress);
      sync();
    });
  }

  /** Badges on listed articles and "n of m read" summaries; safe to run again. */
  function showProgress() {
    var progress = loadProgress();
    var items = document.querySelectorAll("li[data-progress-key]");
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var old = item.querySelectorAll(".badge");
      for (var o = 0; o < old.length; o++) old[o].remove();
      var key = item.dataset.progressKey;
      var anchor = item.querySelector("a");
      var after = anchor;
      if (progress.read[key]) {
        var readBadge = el("span", "badge", ui("read"));
        after.after(readBadge);
        after = readBadge;
      }
      var labs = labsOf(item);
      if (labs.length && labs.every(function (lab) { return progress.labs[key + "/" + lab]; })) {
        after.after(el("span", "badge", ui("labDone")));
      }
    }
    var groups = document.querySelectorAll("[data-progress-keys], [data-progress-of]");
    for (var g = 0; g < groups.length; g++) {
      var group = groups[g];
      var keys;
      if (group.dataset.progressOf === "path") {
        keys = Array.prototype.map.call(
          group.parentNode.querySelectorAll(".path [data-progress-key]"),
          function (n) { return n.dataset.progressKey; });
      } else {
        keys = group.dataset.progressKeys.split(/\s+/).filter(Boolean);
      }
      var done = keys.filter(function (k) { return progress.read[k]; }).length;
      var summary = group.matches(".progress-summary") ? group : group.querySelector(".progress-summary");
      if (!summary || !keys.length) continue;
      summary.textContent = ui(keys.length === 1 ? "progressOne" : "progress", { done: done, total: keys.length });
      summary.hidden = false;
    }
  }

  // What static/lab.js borrows (it runs after this file: both are deferred, in page order).
  window.aula = { fill: fill, el: el, loadProgress: loadProgress, saveProgress: saveProgress };

  /* ----------------------------------------------------------------- search */

  /** Pagefind excerpts are text with <mark> around matches; rebuild them as DOM. */
  function excerptNodes(excerpt) {
    var entities = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
    var decode = function (text) {
      return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, function (whole, name) {
        if (name.charAt(0) === "#") {
          var code = name.charAt(1).toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return isFinite(code) ? String.fromCodePoint(code) : whole;
        }
        return Object.prototype.hasOwnProperty.call(entities, name) ? entities[name] : whole;
      }).replace(/<[^>]*>/g, "");
    };
    var parts = String(excerpt || "").split(/<mark>|<\/mark>/);
    return parts.map(function (part, i) {
      return i % 2 ? el("mark", null, decode(part)) : document.createTextNode(decode(part));
    });
  }

  function initSearch() {
    var form = document.querySelector("[data-search]");
    var panel = document.getElementById("search-results");
    if (!form || !panel) return;
    var input = form.querySelector("input");
    var status = panel.querySelector(".search-status");
    var list = panel.querySelector(".search-list");
    var pagefind = null;
    var sequence = 0;
    var timer = 0;
    form.hidden = false;

    function load() {
      if (!pagefind) {
        pagefind = import("/pagefind/pagefind.js").then(function (module) {
          return Promise.resolve(module.options({ excerptLength: 22 })).then(function () {
            return Promise.resolve(module.init()).then(function () { return module; });
          });
        });
        pagefind.catch(function () { pagefind = null; });
      }
      return pagefind;
    }

    function close() {
      panel.hidden = true;
    }

    function search(query) {
      var mine = ++sequence;
      if (!query.trim()) {
        list.textContent = "";
        status.textContent = "";
        close();
        return;
      }
      panel.hidden = false;
      status.textContent = ui("searchLoading");
      load().then(function (module) {
        return module.search(query);
      }).then(function (found) {
        if (mine !== sequence || !found) return null;
        return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }));
      }).then(function (items) {
        if (mine !== sequence || !items) return;
        list.textContent = "";
        items.forEach(function (item) {
          var li = el("li");
          var a = el("a");
          // The section (under a heading with an anchor) that matched most, if any.
          var best = item;
          var bestScore = 0;
          (item.sub_results || []).forEach(function (sub) {
            var score = (sub.weighted_locations || []).reduce(function (sum, w) { return sum + (w.balanced_score || 0); }, 0);
            if (score > bestScore && sub.url.indexOf("#") >= 0) { best = sub; bestScore = score; }
          });
          a.href = best.url;
          a.appendChild(el("span", "result-title", (item.meta && item.meta.title) || item.url));
          var excerpt = el("span", "result-excerpt");
          excerpt.append.apply(excerpt, excerptNodes(best.excerpt));
          a.appendChild(excerpt);
          li.appendChild(a);
          list.appendChild(li);
        });
        status.textContent = items.length === 0
          ? ui("searchNone", { query: query })
          : items.length === 1 ? ui("searchOne") : ui("searchMany", { count: items.length });
        panel.dataset.query = query;
      }).catch(function () {
        if (mine === sequence) {
          status.textContent = ui("searchError");
          panel.dataset.query = query;
        }
      });
    }

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

    input.addEventListener("focus", function () { load(); });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(input.value); }, 180);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      var first = links()[0];
      if (first && !panel.hidden) first.focus(); else search(input.value);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && links().length) {
        event.preventDefault();
        panel.hidden = false;
        links()[0].focus();
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < all.length - 1) {
        event.preventDefault();
        all[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (at > 0) all[at - 1].focus(); else input.focus();
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !panel.contains(event.target) && !form.contains(event.target)) close();
    });
  }

  /* ------------------------------------------------------------------ start */

  initTheme();
  initCode();
  initArticleProgress();
  showProgress();
  initSearch();
  // Coming back with the Back button shows a cached page: bring its progress up to date.
  window.addEventListener("pageshow", function (event) { if (event.persisted) showProgress(); });
  window.addEventListener("storage", function (event) { if (event.key === PROGRESS) showProgress(); });
})();
