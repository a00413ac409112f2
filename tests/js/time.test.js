"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, incidents} = require("./load.js");

const geomap = load();
const t = geomap.time;
const DAY0 = Date.parse("2025-10-01T00:00:00Z");

test("a date reads as precisely as it is known", () => {
  assert.equal(t.dateText(DAY0, 0, 0), "1 Oct 2025");
  assert.equal(t.dateText(DAY0, 17, 18), "weekend of 18 Oct 2025");  // Saturday and Sunday
  assert.equal(t.dateText(DAY0, 12, 18), "week of 13 Oct 2025 (date known to the week)");
  assert.equal(t.dateText(DAY0, 0, 30), "October 2025 (date known to the month)");
  assert.equal(t.dateText(Date.parse("2025-01-01T00:00:00Z"), 0, 364), "2025 (date known to the year)");
  assert.equal(t.dateText(DAY0, 2, 4), "3 Oct 2025 – 5 Oct 2025");
  assert.equal(t.dateText(null, 0, 0), null);
});

test("a grid cell's date names its period, not a day", () => {
  assert.equal(t.dateText(DAY0, 12, 18, "week"), "week of 13 Oct 2025");
  assert.equal(t.dateText(DAY0, 12, 12, "week"), "week of 13 Oct 2025");  // all on the Monday: still a week
  assert.equal(t.dateText(DAY0, 0, 30, "month"), "October 2025");
  assert.equal(t.dateText(DAY0, 0, 91, "quarter"), "Q4 2025");
  assert.equal(t.dateText(DAY0, 0, 91, "year"), "2025");
});

test("days and ISO dates convert both ways", () => {
  assert.equal(t.isoDay(DAY0, 31), "2025-11-01");
  assert.equal(t.dayOf(DAY0, "2025-11-01"), 31);
  assert.equal(t.dayOf(DAY0, "not a date"), null);
});

test("windows: presets, their names, and playback steps", () => {
  assert.deepEqual({...t.presetWindow(10, "7", 60)}, {from: 4, to: 10});
  assert.deepEqual({...t.presetWindow(99, "1", 60)}, {from: 60, to: 60});
  assert.deepEqual({...t.presetWindow(10, "all", 60)}, {from: null, to: null});
  assert.equal(t.widthOf(4, 10), "7");
  assert.equal(t.widthOf(4, 12), "custom");
  assert.equal(t.widthOf(null, null), "all");
  assert.deepEqual({...t.nextWindow(0, 6, 60)}, {from: 1, to: 7});
  assert.deepEqual({...t.nextWindow(0, 29, 60)}, {from: 4, to: 33});
  assert.equal(t.nextWindow(50, 60, 60), null);
  assert.equal(t.SPEEDS.length, 3);
  assert.ok(t.SPEEDS[0].ms > t.SPEEDS[1].ms && t.SPEEDS[1].ms > t.SPEEDS[2].ms);
});

test("the histogram counts incidents by first day in bins", async () => {
  const inc = await incidents(geomap, [{lat: 34, lon: 71, day: 0}, {lat: 34, lon: 71, day: 8},
                                       {lat: 34, lon: 71, day: 9}, {lat: 34, lon: 71, day: 20}]);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  assert.deepEqual(Array.from(t.histogram(inc, sel.indices, sel.count, 7)), [1, 2, 1]);
  assert.equal(t.binDays(100), 1);
  assert.equal(t.binDays(700), 7);
  assert.equal(t.binDays(3000), 30);
});
