/* geomap — the lists beside the map: incidents in view (sortable), border pieces ranked by the
   incidents near them, crossings ranked the same way. Pure functions; the panel is in panel.js. */
(function (geomap) {
  "use strict";

  /** Sort keys of the incident list: each reads a column (popup fields must be decoded). */
  var COLUMNS = [
    {id: "date", label: "Date", key: function (inc, i) { return inc.start[i]; }},
    {id: "place", label: "Place", key: function (inc, i) { return inc.loaded("place").get(i); }},
    {id: "type", label: "Type", key: function (inc, i) { return inc.cols.event_type.get(i); }},
    {id: "fatalities", label: "Fatalities", key: function (inc, i) { return inc.cols.fatalities.get(i); }},
    {id: "side", label: "Side", key: function (inc, i) { return inc.cols.side.get(i); }},
    {id: "distance", label: "To border (km)", key: function (inc, i) {
      return inc.loaded("border_distance_km").get(i); }}
  ];

  function column(id) {
    for (var k = 0; k < COLUMNS.length; k++) if (COLUMNS[k].id === id) return COLUMNS[k];
    return COLUMNS[0];
  }

  /** The rows sorted by one column; missing values last whatever the direction; ties by date, then row. */
  function sortRows(inc, indices, count, id, descending) {
    var key = column(id).key;
    var rows = Array.prototype.slice.call(indices, 0, count);
    var keys = new Map();
    rows.forEach(function (i) { keys.set(i, key(inc, i)); });
    var sign = descending ? -1 : 1;
    rows.sort(function (a, b) {
      var x = keys.get(a);
      var y = keys.get(b);
      var xm = x === null || x === undefined || (typeof x === "number" && isNaN(x));
      var ym = y === null || y === undefined || (typeof y === "number" && isNaN(y));
      if (xm !== ym) return xm ? 1 : -1;
      if (!xm && x !== y) return (x < y ? -1 : 1) * sign;
      return inc.start[a] - inc.start[b] || a - b;
    });
    return rows;
  }

  /** Border pieces by incidents near them (most first): [{piece, count}] for pieces with any. */
  function rankSegments(bySegment, pieces) {
    return pieces.map(function (piece) { return {piece: piece, count: bySegment[piece.index] || 0}; })
      .filter(function (r) { return r.count > 0; })
      .sort(function (a, b) { return b.count - a.count || a.piece.index - b.piece.index; });
  }

  /** Crossings by incidents within the band around them (most first). */
  function rankCrossings(byCrossing, crossings) {
    return crossings.map(function (c, k) { return {crossing: c, count: byCrossing[k] || 0}; })
      .filter(function (r) { return r.count > 0; })
      .sort(function (a, b) { return b.count - a.count || (a.crossing.name < b.crossing.name ? -1 : 1); });
  }

  geomap.table = {COLUMNS: COLUMNS, sortRows: sortRows, rankSegments: rankSegments, rankCrossings: rankCrossings};
})(globalThis.geomap = globalThis.geomap || {});
