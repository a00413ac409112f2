/* geomap — time: day labels that say how precisely a date is known, the histogram under the
   time bar, and the window (first and last day) that playback moves. Days count from day0. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  /** Playback speeds: how long each step of the window stays on screen. */
  var SPEEDS = [{id: "slow", label: "Slow", ms: 1200}, {id: "normal", label: "Normal", ms: 500},
                {id: "fast", label: "Fast", ms: 150}];
  /** Window widths offered as presets (days); "all" shows every date. */
  var WIDTHS = [["all", "All dates"], ["1", "1 day"], ["7", "7 days"], ["30", "30 days"], ["custom", "Custom"]];

  function date(day0, day) {
    return new Date(day0 + day * util.DAY_MS);
  }

  function dayLabel(day0, day) {
    var d = date(day0, day);
    return d.getUTCDate() + " " + util.MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function isoDay(day0, day) {
    return date(day0, day).toISOString().slice(0, 10);
  }

  function dayOf(day0, iso) {
    var t = Date.parse(String(iso) + "T00:00:00Z");
    return isNaN(t) ? null : Math.round((t - day0) / util.DAY_MS);
  }

  /**
   * How an incident's date reads: a day, a weekend, a week, a month, a year, or a range; for a
   * grid cell, the period it counts ("week of 13 Oct 2025").
   */
  function dateText(day0, first, last, period) {
    if (isNaN(first) || day0 === null) return null;
    var a = date(day0, first);
    var span = last - first + 1;
    if (period === "week") return "week of " + dayLabel(day0, first);
    if (period === "month") return util.MONTH_NAMES[a.getUTCMonth()] + " " + a.getUTCFullYear();
    if (period === "quarter") return "Q" + (Math.floor(a.getUTCMonth() / 3) + 1) + " " + a.getUTCFullYear();
    if (period === "year") return String(a.getUTCFullYear());
    if (span === 1) return dayLabel(day0, first);
    var b = date(day0, last);
    if (span === 2 && a.getUTCDay() === 6) return "weekend of " + dayLabel(day0, first);
    if (span === 7 && a.getUTCDay() === 1) return "week of " + dayLabel(day0, first) + " (date known to the week)";
    if (a.getUTCDate() === 1 && b.getUTCMonth() === a.getUTCMonth() && date(day0, last + 1).getUTCDate() === 1) {
      return util.MONTH_NAMES[a.getUTCMonth()] + " " + a.getUTCFullYear() + " (date known to the month)";
    }
    if (a.getUTCMonth() === 0 && a.getUTCDate() === 1 && b.getUTCMonth() === 11 && b.getUTCDate() === 31 &&
        a.getUTCFullYear() === b.getUTCFullYear()) {
      return a.getUTCFullYear() + " (date known to the year)";
    }
    return dayLabel(day0, first) + " – " + dayLabel(day0, last);
  }

  /** Days per histogram bar: a day up to ~6 months of data, a week up to ~4 years, else ~a month. */
  function binDays(lastDay) {
    return lastDay <= 180 ? 1 : lastDay <= 1460 ? 7 : 30;
  }

  /** Incidents (weights) by first day, in bins of `bin` days, over the given selection. */
  function histogram(inc, indices, count, bin) {
    var bins = new Float64Array(Math.floor(inc.lastDay / bin) + 1);
    for (var k = 0; k < count; k++) {
      var i = indices[k];
      if (!isNaN(inc.start[i])) bins[Math.floor(inc.start[i] / bin)] += inc.weight[i];
    }
    return bins;
  }

  /** The window of `width` days (a preset) ending on `end`, clipped to the data. */
  function presetWindow(end, width, lastDay) {
    if (width === "all") return {from: null, to: null};
    var to = Math.max(0, Math.min(lastDay, Math.round(end)));
    return {from: to - Number(width) + 1, to: to};
  }

  /** Which preset a window is ("custom" when none). */
  function widthOf(from, to) {
    if (from === null) return "all";
    var days = String(to - from + 1);
    return ["1", "7", "30"].indexOf(days) >= 0 ? days : "custom";
  }

  /** The next window in playback: moved by about a seventh of its width, at least a day; null at the end. */
  function nextWindow(from, to, lastDay) {
    var step = Math.max(1, Math.round((to - from + 1) / 7));
    if (to >= lastDay) return null;
    return {from: from + step, to: Math.min(lastDay, to + step)};
  }

  geomap.time = {SPEEDS: SPEEDS, WIDTHS: WIDTHS, dayLabel: dayLabel, isoDay: isoDay, dayOf: dayOf,
                 dateText: dateText, binDays: binDays, histogram: histogram, presetWindow: presetWindow,
                 widthOf: widthOf, nextWindow: nextWindow};
})(globalThis.geomap = globalThis.geomap || {});
