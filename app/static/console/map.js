// The station map: Leaflet (from npm, served by the console), stations as circle markers in
// GCJ-02. A tile layer only when CONSOLE_TILE_URL is configured (e.g. a GCJ-02 provider such
// as AMap, whose tiles match the coordinates); without one the markers sit on a plain
// background, which works offline.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var points = JSON.parse(document.getElementById("map-points").textContent || "[]");
  var colours = { planned: "#3346a8", built: "#1b7f3b", plaqued: "#c8102e", retired: "#888888" };
  var names = { planned: "规划中", built: "已建成", plaqued: "已挂牌", retired: "已撤销" };
  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.5 });
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, {
      subdomains: el.dataset.tileSubdomains || "abc",
      attribution: el.dataset.tileAttribution || "",
      maxZoom: 18
    }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: 7, weight: 2, color: "#fff", fillColor: colours[p.status] || "#555", fillOpacity: 0.9
    }).addTo(map);
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/console/stations/" + encodeURIComponent(p.code);
    link.textContent = p.code + " " + p.name;
    var address = document.createElement("div");
    address.textContent = p.address + "（" + (names[p.status] || p.status) + "）";
    box.appendChild(link);
    box.appendChild(address);
    marker.bindPopup(box);
    marker.bindTooltip(p.name);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  } else {
    map.setView([31.47, 104.75], 10); // Mianyang
  }
  el.dataset.ready = String(points.length);
})();
