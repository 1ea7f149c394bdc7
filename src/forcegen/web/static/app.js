// forcegen dashboard: draws every chart whose Vega-Lite spec the page carries in a
// <script type="application/json" id="spec-NAME"> element into <figure data-spec="spec-NAME">.
// Once every chart has rendered, document.body.dataset.charts is "drawn" ("error" if one
// failed): the browser tests wait for it. `ast: true` makes Vega interpret its expressions
// (the interpreter bundled in vega-embed) instead of compiling them with new Function,
// which the Content-Security-Policy (script-src 'self', no 'unsafe-eval') forbids.
"use strict";

function drawCharts(root) {
  var drawing = [];
  (root || document).querySelectorAll("figure[data-spec]").forEach(function (figure) {
    var source = document.getElementById(figure.dataset.spec);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    drawing.push(vegaEmbed(figure, spec, { actions: false, renderer: "svg", ast: true }).catch(function (error) {
      figure.textContent = "chart failed: " + error;
      console.error(error);
      throw error;
    }));
  });
  return Promise.all(drawing).then(
    function () { document.body.dataset.charts = "drawn"; },
    function () { document.body.dataset.charts = "error"; }
  );
}

document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
