// aula.js — everything the reader's browser does, without a framework and without innerHTML:
// the theme toggle, code-block toolbars, reading progress (localStorage) and search (search.js,
// aula's own index). The lab widget is static/lab.js; it uses the few helpers this file shares as
// `window.aula`.
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

  // The toggle's label says the theme in use ("Dark theme"); the stylesheet picks the label
  // from data-theme, so it is right from the first paint and needs no work here.
  function initTheme() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var next = root.dataset.theme === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      storageSet("aula-theme", next);
    });
    // Follow the system while the reader has not chosen.
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      var follow = function (event) {
        var chosen = storageGet("aula-theme");
        if (chosen !== "light" && chosen !== "dark") root.dataset.theme = event.matches ? "dark" : "light";
      };
      if (query.addEventListener) query.addEventListener("change", follow);
    }
  }

  /* ----------------------------------------------------------------- header */

  // On phones the section nav and the search field sit behind two buttons (disclosures: the
  // button says aria-expanded, the stylesheet shows what it controls). On wide screens both are
  // always shown and the buttons are not displayed. Escape closes and gives focus back.
  function initHeader() {
    var header = document.querySelector(".site-header");
    if (!header) return;
    var buttons = header.querySelectorAll("button[aria-controls]");
    var close = function (button) {
      button.setAttribute("aria-expanded", "false");
      header.classList.remove("open-" + button.getAttribute("aria-controls"));
    };
    Array.prototype.forEach.call(buttons, function (button) {
      var id = button.getAttribute("aria-controls");
      var target = document.getElementById(id);
      if (!target) return;
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        Array.prototype.forEach.call(buttons, close);
        if (!open) return;
        button.setAttribute("aria-expanded", "true");
        header.classList.add("open-" + id);
        var first = target.querySelector("input, a");
        if (first && id === "site-search") first.focus();
      });
      target.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
          close(button);
          button.focus();
        }
      });
    });
    // A button elsewhere on the page (the 404 page's "Search the course") opens the search field:
    // on phones through the header's search button, on wide screens, where the field is always
    // shown, by giving it focus. An empty field gets the words of the address that was not found
    // (/es/ventanas-deslizantes/ → "ventanas deslizantes"), so the results come at once.
    var toggle = header.querySelector(".search-button");
    Array.prototype.forEach.call(document.querySelectorAll("[data-open-search]"), function (opener) {
      opener.addEventListener("click", function () {
        var shown = toggle && window.getComputedStyle(toggle).display !== "none";
        if (shown && toggle.getAttribute("aria-expanded") !== "true") toggle.click();
        var input = document.getElementById("search-input");
        if (!input) return;
        if (!input.value) {
          input.value = wordsOfAddress();
          if (input.value) input.dispatchEvent(new Event("input"));
        }
        input.focus();
      });
    });
  }

  // The words of the page's address, without its language and file name.
  function wordsOfAddress() {
    var lang = document.documentElement.lang;
    var parts = window.location.pathname.split("/").filter(function (part, n) {
      return part && !(n === 1 && part === lang) && !/\.html?$/.test(part);
    });
    var text = parts.join(" ");
    try { text = decodeURIComponent(text); } catch (e) { /* keep it as it is */ }
    return text.replace(/[-_+.]+/g, " ").replace(/\s+/g, " ").trim();
  }

  /* -------------------------------------------------------------------- toc */

  // The table of contents marks the section being read (aria-current) as headings cross the
  // top part of the window. IntersectionObserver reports crossings; nothing is measured on scroll.
  function initToc() {
    var toc = document.querySelector(".toc");
    if (!toc || !("IntersectionObserver" in window)) return;
    var links = {};
    var headings = [];
    Array.prototype.forEach.call(toc.querySelectorAll("a[href^='#']"), function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var heading = document.getElementById(id);
      if (heading) {
        links[id] = a;
        headings.push(heading);
      }
    });
    if (!headings.length) return;
    var above = {};
    var current = null;
    var mark = function () {
      // The current section is the last heading that has passed that line.
      var id = null;
      for (var i = 0; i < headings.length; i++) if (above[headings[i].id]) id = headings[i].id;
      if (id === current) return;
      if (current && links[current]) links[current].removeAttribute("aria-current");
      current = id;
      if (current) links[current].setAttribute("aria-current", "true");
    };
    // The observed box is everything above the line at 30 % of the window's height (its top
    // pushed far up): a heading is "passed" while it is inside, and a jump of any length across
    // that line still changes the state, so it is always reported.
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { above[entry.target.id] = entry.isIntersecting; });
      mark();
    }, { rootMargin: "1000000px 0px -70% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
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
      // The "Read" line keeps its place while unread (the stylesheet hides it), so marking an
      // article read moves nothing.
      if (state) state.dataset.readState = read ? "read" : "unread";
    };
    sync();
    button.addEventListener("click", function () {
      var progress = loadProgress();
      if (progress.read[key]) delete progress.read[key]; else progress.read[key] = true;
      saveProgress(progress);
      sync();
    });
  }

  /**
   * Badges on listed articles, "n of m read" summaries and the home page's Start/Continue action;
   * safe to run again. Nothing here changes a box's size: badges sit in the list's gutter, the
   * summaries' places are kept while empty, the action is one line whatever its label.
   */
  function showProgress() {
    var progress = loadProgress();
    var items = document.querySelectorAll("li[data-progress-key]");
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var old = item.querySelectorAll(".badge");
      for (var o = 0; o < old.length; o++) old[o].remove();
      var key = item.dataset.progressKey;
      var labs = labsOf(item);
      var read = Boolean(progress.read[key]);
      var labsDone = labs.length > 0 && labs.every(function (lab) { return progress.labs[key + "/" + lab]; });
      if (!read && !labsDone) continue;
      var badge = el("span", "badge" + (read ? " badge-read" : "") + (labsDone ? " badge-lab" : ""));
      var said = [];
      if (read) said.push(ui("read"));
      if (labsDone) said.push(ui("labDone"));
      badge.appendChild(el("span", "visually-hidden", said.join(", ")));
      item.appendChild(badge);
    }
    var pathKeys = Array.prototype.map.call(
      document.querySelectorAll(".path [data-progress-key]"),
      function (n) { return n.dataset.progressKey; });
    var groups = document.querySelectorAll("[data-progress-keys], [data-progress-of]");
    for (var g = 0; g < groups.length; g++) {
      var group = groups[g];
      var keys = group.dataset.progressOf === "path"
        ? pathKeys
        : group.dataset.progressKeys.split(/\s+/).filter(Boolean);
      var done = keys.filter(function (k) { return progress.read[k]; }).length;
      var summary = group.matches(".progress-summary") ? group : group.querySelector(".progress-summary");
      if (!summary || !keys.length) continue;
      // Nothing read yet is nothing to report.
      summary.textContent = done === 0 ? "" : ui(keys.length === 1 ? "progressOne" : "progress", { done: done, total: keys.length });
    }
    var start = document.querySelector(".start-action");
    if (start) {
      var steps = document.querySelectorAll(".path-step");
      var next = null;
      var any = false;
      for (var s = 0; s < steps.length; s++) {
        if (progress.read[steps[s].dataset.progressKey]) any = true;
        else if (!next) next = steps[s];
      }
      // Start until something is read; then Continue with the first unread step.
      if (!start.dataset.startLabel) {
        start.dataset.startLabel = start.textContent;
        start.dataset.startHref = start.getAttribute("href");
      }
      var link = next && any ? next.querySelector("a") : null;
      start.textContent = link ? ui("continue", { title: link.textContent.trim() }) : start.dataset.startLabel;
      start.href = link ? link.getAttribute("href") : start.dataset.startHref;
    }
  }

  // What static/lab.js borrows (it runs after this file: both are deferred, in page order).
  window.aula = { fill: fill, el: el, loadProgress: loadProgress, saveProgress: saveProgress };

  /* ---------------------------------------------------------- lab glimpse */

  // The home page's lab card shows what its lab answered for the example its article opens
  // with: the example's name (in the card's "Example: {name}" line) and the recorded verdict,
  // read from the article's page (same origin, parsed as a document, copied as text). The box
  // has its height from the stylesheet, so filling it moves nothing.
  function initGlimpse() {
    var box = document.querySelector("[data-glimpse-from]");
    if (!box || !window.fetch || !window.DOMParser) return;
    window.fetch(box.dataset.glimpseFrom).then(function (response) {
      return response.ok ? response.text() : Promise.reject(new Error(String(response.status)));
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var lab = page.querySelector("section.lab");
      var verdict = lab && lab.querySelector(".lab-verdict");
      if (!verdict) return;
      var kind = (verdict.className.match(/lab-verdict-(pass|fail|warn|info)/) || [])[1] || "info";
      var status = verdict.querySelector(".lab-verdict-status");
      var title = verdict.querySelector(".lab-verdict-title");
      var example = lab.querySelector('.lab-examples [aria-pressed="true"]');
      var line = box.dataset.exampleLine || "{name}";
      var answer = el("p", "glimpse-verdict glimpse-" + kind);
      if (status) answer.appendChild(el("strong", null, status.textContent.trim()));
      if (title) answer.appendChild(document.createTextNode(" " + title.textContent.replace(status ? status.textContent : "", "").trim()));
      box.textContent = "";
      if (example) box.appendChild(el("p", "glimpse-example", line.replace("{name}", example.textContent.trim())));
      box.appendChild(answer);
    }).catch(function () { /* the card still names the lab and links it */ });
  }

  /* ----------------------------------------------------------------- search */

  function initSearch() {
    var form = document.querySelector("[data-search]");
    var panel = document.getElementById("search-results");
    if (!form || !panel) return;
    var input = form.querySelector("input");
    var status = panel.querySelector(".search-status");
    var list = panel.querySelector(".search-list");
    // Results come five at a time: each one shown costs a download (its excerpt's text), so
    // the rest wait for "More results".
    var more = panel.querySelector(".search-more");
    var PAGE = 5;
    var found = null;
    var index = null;
    var sequence = 0;
    var timer = 0;
    form.hidden = false;

    // The client (search.js) and the index of the page's language load on first use.
    function load() {
      if (!index) {
        var lang = document.documentElement.lang || "en";
        index = import("/search.js").then(function (module) {
          return module.createSearch("/search/" + encodeURIComponent(lang) + "/");
        });
        index.catch(function () { index = null; });
      }
      return index;
    }

    function close() {
      panel.hidden = true;
    }

    function show(items) {
      items.forEach(function (item) {
        var li = el("li");
        var a = el("a");
        a.href = item.url;
        a.appendChild(el("span", "result-title", item.title || item.url));
        var excerpt = el("span", "result-excerpt");
        item.excerpt.forEach(function (part) {
          excerpt.appendChild(part.mark ? el("mark", null, part.text) : document.createTextNode(part.text));
        });
        a.appendChild(excerpt);
        li.appendChild(a);
        list.appendChild(li);
      });
      if (more) more.hidden = !found || list.children.length >= found.total;
    }

    function search(query) {
      var mine = ++sequence;
      if (!query.trim()) {
        list.textContent = "";
        status.textContent = "";
        if (more) more.hidden = true;
        close();
        return;
      }
      panel.hidden = false;
      status.textContent = ui("searchLoading");
      var ranked = null;
      load().then(function (client) {
        return client.find(query);
      }).then(function (result) {
        ranked = result;
        return result.results(0, PAGE);
      }).then(function (items) {
        if (mine !== sequence) return;
        found = ranked;
        list.textContent = "";
        show(items);
        status.textContent = found.total === 0
          ? ui("searchNone", { query: query })
          : found.total === 1 ? ui("searchOne") : ui("searchMany", { count: found.total });
        panel.dataset.query = query;
      }).catch(function () {
        if (mine === sequence) {
          status.textContent = ui("searchError");
          panel.dataset.query = query;
        }
      });
    }

    if (more) {
      more.addEventListener("click", function () {
        var mine = sequence;
        var from = list.children.length;
        if (!found) return;
        found.results(from, PAGE).then(function (items) {
          if (mine !== sequence) return;
          show(items);
          var first = links()[from];
          if (first) first.focus();
        }).catch(function () { status.textContent = ui("searchError"); });
      });
      more.addEventListener("keydown", function (event) {
        if (event.key === "ArrowUp") {
          event.preventDefault();
          var all = links();
          if (all.length) all[all.length - 1].focus(); else input.focus();
        } else if (event.key === "Escape") {
          close();
          input.focus();
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
      } else if (event.key === "ArrowDown" && more && !more.hidden) {
        event.preventDefault();
        more.focus();
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
  initHeader();
  initToc();
  initCode();
  initArticleProgress();
  showProgress();
  initGlimpse();
  initSearch();
  // Coming back with the Back button shows a cached page: bring its progress up to date.
  window.addEventListener("pageshow", function (event) { if (event.persisted) showProgress(); });
  window.addEventListener("storage", function (event) { if (event.key === PROGRESS) showProgress(); });
})();
