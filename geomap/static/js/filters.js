/* geomap — which incidents are shown: every filter (event type, side, time window, fatalities,
   sub-event type, source, actor, free text) in one pass over the typed columns, with the counts
   the legend, the border pieces, the crossings and the table need. */
(function (geomap) {
  "use strict";

  var util = geomap.util;

  /** A filter that shows everything. Types and sides are hidden by dictionary code (0 = none). */
  function empty() {
    return {types: {}, sides: {}, from: null, to: null, fatalMin: null, fatalMax: null, subTypes: null,
            sources: null, actor: "", text: ""};
  }

  /** Fields a filter needs decoded before it can run. */
  function needs(filter) {
    var out = [];
    if (filter.subTypes) out.push("sub_event_type");
    if (filter.sources) out.push("source");
    if (filter.actor) out.push("actors");
    if (filter.text) out.push("description", "place");
    return out;
  }

  /** Per dictionary code, whether the value contains the folded query (code 0, no value, never does). */
  function matchingCodes(col, query) {
    var dict = col.dict || [];
    var hits = new Uint8Array(dict.length + 1);
    var q = util.fold(query);
    for (var k = 0; k < dict.length; k++) if (util.fold(dict[k]).indexOf(q) >= 0) hits[k + 1] = 1;
    return hits;
  }

  function codeSet(col, names) {
    var dict = col.dict || [];
    var set = new Uint8Array(dict.length + 1);
    names.forEach(function (name) { var k = dict.indexOf(name); if (k >= 0) set[k + 1] = 1; });
    return set;
  }

  /**
   * The incidents the filter shows: {indices (Int32Array), count, weight, imprecise, byType,
   * bySide, bySegment, byCrossing}. Counts are weights (a grid cell counts its incidents).
   */
  function select(inc, filter, ignoreTime) {
    var cols = inc.cols;
    var typeRaw = cols.event_type.raw;
    var sideRaw = cols.side.raw;
    var fat = cols.fatalities;
    var hasFat = filter.fatalMin !== null || filter.fatalMax !== null;
    var fmin = filter.fatalMin === null ? -Infinity : filter.fatalMin;
    var fmax = filter.fatalMax === null ? Infinity : filter.fatalMax;
    var timed = !ignoreTime && filter.from !== null;
    var tests = [];
    if (filter.subTypes) tests.push([inc.loaded("sub_event_type").raw, codeSet(inc.loaded("sub_event_type"),
                                                                                filter.subTypes)]);
    if (filter.sources) tests.push([inc.loaded("source").raw, codeSet(inc.loaded("source"), filter.sources)]);
    if (filter.actor) tests.push([inc.loaded("actors").raw, matchingCodes(inc.loaded("actors"), filter.actor)]);
    var textTests = [];
    if (filter.text) {
      ["description", "place"].forEach(function (name) {
        var col = inc.loaded(name);
        if (col.raw) textTests.push([col.raw, matchingCodes(col, filter.text)]);
      });
    }
    var indices = new Int32Array(inc.n);
    var count = 0;
    var stats = {weight: 0, imprecise: 0, byType: {}, bySide: {}, bySegment: {}, byCrossing: {}};
    for (var i = 0; i < inc.n; i++) {
      if (filter.types[typeRaw[i]] || filter.sides[sideRaw[i]]) continue;
      if (timed && !(inc.start[i] <= filter.to && inc.end[i] >= filter.from)) continue;
      if (hasFat) {
        var f = fat.raw[i] ? fat.get(i) : 0;
        if (f < fmin || f > fmax) continue;
      }
      var ok = true;
      for (var t = 0; t < tests.length && ok; t++) ok = tests[t][0] !== null && tests[t][1][tests[t][0][i]] === 1;
      if (!ok) continue;
      if (filter.text) {
        var found = false;
        for (var u = 0; u < textTests.length && !found; u++) found = textTests[u][1][textTests[u][0][i]] === 1;
        if (!found) continue;
      }
      indices[count++] = i;
      var w = inc.weight[i];
      stats.weight += w;
      if (inc.end[i] > inc.start[i] && !inc.aggregated) stats.imprecise += w;
      stats.byType[typeRaw[i]] = (stats.byType[typeRaw[i]] || 0) + w;
      stats.bySide[sideRaw[i]] = (stats.bySide[sideRaw[i]] || 0) + w;
      if (inc.segment[i] >= 0) stats.bySegment[inc.segment[i]] = (stats.bySegment[inc.segment[i]] || 0) + w;
      if (inc.crossing[i] >= 0) stats.byCrossing[inc.crossing[i]] = (stats.byCrossing[inc.crossing[i]] || 0) + w;
    }
    stats.indices = indices;
    stats.count = count;
    return stats;
  }

  /** The selected incidents inside a latitude/longitude box: {indices, count, weight}. */
  function inBox(inc, selection, south, west, north, east) {
    var out = new Int32Array(selection.count);
    var count = 0;
    var weight = 0;
    for (var k = 0; k < selection.count; k++) {
      var i = selection.indices[k];
      if (inc.lat[i] >= south && inc.lat[i] <= north && inc.lon[i] >= west && inc.lon[i] <= east) {
        out[count++] = i;
        weight += inc.weight[i];
      }
    }
    return {indices: out, count: count, weight: weight};
  }

  /** A key that changes when anything but the time window changes (the histogram's inputs). */
  function keyWithoutTime(filter) {
    return JSON.stringify([filter.types, filter.sides, filter.fatalMin, filter.fatalMax, filter.subTypes,
                           filter.sources, filter.actor, filter.text]);
  }

  geomap.filters = {empty: empty, needs: needs, select: select, inBox: inBox, keyWithoutTime: keyWithoutTime,
                    matchingCodes: matchingCodes};
})(globalThis.geomap = globalThis.geomap || {});
