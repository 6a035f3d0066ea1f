// The group search and group pages: the map of results, and the filter panel on phones.
//
// Everything here is an enhancement. Without JavaScript the filter form still submits (GET),
// the panel stays open and the map section stays hidden: the list carries the same facts.
// Data comes from the json_script block "group-map-data"; no inline script, no globals.
(function () {
  "use strict";

  var BELGIUM = [[49.49, 2.54], [51.51, 6.41]];
  var PRIMARY = "#0f5e66";

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // ---- Filter panel: open on wide screens, folded behind "Filters (N)" on small ones ------
  function initFilterPanel() {
    var panel = document.getElementById("filters");
    if (!panel || !window.matchMedia) return;
    var query = window.matchMedia("(max-width: " + (panel.dataset.collapseBelow || "56rem") + ")");
    var apply = function () { panel.open = !query.matches; };
    apply();
    if (query.addEventListener) query.addEventListener("change", apply);
  }

  // ---- Clean, shareable URLs: empty fields (and a radius without a postal code) stay out ----
  function initCleanSubmit() {
    var form = document.querySelector(".search-form");
    if (!form) return;
    form.addEventListener("submit", function () {
      var postcode = form.elements.namedItem("postcode");
      var noPostcode = !postcode || !postcode.value.trim();
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "checkbox" || field.type === "submit") return;
        if (!field.value.trim() || (field.name === "radius" && noPostcode)) field.disabled = true;
      });
      // Re-enable them if the visitor comes back with the Back button.
      window.addEventListener("pageshow", function () {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
      }, { once: true });
    });
  }

  // ---- Map ----------------------------------------------------------------------------------
  function markerIcon(count) {
    var size = count > 1 ? 34 : 26;
    return L.divIcon({
      className: "group-map__marker",
      html: count > 1 ? String(count) : "",
      iconSize: [size, size]
    });
  }

  // Greedy merge: each place joins the first marker within MERGE_PX, else starts its own,
  // so any two markers end up at least MERGE_PX apart (wider than the largest marker).
  var MERGE_PX = 40;

  function mergeNearby(map, places) {
    var merged = [];
    places.forEach(function (place) {
      var point = map.latLngToLayerPoint([place.lat, place.lon]);
      var near = null;
      for (var i = 0; i < merged.length && !near; i++) {
        if (merged[i].point.distanceTo(point) < MERGE_PX) near = merged[i];
      }
      if (near) near.groups = near.groups.concat(place.groups);
      else merged.push({ lat: place.lat, lon: place.lon, point: point, groups: place.groups.slice() });
    });
    return merged;
  }

  function popupContent(groups) {
    var list = document.createElement("ul");
    list.className = "group-map__popup";
    groups.forEach(function (group) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = group.url;
      link.textContent = group.title;
      item.appendChild(link);
      var details = document.createElement("span");
      details.textContent = group.place + (group.distance !== undefined ? " · " + group.distance + " km" : "");
      item.appendChild(details);
      var when = document.createElement("span");
      when.textContent = group.when;
      item.appendChild(when);
      list.appendChild(item);
    });
    return list;
  }

  function highlightCards(groups, on) {
    groups.forEach(function (group) {
      var card = document.querySelector('.group-card[data-group-id="' + group.id + '"]');
      if (card) card.classList.toggle("is-highlighted", on);
    });
  }

  function drawRegions(map, url) {
    if (!url || !window.fetch) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("Could not load " + url);
        return response.json();
      })
      .then(function (shapes) {
        L.geoJSON(shapes, {
          interactive: false,
          style: { color: PRIMARY, weight: 1, opacity: 0.6, fillColor: "#e3f0f1", fillOpacity: 1 }
        }).addTo(map).bringToBack();
      })
      .catch(function () { /* the markers are still there */ });
  }

  function initMap() {
    var section = document.getElementById("group-map-section");
    var container = document.getElementById("group-map");
    var data = readData("group-map-data");
    if (!section || !container || !data || !window.L || !data.markers || !data.markers.length) return;

    section.hidden = false;
    var detail = container.dataset.mode === "detail";
    var coarsePointer = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", (data.labels && data.labels.map) || "Map");

    var map = L.map(container, {
      minZoom: 6,
      maxZoom: 17,
      // The page scrolls past the map: wheel zoom waits for a click; one finger scrolls on phones.
      scrollWheelZoom: false,
      dragging: !coarsePointer
    });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    container.addEventListener("click", function () { map.scrollWheelZoom.enable(); });
    container.addEventListener("mouseleave", function () { map.scrollWheelZoom.disable(); });

    if (data.tilesUrl) {
      L.tileLayer(data.tilesUrl, { attribution: data.tilesAttribution, maxZoom: 18 }).addTo(map);
    } else {
      drawRegions(map, data.regionsUrl);
    }

    // Groups meeting at the same place (often a postal code's centre) share one marker.
    var places = {};
    var order = [];
    data.markers.forEach(function (group) {
      var key = group.lat.toFixed(5) + "," + group.lon.toFixed(5);
      if (!places[key]) {
        places[key] = { lat: group.lat, lon: group.lon, groups: [] };
        order.push(key);
      }
      places[key].groups.push(group);
    });

    var points = order.map(function (key) { return [places[key].lat, places[key].lon]; });
    var markers = L.layerGroup().addTo(map);
    // Places closer on screen than MERGE_PX share one marker at the current zoom, so no
    // marker hides another and each keeps a target of 24 px or more (WCAG 2.5.8).
    function drawMarkers() {
      markers.clearLayers();
      mergeNearby(map, order.map(function (key) { return places[key]; })).forEach(function (place) {
        var marker = L.marker([place.lat, place.lon], {
          icon: markerIcon(place.groups.length),
          keyboard: true,
          title: place.groups.map(function (group) { return group.title; }).join(" · "),
          riseOnHover: true
        }).addTo(markers);
        marker.bindPopup(popupContent(place.groups));
        marker.on("popupopen", function () { highlightCards(place.groups, true); });
        marker.on("popupclose", function () { highlightCards(place.groups, false); });
      });
    }
    map.on("zoomend", drawMarkers);

    if (data.center) {
      L.marker(data.center, {
        icon: L.divIcon({ className: "group-map__center", iconSize: [12, 12] }),
        interactive: false,
        keyboard: false
      }).addTo(map);
      points.push(data.center);
    }

    if (detail || points.length === 1) {
      map.setView(points[0], data.tilesUrl ? 14 : 9, { animate: false });
    } else {
      map.fitBounds(points, { padding: [30, 30], maxZoom: 13, animate: false });
    }
    drawMarkers();
    container.dataset.ready = "true";
  }

  function init() {
    initFilterPanel();
    initCleanSubmit();
    initMap();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
