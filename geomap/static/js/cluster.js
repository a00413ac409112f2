/* geomap — clustering for the current view: the selected incidents inside the view are put in
   square cells of the screen (fixed to the world, so clusters stay put while panning); a cell
   with several incidents is a cluster at their weighted centre. One pass over the selection per
   redraw, with nothing to rebuild when a filter or the time window changes. */
(function (geomap) {
  "use strict";

  var KEY = 134217728;  // 2^27: cell columns at zoom 18 stay below it, so column * KEY + row is exact

  /**
   * Clusters, spots and single incidents in a view.
   *
   * view: {zoom, x0, y0, x1, y1} in world pixels at that zoom (256-pixel tiles, as Leaflet's
   * getPixelBounds); cellPx: the cell size in pixels, or 0 for no merging except of incidents at
   * the very same spot. Returns {clusters: [{key, x, y, weight, n, first, x0, y0, x1, y1, members}],
   * spots: [[i, ...]], leaves: [i, ...]}; cluster positions and extents are in world pixels.
   */
  function cluster(inc, indices, count, view, cellPx) {
    var scale = 256 * Math.pow(2, view.zoom);
    var size = cellPx > 0 ? cellPx : 1;
    var pad = size;
    var slots = new Map();
    var cells = [];
    for (var k = 0; k < count; k++) {
      var i = indices[k];
      var x = inc.mx[i] * scale;
      var y = inc.my[i] * scale;
      if (x < view.x0 - pad || x > view.x1 + pad || y < view.y0 - pad || y > view.y1 + pad) continue;
      // Zoomed in past clustering, only incidents at the very same spot share a marker.
      var key = cellPx > 0 ? Math.floor(x / size) * KEY + Math.floor(y / size) : inc.mx[i] + "," + inc.my[i];
      var slot = slots.get(key);
      var w = inc.weight[i];
      if (slot === undefined) {
        slots.set(key, cells.length);
        cells.push({key: key, x: x * w, y: y * w, weight: w, n: 1, first: i, x0: x, y0: y, x1: x, y1: y,
                    members: [i]});
        continue;
      }
      var c = cells[slot];
      c.x += x * w;
      c.y += y * w;
      c.weight += w;
      c.n += 1;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      c.members.push(i);
    }
    var out = {clusters: [], spots: [], leaves: []};
    for (var s = 0; s < cells.length; s++) {
      var cell = cells[s];
      if (cell.n === 1) {
        out.leaves.push(cell.first);
      } else if (cellPx <= 0) {
        out.spots.push(cell.members);
      } else if (cell.x1 - cell.x0 < 1e-6 * scale && cell.y1 - cell.y0 < 1e-6 * scale) {
        out.spots.push(cell.members);  // all at one position: zooming would never split them
      } else {
        cell.x /= cell.weight;
        cell.y /= cell.weight;
        out.clusters.push(cell);
      }
    }
    return out;
  }

  /** World pixels at `zoom` back to latitude and longitude. */
  function unproject(x, y, zoom) {
    var scale = 256 * Math.pow(2, zoom);
    var lon = x / scale * 360 - 180;
    var n = Math.PI - 2 * Math.PI * y / scale;
    return [180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n))), lon];
  }

  geomap.cluster = {cluster: cluster, unproject: unproject};
})(globalThis.geomap = globalThis.geomap || {});
