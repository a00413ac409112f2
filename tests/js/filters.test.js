"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, incidents, plain} = require("./load.js");

const geomap = load();
const ROWS = [
  {lat: 34.1, lon: 71.1, day: 0, type: "Battles", side: "PK", fatalities: 0, segment: 3, crossing: 0,
   place: "Torkham", description: "Clashes at the gate", actors: "Military Forces of Pakistan|Taliban",
   sub_event_type: "Armed clash", source: "ACLED"},
  {lat: 33.3, lon: 69.9, day: 5, span: 7, type: "Protests", side: "AF", fatalities: 4, segment: 10,
   place: "Khost", description: "A march in the city", actors: "Protesters (Afghanistan)",
   sub_event_type: "Peaceful protest", source: "GDELT"},
  {lat: 31.0, lon: 66.4, day: 20, span: 31, type: "Battles", side: null, fatalities: 12, segment: null,
   place: "Chaman", description: null, actors: null, sub_event_type: "Armed clash", source: "ACLED"},
];

async function selected(filter) {
  const inc = await incidents(geomap, ROWS);
  await inc.fields(geomap.filters.needs(filter));
  return Array.from(geomap.filters.select(inc, Object.assign(geomap.filters.empty(), filter)).indices
    .slice(0, geomap.filters.select(inc, Object.assign(geomap.filters.empty(), filter)).count));
}

test("no filter shows everything, with counts by type, piece of border and crossing", async () => {
  const inc = await incidents(geomap, ROWS);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  assert.equal(sel.count, 3);
  assert.equal(sel.weight, 3);
  assert.deepEqual(plain(sel.byType), {1: 2, 2: 1});
  assert.deepEqual(plain(sel.bySegment), {3: 1, 10: 1});
  assert.deepEqual(plain(sel.byCrossing), {0: 1});
});

test("the time window keeps every incident whose dates overlap it, however imprecise", async () => {
  assert.deepEqual(await selected({from: 8, to: 9}), [1]);  // inside the week of day 5-11
  assert.deepEqual(await selected({from: 11, to: 25}), [1, 2]);  // the week's last day, the month's first days
  assert.deepEqual(await selected({from: 1, to: 4}), []);
});

test("types, sides (none as code 0) and the fatalities range", async () => {
  assert.deepEqual(await selected({types: {1: true}}), [1]);
  assert.deepEqual(await selected({sides: {0: true}}), [0, 1]);
  assert.deepEqual(await selected({fatalMin: 1, fatalMax: 10}), [1]);
  assert.deepEqual(await selected({fatalMin: 5}), [2]);
});

test("sub-event type, source, actor and free text, folded for case and accents", async () => {
  assert.deepEqual(await selected({subTypes: ["Armed clash"]}), [0, 2]);
  assert.deepEqual(await selected({subTypes: []}), []);
  assert.deepEqual(await selected({sources: ["GDELT"]}), [1]);
  assert.deepEqual(await selected({actor: "taliban"}), [0]);
  assert.deepEqual(await selected({text: "MÁRCH"}), [1]);
  assert.deepEqual(await selected({text: "chaman"}), [2]);  // the place counts as text too
  assert.deepEqual(await selected({text: "gate", subTypes: ["Peaceful protest"]}), []);  // filters combine
});

test("inBox keeps the selected incidents inside the view", async () => {
  const inc = await incidents(geomap, ROWS);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  const box = geomap.filters.inBox(inc, sel, 33, 69, 35, 72);
  assert.deepEqual(Array.from(box.indices.slice(0, box.count)), [0, 1]);
  assert.equal(box.weight, 2);
});

test("needs names the fields a filter must have decoded", () => {
  const f = Object.assign(geomap.filters.empty(), {actor: "x", text: "y"});
  assert.deepEqual(plain(geomap.filters.needs(f)), ["actors", "description", "place"]);
});
