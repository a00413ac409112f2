"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load} = require("./load.js");

const geomap = load();
const ENTRIES = [
  {name: "Torkham", kind: "crossing", alts: ["Torkham Gate", "Tūrkham", "تورخم", "طورخم"]},
  {name: "Spin Boldak–Chaman", kind: "crossing", alts: ["Friendship Gate", "Bab-e-Dosti", "باب دوستی"]},
  {name: "Khost", kind: "province", alts: ["Khowst", "خوست"]},
  {name: "Khost", kind: "place", alts: []},
  {name: "Wana", kind: "place", alts: ["Wanna"]},
  {name: "Peshawar", kind: "place", alts: []},
];
const index = geomap.search.buildIndex(ENTRIES);
const first = (q) => { const hit = geomap.search.find(index, q, 1)[0]; return hit ? hit.entry : null; };

test("a place is found by any of its names, in any script", () => {
  assert.equal(first("Torkham"), ENTRIES[0]);
  assert.equal(first("تورخم"), ENTRIES[0]);
  assert.equal(first("طورخم"), ENTRIES[0]);
  assert.equal(first("Friendship Gate"), ENTRIES[1]);
  assert.equal(first("bab e dosti"), ENTRIES[1]);
  assert.equal(first("turkham"), ENTRIES[0]);  // diacritics do not count
});

test("a transliteration is found by its consonants", () => {
  assert.equal(first("Torkam"), ENTRIES[0]);
  assert.equal(first("Peshawer"), ENTRIES[5]);
});

test("incident places come before provinces of the same name; the label says which name matched", () => {
  assert.equal(first("khost"), ENTRIES[3]);
  const hit = geomap.search.find(index, "friendship", 1)[0];
  assert.equal(hit.label, "Spin Boldak–Chaman (Friendship Gate)");
});

test("no hit, and no error, for words that are object properties or markup", () => {
  for (const q of ["constructor", "__proto__", "toString", "hasOwnProperty", "<img src=x>", "", "   "]) {
    assert.equal(first(q), null, q);
  }
});
