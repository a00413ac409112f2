"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, incidents, plain} = require("./load.js");

const geomap = load();
const ROWS = [
  {lat: 34, lon: 71, day: 3, type: "Battles", side: "PK", fatalities: 2, segment: 1, crossing: 0, place: "Torkham",
   border_distance_km: 0.4},
  {lat: 33, lon: 70, day: 1, type: "Protests", side: "AF", fatalities: null, segment: 1, crossing: 1, place: "Khost",
   border_distance_km: 30.2},
  {lat: 31, lon: 66, day: 2, type: "Battles", side: "AF", fatalities: 9, segment: 40, crossing: 1, place: null,
   border_distance_km: 5},
];

async function sorted(id, descending) {
  const inc = await incidents(geomap, ROWS);
  await inc.fields(["place", "border_distance_km"]);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  return plain(geomap.table.sortRows(inc, sel.indices, sel.count, id, descending));
}

test("rows sort by any column; missing values go last either way", async () => {
  assert.deepEqual(await sorted("date", false), [1, 2, 0]);
  assert.deepEqual(await sorted("date", true), [0, 2, 1]);
  assert.deepEqual(await sorted("place", false), [1, 0, 2]);
  assert.deepEqual(await sorted("place", true), [0, 1, 2]);
  assert.deepEqual(await sorted("fatalities", true), [2, 0, 1]);
  assert.deepEqual(await sorted("distance", false), [0, 2, 1]);
});

test("border pieces and crossings rank by incidents, most first, none left out or made up", async () => {
  const inc = await incidents(geomap, ROWS);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  const pieces = [{index: 1}, {index: 2}, {index: 40}];
  assert.deepEqual(plain(geomap.table.rankSegments(sel.bySegment, pieces)).map((r) => [r.piece.index, r.count]),
                   [[1, 2], [40, 1]]);
  const crossings = [{name: "Torkham"}, {name: "Ghulam Khan"}, {name: "Angoor Adda"}];
  assert.deepEqual(plain(geomap.table.rankCrossings(sel.byCrossing, crossings)).map((r) => [r.crossing.name, r.count]),
                   [["Ghulam Khan", 2], ["Torkham", 1]]);
});
