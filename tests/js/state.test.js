"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, plain} = require("./load.js");

const geomap = load();
const s = geomap.state;

test("a full state survives the URL hash, names with any characters included", () => {
  const state = {view: [34.1147, 71.0847, 9.5], from: "2025-10-07", to: "2025-10-13",
                 hiddenTypes: ["Battles", "a&b=c#d"], hiddenSides: ["none", "PK"], subTypes: ["Armed clash"],
                 sources: [], actor: "Taliban", text: "{{ 7*7 }} تورخم", fatalMin: 1, fatalMax: 10,
                 layers: ["border", "heat"], panel: "crossings", speed: "fast"};
  const back = plain(s.parse(s.serialize(state)));
  assert.deepEqual(back, state);
});

test("an empty state is an empty hash, and an empty hash gives the defaults", () => {
  const empty = s.parse("");
  assert.equal(empty.view, null);
  assert.equal(empty.subTypes, null);  // no choice: every sub-event type
  assert.equal(empty.layers, null);  // no choice: the default layers
  assert.equal(empty.fatalMin, null);
  assert.equal(s.serialize(empty), "");
});

test("malformed parts are ignored, never thrown", () => {
  const bad = s.parse("#v=91,71,9&t=2025-13-01,x&fmin=abc&constructor=1&__proto__=2");
  assert.equal(bad.view, null);
  assert.equal(bad.from, null);
  assert.equal(bad.fatalMin, null);
  assert.equal(s.parse("#t=2025-10-09,2025-10-01").from, null);  // backwards
});
