/* geomap — finding a place on the map by any of its names: incident places, crossings,
   provinces and district seats, each with every alternate name the gazetteer has for it
   ("Torkam", "تورخم", "Friendship Gate"). Names are folded (case, diacritics, Arabic letter
   variants) and compared by prefix, by word, by consonant skeleton, then anywhere inside. */
(function (geomap) {
  "use strict";

  var util = geomap.util;

  /** entries: [{name, kind, alts: [names], go}] -> an index for find(). */
  function buildIndex(entries) {
    var keys = [];
    entries.forEach(function (entry) {
      [entry.name].concat(entry.alts || []).forEach(function (name) {
        var key = util.fold(name);
        if (key) keys.push({key: key, skeleton: util.skeleton(key), name: name, entry: entry});
      });
    });
    return keys;
  }

  function score(item, q, qs) {
    if (item.key === q) return 0;
    if (item.key.indexOf(q) === 0) return 1;
    if ((" " + item.key).indexOf(" " + q) >= 0) return 2;
    if (qs.length >= 3 && item.skeleton === qs) return 3;
    if (item.key.indexOf(q) >= 0) return 4;
    if (qs.length >= 3 && item.skeleton.indexOf(qs) === 0) return 5;
    return -1;
  }

  /**
   * The best places for a query: [{entry, name (the name that matched), label}], best first, each
   * place once. The label names the place and, when another of its names matched, that name too.
   */
  function find(index, query, limit) {
    var q = util.fold(query);
    if (!q) return [];
    var qs = util.skeleton(q);
    var hits = [];
    for (var k = 0; k < index.length; k++) {
      var s = score(index[k], q, qs);
      if (s >= 0) hits.push({s: s, item: index[k]});
    }
    var order = {place: 1, crossing: 2, province: 3, district: 4};
    hits.sort(function (a, b) {
      return a.s - b.s || (order[a.item.entry.kind] || 9) - (order[b.item.entry.kind] || 9) ||
        a.item.key.length - b.item.key.length || (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0);
    });
    var seen = new Set();
    var out = [];
    for (var h = 0; h < hits.length && out.length < (limit || 8); h++) {
      var entry = hits[h].item.entry;
      if (seen.has(entry)) continue;
      seen.add(entry);
      var name = hits[h].item.name;
      out.push({entry: entry, name: name, label: name === entry.name ? entry.name : entry.name + " (" + name + ")"});
    }
    return out;
  }

  geomap.search = {buildIndex: buildIndex, find: find};
})(globalThis.geomap = globalThis.geomap || {});
