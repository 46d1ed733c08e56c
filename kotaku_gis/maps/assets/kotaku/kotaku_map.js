/*
 * kotaku-gis progress map (MIT licence, part of kotaku-gis).
 *
 * Builds every layer, control and popup of a progress-map page from one JSON payload written by
 * kotaku_gis.maps.progress_map (see payload() there for its fields). Uses Leaflet only, loads
 * nothing: popups (with their inline-SVG bar chart) are made when they open.
 *
 *   window.KotakuMap.build(leafletMap, payload)  -> state {map, layers, modes, ...}
 *   window.KotakuMap.last                        -> the state of the last map built (for tests)
 *   window.KotakuMap.decode(layer)               -> a payload layer's geometries as GeoJSON
 */
(function () {
  "use strict";

  var KM = (window.KotakuMap = { maps: [], last: null });
  /* Drawing order, bottom to top. Every vector layer shares ONE svg renderer: a pane (and so an svg
     element, a composited layer) per layer would cost a browser's tile memory six times over, and a
     browser short of it leaves parts of the map unpainted. The order is restored after each switch. */
  var ORDER = ["choropleth", "sempadan", "lindung", "kumuh", "kegiatan", "temuan", "batas"];
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) { return ESC[c]; });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] == null ? m : values[k];
    });
  }

  function num(v, digits, lang) {
    return Number(v).toLocaleString(lang === "id" ? "id-ID" : "en-GB", {
      maximumFractionDigits: digits
    });
  }

  /* A layer's geometries -> GeoJSON geometries (kotaku_gis/maps/_encode.py writes them). Each
     coordinate sequence (a polygon's ring, a line, a point) comes as one flat list of integers in
     units of 10^-decimals degree, the first position absolute and each next one the difference from
     the one before: [x0, y0, x1 - x0, y1 - y0, ...] (TopoJSON's quantized, delta-encoded arcs). The
     lists nest as GeoJSON's coordinates, one level less. A running sum (exact: integers) divided by
     10^decimals gives back the rounded coordinates. */
  var DEPTH = { Point: 0, LineString: 0, MultiPoint: 1, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };

  function decodeGeometry(g, scale) {
    if (!g) return null;
    if (g.type === "GeometryCollection") {
      return { type: g.type, geometries: g.geometries.map(function (m) { return decodeGeometry(m, scale); }) };
    }
    var positions = function (seq) {
      var out = [], x = 0, y = 0;
      for (var i = 0; i < seq.length; i += 2) {
        x += seq[i];
        y += seq[i + 1];
        out.push([x / scale, y / scale]);
      }
      return out;
    };
    var nest = function (c, depth) {
      return depth ? c.map(function (s) { return nest(s, depth - 1); }) : positions(c);
    };
    var c = nest(g.coordinates, DEPTH[g.type]);
    if (g.type === "Point") c = c[0];
    else if (g.type === "MultiPoint") c = c.map(function (p) { return p[0]; });
    return { type: g.type, coordinates: c };
  }

  /* {decimals, geoms} -> its GeoJSON geometries (null where a row has none) */
  KM.decode = function (layer) {
    var scale = Number("1e" + layer.decimals);  // exact, unlike a product of tenths
    return layer.geoms.map(function (g) { return decodeGeometry(g, scale); });
  };

  /* columnar layer and its decoded geometries -> GeoJSON features */
  function features(layer, geoms) {
    var out = [];
    if (!layer) return out;
    for (var i = 0; i < geoms.length; i++) {
      if (!geoms[i]) continue;
      var p = { _i: i };
      for (var j = 0; j < layer.cols.length; j++) p[layer.cols[j]] = layer.rows[i][j];
      out.push({ type: "Feature", geometry: geoms[i], properties: p });
    }
    return out;
  }

  function Builder(map, D) {
    this.map = map;
    this.D = D;
    this.S = D.styles;
    this.T = D.labels;
    this.layers = {};
    this.geoms = {};  // decoded geometries per layer name (KM.decode), made once
    this.byKey = {};
    this.modeLayers = {};
    this.mode = D.mode;
  }

  /* -- formatting --------------------------------------------------------------------------- */
  Builder.prototype.value = function (p, spec) {
    var v = p[spec[1]], f = spec[2], D = this.D, T = this.T;
    if (f === "kegiatan") {
      if (!v) return null;
      return esc(fill(T.popup_kegiatan_status, {
        total: v, selesai: p.kegiatan_selesai || 0,
        pelaksanaan: p.kegiatan_pelaksanaan || 0, rencana: p.kegiatan_rencana || 0
      }));
    }
    if (f === "temuan") {
      if (v == null) return null;
      if (!v) return esc(T.popup_no_findings);
      return '<b class="kotaku-bad">' + esc(fill(T.popup_temuan_count, { temuan: v, kegiatan: p.temuan_kegiatan || 0 })) + "</b>";
    }
    if (v == null || v === "") return null;
    switch (f) {
      case "ha": return num(v, 2, D.lang) + " ha";
      case "pct": return num(v, 1, D.lang) + " %";
      case "m": return num(v, 0, D.lang) + " m";
      case "num": return num(v, 1, D.lang);
      case "int": return num(v, 0, D.lang);
      case "idr": return "Rp " + num(v, 0, D.lang);
      case "text": return esc(v);
    }
    if (f.indexOf("vocab:") === 0) {
      var voc = D.vocab[f.slice(6)] || {};
      return esc(voc[v] || v);
    }
    return esc(v);
  };

  Builder.prototype.rows = function (p, kind) {
    var specs = this.D.popups[kind] || [], html = "", seen = {};
    for (var i = 0; i < specs.length; i++) {
      var text = this.value(p, specs[i]);
      if (text == null || seen[specs[i][0]]) continue;
      seen[specs[i][0]] = true;
      html += "<tr><th>" + esc(this.T[specs[i][0]]) + "</th><td>" + text + "</td></tr>";
    }
    return html ? '<table class="kotaku-rows">' + html + "</table>" : "";
  };

  /* the 7+1 indicators as an inline SVG bar chart (now, and the baseline in grey when known) */
  Builder.prototype.chart = function (p) {
    var C = this.D.chart, T = this.T, now = [], base = [], anyNow = false, anyBase = false;
    for (var k = 1; k <= 8; k++) {
      var a = p["kondisi_aspek_" + k], b = p["kondisi_aspek_" + k + "_awal"];
      now.push(a == null ? null : a);
      base.push(b == null ? null : b);
      anyNow = anyNow || a != null;
      anyBase = anyBase || b != null;
    }
    if (!anyNow && !anyBase) return '<div class="kotaku-muted">' + esc(T.popup_chart_none) + "</div>";
    var W = C.width, H = C.height, top = 8, bottom = 16, left = 26, right = 4;
    var h = H - top - bottom, w = (W - left - right) / 8;
    var s = '<svg class="kotaku-chart" xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H +
      '" viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(T.popup_chart) + '">';
    [0, 25, 50, 75, 100].forEach(function (g) {
      var y = (top + h * (1 - g / 100)).toFixed(1);
      s += '<line x1="' + left + '" x2="' + (W - right) + '" y1="' + y + '" y2="' + y + '" class="kotaku-grid"/>';
      s += '<text x="' + (left - 3) + '" y="' + y + '" dy="3" text-anchor="end">' + g + "</text>";
    });
    var band = function (v) {
      var idx = 0;
      for (var i = 0; i < C.bands.length; i++) if (v >= C.bands[i]) idx = i;
      return C.colors[Math.min(idx, C.colors.length - 1)];
    };
    var lang = this.D.lang;
    for (var i = 0; i < 8; i++) {
      var x = left + i * w;
      if (base[i] != null) {
        var bh = h * Math.max(0, Math.min(100, base[i])) / 100;
        s += '<rect class="kotaku-bar-awal" x="' + (x + w * 0.12).toFixed(1) + '" y="' + (top + h - bh).toFixed(1) +
          '" width="' + (w * 0.34).toFixed(1) + '" height="' + bh.toFixed(1) + '" fill="' + C.baselineColor +
          '"><title>' + esc(C.names[i]) + ": " + num(base[i], 1, lang) + " %</title></rect>";
      }
      if (now[i] != null) {
        var nh = h * Math.max(0, Math.min(100, now[i])) / 100;
        var x0 = base[i] != null ? x + w * 0.48 : x + w * 0.2, bw = base[i] != null ? w * 0.4 : w * 0.6;
        s += '<rect class="kotaku-bar" x="' + x0.toFixed(1) + '" y="' + (top + h - nh).toFixed(1) + '" width="' +
          bw.toFixed(1) + '" height="' + nh.toFixed(1) + '" fill="' + band(now[i]) + '"><title>' +
          esc(C.names[i]) + ": " + num(now[i], 1, lang) + " %</title></rect>";
      }
      s += '<text x="' + (x + w / 2).toFixed(1) + '" y="' + (H - 4) + '" text-anchor="middle">' + esc(C.short[i]) + "</text>";
    }
    s += "</svg>";
    var cap = esc(T.popup_chart) + (anyBase ? "<br>" + esc(T.popup_chart_baseline) : "");
    return '<div class="kotaku-chart-box"><div class="kotaku-muted">' + cap + "</div>" + s + "</div>";
  };

  Builder.prototype.head = function (name, code) {
    return '<div class="kotaku-popup-title">' + esc(name == null ? code : name) +
      (code != null && code !== name ? ' <span class="kotaku-muted">(' + esc(code) + ")</span>" : "") + "</div>";
  };

  Builder.prototype.unitPopup = function (p) {
    return '<div class="kotaku-popup">' + this.head(p.nama, p.kode) + this.rows(p, "wilayah") + this.chart(p) + "</div>";
  };

  Builder.prototype.kumuhPopup = function (p) {
    return '<div class="kotaku-popup">' + this.head(p.nama_kawasan, p.id_lokasi) + this.rows(p, "kumuh") + this.chart(p) + "</div>";
  };

  Builder.prototype.findingList = function (id) {
    var list = this.D.findings[id], T = this.T, lang = this.D.lang;
    if (!list || !list.length) return '<div class="kotaku-muted">' + esc(T.popup_temuan) + ": " + esc(T.popup_no_findings) + "</div>";
    var html = '<div class="kotaku-findings"><b class="kotaku-bad">' + esc(T.popup_temuan) + "</b><ul>";
    list.forEach(function (f) {
      var head = fill(T.popup_finding, { aturan: f[0], status: f[1] == null ? "-" : f[1] });
      var parts = [];
      if (f[2]) parts.push(f[2]);
      if (f[3]) parts.push(f[3]);
      if (f[4] != null) parts.push(fill(T.popup_distance, { jarak: num(f[4], 0, lang) }));
      html += "<li><b>" + esc(head) + "</b>" + (parts.length ? ": " + esc(parts.join(", ")) : "") +
        (f[5] ? '<div class="kotaku-muted">' + esc(f[5]) + "</div>" : "") + "</li>";
    });
    return html + "</ul></div>";
  };

  Builder.prototype.kegiatanPopup = function (p) {
    return '<div class="kotaku-popup">' + this.head(p.nama, p.id_kegiatan) + this.rows(p, "kegiatan") +
      this.findingList(p.id_kegiatan) + "</div>";
  };

  Builder.prototype.lindungPopup = function (p, kind) {
    return '<div class="kotaku-popup">' + this.head(p.nama, p.id_kawasan) + this.rows(p, kind) + "</div>";
  };

  /* -- styles -------------------------------------------------------------------------------- */
  Builder.prototype.modeColor = function (m, p) {
    var v = p[m.column];
    if (v == null) return m.none.color;
    if (m.kind === "categorical") {
      for (var i = 0; i < m.classes.length; i++) if (m.classes[i].value === v) return m.classes[i].color;
      return m.none.color;
    }
    var idx = 0;
    for (var j = 0; j < m.breaks.length; j++) if (v >= m.breaks[j]) idx = j + 1;
    return m.classes[idx].color;
  };

  Builder.prototype.pathStyle = function (base, extra) {
    var out = {};
    ["color", "weight", "fillColor", "fillOpacity", "dashArray", "opacity"].forEach(function (k) {
      if (base[k] != null) out[k] = base[k];
    });
    for (var k in extra) out[k] = extra[k];
    return out;
  };

  Builder.prototype.progressOpacity = function (p) {
    var min = this.S.progressMin, v = p.progres_fisik;
    if (v == null) return min;
    return min + (1 - min) * Math.max(0, Math.min(100, v)) / 100;
  };

  /* -- layers -------------------------------------------------------------------------------- */
  Builder.prototype.decoded = function (kind) {
    if (!this.geoms[kind]) this.geoms[kind] = KM.decode(this.D.layers[kind]);
    return this.geoms[kind];
  };

  Builder.prototype.features = function (kind) {
    var layer = this.D.layers[kind];
    return layer ? features(layer, this.decoded(kind)) : [];
  };

  Builder.prototype.reorder = function () {
    var map = this.map, self = this;
    ORDER.forEach(function (k) {
      var layer = k === "choropleth" ? self.modeLayers[self.mode] : self.layers[k];
      if (layer && map.hasLayer(layer) && layer.bringToFront) layer.bringToFront();
    });
  };

  Builder.prototype.choropleth = function () {
    var self = this, feats = this.features("wilayah"), S = this.S.wilayah;
    this.D.modes.forEach(function (m) {
      var layer = L.geoJSON(feats, {
        renderer: self.renderer,
        className: "kotaku-wilayah",
        style: function (f) { return self.pathStyle(S, { fillColor: self.modeColor(m, f.properties), fill: true }); },
        onEachFeature: function (f, l) {
          l.bindPopup(function () { return self.unitPopup(f.properties); }, { maxWidth: 340, autoPanPaddingTopLeft: [20, 150], autoPanPaddingBottomRight: [20, 20] });
          l.bindTooltip(esc(f.properties.nama), { sticky: true, direction: "top" });
          (self.byKey[f.properties.kode] = self.byKey[f.properties.kode] || {})[m.key] = l;
        }
      });
      self.modeLayers[m.key] = layer;
    });
  };

  Builder.prototype.kumuh = function () {
    var self = this, S = this.S.kumuh, D = this.D;
    if (!D.layers.kumuh) return null;
    return L.geoJSON(self.features("kumuh"), {
      renderer: self.renderer,
      className: "kotaku-kumuh",
      style: function (f) {
        var p = f.properties, lv = p.tingkat_kekumuhan;
        var color = S.colors[lv] || S.colors[p.tingkat_kekumuhan_awal] || S.fillColor;
        var absent = lv == null || lv === "belum_dinilai" || lv === "tidak_ditetapkan_lagi";  // not assessed now
        return self.pathStyle(S, { fillColor: color, dashArray: absent ? "3 3" : S.dashArray });
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { renderer: self.renderer, className: "kotaku-kumuh", radius: 5 });
      },
      onEachFeature: function (f, l) {
        l.bindPopup(function () { return self.kumuhPopup(f.properties); }, { maxWidth: 340, autoPanPaddingTopLeft: [20, 150], autoPanPaddingBottomRight: [20, 20] });
        self.byKey["lokasi:" + f.properties.id_lokasi] = { kumuh: l };
      }
    });
  };

  Builder.prototype.kegiatan = function () {
    var self = this, S = this.S.kegiatan, D = this.D;
    if (!D.layers.kegiatan) return null;
    return L.geoJSON(self.features("kegiatan"), {
      renderer: self.renderer,
      className: "kotaku-kegiatan",
      style: function (f) {
        var p = f.properties, color = S.colors[p.status] || S.color, op = self.progressOpacity(p);
        if (f.geometry.type.indexOf("Polygon") >= 0) return self.pathStyle(S, { color: color, fillColor: color, fillOpacity: op, weight: 1.5 });
        return self.pathStyle(S, { color: color, opacity: Math.max(op, 0.35), fill: false });
      },
      pointToLayer: function (f, latlng) {
        var p = f.properties, color = S.colors[p.status] || S.color;
        return L.circleMarker(latlng, {
          renderer: self.renderer, className: "kotaku-kegiatan", radius: S.radius || 6, color: color, weight: 1.5,
          fillColor: color, fillOpacity: self.progressOpacity(p)
        });
      },
      onEachFeature: function (f, l) {
        l.bindPopup(function () { return self.kegiatanPopup(f.properties); }, { maxWidth: 340, autoPanPaddingTopLeft: [20, 150], autoPanPaddingBottomRight: [20, 20] });
      }
    });
  };

  Builder.prototype.temuan = function () {
    var self = this, D = this.D, S = this.S.temuan, K = this.S.kegiatan, layer = L.featureGroup([]);
    var k = D.layers.kegiatan;
    if (!k) return null;
    var col = k.cols.indexOf("aturan"), any = false, scale = Number("1e" + k.decimals);
    feats: for (var i = 0; i < k.rows.length; i++) {
      var rules = k.rows[i][col], at = k.anchors[i];
      if (!rules || !at) continue feats;
      any = true;
      var p = {};
      for (var j = 0; j < k.cols.length; j++) p[k.cols[j]] = k.rows[i][j];
      var ring = L.circleMarker([at[1] / scale, at[0] / scale], {  // an anchor is an encoded Point
        renderer: self.renderer, radius: (K.radius || 6) + S.extra, color: S.color, weight: S.weight,
        fill: true, fillOpacity: 0, className: "kotaku-temuan"
      });
      ring.bindTooltip(esc(rules), { permanent: true, direction: "right", offset: [8, 0], className: "kotaku-rule" });
      (function (props) {
        ring.bindPopup(function () { return self.kegiatanPopup(props); }, { maxWidth: 340, autoPanPaddingTopLeft: [20, 150], autoPanPaddingBottomRight: [20, 20] });
      })(p);
      layer.addLayer(ring);
    }
    return any ? layer : null;
  };

  Builder.prototype.lindung = function (kind) {
    var self = this, S = this.S[kind], D = this.D;
    if (!D.layers[kind]) return null;
    return L.geoJSON(self.features(kind), {
      renderer: self.renderer,
      className: "kotaku-" + kind,
      style: function (f) {
        if (f.geometry.type.indexOf("LineString") >= 0) return self.pathStyle(S, { fill: false });
        return self.pathStyle(S, {});
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, self.pathStyle(S, { renderer: self.renderer, className: "kotaku-" + kind, radius: 5 }));
      },
      onEachFeature: function (f, l) {
        l.bindPopup(function () { return self.lindungPopup(f.properties, kind); }, { maxWidth: 320 });
      }
    });
  };

  /* the unit's outline: a layer of one geometry, or the name of the layer whose geometries it is
     (on a kelurahan map the choropleth is the unit itself, and its boundary is sent once) */
  Builder.prototype.batas = function () {
    var b = this.D.layers.batas;
    if (!b) return null;
    return L.geoJSON(this.decoded(typeof b === "string" ? b : "batas").filter(Boolean), {
      renderer: this.renderer, className: "kotaku-batas", interactive: false,
      style: this.pathStyle(this.S.batas, { fill: false })
    });
  };

  /* -- controls ------------------------------------------------------------------------------- */
  function swatch(style, shape) {
    var css = "";
    if (shape === "line") {
      css = "border-top:" + Math.max(2, style.weight || 2) + "px " + (style.dashArray ? "dashed " : "solid ") + style.color;
      return '<i class="kotaku-sw kotaku-sw-line" style="' + css + '"></i>';
    }
    css = "background:" + (style.fillColor || "transparent") + ";border:" + (style.weight ? Math.min(style.weight, 3) : 1) +
      "px " + (style.dashArray ? "dashed " : "solid ") + (style.color || "#555");
    return '<i class="kotaku-sw' + (shape === "circle" ? " kotaku-sw-circle" : "") + '" style="' + css + '"></i>';
  }

  Builder.prototype.legendHtml = function () {
    var T = this.T, S = this.S, D = this.D, m = null, html = "";
    for (var i = 0; i < D.modes.length; i++) if (D.modes[i].key === this.mode) m = D.modes[i];
    html += '<div class="kotaku-legend-title">' + esc(T.legend_title) + "</div>";
    if (m) {
      html += '<div class="kotaku-legend-head">' + esc(m.label) + "</div>";
      m.classes.concat([m.none]).forEach(function (c) {
        html += "<div>" + swatch({ fillColor: c.color, color: S.wilayah.color, weight: 1 }) + esc(c.label) + "</div>";
      });
    }
    if (D.layers.kumuh) {
      html += '<div class="kotaku-legend-head">' + esc(T.legend_kumuh) + "</div>";
      for (var lv in S.kumuh.colors) {
        html += "<div>" + swatch({ fillColor: S.kumuh.colors[lv], color: S.kumuh.color, weight: 1 }) + esc(D.vocab.tingkat[lv] || lv) + "</div>";
      }
    }
    if (D.layers.kegiatan) {
      html += '<div class="kotaku-legend-head">' + esc(T.legend_kegiatan) + "</div>";
      for (var st in S.kegiatan.colors) {
        html += "<div>" + swatch({ fillColor: S.kegiatan.colors[st], color: S.kegiatan.colors[st], weight: 1 }, "circle") + esc(D.vocab.status[st] || st) + "</div>";
      }
      html += '<div class="kotaku-muted">' + esc(T.legend_progres) + "</div>";
    }
    if (this.layers.temuan) {
      html += '<div class="kotaku-legend-head">' + swatch({ color: S.temuan.color, weight: S.temuan.weight }, "circle") + esc(T.legend_temuan) + "</div>";
      if (this.layers.temuan.getLayers().length > S.temuan.maxLabels) html += '<div class="kotaku-muted">' + esc(T.legend_temuan_zoom) + "</div>";
    }
    if (D.layers.lindung) html += "<div>" + swatch(S.lindung) + esc(T.legend_lindung) + "</div>";
    if (D.layers.sempadan) html += "<div>" + swatch(S.sempadan) + esc(T.legend_sempadan) + "</div>";
    html += "<div>" + swatch(S.batas, "line") + esc(T.legend_batas) + "</div>";
    return html;
  };

  Builder.prototype.controls = function () {
    var self = this, map = this.map, D = this.D, T = this.T;

    /* title block with the search box */
    var Title = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "kotaku-title leaflet-bar");
        var opts = D.search.map(function (e) { return '<option value="' + esc(e[0]) + '"></option>'; }).join("");
        div.innerHTML = "<h1>" + esc(D.title) + '</h1><div class="kotaku-unit">' + esc(D.unit) + "</div>" +
          '<div class="kotaku-sub">' + esc(D.subtitle) + "</div>" +
          '<form class="kotaku-search" autocomplete="off"><input type="search" list="kotaku-search-list" placeholder="' +
          esc(T.search_placeholder) + '" aria-label="' + esc(T.search_placeholder) + '"><datalist id="kotaku-search-list">' +
          opts + '</datalist></form><div class="kotaku-search-msg"></div>';
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        var form = div.querySelector("form"), input = div.querySelector("input");
        form.addEventListener("submit", function (e) { e.preventDefault(); self.search(input.value, div); });
        input.addEventListener("change", function () { self.search(input.value, div); });
        return div;
      }
    });
    new Title().addTo(map);
    L.control.zoom({ position: "topleft" }).addTo(map);

    /* layer control: the choropleth modes are radio buttons, the rest check boxes */
    var bases = {}, overlays = {};
    D.modes.forEach(function (m) { bases[esc(m.label)] = self.modeLayers[m.key]; });
    var named = [["kumuh", T.layer_kumuh], ["kegiatan", T.layer_kegiatan], ["temuan", T.layer_temuan],
      ["lindung", T.layer_lindung], ["sempadan", T.layer_sempadan], ["batas", T.layer_batas]];
    named.forEach(function (n) { if (self.layers[n[0]]) overlays[esc(n[1])] = self.layers[n[0]]; });
    if (self.layers.tiles) overlays[esc(D.tiles.label)] = self.layers.tiles;
    L.control.layers(bases, overlays, { collapsed: false, position: "topright" }).addTo(map);

    /* legend, following the choropleth shown */
    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "kotaku-legend");
        div.innerHTML = self.legendHtml();
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        self.legendDiv = div;
        return div;
      }
    });
    new Legend().addTo(map);
    map.on("baselayerchange", function (e) {
      D.modes.forEach(function (m) { if (self.modeLayers[m.key] === e.layer) self.mode = m.key; });
      if (self.legendDiv) self.legendDiv.innerHTML = self.legendHtml();
      self.reorder();
    });
    map.on("overlayadd", function () { self.reorder(); });

    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    map.attributionControl.setPosition("bottomleft");
    D.attribution.forEach(function (a) { map.attributionControl.addAttribution(esc(a)); });
  };

  Builder.prototype.search = function (query, div) {
    var q = String(query || "").trim().toLowerCase(), msg = div.querySelector(".kotaku-search-msg"), D = this.D;
    msg.textContent = "";
    if (!q) return null;
    var hit = null, i;
    for (i = 0; i < D.search.length && !hit; i++) if (D.search[i][0].toLowerCase() === q) hit = D.search[i];
    for (i = 0; i < D.search.length && !hit; i++) if (D.search[i][0].toLowerCase().indexOf(q) >= 0) hit = D.search[i];
    if (!hit) {
      msg.textContent = fill(this.T.search_not_found, { query: query });
      return null;
    }
    var b = hit[2];
    this.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 16, animate: false });
    var target = this.byKey[hit[1]], layer = target && (target[this.mode] || target.kumuh);
    if (layer && this.map.hasLayer(layer)) {
      layer.openPopup();
    } else {
      var flash = L.rectangle([[b[1], b[0]], [b[3], b[2]]], { renderer: this.renderer, interactive: false, color: this.S.temuan.color, weight: 3, fill: false }).addTo(this.map);
      setTimeout(function () { flash.remove(); }, 2500);
    }
    return hit;
  };

  Builder.prototype.build = function () {
    var map = this.map, D = this.D;
    this.renderer = L.svg();
    this.choropleth();
    this.layers.kumuh = this.kumuh();
    this.layers.kegiatan = this.kegiatan();
    this.layers.temuan = this.temuan();
    this.layers.lindung = this.lindung("lindung");
    this.layers.sempadan = this.lindung("sempadan");
    this.layers.batas = this.batas();
    if (D.tiles) this.layers.tiles = L.tileLayer(D.tiles.url, { maxZoom: D.tiles.maxZoom });
    (this.modeLayers[this.mode] || this.modeLayers[D.modes[0].key]).addTo(map);
    ORDER.forEach(function (k) {
      if (k !== "choropleth" && this.layers[k]) this.layers[k].addTo(map);
    }, this);
    this.controls();
    var b = D.bounds;
    map.on("moveend", this.labelFindings, this);
    map.fitBounds(b, { padding: [10, 10], animate: false });
    this.labelFindings();
    return this;
  };

  /* the rule labels of the findings show while few enough rings are in view (recipe finding.max_labels) */
  Builder.prototype.labelFindings = function () {
    var layer = this.layers.temuan, map = this.map, n = 0;
    if (!layer) return;
    var view = map.getBounds(), max = this.S.temuan.maxLabels;
    layer.eachLayer(function (ring) { if (view.contains(ring.getLatLng())) n++; });
    map.getContainer().classList.toggle("kotaku-rules-hidden", n > max);
  };

  KM.build = function (map, payload) {
    var state = new Builder(map, payload).build();
    KM.maps.push(state);
    KM.last = state;
    return state;
  };
})();
