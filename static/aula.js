// aula.js — everything the reader's browser does, without a framework and without innerHTML:
// the theme toggle, code-block toolbars, reading progress (localStorage), the lab widget (run
// against `aula serve`, or show the recorded output on a static host), and search (Pagefind).
//
// UI strings come from the page: `data-s-*` attributes on <body> (site-wide) and the `strings` of
// each lab's JSON block. Both are Fluent output; placeholders such as `{ $limit }` or `{count}`
// are filled in here by `fill`. Nothing a lab or a search index returns is ever parsed as HTML.
(function () {
  "use strict";

  var root = document.documentElement;
  var body = document.body;
  var lang = root.lang || "en";

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

  /* ------------------------------------------------------------------- labs */

  var runnerProbe = null;
  /** Whether a lab runner answers here: only `aula serve` has one; a static host says 404. */
  function runnerAvailable() {
    if (!runnerProbe) {
      runnerProbe = window.fetch("/_aula/labs", { headers: { Accept: "application/json" } })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          return response.ok && type.indexOf("json") !== -1;
        })
        .catch(function () { return false; });
    }
    return runnerProbe;
  }

  var SVG = "http://www.w3.org/2000/svg";
  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) node.setAttribute(key, String(attrs[key]));
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  function formatNumber(value) { return numberFormat.format(value); }

  /** Round tick values covering [min, max]. */
  function ticks(min, max, count) {
    if (!(max > min)) max = min + 1;
    var rough = (max - min) / count;
    var magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    var ratio = rough / magnitude;
    var step = (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1) * magnitude;
    var out = [];
    for (var v = Math.floor(min / step) * step; v <= max + step * 0.5; v += step) {
      out.push(Number(v.toFixed(10)));
    }
    return out;
  }

  var DASHES = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 2"];

  // Charts are drawn for their box's width; drawn charts are redrawn when the window resizes.
  var charts = [];
  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      charts = charts.filter(function (c) { return c.canvas.isConnected; });
      charts.forEach(function (c) {
        if (Math.abs(c.canvas.clientWidth - c.width) > 40) drawChart(c.canvas, c.block, c.strings, true);
      });
    }, 200);
  });

  /** Draws a `series` block as an SVG chart with axes, labels and a legend. */
  function drawChart(canvas, block, strings, again) {
    canvas.textContent = "";
    if (!again) charts.push({ canvas: canvas, block: block, strings: strings, width: canvas.clientWidth });
    else charts.forEach(function (c) { if (c.canvas === canvas) c.width = canvas.clientWidth; });
    var series = Array.isArray(block.series) ? block.series : [];
    var points = [];
    series.forEach(function (s) {
      (s.points || []).forEach(function (p) {
        if (Array.isArray(p) && isFinite(p[0]) && isFinite(p[1])) points.push(p);
      });
    });
    if (!points.length) return;
    var bar = block.kind === "bar";
    // Draw at about the box's own width, so labels stay legible on a phone.
    var W = Math.round(Math.max(300, Math.min(720, canvas.clientWidth || 640)));
    var H = Math.round(Math.max(220, Math.min(320, W * 0.5)));
    var m = { left: 58, right: 14, top: 12, bottom: 48 };
    var plotW = W - m.left - m.right, plotH = H - m.top - m.bottom;
    var ys = points.map(function (p) { return Number(p[1]); });
    var yMin = Math.min(0, Math.min.apply(null, ys));
    var yMax = Math.max.apply(null, ys);
    var yTicks = ticks(yMin, yMax, H < 260 ? 4 : 5);
    yMin = yTicks[0];
    yMax = yTicks[yTicks.length - 1];
    var yPos = function (v) { return m.top + plotH - ((v - yMin) / (yMax - yMin)) * plotH; };

    var image = svg("svg", {
      viewBox: "0 0 " + W + " " + H,
      role: "img",
      "aria-label": fill(strings["chart-label"], { title: block.title || "", x: block.x_label || "", y: block.y_label || "" }),
      preserveAspectRatio: "xMidYMid meet",
      focusable: "false"
    });
    svg("rect", { x: 0, y: 0, width: W, height: H, "class": "chart-bg" }, image);

    yTicks.forEach(function (v) {
      var y = yPos(v);
      svg("line", { x1: m.left, x2: W - m.right, y1: y, y2: y, "class": "chart-grid" }, image);
      var label = svg("text", { x: m.left - 8, y: y + 4, "text-anchor": "end", "class": "chart-text" }, image);
      label.textContent = formatNumber(v);
    });

    var xPos;
    var xLabels = [];
    var categories = [];
    if (bar) {
      points.forEach(function (p) { if (categories.indexOf(Number(p[0])) === -1) categories.push(Number(p[0])); });
      categories.sort(function (a, b) { return a - b; });
      var band = plotW / categories.length;
      xPos = function (v) { return m.left + band * categories.indexOf(Number(v)) + band / 2; };
      var every = Math.max(1, Math.ceil(categories.length / Math.max(3, Math.floor(W / 55))));
      categories.forEach(function (c, i) { if (i % every === 0) xLabels.push(c); });
      // Bars of one x stand side by side, centred; a series without a value there leaves no gap.
      var present = {};
      series.forEach(function (s, si) {
        (s.points || []).forEach(function (p) {
          var k = String(Number(p[0]));
          (present[k] = present[k] || []).indexOf(si) === -1 && present[k].push(si);
        });
      });
      var most = Math.max.apply(null, Object.keys(present).map(function (k) { return present[k].length; }));
      var barWidth = (band * 0.8) / Math.max(1, most);
      series.forEach(function (s, si) {
        (s.points || []).forEach(function (p) {
          var here = present[String(Number(p[0]))];
          var x = xPos(p[0]) - (here.length * barWidth) / 2 + here.indexOf(si) * barWidth;
          var y0 = yPos(Math.max(0, yMin)), y1 = yPos(Number(p[1]));
          svg("rect", {
            x: x.toFixed(2), y: Math.min(y0, y1).toFixed(2),
            width: Math.max(1, barWidth - 2).toFixed(2), height: Math.abs(y0 - y1).toFixed(2),
            "class": "chart-f" + (si % 6)
          }, image);
        });
      });
    } else {
      var xs = points.map(function (p) { return Number(p[0]); });
      var xMin = Math.min.apply(null, xs), xMax = Math.max.apply(null, xs);
      var xTicks = ticks(xMin, xMax, Math.max(3, Math.floor(W / 80)));
      xMin = Math.min(xMin, xTicks[0]);
      xMax = Math.max(xMax, xTicks[xTicks.length - 1]);
      xPos = function (v) { return m.left + ((v - xMin) / (xMax - xMin || 1)) * plotW; };
      xLabels = xTicks;
      series.forEach(function (s, si) {
        var pts = (s.points || []).filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
        if (!pts.length) return;
        var d = pts.map(function (p, i) {
          return (i ? "L" : "M") + xPos(p[0]).toFixed(2) + " " + yPos(p[1]).toFixed(2);
        }).join(" ");
        var line = { d: d, "class": "chart-line chart-s" + (si % 6) };
        if (DASHES[si % DASHES.length]) line["stroke-dasharray"] = DASHES[si % DASHES.length];
        svg("path", line, image);
        if (pts.length <= 40) {
          pts.forEach(function (p) {
            svg("circle", { cx: xPos(p[0]).toFixed(2), cy: yPos(p[1]).toFixed(2), r: 3, "class": "chart-point chart-f" + (si % 6) }, image);
          });
        }
      });
    }
    xLabels.forEach(function (v) {
      var x = xPos(v);
      svg("line", { x1: x, x2: x, y1: m.top + plotH, y2: m.top + plotH + 5, "class": "chart-axis" }, image);
      var label = svg("text", { x: x, y: m.top + plotH + 18, "text-anchor": "middle", "class": "chart-text" }, image);
      label.textContent = formatNumber(v);
    });
    svg("line", { x1: m.left, x2: W - m.right, y1: yPos(Math.max(0, yMin)), y2: yPos(Math.max(0, yMin)), "class": "chart-axis" }, image);
    svg("line", { x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH, "class": "chart-axis" }, image);
    var xTitle = svg("text", { x: m.left + plotW / 2, y: H - 6, "text-anchor": "middle", "class": "chart-label" }, image);
    xTitle.textContent = block.x_label || "";
    var yTitle = svg("text", {
      x: -(m.top + plotH / 2), y: 14, transform: "rotate(-90)", "text-anchor": "middle", "class": "chart-label"
    }, image);
    yTitle.textContent = block.y_label || "";
    canvas.appendChild(image);

    // The legend is HTML, so it wraps on narrow screens and reads as a list.
    if (series.length > 1 || (series[0] && series[0].name)) {
      var legend = el("ul", "chart-legend");
      series.forEach(function (s, si) {
        var item = el("li");
        var key = svg("svg", { viewBox: "0 0 28 10", width: 28, height: 10, "aria-hidden": "true", focusable: "false" });
        var sample = bar
          ? svg("rect", { x: 4, y: 0, width: 20, height: 10, "class": "chart-f" + (si % 6) }, key)
          : svg("line", { x1: 0, x2: 28, y1: 5, y2: 5, "class": "chart-line chart-s" + (si % 6) }, key);
        if (!bar && DASHES[si % DASHES.length]) sample.setAttribute("stroke-dasharray", DASHES[si % DASHES.length]);
        item.append(key, document.createTextNode(" " + (s.name || "")));
        legend.appendChild(item);
      });
      canvas.appendChild(legend);
    }
  }

  /** One output block as DOM, the same markup the template gives recorded output. */
  function renderBlock(block, strings) {
    var type = block && block.type;
    if (type === "text") return el("p", "lab-text", block.text);
    if (type === "verdict") {
      var status = ["pass", "fail", "warn", "info"].indexOf(block.status) !== -1 ? block.status : "info";
      var box = el("div", "lab-verdict lab-verdict-" + status);
      var title = el("p", "lab-verdict-title");
      title.append(el("span", "lab-verdict-status", (strings["verdict-" + status] || status) + ":"),
        document.createTextNode(" " + (block.title || "")));
      box.appendChild(title);
      if (block.detail) box.appendChild(el("p", null, block.detail));
      return box;
    }
    if (type === "code") {
      var pre = el("pre", "lab-code");
      pre.tabIndex = 0;
      pre.appendChild(el("code", null, block.code));
      return pre;
    }
    if (type === "table") {
      return tableBox(block.caption, block.columns || [], block.rows || []);
    }
    if (type === "series") {
      var figure = el("figure", "lab-chart");
      figure.dataset.kind = block.kind || "line";
      figure.appendChild(el("figcaption", null, block.title));
      var canvas = el("div", "lab-chart-canvas");
      figure.appendChild(canvas);
      var rows = [];
      (block.series || []).forEach(function (s) {
        (s.points || []).forEach(function (p) { rows.push([s.name, p[0], p[1]]); });
      });
      var details = el("details", "lab-chart-data");
      details.appendChild(el("summary", null, strings["chart-data"]));
      details.appendChild(tableBox(block.title, [strings.series, block.x_label, block.y_label], rows));
      figure.appendChild(details);
      return figure;
    }
    return el("pre", "lab-code", JSON.stringify(block, null, 2));
  }

  function tableBox(caption, columns, rows) {
    var box = el("div", "table-wrap");
    box.tabIndex = 0;
    if (caption) {
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", caption);
    }
    var table = el("table", "lab-table");
    if (caption) table.appendChild(el("caption", null, caption));
    var head = el("thead");
    var headRow = el("tr");
    columns.forEach(function (c) {
      var th = el("th", null, c);
      th.scope = "col";
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    var bodyEl = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr");
      (Array.isArray(row) ? row : [row]).forEach(function (cell) {
        tr.appendChild(el("td", null, cell === null || cell === undefined ? "" : typeof cell === "object" ? JSON.stringify(cell) : cell));
      });
      bodyEl.appendChild(tr);
    });
    table.append(head, bodyEl);
    box.appendChild(table);
    return box;
  }

  function initLab(section) {
    var script = section.querySelector("script.lab-data");
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    var strings = data.strings || {};
    var form = section.querySelector(".lab-form");
    var status = section.querySelector(".lab-status");
    var offline = section.querySelector(".lab-offline");
    var blocksEl = section.querySelector(".lab-blocks");
    var source = section.querySelector(".lab-source");
    var runButton = section.querySelector(".lab-run");
    var resetButton = section.querySelector(".lab-reset");
    var doneNote = section.querySelector(".lab-done");
    var article = section.closest("[data-progress-key]");
    var progressKey = (article ? article.dataset.progressKey : location.pathname) + "/" + data.id;
    var recorded = (data.answer && Array.isArray(data.answer.blocks)) ? data.answer.blocks : [];
    var busy = false;

    // Recorded charts: the template leaves an empty canvas for each series block, in order.
    var canvases = blocksEl.querySelectorAll(".lab-chart-canvas");
    var seriesBlocks = recorded.filter(function (b) { return b && b.type === "series"; });
    for (var i = 0; i < canvases.length && i < seriesBlocks.length; i++) {
      drawChart(canvases[i], seriesBlocks[i], strings);
    }

    var syncDone = function () { doneNote.hidden = !loadProgress().labs[progressKey]; };
    syncDone();

    runnerAvailable().then(function (available) {
      section.dataset.runner = available ? "live" : "static";
      if (!available) offline.hidden = false;
    });

    function setStatus(text, isError) {
      status.textContent = text || "";
      status.classList.toggle("is-error", Boolean(isError));
    }

    function field(name) {
      return form.elements.namedItem(String(name).replace(/^input\./, "").split(/[.[]/)[0]);
    }

    function clearErrors() {
      var invalid = form.querySelectorAll("[aria-invalid]");
      for (var i = 0; i < invalid.length; i++) {
        var control = invalid[i];
        control.removeAttribute("aria-invalid");
        var hint = document.getElementById(control.id + "-hint");
        if (hint) control.setAttribute("aria-describedby", hint.id); else control.removeAttribute("aria-describedby");
      }
      var messages = form.querySelectorAll(".lab-field-error");
      for (var j = 0; j < messages.length; j++) {
        messages[j].textContent = "";
        messages[j].hidden = true;
      }
    }

    /** Shows `[{field, message}]` next to their fields; returns false when none has a field. */
    function showErrors(errors) {
      var first = null;
      var loose = [];
      errors.forEach(function (error) {
        var control = error && error.field ? field(error.field) : null;
        if (!control || !control.id) {
          if (error && error.message) loose.push(error.message);
          return;
        }
        var message = document.getElementById(control.id + "-error");
        control.setAttribute("aria-invalid", "true");
        var ids = [];
        if (document.getElementById(control.id + "-hint")) ids.push(control.id + "-hint");
        if (message) {
          message.textContent = error.message;
          message.hidden = false;
          ids.push(message.id);
        }
        control.setAttribute("aria-describedby", ids.join(" "));
        if (!first) first = control;
      });
      setStatus([strings.invalid].concat(loose).join(" "), true);
      if (first) first.focus();
    }

    function message(code, limit) {
      return fill(strings[code] || code, { limit: limit === undefined ? "" : formatNumber(limit) });
    }

    /** Reads the form into the lab's input object, checking what the page can check. */
    function collect() {
      var input = {};
      var errors = [];
      Object.keys(data.kinds || {}).forEach(function (name) {
        var kind = data.kinds[name];
        var control = form.elements.namedItem(name);
        if (!control) return;
        var push = function (code, limit) { errors.push({ field: name, message: message(code, limit) }); };
        if (kind === "checkbox") {
          input[name] = control.checked;
          return;
        }
        var raw = control.value;
        if (kind === "number") {
          if (control.validity && control.validity.badInput) return push("lab-error-number");
          if (raw.trim() === "") { if (control.required) push("lab-error-required"); return; }
          var n = Number(raw);
          if (!isFinite(n)) return push("lab-error-number");
          if (control.min !== "" && n < Number(control.min)) return push("lab-error-min", Number(control.min));
          if (control.max !== "" && n > Number(control.max)) return push("lab-error-max", Number(control.max));
          input[name] = n;
          return;
        }
        if (kind === "json") {
          if (raw.trim() === "") { if (control.required) push("lab-error-required"); return; }
          try { input[name] = JSON.parse(raw); } catch (e) { errors.push({ field: name, message: strings.json }); }
          return;
        }
        if (control.required && raw.trim() === "") return push("lab-error-required");
        var max = control.maxLength;
        if (max > 0 && raw.length > max) return push("lab-error-too-long", max);
        input[name] = raw;
      });
      return { input: input, errors: errors };
    }

    function showBlocks(blocks, live) {
      blocksEl.textContent = "";
      blocks.forEach(function (block) {
        var node = blocksEl.appendChild(renderBlock(block, strings));
        // Charts are drawn once in the page, when their box has a width.
        if (block && block.type === "series") drawChart(node.querySelector(".lab-chart-canvas"), block, strings);
      });
      source.textContent = live ? source.dataset.live : source.dataset.recorded;
    }

    function reason(body, response) {
      if (body && typeof body.error === "string") return body.error;
      if (body && body.error && body.error.message) return body.error.message;
      return response.status + " " + response.statusText;
    }

    function run() {
      if (busy) return;
      clearErrors();
      var collected = collect();
      if (collected.errors.length) {
        showErrors(collected.errors);
        return;
      }
      busy = true;
      runButton.setAttribute("aria-busy", "true");
      setStatus(strings.running);
      runnerAvailable().then(function (available) {
        if (!available) {
          offline.hidden = false;
          setStatus(strings.offline_short, true);
          return null;
        }
        return window.fetch(data.endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ lang: data.lang, input: collected.input })
        }).then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            if (response.ok && body && Array.isArray(body.blocks)) {
              showBlocks(body.blocks, true);
              setStatus(strings.done);
              var progress = loadProgress();
              progress.labs[progressKey] = true;
              saveProgress(progress);
              syncDone();
              return;
            }
            if (response.status === 422 && body && Array.isArray(body.errors)) return showErrors(body.errors);
            if (body && body.error && body.error.field) return showErrors([body.error]);
            if (response.status === 429) return setStatus(strings.busy, true);
            if (response.status === 504 || response.status === 408) return setStatus(strings.timeout, true);
            setStatus(fill(strings.failed, { reason: reason(body, response) }), true);
          });
        });
      }).catch(function (error) {
        setStatus(fill(strings.failed, { reason: error && error.message ? error.message : String(error) }), true);
      }).then(function () {
        busy = false;
        runButton.removeAttribute("aria-busy");
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    resetButton.addEventListener("click", function () {
      form.reset();
      clearErrors();
      showBlocks(recorded, false);
      setStatus("");
    });
  }

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
  var labs = document.querySelectorAll("section.lab");
  for (var n = 0; n < labs.length; n++) initLab(labs[n]);
  initSearch();
  // Coming back with the Back button shows a cached page: bring its progress up to date.
  window.addEventListener("pageshow", function (event) { if (event.persisted) showProgress(); });
  window.addEventListener("storage", function (event) { if (event.key === PROGRESS) showProgress(); });
})();
