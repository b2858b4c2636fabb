// Injected by NotebooksTest at the end of an exported notebook's <body>; runs in headless Chromium.
// It reads the rendered DOM and writes its findings as JSON into a <pre> element (id below),
// which the test reads back from Chromium's --dump-dom.
(function () {
  var result = { codeCells: 0, plotCells: [], errors: [], svgsOutsidePlotCells: 0 };
  var shapes = 'path, rect, line, polyline, polygon, circle, ellipse, text';
  var cells = document.querySelectorAll('.jp-Cell.jp-CodeCell');
  for (var i = 0; i < cells.length; i++) {
    var cell = cells[i];
    result.codeCells++;
    var isPlot = cell.classList.contains('celltag_plot');
    var svgs = cell.querySelectorAll('.jp-OutputArea-output svg');
    if (!isPlot) { result.svgsOutsidePlotCells += svgs.length; continue; }
    var best = { cell: i, svgs: svgs.length, width: 0, height: 0, shapes: 0, drawnShapes: 0 };
    for (var k = 0; k < svgs.length; k++) {
      var box = svgs[k].getBoundingClientRect();
      var drawn = 0, all = svgs[k].querySelectorAll(shapes);
      for (var j = 0; j < all.length; j++) {
        var b = all[j].getBoundingClientRect();
        if (b.width > 0 || b.height > 0) drawn++;
      }
      if (drawn > best.drawnShapes) {
        best = { cell: i, svgs: svgs.length, width: box.width, height: box.height, shapes: all.length, drawnShapes: drawn };
      }
    }
    result.plotCells.push(best);
  }
  // the lab template renders an error output as a stderr-typed area; stderr streams carry wengert-stderr-stream
  var areas = document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  for (var a = 0; a < areas.length; a++) {
    if (!areas[a].classList.contains('wengert-stderr-stream')) {
      result.errors.push(areas[a].textContent.substring(0, 500));
    }
  }
  var out = document.createElement('pre');
  out.id = 'wengert-notebook-check';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
