/* geomap — the page: decodes the data, builds the layers and controls, keeps what is shown in
   step with the filters and the view, and keeps the URL in step with both. Entry point:
   geomapRender(map, data), called by the page once folium has created the Leaflet map. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var filters = geomap.filters;
  var time = geomap.time;
  var OVERLAY_IDS = ["countries", "provinces", "districts", "bands", "segments", "border", "crossings", "incidents",
                     "uncertainty", "heat"];

  function bottomCenter(map) {
    var corner = L.DomUtil.create("div", "leaflet-bottom geomap-center", map._controlContainer);
    map._controlCorners.bottomcenter = corner;
  }

  function sideNames(data) {
    var names = {};
    data.sides.forEach(function (s) { if (s.code) names[s.code] = s.name; });
    return names;
  }

  /** The app: everything the modules share. */
  function start(map, data, inc, started) {
    var app = {map: map, data: data, inc: inc, filter: filters.empty(), colours: {}, sideNames: sideNames(data),
               selection: null, inView: {indices: new Int32Array(0), count: 0, weight: 0}, overlays: {}};
    data.categories.forEach(function (c) { app.colours[c.name] = c.color; });
    var container = map.getContainer();
    if (data.offline) container.classList.add("geomap-offline");
    container.setAttribute("aria-label", "Map: " + data.title);
    geomap.layers.addPanes(map);
    bottomCenter(map);
    var saved = geomap.state.parse(location.hash);

    var base = {};
    if (data.tiles) {
      // Created here, not by a folium template, so a tile URL never passes through one.
      var tiles = L.tileLayer(data.tiles.url, {attribution: data.tiles.attribution, maxZoom: data.tiles.maxZoom,
                                               subdomains: data.tiles.subdomains || "abc",
                                               crossOrigin: data.tiles.cors ? "anonymous" : undefined}).addTo(map);
      base[util.escapeHtml(data.tiles.label)] = tiles;
    }
    var context = geomap.layers.build(app);
    app.provinceShapes = context.shapes;
    Object.keys(context.layers).forEach(function (id) { app.overlays[id] = context.layers[id]; });
    var layer = new geomap.Incidents(app);
    app.layer = layer;
    app.overlays.incidents = {label: inc.aggregated ? "Incidents, counted in grid cells" : "Incidents",
                              layer: layer.markers, on: true};
    if (!inc.aggregated) app.overlays.uncertainty = {label: "Location uncertainty", layer: layer.areas, on: true};
    app.overlays.heat = {label: "Heatmap", layer: layer.heat, on: false};
    var control = {};
    OVERLAY_IDS.forEach(function (id) {
      var o = app.overlays[id];
      if (!o) return;
      var on = saved.layers ? saved.layers.indexOf(id) >= 0 : o.on;
      if (on) o.layer.addTo(map);
      control[util.escapeHtml(o.label)] = o.layer;
    });
    // The single incidents and the area of the one hovered follow the incident layer.
    function follow() {
      [layer.points, layer.focus].forEach(function (l) {
        if (map.hasLayer(layer.markers) && !map.hasLayer(l)) l.addTo(map);
        if (!map.hasLayer(layer.markers) && map.hasLayer(l)) map.removeLayer(l);
      });
    }
    follow();
    app.layersControl = L.control.layers(base, control, {collapsed: true, position: "topright"}).addTo(map);
    app.layersControl.getContainer().querySelector(".leaflet-control-layers-toggle")
      .setAttribute("aria-label", "Layers: choose what the map shows");

    geomap.tools.addMenu(app).id = "geomap-status";
    app.status = container.querySelector(".geomap-status");
    var find = geomap.tools.addSearch(app);
    app.tools = geomap.tools.addButtons(app);
    app.panel = new geomap.Panel(app);
    geomap.tools.control("topleft", "geomap-panel", function (box) { app.panel.build(box); }).addTo(map);
    app.timebar = new geomap.TimeBar(app);
    geomap.tools.control("bottomcenter", "geomap-time", function (box) { app.timebar.build(box); }).addTo(map);
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
    geomap.tools.control("bottomright", "geomap-legend", function (box) {
      app.legend = geomap.legend.build(app, box);
    }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Leaflet">Leaflet</a>');

    var lastKey = null;
    /** Filter and redraw now (every field the filter needs must be decoded). */
    function compute() {
      var f = app.filter;
      app.selection = filters.select(inc, f);
      var key = filters.keyWithoutTime(f);
      if (key !== lastKey) {
        lastKey = key;
        app.timebar.update(f.from === null ? app.selection : filters.select(inc, f, true));
      } else {
        app.timebar.drawChart();
      }
      app.legend.update(app.selection);
      var max = app.overlays.segments.layer.update(app.selection.bySegment);
      app.legend.segmentLabel.textContent = "Incidents within " + data.segmentBandKm + " km, per " + data.segmentKm +
        " km of border (up to " + util.formatNumber(max) + ")";
      layer.refreshHeat();
      layer.reset();  // what the markers hold changed with the filter; a move alone keeps them
      redraw();
    }
    function redraw() {
      layer.redraw();
      var b = map.getBounds();
      app.inView = filters.inBox(inc, app.selection, b.getSouth(), b.getWest(), b.getNorth(), b.getEast());
      app.timebar.showCount(app.selection, app.inView.weight);
      app.status.textContent = util.formatNumber(app.selection.weight) + " of " + util.formatNumber(inc.total) +
        " shown · " + util.formatNumber(app.inView.weight) + " in view · " + app.timebar.label.textContent;
      app.panel.render();
      app.saveUrl();
    }
    /** Filter and redraw: at once when the fields are decoded, else once they are. */
    app.apply = function () {
      var need = filters.needs(app.filter).filter(function (n) { return inc.has(n) && !inc.cols[n]; });
      if (!need.length) { compute(); return Promise.resolve(); }
      return inc.fields(need).then(compute);
    };
    var pending = false;
    /** Filter and redraw at the next frame (many input events, one redraw). */
    app.request = function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; app.apply(); });
    };
    app.clearFilters = function () {
      var keep = {from: app.filter.from, to: app.filter.to};
      app.filter = Object.assign(filters.empty(), keep);
      app.legend.sync();
      app.apply();
    };

    var written = null;
    var timer = null;
    /** The page's state into the URL hash, a moment after the last change (now, for "copy link"). */
    app.saveUrl = function (now) {
      if (!app.ready) return;
      clearTimeout(timer);
      var write = function () {
        var hash = geomap.state.serialize(app.snapshotState());
        if (hash !== location.hash && !(hash === "" && location.hash === "")) {
          try {
            history.replaceState(null, "", hash || location.pathname + location.search);
          } catch (e) {
            return;  // a page shown where its URL cannot change (a sandboxed notebook frame): no link, no harm
          }
        }
        written = location.hash;
      };
      if (now) write();
      else timer = setTimeout(write, 250);
    };
    app.snapshotState = function () {
      var f = app.filter;
      var c = map.getCenter();
      var types = inc.cols.event_type.dict || [];
      var sides = inc.cols.side.dict || [];
      return {
        view: [c.lat, c.lng, map.getZoom()],
        from: f.from === null || inc.day0 === null ? null : time.isoDay(inc.day0, f.from),
        to: f.from === null || inc.day0 === null ? null : time.isoDay(inc.day0, f.to),
        hiddenTypes: Object.keys(f.types).filter(function (k) { return f.types[k]; }).map(function (k) { return types[k - 1]; }),
        hiddenSides: Object.keys(f.sides).filter(function (k) { return f.sides[k]; }).map(function (k) {
          return Number(k) === 0 ? "none" : sides[k - 1]; }),
        subTypes: f.subTypes, sources: f.sources, actor: f.actor, text: f.text, fatalMin: f.fatalMin,
        fatalMax: f.fatalMax,
        layers: OVERLAY_IDS.filter(function (id) { return app.overlays[id] && map.hasLayer(app.overlays[id].layer); }),
        panel: app.panel.open ? app.panel.tab : null,
        speed: app.timebar.speed !== "normal" ? app.timebar.speed : null
      };
    };
    /** Show what a URL state describes (on opening a link, or when the hash changes). */
    app.restore = function (s) {
      var f = filters.empty();
      var types = inc.cols.event_type.dict || [];
      var sides = inc.cols.side.dict || [];
      s.hiddenTypes.forEach(function (name) { var k = types.indexOf(name); if (k >= 0) f.types[k + 1] = true; });
      s.hiddenSides.forEach(function (code) {
        var k = code === "none" ? 0 : sides.indexOf(code) + 1;
        if (code === "none" || k > 0) f.sides[k] = true;
      });
      ["subTypes", "sources", "actor", "text", "fatalMin", "fatalMax"].forEach(function (k) { f[k] = s[k]; });
      if (s.from && inc.day0 !== null) {
        f.from = time.dayOf(inc.day0, s.from);
        f.to = time.dayOf(inc.day0, s.to);
      }
      app.filter = f;
      if (s.speed && time.SPEEDS.some(function (x) { return x.id === s.speed; })) {
        app.timebar.speed = s.speed;
        app.timebar.speedSelect.value = s.speed;
      }
      if (s.layers) {
        OVERLAY_IDS.forEach(function (id) {
          var o = app.overlays[id];
          if (!o) return;
          var on = s.layers.indexOf(id) >= 0;
          if (on && !map.hasLayer(o.layer)) o.layer.addTo(map);
          if (!on && map.hasLayer(o.layer)) map.removeLayer(o.layer);
        });
      }
      if (s.view) map.setView([s.view[0], s.view[1]], s.view[2], {animate: false});
      app.legend.sync();
      app.timebar.show();
      if (s.panel) { app.panel.tab = s.panel; app.panel.toggle(true); } else if (app.panel.open) app.panel.toggle(false);
      return app.apply();
    };

    app.exportAs = function (kind) {
      var name = (data.title || "geomap").replace(/[^\w\u0600-\u06ff-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) ||
        "geomap";
      if (kind === "png") {
        return geomap.snapshot.png(app).then(function (blob) { geomap.tools.download(name + ".png", blob); });
      }
      return inc.fields(geomap.exporter.needs(inc)).then(function () {
        var list = geomap.exporter.fields(inc, app.sideNames);
        var sel = app.selection;
        if (kind === "csv") {
          geomap.tools.download(name + ".csv", "\ufeff" + geomap.exporter.csv(inc, sel.indices, sel.count, list),
                                "text/csv;charset=utf-8");
        } else {
          geomap.tools.download(name + ".geojson", geomap.exporter.geojson(inc, sel.indices, sel.count, list),
                                "application/geo+json");
        }
      });
    };

    map.on("moveend", function () { if (app.selection) redraw(); });
    function labels() {  // names of crossings from zoom 7, those that would overlap left out
      container.classList.toggle("geomap-show-labels", map.getZoom() >= 7);
      context.declutter();
    }
    map.on("zoomend", labels);
    map.on("overlayadd overlayremove", function (e) {
      follow();
      if (e.layer === layer.heat) layer.refreshHeat();
      if (e.layer === layer.markers || e.layer === layer.areas) layer.redraw();
      app.saveUrl();
    });
    window.addEventListener("hashchange", function () {
      if (location.hash !== written) app.restore(geomap.state.parse(location.hash));
    });
    geomap.print.install(app);

    // The first view: the link's, or the data's, clear of the controls.
    if (!saved.view) {
      var pad = firstViewPadding(container);
      map.fitBounds(data.bounds, {paddingTopLeft: pad[0], paddingBottomRight: pad[1], animate: false});
    }
    labels();
    app.ready = true;
    var done = app.restore(saved);
    return done.then(function () {
      setTimeout(function () {
        geomap.tools.addMinimap(app)();
        // The fields that shape what is drawn (province areas, tooltips): decoded once the map is usable.
        inc.fields(["place", "feature_kind", "province"]).then(function () { layer.reset(); layer.redraw(); });
      }, 0);
      var state = {
        ready: true, readyMs: performance.now(), buildMs: performance.now() - started, app: app, map: map,
        count: inc.total, aggregated: inc.aggregated, cellKm: inc.cellKm, drawn: inc.n,
        get visible() { return app.selection.weight; },
        get inView() { return app.inView.weight; },
        setWindow: function (endDay, width) {
          var w = time.presetWindow(endDay, String(width), inc.lastDay);
          app.filter.from = w.from;
          app.filter.to = w.to;
          app.timebar.show();
          compute();
        },
        setFilter: function (changes) { Object.assign(app.filter, changes); app.legend.sync(); return app.apply(); },
        find: find,
        open: function (i) { return layer.open(i); },
        clusters: function () { return document.querySelectorAll(".geomap-cluster").length; }
      };
      window.geomapState = state;
      document.documentElement.setAttribute("data-geomap-ready", "1");
      return state;
    });
  }

  /** Room the first view leaves for the controls that are on screen (none on a phone). */
  function firstViewPadding(container) {
    var box = container.getBoundingClientRect();
    var topLeft = [20, 20];
    var bottomRight = [20, 20];
    if (box.width >= 640) {
      var legend = container.querySelector(".geomap-legend");
      var bar = container.querySelector(".geomap-time");
      var tools = container.querySelector(".leaflet-top.leaflet-left");
      if (tools) topLeft = [Math.min(box.width / 4, tools.getBoundingClientRect().width) + 10, 20];
      bottomRight = [legend ? legend.offsetWidth + 20 : 20, bar ? bar.offsetHeight + 20 : 20];
    } else {
      bottomRight = [20, 40];
    }
    return [topLeft, bottomRight];
  }

  window.geomapRender = function (map, data) {
    var started = performance.now();
    var blocks = data.packed || {};
    return Promise.all(Object.keys(blocks).map(function (k) {
      return geomap.decode.unpackJson(blocks[k]).then(function (v) { Object.assign(data, v); });
    })).then(function () {
      return geomap.decode.incidents(data.incidents);
    }).then(function (inc) {
      return start(map, data, inc, started);
    }).catch(function (error) {
      var note = util.el("div", "geomap-failure", "The map could not be drawn: " + error);
      map.getContainer().appendChild(note);
      console.error(error);
      throw error;
    });
  };
})(globalThis.geomap = globalThis.geomap || {});
