/* geomap — printing. Before the browser prints, the map takes the printable size of a landscape
   page and shows all the screen showed (nothing cropped), the legend unfolds, and the canvas
   layers are frozen into images (Chromium leaves large canvases out of a printout, so the
   border and the areas would be missing). After printing everything is as it was. */
(function (geomap) {
  "use strict";

  function install(app) {
    var map = app.map;
    var container = map.getContainer();
    var saved = null;
    window.addEventListener("beforeprint", function () {
      if (saved) return;
      saved = {center: map.getCenter(), zoom: map.getZoom(), bounds: map.getBounds(), images: [],
               folded: [].slice.call(container.querySelectorAll(".geomap-legend details:not([open]):not(.geomap-filters)"))};
      saved.folded.forEach(function (d) { d.open = true; });  // paper cannot unfold the key
      container.classList.add("geomap-printing");
      map.invalidateSize({animate: false, pan: false});
      map.fitBounds(saved.bounds, {animate: false});  // canvases redraw at once, on moveend
      container.querySelectorAll(".leaflet-pane canvas").forEach(function (canvas) {
        if (!canvas.width || !canvas.height) return;
        var image = new Image();
        image.src = canvas.toDataURL("image/png");
        image.className = "geomap-print-image";
        image.style.cssText = canvas.style.cssText;
        image.style.position = "absolute";
        image.style.width = canvas.style.width || canvas.width + "px";
        image.style.height = canvas.style.height || canvas.height + "px";
        canvas.parentNode.insertBefore(image, canvas);
        canvas.style.visibility = "hidden";
        saved.images.push([image, canvas]);
      });
    });
    window.addEventListener("afterprint", function () {
      if (!saved) return;
      saved.images.forEach(function (pair) { pair[0].remove(); pair[1].style.visibility = ""; });
      saved.folded.forEach(function (d) { d.open = false; });
      container.classList.remove("geomap-printing");
      map.invalidateSize({animate: false, pan: false});
      map.setView(saved.center, saved.zoom, {animate: false});
      saved = null;
    });
  }

  geomap.print = {install: install};
})(globalThis.geomap = globalThis.geomap || {});
