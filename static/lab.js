// lab.js — the lab widget (templates/partials/lab.html). Result first: the example picker, the
// verdict and the first picture of the answer, then a compact form. Three ways to answer:
//   - "live": under `aula serve` (the page carries /_aula/live.js), runs POST /_aula/labs/<id>;
//   - "hosted": a static build whose aula.toml names a runner (`[labs] endpoint`) runs there, and
//     falls back to the recorded examples with a note when the runner is unreachable or busy;
//   - "static": every example's recorded answer is in the page; the picker switches between them
//     with no request at all, and the form is read-only with a note on how to run labs locally.
// Charts (`series` blocks) are SVG drawn here: focus ranges, log scale, annotations, direct
// labels at line ends (a legend when they do not fit), a palette safe for colour-vision
// deficiencies plus dash patterns, and a tooltip with exact values on hover and keyboard focus.
// Without a framework and without innerHTML: nothing a lab returns is ever parsed as HTML.
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
  // The preview server adds its live-reload script to every page it serves: that is how a page
  // knows a runner sits behind the same origin, without asking (and without a 404 elsewhere).
  var PREVIEW = Boolean(document.querySelector('script[src="/_aula/live.js"]'));

  var SVG = "http://www.w3.org/2000/svg";
  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, key) && attrs[key] !== undefined) node.setAttribute(key, String(attrs[key]));
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  function formatNumber(value) { return numberFormat.format(value); }

  /* ----------------------------------------------------------------- charts */

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

  /** Powers of ten covering [min, max] (min > 0). */
  function logTicks(min, max) {
    var out = [];
    for (var e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(Math.pow(10, e));
    return out;
  }

  // Colour index → CSS class (the Okabe–Ito palette, see lab.css); the dash patterns tell the
  // series apart without colour too.
  var DASHES = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 2"];
  var STYLE_DASH = { dashed: "7 4", dotted: "2 3" };

  function range(value) {
    return Array.isArray(value) && value.length === 2 && isFinite(value[0]) && isFinite(value[1]) && value[0] < value[1]
      ? [Number(value[0]), Number(value[1])] : null;
  }

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

  // Text in the SVG is measured by estimate (the chart is built before it is in the page): about
  // 0.58 em per character in the page's sans-serif font.
  var CHAR = 0.58;

  /** `text` cut at spaces into lines of at most `max` characters (a longer word stays whole). */
  function wrap(text, max) {
    var lines = [];
    var line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (!word) return;
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines.length ? lines : [""];
  }

  /**
   * Places labels (sorted or not) at their line ends without overlap: each label's first line is
   * centred on its `y` where it can be; labels that collide form a group centred on their
   * targets, groups merge until none overlap, and the whole stays between `top` and `bottom`.
   * Sets `ly`, the centre of each label's first line.
   */
  function spread(items, top, bottom, lead) {
    items.sort(function (a, b) { return a.y - b.y; });
    var groups = items.map(function (it) {
      it.h = it.lines.length * lead + 3;
      return { items: [it], h: it.h, top: it.y - lead / 2 };
    });
    var place = function (g) {
      var off = 0, sum = 0;
      g.items.forEach(function (it) { sum += it.y - lead / 2 - off; off += it.h; });
      g.top = Math.max(top, Math.min(bottom - g.h, sum / g.items.length));
    };
    groups.forEach(place);
    for (var merged = true; merged;) {
      merged = false;
      for (var i = 0; i + 1 < groups.length; i++) {
        if (groups[i].top + groups[i].h > groups[i + 1].top + 0.5) {
          groups[i].items = groups[i].items.concat(groups[i + 1].items);
          groups[i].h += groups[i + 1].h;
          groups.splice(i + 1, 1);
          place(groups[i]);
          merged = true;
          break;
        }
      }
    }
    groups.forEach(function (g) {
      var y = g.top;
      g.items.forEach(function (it) { it.ly = y + lead / 2; y += it.h; });
    });
  }

  /** Like `wrap`, with lines of even length (never more lines than `wrap` gives). */
  function balanced(text, max) {
    var lines = wrap(text, max);
    for (var w = Math.ceil(String(text).length / lines.length); lines.length > 1 && w < max; w++) {
      var tried = wrap(text, w);
      if (tried.length === lines.length) return tried;
    }
    return lines;
  }

  /** An SVG <text> of several lines, the first baseline at `y`, one line every `lead` px. */
  function textLines(parent, lines, x, y, lead, attrs) {
    var t = svg("text", Object.assign({ x: x, y: y }, attrs), parent);
    lines.forEach(function (line, i) {
      var span = svg("tspan", { x: x, dy: i ? lead : 0 }, t);
      span.textContent = line;
    });
    return t;
  }

  /** The chart's <svg>, W × H, with its background and its accessible name. */
  function chartImage(block, strings, W, H) {
    var image = svg("svg", {
      viewBox: "0 0 " + W + " " + H,
      role: "img",
      "aria-label": fill(strings["chart-label"], { title: block.title || "", x: block.x_label || "", y: block.y_label || "" }),
      preserveAspectRatio: "xMidYMid meet",
      focusable: "false"
    });
    svg("rect", { x: 0, y: 0, width: W, height: H, "class": "chart-bg" }, image);
    return image;
  }

  /** Draws a `series` block as an SVG chart: axes, annotations, lines or bars, labels, tooltip. */
  function drawChart(canvas, block, strings, again) {
    canvas.textContent = "";
    if (!again) charts.push({ canvas: canvas, block: block, strings: strings, width: canvas.clientWidth });
    else charts.forEach(function (c) { if (c.canvas === canvas) c.width = canvas.clientWidth; });
    var bar = block.kind === "bar";
    var log = block.scale === "log" && !bar;
    var xRange = bar ? null : range(block.x_range);
    var yRange = range(block.y_range);
    var series = (Array.isArray(block.series) ? block.series : []).map(function (s, si) {
      var pts = (Array.isArray(s.points) ? s.points : []).filter(function (p) {
        return Array.isArray(p) && isFinite(p[0]) && isFinite(p[1]);
      }).map(function (p) { return [Number(p[0]), Number(p[1])]; });
      return { name: s.name || "", style: s.style || "", points: pts, index: si };
    });
    var visible = function (p) { return !xRange || (p[0] >= xRange[0] && p[0] <= xRange[1]); };
    var all = [];
    series.forEach(function (s) { s.points.filter(visible).forEach(function (p) { all.push(p); }); });
    if (!all.length) return;

    // Draw at about the box's own width, so text keeps its size on a phone.
    var W = Math.round(Math.max(280, Math.min(760, canvas.clientWidth || 640)));
    var narrow = W < 520;

    // A bar chart whose every series is one bar of its own (a team, a source) is a list of named
    // quantities: one row per bar, its name above it and its value at its end.
    var xsOfBars = series.map(function (s) { return s.points.length === 1 ? s.points[0][0] : NaN; });
    var oneBarEach = bar && series.length > 0 && series.length <= 16 && series.every(function (s, i) {
      return s.name && s.points.length === 1 && xsOfBars.indexOf(xsOfBars[i]) === i;
    });
    if (oneBarEach) return drawRows(canvas, block, strings, series, W, yRange);
    var names = bar && Array.isArray(block.categories) ? block.categories.map(String) : [];
    if (names.length && block.stacked === true) return drawStacked(canvas, block, strings, series, names, W, yRange);

    // y domain and ticks
    var ys = all.map(function (p) { return p[1]; });
    var yMin, yMax, yTicks;
    if (log) {
      var positive = ys.filter(function (v) { return v > 0; });
      yMin = yRange ? yRange[0] : Math.min.apply(null, positive.length ? positive : [1]);
      yMax = yRange ? yRange[1] : Math.max.apply(null, positive.length ? positive : [10]);
      yTicks = logTicks(yMin, yMax);
      if (!yRange) { yMin = yTicks[0]; yMax = yTicks[yTicks.length - 1]; }
      if (yMax <= yMin) yMax = yMin * 10;
      yTicks = yTicks.filter(function (v) { return v >= yMin && v <= yMax; });
    } else {
      yMin = yRange ? yRange[0] : Math.min(0, Math.min.apply(null, ys));
      yMax = yRange ? yRange[1] : Math.max.apply(null, ys);
      yTicks = ticks(yMin, yMax, narrow ? 4 : 5);
      if (!yRange) { yMin = yTicks[0]; yMax = yTicks[yTicks.length - 1]; }
      yTicks = yTicks.filter(function (v) { return v >= yMin - 1e-9 && v <= yMax + 1e-9; });
    }

    // The y axis' title sits above the plot, level, wrapped to the chart's width: a rotated title
    // longer than a phone's plot ran into the caption.
    var yTitleText = (block.y_label || "") + (log ? " (" + (strings["chart-log"] || "log") + ")" : "");
    var yTitleLines = yTitleText ? balanced(yTitleText, Math.floor((W - 8) / (12.5 * CHAR))) : [];
    var tickWidth = Math.max.apply(null, yTicks.map(function (v) { return formatNumber(v).length; }).concat([1])) * 12 * CHAR;

    // Direct labels at the line ends, wrapped into a column at the right; a legend only when
    // they cannot fit (more than seven series, or no room even on a taller chart).
    var named = series.filter(function (s) { return s.name; });
    var direct = !bar && named.length > 0 && named.length <= 7;
    var labelRoom = 0, labelLines = {}, stack = 0;
    var LEAD = 13;
    if (direct) {
      var longest = Math.max.apply(null, named.map(function (s) { return s.name.length; }));
      labelRoom = narrow ? Math.max(96, Math.min(170, Math.round(W * 0.36))) : Math.min(230, 24 + longest * 12 * CHAR);
      // Bold (strong) labels are wider: measure every label as if it were.
      var perLine = Math.max(8, Math.floor((labelRoom - 22) / (12 * 0.63)));
      named.forEach(function (s) {
        labelLines[s.index] = balanced(s.name, perLine);
        stack += labelLines[s.index].length * LEAD + 3;
      });
      if (labelRoom > W * 0.4 || stack > 420) direct = false;
    }
    if (!direct) labelRoom = 0;

    var m = {
      left: Math.round(Math.max(30, tickWidth + 12)),
      right: 12 + labelRoom,
      top: 10 + yTitleLines.length * 15 + 6,
      bottom: 38
    };
    var H = Math.round(Math.max(narrow ? 230 : 210, Math.min(300, W * 0.44)));
    H = Math.max(H + yTitleLines.length * 15, stack + m.top + m.bottom - 8);
    var plotW = W - m.left - m.right, plotH = H - m.top - m.bottom;

    var yPos;
    if (log) {
      var l0 = Math.log10(yMin), l1 = Math.log10(yMax);
      yPos = function (v) {
        var l = v > 0 ? Math.log10(v) : l0;
        l = Math.max(l0, Math.min(l1, l));
        return m.top + plotH - ((l - l0) / (l1 - l0)) * plotH;
      };
    } else {
      yPos = function (v) {
        var c = Math.max(yMin, Math.min(yMax, v));
        return m.top + plotH - ((c - yMin) / (yMax - yMin || 1)) * plotH;
      };
    }

    var image = chartImage(block, strings, W, H);
    var clipId = "clip-" + Math.random().toString(36).slice(2);
    var defs = svg("defs", {}, image);
    var clip = svg("clipPath", { id: clipId }, defs);
    svg("rect", { x: m.left, y: m.top - 4, width: plotW, height: plotH + 8 }, clip);

    yTicks.forEach(function (v) {
      var y = yPos(v);
      svg("line", { x1: m.left, x2: m.left + plotW, y1: y, y2: y, "class": "chart-grid" }, image);
      var label = svg("text", { x: m.left - 6, y: y + 4, "text-anchor": "end", "class": "chart-text" }, image);
      label.textContent = formatNumber(v);
    });

    var xPos, xLabels = [], categories = [], xs = [];
    if (bar) {
      all.forEach(function (p) { if (categories.indexOf(p[0]) === -1) categories.push(p[0]); });
      categories.sort(function (a, b) { return a - b; });
      var band = plotW / categories.length;
      xPos = function (v) { return m.left + band * categories.indexOf(v) + band / 2; };
      var every = Math.max(1, Math.ceil(categories.length / Math.max(3, Math.floor(W / 55))));
      categories.forEach(function (c, i) { if (i % every === 0) xLabels.push(c); });
      xs = categories;
    } else {
      var allX = all.map(function (p) { return p[0]; });
      var xMin = xRange ? xRange[0] : Math.min.apply(null, allX);
      var xMax = xRange ? xRange[1] : Math.max.apply(null, allX);
      var xTicks = ticks(xMin, xMax, Math.max(3, Math.floor(plotW / 80)));
      if (!xRange) {
        xMin = Math.min(xMin, xTicks[0]);
        xMax = Math.max(xMax, xTicks[xTicks.length - 1]);
      }
      xTicks = xTicks.filter(function (v) { return v >= xMin - 1e-9 && v <= xMax + 1e-9; });
      xPos = function (v) { return m.left + ((v - xMin) / (xMax - xMin || 1)) * plotW; };
      xLabels = xTicks;
      all.forEach(function (p) { if (xs.indexOf(p[0]) === -1) xs.push(p[0]); });
      xs.sort(function (a, b) { return a - b; });
    }

    // Annotations under the data: shaded bands and marker lines, each with a short label.
    var notes = Array.isArray(block.annotations) ? block.annotations : [];
    var noteLayer = svg("g", { "clip-path": "url(#" + clipId + ")" }, image);
    var noteLabels = [];
    notes.forEach(function (note) {
      if (!note || typeof note.label !== "string") return;
      var onY = note.axis === "y";
      var pos = onY ? yPos : (bar ? null : xPos);
      if (!pos) return;
      if (note.kind === "band" && isFinite(note.from) && isFinite(note.to)) {
        var a = pos(Number(note.from)), b = pos(Number(note.to));
        if (onY) svg("rect", { x: m.left, y: Math.min(a, b), width: plotW, height: Math.max(1, Math.abs(a - b)), "class": "chart-band" }, noteLayer);
        else svg("rect", { x: Math.min(a, b), y: m.top, width: Math.max(2, Math.abs(a - b)), height: plotH, "class": "chart-band" }, noteLayer);
        noteLabels.push({ onY: onY, at: onY ? Math.min(a, b) : Math.max(a, b), text: note.label, band: true });
      } else if (note.kind === "marker" && isFinite(note.at)) {
        var p = pos(Number(note.at));
        if (onY) svg("line", { x1: m.left, x2: m.left + plotW, y1: p, y2: p, "class": "chart-marker" }, noteLayer);
        else svg("line", { x1: p, x2: p, y1: m.top, y2: m.top + plotH, "class": "chart-marker" }, noteLayer);
        noteLabels.push({ onY: onY, at: p, text: note.label });
      }
    });

    var dataLayer = svg("g", { "clip-path": "url(#" + clipId + ")" }, image);
    var seriesClass = function (s) {
      return s.style === "muted" ? "chart-muted" : "chart-c" + (s.index % 6);
    };
    var ends = [];
    var barValues = [];
    if (bar) {
      // Bars of one x stand side by side, centred; a series without a value there leaves no gap.
      var present = {};
      series.forEach(function (s) {
        s.points.forEach(function (p) {
          var k = String(p[0]);
          (present[k] = present[k] || []).indexOf(s.index) === -1 && present[k].push(s.index);
        });
      });
      var most = Math.max.apply(null, Object.keys(present).map(function (k) { return present[k].length; }));
      var barWidth = (plotW / categories.length * 0.8) / Math.max(1, most);
      var base = log ? yPos(yMin) : yPos(Math.max(0, yMin));
      series.forEach(function (s) {
        s.points.forEach(function (p) {
          var here = present[String(p[0])];
          var x = xPos(p[0]) - (here.length * barWidth) / 2 + here.indexOf(s.index) * barWidth;
          var y1 = yPos(p[1]);
          svg("rect", {
            x: x.toFixed(2), y: Math.min(base, y1).toFixed(2),
            width: Math.max(1, barWidth - 2).toFixed(2), height: Math.max(0.5, Math.abs(base - y1)).toFixed(2),
            "class": "chart-bar " + seriesClass(s) + (s.style === "strong" ? " chart-strong" : "")
          }, dataLayer);
          // Muted bars are context (a quota, a baseline): their values would crowd the lesson's.
          if (s.style !== "muted") barValues.push({ x: x + (barWidth - 2) / 2, y: Math.min(base, y1), v: p[1], strong: s.style === "strong" });
        });
      });
    } else {
      series.forEach(function (s) {
        // Keep the points just outside the focus range, so lines enter and leave the plot.
        var pts = s.points;
        if (xRange) {
          var first = -1, last = -1;
          pts.forEach(function (p, i) { if (visible(p)) { if (first === -1) first = i; last = i; } });
          if (first === -1) return;
          pts = pts.slice(Math.max(0, first - 1), last + 2);
        }
        if (!pts.length) return;
        var d = pts.map(function (p, i) {
          return (i ? "L" : "M") + xPos(p[0]).toFixed(2) + " " + yPos(p[1]).toFixed(2);
        }).join(" ");
        var dash = STYLE_DASH[s.style] || (s.style === "muted" || s.style === "strong" ? "" : DASHES[s.index % DASHES.length]);
        svg("path", {
          d: d,
          "class": "chart-line " + seriesClass(s) + (s.style === "strong" ? " chart-strong" : "") + (s.style === "muted" ? " chart-thin" : ""),
          "stroke-dasharray": dash || undefined
        }, dataLayer);
        var shown = pts.filter(visible);
        if (shown.length <= 40) {
          shown.forEach(function (p) {
            svg("circle", { cx: xPos(p[0]).toFixed(2), cy: yPos(p[1]).toFixed(2), r: s.style === "strong" ? 3.5 : 2.5, "class": "chart-point " + seriesClass(s) }, dataLayer);
          });
        }
        var end = shown[shown.length - 1];
        if (end && s.name) ends.push({ s: s, x: xPos(end[0]), y: yPos(end[1]), value: end[1] });
      });
    }

    // Axes, tick labels and titles.
    xLabels.forEach(function (v) {
      var x = xPos(v);
      svg("line", { x1: x, x2: x, y1: m.top + plotH, y2: m.top + plotH + 5, "class": "chart-axis" }, image);
      var label = svg("text", { x: x, y: m.top + plotH + 18, "text-anchor": "middle", "class": "chart-text" }, image);
      label.textContent = bar && names[v] !== undefined ? names[v] : formatNumber(v);
    });
    var baseY = log ? m.top + plotH : yPos(Math.max(0, yMin));
    svg("line", { x1: m.left, x2: m.left + plotW, y1: baseY, y2: baseY, "class": "chart-axis" }, image);
    svg("line", { x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH, "class": "chart-axis" }, image);
    var xTitle = svg("text", { x: m.left + plotW / 2, y: H - 4, "text-anchor": "middle", "class": "chart-label" }, image);
    xTitle.textContent = block.x_label || "";
    if (yTitleLines.length) textLines(image, yTitleLines, 2, 14, 15, { "class": "chart-label" });

    // The exact value on top of each bar, when the bars are few enough to read them.
    if (bar && barValues.length <= 12) {
      barValues.forEach(function (b) {
        var t = svg("text", { x: b.x.toFixed(2), y: (b.y - 5).toFixed(2), "text-anchor": "middle", "class": "chart-value" + (b.strong ? " is-strong" : "") }, image);
        t.textContent = formatNumber(b.v);
      });
    }

    // Annotation labels on top of everything, kept inside the plot and wrapped to the room they
    // have: a y note above its line at the right, an x note beside its line near the top.
    var NOTE = 11.5 * CHAR;
    var xNotes = 0;
    noteLabels.forEach(function (n) {
      if (n.onY) {
        var lines = balanced(n.text, Math.max(8, Math.floor((plotW - 8) / NOTE)));
        textLines(image, lines, m.left + plotW - 4, n.at - 5 - (lines.length - 1) * 13, 13, { "text-anchor": "end", "class": "chart-note" });
        return;
      }
      // Its room on each side runs to the next x note (or the plot's edge), so a label never
      // crosses another marker and reads as its own line's.
      var rightEnd = m.left + plotW, leftEnd = m.left;
      noteLabels.forEach(function (o) {
        if (o.onY || o === n) return;
        if (o.at > n.at + 1) rightEnd = Math.min(rightEnd, o.at);
        if (o.at < n.at - 1) leftEnd = Math.max(leftEnd, o.at);
      });
      var roomRight = rightEnd - n.at - 6, roomLeft = n.at - leftEnd - 6;
      var right = roomRight >= n.text.length * NOTE || roomRight >= roomLeft;
      var cut = balanced(n.text, Math.max(6, Math.floor((right ? roomRight : roomLeft) / NOTE)));
      textLines(image, cut, right ? n.at + 4 : n.at - 4, m.top + 12 + 14 * xNotes, 13, {
        "text-anchor": right ? "start" : "end", "class": "chart-note"
      });
      xNotes += cut.length;
    });

    // Direct labels at the line ends, pushed apart so they never overlap.
    if (direct && ends.length) {
      ends.forEach(function (e) { e.lines = labelLines[e.s.index] || [e.s.name]; });
      spread(ends, m.top - 10, H - 4, LEAD);
      var labelX = m.left + plotW + 6;
      ends.forEach(function (e) {
        if (Math.abs(e.ly - e.y) > 2 || labelX - e.x > 10) svg("line", { x1: e.x + 3, x2: labelX - 1, y1: e.y, y2: e.ly, "class": "chart-leader" }, image);
        var key = svg("line", { x1: labelX, x2: labelX + 10, y1: e.ly, y2: e.ly, "class": "chart-line " + seriesClass(e.s) + (e.s.style === "muted" ? " chart-thin" : ""), "stroke-dasharray": STYLE_DASH[e.s.style] || (e.s.style ? undefined : DASHES[e.s.index % DASHES.length] || undefined) }, image);
        key.setAttribute("aria-hidden", "true");
        textLines(image, e.lines, labelX + 13, e.ly + 4, LEAD, { "class": "chart-direct" + (e.s.style === "strong" ? " is-strong" : "") });
      });
    }

    canvas.appendChild(image);

    // The legend is HTML, so it wraps on narrow screens and reads as a list.
    if (!direct && (series.length > 1 || (series[0] && series[0].name))) {
      var legend = el("ul", "chart-legend");
      series.forEach(function (s) {
        var item = el("li");
        var key = svg("svg", { viewBox: "0 0 28 10", width: 28, height: 10, "aria-hidden": "true", focusable: "false" });
        var dash = STYLE_DASH[s.style] || (s.style ? "" : DASHES[s.index % DASHES.length]);
        if (bar) svg("rect", { x: 4, y: 0, width: 20, height: 10, "class": "chart-bar " + seriesClass(s) }, key);
        else svg("line", { x1: 0, x2: 28, y1: 5, y2: 5, "class": "chart-line " + seriesClass(s), "stroke-dasharray": dash || undefined }, key);
        item.append(key, document.createTextNode(" " + s.name));
        legend.appendChild(item);
      });
      canvas.appendChild(legend);
    }

    attachTooltip(canvas, image, {
      xs: xs.filter(function (x) { return bar || !xRange || (x >= xRange[0] && x <= xRange[1]); }),
      xPos: xPos, series: series, bar: bar, top: m.top, height: plotH, W: W, block: block, strings: strings
    });
  }

  /**
   * The frame of a chart drawn as rows (`drawRows`, `drawStacked`): the value axis from the
   * items' values (`{name, value}`), a row per item (its name above its bar, wrapped), the grid,
   * the tick labels and the axis title. The caller draws the bars into `image`.
   */
  function rowsFrame(block, strings, W, yRange, items) {
    var values = items.map(function (item) { return item.value; });
    var vMin = yRange ? yRange[0] : Math.min(0, Math.min.apply(null, values));
    var vMax = yRange ? yRange[1] : Math.max(0, Math.max.apply(null, values));
    var vTicks = ticks(vMin, vMax, W < 520 ? 4 : 6);
    if (!yRange) { vMin = vTicks[0]; vMax = vTicks[vTicks.length - 1]; }
    vTicks = vTicks.filter(function (v) { return v >= vMin - 1e-9 && v <= vMax + 1e-9; });
    var longestValue = Math.max.apply(null, values.map(function (v) { return formatNumber(v).length; }));
    var m = { left: 8, right: Math.round(14 + longestValue * 12.5 * CHAR), top: 6, bottom: 40 };
    var plotW = W - m.left - m.right;
    var xPos = function (v) {
      var c = Math.max(vMin, Math.min(vMax, v));
      return m.left + ((c - vMin) / (vMax - vMin || 1)) * plotW;
    };
    var perLine = Math.floor((W - 12) / (12.5 * CHAR));
    var y = m.top;
    var layout = items.map(function (item) {
      var lines = balanced(item.name, perLine);
      var row = { item: item, lines: lines, textY: y + 13, barY: y + lines.length * 15 + 3 };
      y = row.barY + 18 + 10;
      return row;
    });
    var plotBottom = y - 4;
    var H = plotBottom + m.bottom;

    var image = chartImage(block, strings, W, H);
    vTicks.forEach(function (v) {
      var x = xPos(v);
      svg("line", { x1: x, x2: x, y1: m.top, y2: plotBottom, "class": "chart-grid" }, image);
      var label = svg("text", { x: x, y: plotBottom + 16, "text-anchor": "middle", "class": "chart-text" }, image);
      label.textContent = formatNumber(v);
    });
    var zero = xPos(Math.max(0, vMin));
    svg("line", { x1: zero, x2: zero, y1: m.top, y2: plotBottom, "class": "chart-axis" }, image);
    var title = svg("text", { x: m.left + plotW / 2, y: H - 4, "text-anchor": "middle", "class": "chart-label" }, image);
    title.textContent = block.y_label || "";
    return { image: image, m: m, xPos: xPos, layout: layout, plotBottom: plotBottom, zero: zero };
  }

  /**
   * A bar chart with one bar per series, drawn as rows: each name above its bar, the exact value
   * at the bar's end, the value axis below. Names of any length fit a phone, and the values need
   * no tooltip. `y` annotations become lines across the rows.
   */
  function drawRows(canvas, block, strings, series, W, yRange) {
    var rows = series.slice().sort(function (a, b) { return a.points[0][0] - b.points[0][0]; });
    var f = rowsFrame(block, strings, W, yRange, rows.map(function (s) {
      return { name: s.name, value: s.points[0][1], s: s };
    }));
    var image = f.image, m = f.m, xPos = f.xPos, plotBottom = f.plotBottom, layout = f.layout, zero = f.zero;

    var notes = (Array.isArray(block.annotations) ? block.annotations : []).filter(function (n) { return n && n.axis === "y" && typeof n.label === "string"; });
    notes.forEach(function (note) {
      if (note.kind === "band" && isFinite(note.from) && isFinite(note.to)) {
        var a = xPos(Number(note.from)), b = xPos(Number(note.to));
        svg("rect", { x: Math.min(a, b), y: m.top, width: Math.max(2, Math.abs(a - b)), height: plotBottom - m.top, "class": "chart-band" }, image);
      } else if (note.kind === "marker" && isFinite(note.at)) {
        var p = xPos(Number(note.at));
        svg("line", { x1: p, x2: p, y1: m.top, y2: plotBottom, "class": "chart-marker" }, image);
      }
    });

    layout.forEach(function (row) {
      var s = row.item.s;
      var strong = s.style === "strong";
      var cls = s.style === "muted" ? "chart-muted" : "chart-c" + (s.index % 6);
      textLines(image, row.lines, m.left, row.textY, 15, { "class": "chart-direct" + (strong ? " is-strong" : "") });
      var v = s.points[0][1];
      var end = xPos(v);
      svg("rect", {
        x: Math.min(zero, end).toFixed(2), y: row.barY, width: Math.max(1, Math.abs(end - zero)).toFixed(2), height: 18,
        "class": "chart-bar " + cls + (strong ? " chart-strong" : "")
      }, image);
      var value = svg("text", { x: (Math.max(zero, end) + 5).toFixed(2), y: row.barY + 13, "class": "chart-value" + (strong ? " is-strong" : "") }, image);
      value.textContent = formatNumber(v);
    });
    // Marker labels last, over the rows, at the top of their line.
    notes.forEach(function (note) {
      var at = note.kind === "band" ? Number(note.to) : Number(note.at);
      if (!isFinite(at)) return;
      var p = xPos(at);
      var right = p + 4 + note.label.length * 11.5 * CHAR < W;
      var t = svg("text", { x: right ? p + 4 : p - 4, y: plotBottom - 4, "text-anchor": right ? "start" : "end", "class": "chart-note" }, image);
      t.textContent = note.label;
    });
    canvas.appendChild(image);
  }

  /**
   * A stacked bar chart (`categories` + `stacked`), drawn as rows like `drawRows`: each
   * category's name above its bar, the series' values end to end in it (each part's exact value
   * in its tooltip and in the data table), the whole at the bar's end, and a legend of the parts.
   */
  function drawStacked(canvas, block, strings, series, names, W, yRange) {
    var parts = names.map(function (name, i) {
      var values = series.map(function (s) {
        var p = s.points.filter(function (p) { return p[0] === i; })[0];
        return p ? Math.max(0, p[1]) : 0;
      });
      return { name: name, values: values, value: values.reduce(function (a, b) { return a + b; }, 0) };
    });
    var f = rowsFrame(block, strings, W, yRange, parts);
    var image = f.image, xPos = f.xPos, layout = f.layout, zero = f.zero;
    var seriesClass = function (s) { return s.style === "muted" ? "chart-muted" : "chart-c" + (s.index % 6); };

    layout.forEach(function (row) {
      textLines(image, row.lines, f.m.left, row.textY, 15, { "class": "chart-direct" });
      var sum = 0;
      series.forEach(function (s, k) {
        var v = row.item.values[k];
        if (!(v > 0)) return;
        var from = sum ? xPos(sum) : zero, to = xPos(sum + v);
        sum += v;
        var part = svg("rect", {
          x: from.toFixed(2), y: row.barY, width: Math.max(1, to - from).toFixed(2), height: 18,
          "class": "chart-bar chart-part " + seriesClass(s) + (s.style === "strong" ? " chart-strong" : "")
        }, image);
        svg("title", {}, part).textContent = row.item.name + ", " + (s.name || "") + ": " + formatNumber(v);
      });
      var value = svg("text", { x: (xPos(row.item.value) + 5).toFixed(2), y: row.barY + 13, "class": "chart-value" }, image);
      value.textContent = formatNumber(row.item.value);
    });
    canvas.appendChild(image);

    var legend = el("ul", "chart-legend");
    series.forEach(function (s) {
      var item = el("li");
      var key = svg("svg", { viewBox: "0 0 28 10", width: 28, height: 10, "aria-hidden": "true", focusable: "false" });
      svg("rect", { x: 4, y: 0, width: 20, height: 10, "class": "chart-bar " + seriesClass(s) }, key);
      item.append(key, document.createTextNode(" " + s.name));
      legend.appendChild(item);
    });
    canvas.appendChild(legend);
  }

  /** The value a series has at x: the last point at or before x (a step chart's value there). */
  function valueAt(points, x) {
    var found = null;
    for (var i = 0; i < points.length && points[i][0] <= x; i++) found = points[i][1];
    return found;
  }

  /**
   * Hover or focus the chart and move along x (mouse, or the arrow keys): a cursor line and a
   * tooltip with every series' exact value there. The tooltip is a live region, so a screen
   * reader hears the values as the cursor moves.
   */
  function attachTooltip(canvas, image, c) {
    if (!c.xs.length) return;
    var box = el("div", "chart-tip");
    box.hidden = true;
    box.setAttribute("role", "status");
    canvas.classList.add("has-tip");
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "group");
    canvas.setAttribute("aria-label", fill(c.strings["chart-explore"] || "{title}", { title: c.block.title || "" }));
    var cursor = svg("line", { x1: 0, x2: 0, y1: c.top, y2: c.top + c.height, "class": "chart-cursor" }, image);
    cursor.style.display = "none";
    canvas.appendChild(box);
    var at = -1;
    function show(i) {
      at = Math.max(0, Math.min(c.xs.length - 1, i));
      var x = c.xs[at];
      var px = c.xPos(x);
      cursor.setAttribute("x1", px);
      cursor.setAttribute("x2", px);
      cursor.style.display = "";
      box.textContent = "";
      box.appendChild(el("strong", null, (c.block.x_label || "x") + ": " + formatNumber(x)));
      var list = el("ul");
      c.series.forEach(function (s) {
        var v = c.bar
          ? (s.points.filter(function (p) { return p[0] === x; })[0] || [null, null])[1]
          : valueAt(s.points, x);
        if (v === null || v === undefined) return;
        list.appendChild(el("li", null, (s.name || c.strings.series || "") + ": " + formatNumber(v)));
      });
      box.appendChild(list);
      box.hidden = false;
      var scale = image.getBoundingClientRect().width / c.W || 1;
      var left = px * scale;
      var room = canvas.clientWidth;
      box.style.left = Math.max(0, Math.min(room - box.offsetWidth, left + 12)) + "px";
    }
    function hide() {
      cursor.style.display = "none";
      box.hidden = true;
    }
    canvas.addEventListener("mousemove", function (event) {
      var rect = image.getBoundingClientRect();
      var scale = rect.width / c.W || 1;
      var x = (event.clientX - rect.left) / scale;
      var best = 0, dist = Infinity;
      c.xs.forEach(function (v, i) {
        var d = Math.abs(c.xPos(v) - x);
        if (d < dist) { dist = d; best = i; }
      });
      show(best);
    });
    canvas.addEventListener("mouseleave", function () { if (document.activeElement !== canvas) hide(); });
    canvas.addEventListener("focus", function () { show(at < 0 ? c.xs.length - 1 : at); });
    canvas.addEventListener("blur", hide);
    canvas.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
      if (event.key === "Home") step = -c.xs.length;
      if (event.key === "End") step = c.xs.length;
      if (event.key === "Escape") { hide(); return; }
      if (!step) return;
      event.preventDefault();
      show((at < 0 ? c.xs.length - 1 : at) + step);
    });
  }

  /* ----------------------------------------------------------------- blocks */

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
      var data = seriesTable(block);
      var details = el("details", "lab-chart-data");
      details.appendChild(el("summary", null, strings["chart-data"]));
      details.appendChild(tableBox(data.caption, data.columns, data.rows));
      figure.appendChild(details);
      return figure;
    }
    return el("pre", "lab-code", JSON.stringify(block, null, 2));
  }

  /**
   * A chart's data as a table: one row per x, one column per series, so a row compares the
   * series at one x (a vertical step, two points at one x, takes two rows; a series without a
   * point there leaves its cell empty). src/labs/blocks.rs writes the same table into the page.
   */
  function seriesTable(block) {
    var series = Array.isArray(block.series) ? block.series : [];
    var most = {};
    var cells = series.map(function (s) {
      var seen = {}, at = {};
      (Array.isArray(s.points) ? s.points : []).forEach(function (p) {
        if (!Array.isArray(p)) return;
        var k = String(p[0]);
        seen[k] = (seen[k] || 0) + 1;
        at[k + "#" + seen[k]] = p[1];
        most[k] = Math.max(most[k] || 0, seen[k]);
      });
      return at;
    });
    var rows = [];
    var names = Array.isArray(block.categories) ? block.categories : [];
    Object.keys(most).sort(function (a, b) { return Number(a) - Number(b); }).forEach(function (k) {
      for (var n = 1; n <= most[k]; n++) {
        var name = typeof names[Number(k)] === "string" ? names[Number(k)] : Number(k);
        rows.push([name].concat(cells.map(function (at) {
          var v = at[k + "#" + n];
          return v === undefined ? "" : v;
        })));
      }
    });
    return {
      caption: (block.title || "") + (block.y_label ? " (" + block.y_label + ")" : ""),
      columns: [block.x_label || ""].concat(series.map(function (s) { return s.name || ""; })),
      rows: rows
    };
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

  /**
   * Which blocks lead (shown at once) and which follow (under "the full answer"): every verdict,
   * then the first chart — or, without one, the first table, else the first text. The template
   * makes the same split for the recorded answer (templates/partials/lab.html).
   */
  function split(blocks) {
    var lead = [], rest = [];
    var pick = -1;
    ["series", "table", "text", "code"].some(function (type) {
      for (var i = 0; i < blocks.length; i++) {
        if (blocks[i] && blocks[i].type === type) { pick = i; return true; }
      }
      return false;
    });
    blocks.forEach(function (b, i) {
      if (b && b.type === "verdict") lead.push(b);
    });
    blocks.forEach(function (b, i) {
      if (i === pick) lead.push(b);
      else if (!(b && b.type === "verdict")) rest.push(b);
    });
    return { lead: lead, rest: rest };
  }

  /* ---------------------------------------------------------- example picker */

  /**
   * The example row when it scrolls sideways (five examples or more, lab.css): the edge with more
   * examples fades and gets an arrow button that scrolls a screenful (a pointer's shortcut; the
   * keyboard moves along the buttons themselves), and the pressed example starts in view.
   */
  function scroller(track, row) {
    var arrows = [-1, 1].map(function (dir) {
      var b = el("button", "lab-examples-scroll", dir < 0 ? "\u2039" : "\u203a");
      b.type = "button";
      b.dataset.dir = String(dir);
      b.tabIndex = -1;
      b.setAttribute("aria-hidden", "true");
      b.hidden = true;
      b.addEventListener("click", function () {
        row.scrollBy({ left: dir * Math.max(120, row.clientWidth * 0.75), behavior: "smooth" });
      });
      track.appendChild(b);
      return b;
    });
    function sync() {
      var extra = row.scrollWidth - row.clientWidth;
      var left = extra > 2 && row.scrollLeft > 2;
      var right = extra > 2 && row.scrollLeft < extra - 2;
      track.classList.toggle("more-left", left);
      track.classList.toggle("more-right", right);
      arrows[0].hidden = !left;
      arrows[1].hidden = !right;
    }
    var pressed = row.querySelector('button[aria-pressed="true"]');
    if (pressed && row.scrollWidth > row.clientWidth && pressed.offsetLeft + pressed.offsetWidth > row.clientWidth) {
      row.scrollLeft = pressed.offsetLeft - row.offsetLeft - (row.clientWidth - pressed.offsetWidth) / 2;
    }
    // A focused example (Tab or the arrow keys) comes fully into view, clear of the faded edges,
    // at once: the browser's own scroll on focus may leave it under an edge.
    row.addEventListener("focusin", function (event) {
      var b = event.target;
      if (!b || !b.dataset || !b.dataset.example || row.scrollWidth <= row.clientWidth) return;
      var left = b.offsetLeft - row.offsetLeft;
      var pad = Math.max(0, Math.min(40, (row.clientWidth - b.offsetWidth) / 2));
      if (left - pad < row.scrollLeft) row.scrollLeft = left - pad;
      else if (left + b.offsetWidth + pad > row.scrollLeft + row.clientWidth) row.scrollLeft = left + b.offsetWidth + pad - row.clientWidth;
      sync();
    });
    row.addEventListener("scroll", sync, { passive: true });
    window.addEventListener("resize", sync);
    sync();
  }

  /** Left/Right (and Home/End) move the focus along the example buttons, as in a toolbar. */
  function arrowKeys(row) {
    row.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(row.querySelectorAll("button[data-example]"));
      var at = buttons.indexOf(document.activeElement);
      if (at === -1) return;
      var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (to === undefined || to < 0 || to >= buttons.length) return;
      event.preventDefault();
      buttons[to].focus();
    });
  }

  /* -------------------------------------------------------------------- lab */

  // Every recorded answer on the page, by lab and example. A page that embeds one lab several
  // times carries the examples' answers once, in the first embed's data (src/embed.rs): the
  // others find them here, so switching stays free of requests.
  var recordedAnswers = {};
  function record(id, name, answer) {
    if (!name || !answer) return;
    (recordedAnswers[id] = recordedAnswers[id] || {})[name] = answer;
  }
  function recordedAnswer(id, example) {
    return example.answer || (recordedAnswers[id] || {})[example.name] || null;
  }

  function initLab(section) {
    var script = section.querySelector("script.lab-data");
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    var strings = data.strings || {};
    var form = section.querySelector(".lab-form");
    var fieldset = form.querySelector(".lab-fields");
    var status = section.querySelector(".lab-status");
    var note = section.querySelector(".lab-static-note");
    var answerEl = section.querySelector(".lab-answer");
    var leadEl = section.querySelector(".lab-blocks");
    var moreEl = section.querySelector(".lab-more-blocks");
    var moreList = section.querySelector(".lab-more-list");
    var moreSummary = section.querySelector(".lab-more-summary");
    var source = section.querySelector(".lab-source");
    var staleEl = section.querySelector(".lab-stale");
    var runButton = section.querySelector(".lab-run");
    var resetButton = section.querySelector(".lab-reset");
    var doneNote = section.querySelector(".lab-done");
    var picker = Array.prototype.slice.call(section.querySelectorAll(".lab-examples button[data-example]"));
    var pickerRow = section.querySelector(".lab-examples-row");
    if (pickerRow) {
      scroller(section.querySelector(".lab-examples-track"), pickerRow);
      arrowKeys(pickerRow);
    }
    var article = section.closest("[data-progress-key]");
    var progressKey = (article ? article.dataset.progressKey : location.pathname) + "/" + data.id;
    var examples = Array.isArray(data.examples) ? data.examples : [];
    record(data.id, data.current, data.answer);
    examples.forEach(function (e) { record(data.id, e.name, e.answer); });
    var current = data.current || null;
    var busy = false;
    var mode = PREVIEW ? "live" : data.hosted ? "hosted" : "static";
    var endpoint = PREVIEW ? "/_aula/labs/" + encodeURIComponent(data.id) : data.endpoint;

    section.dataset.runner = mode === "static" ? "static" : "live";
    section.dataset.mode = mode;

    // Recorded charts: the template leaves an empty canvas for each series block, in order.
    var canvases = section.querySelectorAll(".lab-answer .lab-chart-canvas");
    var own = data.answer || (recordedAnswers[data.id] || {})[data.current] || null;
    var recorded = (own && Array.isArray(own.blocks)) ? own.blocks : [];
    var parts = split(recorded);
    var seriesBlocks = parts.lead.concat(parts.rest).filter(function (b) { return b && b.type === "series"; });
    for (var i = 0; i < canvases.length && i < seriesBlocks.length; i++) drawChart(canvases[i], seriesBlocks[i], strings);

    var syncDone = function () { doneNote.hidden = !loadProgress().labs[progressKey]; };
    syncDone();

    function setStatus(text, isError) {
      status.textContent = text || "";
      status.classList.toggle("is-error", Boolean(isError));
    }

    /** Marks the answer as not matching the form (after an edit or a failed run), or clears it. */
    function setStale(why) {
      answerEl.classList.toggle("is-stale", Boolean(why));
      staleEl.hidden = !why;
      staleEl.textContent = why || "";
      section.dataset.state = why ? "stale" : section.dataset.state === "stale" ? "recorded" : section.dataset.state;
    }

    // A read-only form (static mode) stays folded: the answer is what a reader came for.
    var inputsBox = section.querySelector(".lab-inputs");
    function setReadOnly(on) {
      fieldset.disabled = on;
      if (inputsBox) inputsBox.open = !on;
      note.hidden = !on;
      runButton.hidden = on;
      resetButton.hidden = on;
    }

    // Conditional fields: `shown_when` in the manifest, as data-when-* on the field's box.
    var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-when-input]"));
    function syncConditions() {
      conditional.forEach(function (box) {
        var control = form.elements.namedItem(box.dataset.whenInput);
        if (!control) return;
        var value = control.type === "checkbox" ? String(control.checked) : control.value;
        var values = (box.dataset.whenValues || "").split("|");
        box.hidden = values.indexOf(value) === -1;
      });
    }
    form.addEventListener("change", syncConditions);
    syncConditions();

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

    /** Shows `[{field, message}]` next to their fields (opening "More options" if need be). */
    function showErrors(errors) {
      var first = null;
      var loose = [];
      errors.forEach(function (error) {
        var control = error && error.field ? field(error.field) : null;
        if (!control || !control.id) {
          if (error && error.message) loose.push(error.message);
          return;
        }
        var more = control.closest("details");
        if (more) more.open = true;
        var box = control.closest("[data-when-input]");
        if (box) box.hidden = false;
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
      setStale(strings.stale);
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

    /** Puts an input object into the form (the way the template writes values). */
    function setForm(input) {
      Object.keys(data.kinds || {}).forEach(function (name) {
        var control = form.elements.namedItem(name);
        if (!control || !Object.prototype.hasOwnProperty.call(input, name)) return;
        var value = input[name];
        if (data.kinds[name] === "checkbox") control.checked = Boolean(value);
        else if (data.kinds[name] === "json") control.value = JSON.stringify(value, null, 2);
        else control.value = value === null || value === undefined ? "" : String(value);
      });
      syncConditions();
    }

    function showBlocks(blocks, live) {
      var parts = split(blocks);
      leadEl.textContent = "";
      moreList.textContent = "";
      var charts = [];
      parts.lead.forEach(function (b) { charts.push([leadEl.appendChild(renderBlock(b, strings)), b]); });
      parts.rest.forEach(function (b) { charts.push([moreList.appendChild(renderBlock(b, strings)), b]); });
      moreEl.hidden = parts.rest.length === 0;
      moreSummary.textContent = fill(strings.more_output, { count: parts.rest.length });
      // Charts are drawn once in the page, when their box has a width (a closed <details> has
      // none: those are drawn when it opens).
      charts.forEach(function (pair) {
        if (!(pair[1] && pair[1].type === "series")) return;
        var canvas = pair[0].querySelector(".lab-chart-canvas");
        if (canvas.clientWidth > 0) drawChart(canvas, pair[1], strings);
        else pending.push([canvas, pair[1]]);
      });
      source.textContent = live ? strings.live : strings.recorded;
      section.dataset.state = live ? "live" : "recorded";
      setStale(null);
    }
    var pending = [];
    moreEl.addEventListener("toggle", function () {
      if (!moreEl.open) return;
      var todo = pending;
      pending = [];
      todo.forEach(function (pair) { if (pair[0].isConnected) drawChart(pair[0], pair[1], strings); });
    });
    // The recorded answer's charts under a closed "full answer" were skipped above: queue them.
    Array.prototype.forEach.call(moreEl.querySelectorAll(".lab-chart-canvas"), function (canvas, k) {
      if (!canvas.firstChild) {
        var block = parts.rest.filter(function (b) { return b && b.type === "series"; })[k];
        if (block) pending.push([canvas, block]);
      }
    });

    function reason(body, response) {
      if (body && typeof body.error === "string") return body.error;
      if (body && body.error && body.error.message) return body.error.message;
      return response.status + " " + response.statusText;
    }

    function pickExample(name) {
      current = name;
      picker.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.example === name)); });
    }

    /** The hosted runner cannot answer: back to the recorded examples, with a note. */
    function fallBack(why) {
      mode = "static";
      section.dataset.runner = "static";
      section.dataset.mode = "static";
      setReadOnly(true);
      note.textContent = why;
      setStatus("");
      var example = examples.filter(function (e) { return e.name === current; })[0] || examples[0];
      var answer = example && recordedAnswer(data.id, example);
      if (answer) {
        pickExample(example.name);
        setForm(example.input || {});
        showBlocks(answer.blocks || [], false);
      }
    }

    function run(input) {
      if (busy) return;
      busy = true;
      runButton.setAttribute("aria-busy", "true");
      setStatus(strings.running);
      window.fetch(endpoint, {
        method: "POST",
        mode: mode === "hosted" ? "cors" : "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ lang: data.lang, input: input })
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
          setStale(strings.stale);
          if (response.status === 429) {
            if (mode === "hosted") return fallBack(strings.hosted_busy);
            return setStatus(strings.busy, true);
          }
          if (response.status === 504 || response.status === 408) return setStatus(strings.timeout, true);
          setStatus(fill(strings.failed, { reason: reason(body, response) }), true);
        });
      }, function () {
        // The browser's own text ("Failed to fetch") says nothing useful: say what happened.
        setStale(strings.stale);
        if (mode === "hosted") return fallBack(strings.hosted_unreachable);
        setStatus(strings.unreachable, true);
      }).then(function () {
        busy = false;
        runButton.removeAttribute("aria-busy");
      });
    }

    picker.forEach(function (button) {
      button.addEventListener("click", function () {
        var example = examples.filter(function (e) { return e.name === button.dataset.example; })[0];
        if (!example) return;
        clearErrors();
        setStatus("");
        pickExample(example.name);
        setForm(example.input || {});
        if (mode === "live") run(example.input || {});
        else if (recordedAnswer(data.id, example)) showBlocks(recordedAnswer(data.id, example).blocks || [], false);
      });
    });

    setReadOnly(mode === "static");
    section.dataset.state = "recorded";

    form.addEventListener("input", function () {
      if (mode !== "static") setStale(strings.edited);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (mode === "static") return;
      clearErrors();
      var collected = collect();
      if (collected.errors.length) {
        showErrors(collected.errors);
        return;
      }
      run(collected.input);
    });
    resetButton.addEventListener("click", function () {
      clearErrors();
      form.reset();
      syncConditions();
      pickExample(data.current);
      showBlocks(recorded, false);
      setStatus("");
    });
  }

  var labs = document.querySelectorAll("section.lab");
  for (var n = 0; n < labs.length; n++) initLab(labs[n]);
})();
