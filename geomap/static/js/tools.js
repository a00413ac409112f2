/* geomap — the tools: place search (every name of every place on the map), full screen, the
   measuring tool, the table, share (the page's link) and export (CSV, GeoJSON, PNG), the
   minimap, and on a phone one menu button that holds every control. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var el = util.el;

  /** A Leaflet control holding `build(box)`'s content; clicks and wheel stay in it. */
  function control(position, className, build) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var box = el("div", "leaflet-control geomap-control " + className);
      build(box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      // Clicks and keys in a control stay there. Leaflet tells a control's click by the element's
      // ancestors, which a table row redrawn by its own click no longer has, so the map took it for a
      // click on the map and closed the popup the row had just opened; Enter became such a click too,
      // and arrow keys panned the map.
      L.DomEvent.on(box, "click keydown keypress keyup", L.DomEvent.stopPropagation);
      return box;
    };
    return c;
  }

  function button(className, text, label, onClick) {
    var b = el("button", "geomap-tool " + className, text);
    b.type = "button";
    b.title = label;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", function (e) { e.preventDefault(); onClick(b); });
    return b;
  }

  /** Save text or a Blob as a file the browser downloads. */
  function download(name, content, type) {
    var blob = content instanceof Blob ? content : new Blob([content], {type: type});
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  /** Search entries: incident places (first incident there), crossings, provinces, district seats. */
  function searchEntries(app) {
    var data = app.data;
    var inc = app.inc;
    var entries = [];
    return inc.field("place").then(function (col) {
      if (col.raw) {
        var first = new Map();
        for (var i = 0; i < inc.n; i++) { var k = col.raw[i]; if (k && !first.has(k)) first.set(k, i); }
        first.forEach(function (i, k) {
          var name = col.dict[k - 1];
          entries.push({name: name, kind: "place", alts: (data.placeNames || {})[name] || [],
                        go: function () { app.layer.open(i); }});
        });
      }
      data.crossings.forEach(function (c) {
        entries.push({name: c.name, kind: "crossing", alts: c.alt || [],
                      go: function () { app.map.setView([c.lat, c.lon], 11); }});
      });
      data.provinces.features.forEach(function (f) {
        entries.push({name: f.properties.name, kind: "province", alts: f.properties.alt || [],
                      go: function () { app.map.fitBounds(L.geoJSON(f).getBounds()); }});
      });
      data.districts.forEach(function (d) {
        entries.push({name: d.name, kind: "district", alts: d.alt || [],
                      go: function () { app.map.setView([d.lat, d.lon], 10); }});
      });
      return geomap.search.buildIndex(entries);
    });
  }

  function addSearch(app) {
    var parts = {};
    var index = null;
    function ready() { return index ? Promise.resolve(index) : searchEntries(app).then(function (i) { return (index = i); }); }
    control("topleft", "geomap-search", function (box) {
      parts.input = el("input");
      parts.input.type = "search";
      parts.input.placeholder = "Find a place, crossing, province…";
      parts.input.setAttribute("list", "geomap-places");
      parts.input.setAttribute("aria-label", "Find a place, crossing, province or district by any of its names");
      parts.list = el("datalist");
      parts.list.id = "geomap-places";
      parts.message = el("div", "geomap-search-message");
      parts.message.setAttribute("aria-live", "polite");
      box.appendChild(parts.input);
      box.appendChild(parts.list);
      box.appendChild(parts.message);
    }).addTo(app.map);
    function suggest() {
      ready().then(function (idx) {
        parts.list.textContent = "";
        geomap.search.find(idx, parts.input.value, 8).forEach(function (hit) {
          var o = el("option");
          o.value = hit.label;
          parts.list.appendChild(o);
        });
      });
    }
    /** Go to the best place for the text; resolves to whether one was found. */
    function find(text) {
      return ready().then(function (idx) {
        var hit = geomap.search.find(idx, String(text), 1)[0] || null;
        parts.message.textContent = hit ? "" : "No place called “" + text + "” on this map";
        if (hit) hit.entry.go();
        return Boolean(hit);
      });
    }
    parts.input.addEventListener("focus", function () { ready(); });
    parts.input.addEventListener("input", suggest);
    parts.input.addEventListener("change", function () { if (parts.input.value.trim()) find(parts.input.value); });
    parts.input.addEventListener("keydown", function (e) { if (e.key === "Enter") find(parts.input.value); });
    return find;
  }

  function addMeasure(app, bar) {
    var map = app.map;
    var container = map.getContainer();
    var measure = {active: false, points: [], line: null};
    var ruler = button("geomap-measure-button", "↔", "Measure a distance: click points on the map, click here again " +
                       "to stop", function () {
      measure.active = !measure.active;
      ruler.classList.toggle("geomap-active", measure.active);
      ruler.setAttribute("aria-pressed", String(measure.active));
      // While measuring, clicks on clusters and incidents add points instead of zooming or opening them.
      container.classList.toggle("geomap-measuring", measure.active);
      if (!measure.active) {
        if (measure.line) map.removeLayer(measure.line.unbindTooltip());  // a permanent label outlives its line
        measure.points = [];
        measure.line = null;
      }
    });
    bar.appendChild(ruler);
    map.on("click", function (e) {
      if (!measure.active) return;
      measure.points.push(e.latlng);
      if (!measure.line) measure.line = L.polyline([], {color: "#111", weight: 2, dashArray: "6 4"}).addTo(map);
      measure.line.setLatLngs(measure.points);
      var total = 0;
      for (var k = 1; k < measure.points.length; k++) total += map.distance(measure.points[k - 1], measure.points[k]);
      var label = el("span", null, (total / 1000).toFixed(1) + " km (great circle)");
      // One label per line, moved to the latest point: binding anew each click left the old labels behind.
      if (measure.line.getTooltip()) measure.line.setTooltipContent(label);
      else measure.line.bindTooltip(label, {permanent: true, className: "geomap-measure-label"});
      measure.line.openTooltip(e.latlng);
    });
    return measure;
  }

  function addButtons(app) {
    var map = app.map;
    var container = map.getContainer();
    var parts = {};
    control("topleft", "geomap-buttons", function (bar) {
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", "Map tools");
      bar.appendChild(button("geomap-fullscreen-button", "⛶", "Full screen", function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else if (container.requestFullscreen) {
          container.requestFullscreen().catch(function () { container.classList.toggle("geomap-fullscreen"); });
        } else container.classList.toggle("geomap-fullscreen");
        setTimeout(function () { map.invalidateSize(); }, 200);
      }));
      parts.measure = addMeasure(app, bar);
      var table = button("geomap-table-button", "☷", "Table: the incidents in view, border stretches, crossings",
                         function () { app.panel.toggle(); });
      table.setAttribute("aria-pressed", "false");
      bar.appendChild(table);
      bar.appendChild(button("geomap-link-button", "☍", "Copy a link to this view", function (b) {
        app.saveUrl(true);
        var url = location.href;
        var done = function () { b.classList.add("geomap-active"); setTimeout(function () { b.classList.remove("geomap-active"); }, 800); };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, done);
        else done();
      }));
      var menu = el("div", "geomap-export-menu");
      menu.hidden = true;
      var exp = button("geomap-export-button", "⤓", "Download what is shown: CSV, GeoJSON or PNG", function () {
        menu.hidden = !menu.hidden;
        exp.setAttribute("aria-expanded", String(!menu.hidden));
      });
      exp.setAttribute("aria-expanded", "false");
      exp.setAttribute("aria-haspopup", "true");
      [["csv", "CSV of the filtered incidents"], ["geojson", "GeoJSON of the filtered incidents"],
       ["png", "PNG of the map with its legend"]].forEach(function (f) {
        var item = el("button", "geomap-button geomap-export-" + f[0], f[1]);
        item.type = "button";
        item.addEventListener("click", function () { menu.hidden = true; app.exportAs(f[0]); });
        menu.appendChild(item);
      });
      bar.appendChild(exp);
      bar.appendChild(menu);
    }).addTo(map);
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
    return parts;
  }

  function addMinimap(app) {
    var map = app.map;
    var data = app.data;
    var c = control("topright", "geomap-minimap", function (box) { box.setAttribute("aria-hidden", "true"); });
    c.addTo(map);
    var mini = L.map(c.getContainer(), {attributionControl: false, zoomControl: false, dragging: false,
                                        scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
                                        touchZoom: false, preferCanvas: true});
    mini.setView(map.getCenter(), Math.max(1, map.getZoom() - 4), {animate: false});
    L.geoJSON(data.countries, {interactive: false, style: function (f) {
      return {color: "#999", weight: 0.5, fillColor: f.properties.fill, fillOpacity: 0.9};
    }}).addTo(mini);
    L.polyline(data.border.map(function (p) { return p.line; }), {color: "#b3001b", weight: 1.5,
                                                                  interactive: false}).addTo(mini);
    var view = L.rectangle(map.getBounds(), {color: "#1f4e79", weight: 1.5, fillOpacity: 0.1, interactive: false})
      .addTo(mini);
    function sync() {
      mini.setView(map.getCenter(), Math.max(1, map.getZoom() - 4), {animate: false});
      view.setBounds(map.getBounds());
    }
    mini.on("click", function (e) { map.panTo(e.latlng); });
    map.on("moveend", sync);
    return sync;
  }

  /** On a narrow screen every control folds into one menu button; the map keeps the screen. */
  function addMenu(app) {
    var container = app.map.getContainer();
    control("topright", "geomap-menu", function (box) {
      var b = button("geomap-menu-button", "☰", "Show the map's controls", function () {
        var open = container.classList.toggle("geomap-menu-open");
        b.textContent = open ? "×" : "☰";
        b.setAttribute("aria-expanded", String(open));
        b.setAttribute("aria-label", open ? "Hide the controls, show the map" : "Show the map's controls");
        b.title = b.getAttribute("aria-label");
        if (open) {
          app.layersControl.expand();
          app.timebar.drawChart();
        } else {
          app.layersControl.collapse();
        }
      });
      b.setAttribute("aria-expanded", "false");
      box.appendChild(b);
    }).addTo(app.map);
    var status = el("div", "geomap-status");
    status.setAttribute("aria-live", "polite");
    container.appendChild(status);
    return status;
  }

  geomap.tools = {control: control, download: download, addSearch: addSearch, addButtons: addButtons,
                  addMinimap: addMinimap, addMenu: addMenu};
})(globalThis.geomap = globalThis.geomap || {});
