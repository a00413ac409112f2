/* geomap — small helpers shared by every module: DOM nodes from text, numbers, name folding.
   Every text from the data reaches the page through textContent (el) or escapeHtml, never as HTML. */
(function (geomap) {
  "use strict";

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"'`]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;"}[c];
    });
  }

  /** An http(s) link, or null: a javascript: or data: URL in the data is never made a link. */
  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function formatNumber(n) {
    return Math.round(n).toLocaleString("en-US");
  }

  function km(value) {
    return value === null || value === undefined ? null : Number(value).toFixed(1) + " km";
  }

  // Arabic-script letters that keyboards and languages write differently, as geomap/normalize.py folds them.
  var ARABIC_FOLD = {"ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی", "ك": "ک", "ڪ": "ک", "ګ": "گ",
                     "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
                     "ؤ": "و", "ـ": ""};
  var ARABIC_LETTERS = new RegExp("[" + Object.keys(ARABIC_FOLD).join("") + "]", "g");
  var ARABIC_MARKS = /[\u064b-\u065f\u0670\u06d6-\u06ed]/g;
  var COMBINING = /[\u0300-\u036f]/g;

  /** A name folded for matching: case, Latin diacritics and Arabic letter variants do not count. */
  function fold(text) {
    var t = String(text === null || text === undefined ? "" : text).normalize("NFKC");
    t = t.replace(ARABIC_LETTERS, function (c) { return ARABIC_FOLD[c]; }).replace(ARABIC_MARKS, "");
    t = t.replace(/\u200c/g, " ").normalize("NFKD").replace(COMBINING, "").toLowerCase();
    return t.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  /** Consonants only, doubled letters once: transliterations agree ("Torkam", "Torkham" -> "trkm"). */
  function skeleton(folded) {
    var t = folded.replace(/ /g, "");
    if (/^[a-z0-9]*$/.test(t)) t = t.replace(/[aeiouyhw]/g, "");
    return t.replace(/(.)\1+/g, "$1");
  }

  /**
   * Which of these boxes ({left, top, right, bottom}, most important first) to show so that none
   * overlaps another shown one: each is kept unless it touches one kept before it.
   */
  function uncluttered(boxes) {
    var kept = [];
    return boxes.map(function (b) {
      var free = b !== null && kept.every(function (k) {
        return b.right <= k.left || b.left >= k.right || b.bottom <= k.top || b.top >= k.bottom;
      });
      if (free) kept.push(b);
      return free;
    });
  }

  geomap.util = {DAY_MS: DAY_MS, MONTHS: MONTHS, MONTH_NAMES: MONTH_NAMES, el: el, escapeHtml: escapeHtml,
                 safeUrl: safeUrl, formatNumber: formatNumber, km: km, fold: fold, skeleton: skeleton,
                 uncluttered: uncluttered};
})(globalThis.geomap = globalThis.geomap || {});
