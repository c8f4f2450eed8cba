// lab.js — the lab widget (templates/partials/lab.html): draws the recorded answer's charts,
// runs the lab against `aula serve` (POST /_aula/labs/<id>), or on a static host shows the
// recorded answer and says how to run the labs locally. Without a framework and without
// innerHTML: nothing a lab returns is ever parsed as HTML.
//
// UI strings come from the `strings` of each lab's JSON block (Fluent output); `fill` puts the
// values into their placeholders. The helpers it shares with aula.js come from `window.aula`.
(function () {
  "use strict";

  var shared = window.aula;
  if (!shared) return;
  var fill = shared.fill;
  var el = shared.el;
  var loadProgress = shared.loadProgress;
  var saveProgress = shared.saveProgress;
  var lang = document.documentElement.lang || "en";

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

  var labs = document.querySelectorAll("section.lab");
  for (var n = 0; n < labs.length; n++) initLab(labs[n]);
})();
