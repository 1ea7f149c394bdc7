// forcegen dashboard: draws every chart whose Vega-Lite spec the page carries in a
// <script type="application/json" id="spec-NAME"> element into <figure data-spec="spec-NAME">,
// runs the explorer's what-ifs (POST /api/whatif), the timeline's as-of slider and, on
// request, the odds page's planning-figures tornado (GET /api/sensitivity).
// No inline scripts anywhere (Content-Security-Policy: script-src 'self').
"use strict";

var specs = {};

function readSpec(name) {
  if (!specs[name]) {
    var source = document.getElementById(name);
    if (!source) { return null; }
    specs[name] = JSON.parse(source.textContent);
  }
  return specs[name];
}

function isEmpty(spec) {
  // inline rows and none of them: an empty chart (and Vega's "Infinite extent" warning)
  return !!(spec.data && Array.isArray(spec.data.values) && spec.data.values.length === 0);
}

function draw(figure) {
  var spec = readSpec(figure.dataset.spec);
  if (!spec) { return Promise.resolve(); }
  if (isEmpty(spec)) {
    figure.textContent = "";
    var note = document.createElement("p");
    note.className = "empty-chart";
    note.textContent = "nothing to show";
    figure.appendChild(note);
    figure.dataset.empty = "true";
    return Promise.resolve();
  }
  if (figure.dataset.empty) {
    delete figure.dataset.empty;
    figure.textContent = "";
  }
  // ast + the interpreter: Vega evaluates expressions without eval (CSP, see VENDORED.md)
  return vegaEmbed(figure, spec, {
    actions: false, renderer: "svg", ast: true, expr: vega.expressionInterpreter
  }).then(function (result) {
    var svg = figure.querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", figure.getAttribute("aria-label") || "chart");
    }
    return result;
  });
}

function drawCharts(root) {
  var figures = Array.prototype.slice.call((root || document).querySelectorAll("figure[data-spec]"));
  return Promise.all(figures.map(function (figure) {
    return draw(figure).catch(function (error) {
      figure.textContent = "chart failed: " + error;
      console.error(error);
      throw error;
    });
  })).then(function () {
    document.body.dataset.charts = "drawn";
  }, function () {
    document.body.dataset.charts = "error";
  });
}

// -- formatting as the server does it (pages.count / pages.share) -----------------------

function count(value) {
  return Math.round(value).toLocaleString("en-GB");
}

function share(value) {
  return Math.round(value * 100) + "%";
}

function setNumber(element, value, text) {
  if (!element) { return; }
  element.dataset.value = String(value);
  element.textContent = text;
}

// -- the explorer ------------------------------------------------------------------------

function explorer() {
  var form = document.getElementById("whatif-form");
  var dataNode = document.getElementById("explorer-data");
  if (!form || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var status = document.querySelector("[data-status]");
  var latest = 0;        // number of the latest question asked
  var inFlight = null;   // its AbortController while its answer is out

  function question() {
    var conditions = {};
    form.querySelectorAll("select[data-condition]").forEach(function (select) {
      if (select.value === "true") { conditions[select.dataset.condition] = true; }
      if (select.value === "false") { conditions[select.dataset.condition] = false; }
    });
    var override = form.querySelector("input[data-override]").value.trim();
    return { scenario: data.scenario, conditions: conditions, overrides: override ? [override] : [] };
  }

  function redraw(name, rows) {
    var spec = readSpec("spec-" + name);
    var figure = document.querySelector('figure[data-spec="spec-' + name + '"]');
    if (!spec || !figure) { return Promise.resolve(); }
    spec.data = { values: rows };
    return draw(figure);
  }

  function update(doc) {
    setNumber(document.querySelector('output[data-field="personnel"]'), doc.personnel, count(doc.personnel));
    var options = [];
    document.querySelectorAll("tr[data-requirement]").forEach(function (row) {
      var fill = doc.requirements[row.dataset.requirement];
      if (!fill) { return; }
      setNumber(row.querySelector('[data-field="filled_personnel"]'), fill.filled_personnel, count(fill.filled_personnel));
      setNumber(row.querySelector('[data-field="personnel_fill"]'), fill.personnel_fill, share(fill.personnel_fill));
      setNumber(row.querySelector('[data-field="fill_ratio"]'), fill.fill_ratio, share(fill.fill_ratio));
      setNumber(row.querySelector('[data-field="met"]'), fill.met, fill.met ? "met" : "not met");
      options.push({ name: row.dataset.name, personnel_fill: fill.personnel_fill, met: fill.met });
    });
    var vetoes = [];
    document.querySelectorAll("tr[data-veto]").forEach(function (row) {
      var value = doc.veto[row.dataset.veto];
      setNumber(row.querySelector('[data-field="personnel"]'), value, count(value));
      vetoes.push({ name: row.dataset.name, personnel: value });
    });
    var tbody = document.querySelector("#table-nations tbody");
    var nations = Object.keys(doc.by_nation).filter(function (n) { return doc.by_nation[n] > 0; });
    nations.sort(function (a, b) { return doc.by_nation[b] - doc.by_nation[a]; });
    if (tbody) {
      tbody.textContent = "";
      nations.forEach(function (n) {
        var tr = document.createElement("tr");
        tr.dataset.nation = n;
        var name = document.createElement("td");
        name.textContent = data.nations[n] || n;
        var value = document.createElement("td");
        value.className = "num";
        value.dataset.field = "personnel";
        setNumber(value, doc.by_nation[n], count(doc.by_nation[n]));
        tr.appendChild(name);
        tr.appendChild(value);
        tbody.appendChild(tr);
      });
    }
    var nationRows = nations.map(function (n) {
      return { nation: n, name: data.nations[n] || n, personnel: doc.by_nation[n] };
    });
    var nationSpec = readSpec("spec-nations");
    if (nationSpec) {
      nationSpec.encoding.color.scale = {
        domain: nations, range: nations.map(function (n) { return data.colours[n] || "#999999"; })
      };
      nationSpec.height = Math.max(80, 22 * nations.length);
    }
    return Promise.all([redraw("options", options), redraw("vetoes", vetoes), redraw("nations", nationRows)]);
  }

  function ask(event) {
    if (event) { event.preventDefault(); }
    // Each question is numbered: only the answer to the latest one is drawn, whatever order
    // the answers arrive in (a slow new what-if must not overwrite a later, cached one).
    latest += 1;
    var asked = latest;
    if (inFlight) { inFlight.abort(); }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    inFlight = controller;
    document.body.dataset.whatif = "busy";
    status.textContent = "evaluating…";
    status.classList.remove("error");
    fetch("/api/whatif", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(question()),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
          throw new Error(detail || ("HTTP " + response.status));
        }
        return body;
      });
    }).then(function (doc) {
      if (asked !== latest) { return null; }  // a later question was asked: its answer is drawn
      return update(doc).then(function () {
        if (asked !== latest) { return; }
        inFlight = null;
        status.textContent = "";
        document.body.dataset.whatif = "ready";
      });
    }).catch(function (error) {
      if (asked !== latest) { return; }  // superseded (or aborted): not this question's failure
      inFlight = null;
      status.textContent = "The what-if failed: " + error.message;
      status.classList.add("error");
      document.body.dataset.whatif = "error";
    });
  }

  form.addEventListener("submit", ask);
  form.querySelectorAll("select[data-condition]").forEach(function (select) {
    select.addEventListener("change", ask);
  });
  var reset = form.querySelector("[data-reset]");
  reset.addEventListener("click", function () {
    form.querySelectorAll("select[data-condition]").forEach(function (select) { select.value = ""; });
    form.querySelector("input[data-override]").value = "";
    ask();
  });
}

// -- the timeline's as-of slider ---------------------------------------------------------

function asOfSlider() {
  var slider = document.getElementById("asof-slider");
  if (!slider) { return; }
  var dates = slider.dataset.dates.split(",");
  var label = document.getElementById("asof-label");
  slider.addEventListener("input", function () {
    var date = dates[Number(slider.value)] || "";
    label.textContent = date;
    slider.setAttribute("aria-valuetext", date);
  });
  slider.addEventListener("change", function () {
    window.location.search = "?as_of=" + encodeURIComponent(dates[Number(slider.value)] || "");
  });
}

// -- the odds page's planning-figures tornado (on request: tens of seconds) ---------------

function planningValue(value, clamped) {
  // as plots/assumptions.py prints a figure: whole numbers with separators, else 3 digits
  var text = Number.isInteger(value) ? value.toLocaleString("en-GB")
    : Number(value.toPrecision(3)).toLocaleString("en-GB");
  return text + (clamped ? "*" : "");
}

function signed(value) {
  if (value === null || value === undefined) { return "-"; }
  var rounded = Math.round(value);
  if (rounded === 0) { return "0"; }
  return (rounded > 0 ? "+" : "") + rounded.toLocaleString("en-GB");
}

function planningLabel(data, row) {
  // the CLI's label (plots/assumptions.py figure_label): who, figure, base -> low / high
  var who = row.nation === null ? "Workspace default" : (data.nations[row.nation] || row.nation);
  var what = data.figures[row.figure] || row.figure;
  if (row.from_default && row.nation !== null) { what += " (default)"; }
  if (row.figure === "readiness_days" && row.paths.length > 1) {
    what += " (longest of " + row.paths.length.toLocaleString("en-GB") + " pledges)";
  }
  return who + " " + what + " " + planningValue(row.base) + " -> " +
    planningValue(row.low.value, row.low.clamped) + " / " + planningValue(row.high.value, row.high.clamped);
}

function numberCell(field, value) {
  var td = document.createElement("td");
  td.className = "num";
  td.dataset.field = field;
  if (value !== null && value !== undefined) { td.dataset.value = String(value); }
  td.textContent = signed(value);
  return td;
}

function planningTable(data, doc) {
  var heads = ["planning figure: base -> low / high",
    "in the field at month " + doc.months + ": low", "high",
    "after first rotation: low", "high"];
  if (doc.closure) { heads.push("closure day: low", "high"); }
  var wrap = document.createElement("div");
  wrap.className = "table-wrap";
  var table = document.createElement("table");
  table.className = "data";
  table.id = "table-planning";
  var caption = document.createElement("caption");
  caption.textContent = "Change from the base plan (" + count(doc.base.at_horizon) +
    " persons in the field at month " + doc.months + ") when each planning figure is varied";
  table.appendChild(caption);
  var head = document.createElement("tr");
  heads.forEach(function (label, k) {
    var th = document.createElement("th");
    th.scope = "col";
    if (k > 0) { th.className = "num"; }
    th.textContent = label;
    head.appendChild(th);
  });
  table.appendChild(document.createElement("thead")).appendChild(head);
  var body = table.appendChild(document.createElement("tbody"));
  doc.rows.forEach(function (row) {
    var tr = document.createElement("tr");
    tr.dataset.figure = row.figure;
    if (row.nation !== null) { tr.dataset.nation = row.nation; }
    var name = document.createElement("td");
    name.textContent = planningLabel(data, row);
    tr.appendChild(name);
    tr.appendChild(numberCell("at_horizon_low", row.low.at_horizon));
    tr.appendChild(numberCell("at_horizon_high", row.high.at_horizon));
    tr.appendChild(numberCell("after_first_rotation_low", row.low.after_first_rotation));
    tr.appendChild(numberCell("after_first_rotation_high", row.high.after_first_rotation));
    if (doc.closure) {
      tr.appendChild(numberCell("closure_day_low", row.low.closure_day));
      tr.appendChild(numberCell("closure_day_high", row.high.closure_day));
    }
    body.appendChild(tr);
  });
  if (!doc.rows.length) {
    var empty = document.createElement("tr");
    var td = document.createElement("td");
    td.colSpan = heads.length;
    td.className = "empty";
    td.textContent = "none: no active pledge, no planning figure to vary";
    empty.appendChild(td);
    body.appendChild(empty);
  }
  wrap.appendChild(table);
  return wrap;
}

function planningTornado() {
  var button = document.getElementById("planning-compute");
  var dataNode = document.getElementById("page-data");
  if (!button || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent).planning;
  var status = document.querySelector('[data-compute-status="planning-compute"]');
  var out = document.querySelector('[data-computed="planning-compute"]');
  var sourcesLine = document.querySelector('[data-computed-caption="planning-compute"]');

  function show(doc) {
    out.textContent = "";
    var rows = doc.rows.slice(0, data.top).map(function (row) {
      return { name: planningLabel(data, row), low: row.low.at_horizon, high: row.high.at_horizon };
    });
    var drawn = Promise.resolve();
    var layout = document.createElement("div");
    layout.className = "chart-over-table";
    if (rows.length) {
      var spec = readSpec("spec-planning");
      spec.data = { values: rows };
      spec.height = Math.max(80, 30 * rows.length);
      var figureWrap = document.createElement("div");
      figureWrap.className = "figure-wrap";
      var figure = document.createElement("figure");
      figure.className = "chart";
      figure.id = "chart-planning";
      figure.dataset.spec = "spec-planning";
      figure.setAttribute("role", "img");
      figure.setAttribute("aria-label", "Planning-figures tornado");
      figureWrap.appendChild(figure);
      layout.appendChild(figureWrap);
      drawn = draw(figure);
    }
    var tables = document.createElement("div");
    tables.className = "tables";
    tables.appendChild(planningTable(data, doc));
    layout.appendChild(tables);
    out.appendChild(layout);
    (doc.notes || []).forEach(function (note) {
      var p = document.createElement("p");
      p.className = "intro";
      p.textContent = "note: " + note;
      out.appendChild(p);
    });
    if (sourcesLine) { sourcesLine.hidden = false; }
    return drawn;
  }

  button.addEventListener("click", function () {
    var started = Date.now();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    document.body.dataset.planning = "busy";
    status.textContent = "working it out… (about " + data.seconds.toLocaleString("en-GB") + " s)";
    status.classList.remove("error");
    fetch(data.url, { headers: { "Accept": "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
          throw new Error(detail || ("HTTP " + response.status));
        }
        return body;
      });
    }).then(show).then(function () {
      status.textContent = "worked out in " + Math.max(1, Math.round((Date.now() - started) / 1000)) + " s";
      document.body.dataset.planning = "ready";
    }).catch(function (error) {
      status.textContent = "The tornado failed: " + error.message;
      status.classList.add("error");
      document.body.dataset.planning = "error";
    }).then(function () {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  drawCharts(document);
  explorer();
  asOfSlider();
  planningTornado();
});
