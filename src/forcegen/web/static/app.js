// forcegen dashboard: draws every chart whose Vega-Lite spec the page carries in a
// <script type="application/json" id="spec-NAME"> element into <figure data-spec="spec-NAME">.
"use strict";

function drawCharts(root) {
  (root || document).querySelectorAll("figure[data-spec]").forEach(function (figure) {
    var source = document.getElementById(figure.dataset.spec);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    vegaEmbed(figure, spec, { actions: false, renderer: "svg" }).catch(function (error) {
      figure.textContent = "chart failed: " + error;
      console.error(error);
    });
  });
}

document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
