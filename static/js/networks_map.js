// The networks map (networks list page) and the small map of a network's page.
//
// Everything here is an enhancement: without JavaScript the map section stays hidden and the
// list of regions below it carries the same information. Data comes from json_script blocks;
// the region shapes are the site's own GeoJSON (static/geo/), so no tile server is needed.
(function () {
  "use strict";

  var BELGIUM = [[49.49, 2.54], [51.51, 6.41]];
  // Four soft tints of the primary colour; neighbouring regions never share one.
  var TINTS = { a: "#d4e8ea", b: "#acd2d6", c: "#e8f2f3", d: "#92c3c8" };
  var REGION_TINT = {
    ANT: "c", BRU: "b", BWA: "b", HAI: "d", LIE: "d", LIM: "b",
    LUX: "a", NAM: "c", OVL: "b", VBR: "a", WVL: "c"
  };
  var INK = "#1f2a30";
  var PRIMARY = "#0f5e66";
  var HOVER = "#3f8a91";

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function loadJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("Could not load " + url + " (" + response.status + ")");
      return response.json();
    });
  }

  function addTiles(map, data) {
    if (!data.tilesUrl) return;
    L.tileLayer(data.tilesUrl, { attribution: data.tilesAttribution, maxZoom: 18 }).addTo(map);
  }

  // ---- The big map: choose a region, see its network -------------------------------------

  function initNetworksMap() {
    var section = document.getElementById("networks-map-section");
    var container = document.getElementById("networks-map");
    var panel = document.getElementById("networks-map-panel");
    var status = document.getElementById("networks-map-status");
    var data = readData("networks-map-data");
    if (!section || !container || !panel || !data || !window.L) return;

    section.hidden = false;
    var tiles = Boolean(data.tilesUrl);
    var coarsePointer = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    container.setAttribute("role", "group");
    container.setAttribute("aria-label", data.labels.map);

    var map = L.map(container, {
      minZoom: 6,
      maxZoom: 11,
      zoomSnap: 0.25,
      // The page scrolls past the map: wheel zoom waits for a click or focus, and on touch
      // screens one finger scrolls the page while two fingers zoom the map.
      scrollWheelZoom: false,
      dragging: !coarsePointer,
      attributionControl: true
    });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution(data.dataAttribution);
    addTiles(map, data);
    map.fitBounds(BELGIUM, { animate: false, maxZoom: 9 });

    var enableWheel = function () { map.scrollWheelZoom.enable(); };
    var disableWheel = function () { map.scrollWheelZoom.disable(); };
    container.addEventListener("click", enableWheel);
    container.addEventListener("focusin", enableWheel);
    container.addEventListener("mouseleave", disableWheel);
    container.addEventListener("focusout", function (event) {
      if (!container.contains(event.relatedTarget)) disableWheel();
    });

    var outlinePane = map.createPane("selected-outline");
    outlinePane.style.zIndex = 450;
    outlinePane.style.pointerEvents = "none";

    var layers = {};
    var selected = null;
    var outline = null;
    var communityCode = data.community ? data.community.code : null;

    function baseStyle(code) {
      if (code === communityCode) {
        return {
          color: INK, weight: 1.5, dashArray: "5 4", fillColor: PRIMARY,
          fillOpacity: tiles ? 0.12 : 0.08, opacity: 0.9
        };
      }
      return {
        color: PRIMARY, weight: 1, opacity: 0.9,
        fillColor: TINTS[REGION_TINT[code]] || TINTS.a, fillOpacity: tiles ? 0.55 : 1
      };
    }

    function hoverStyle(code) {
      return { fillColor: HOVER, fillOpacity: tiles ? 0.6 : 0.85, weight: 2, color: INK };
    }

    function selectedStyle(code) {
      return { fillColor: PRIMARY, fillOpacity: tiles ? 0.55 : 0.75, weight: 2, color: INK };
    }

    function restyle(code, state) {
      var layer = layers[code];
      if (!layer) return;
      if (code === selected) layer.setStyle(selectedStyle(code));
      else if (state === "hover") layer.setStyle(hoverStyle(code));
      else layer.setStyle(baseStyle(code));
    }

    function regionInfo(code) {
      if (code === communityCode) return { name: data.community.name, network: "" };
      return data.regions[code] || { name: code, network: "" };
    }

    function stripIds(node) {
      node.removeAttribute("id");
      node.removeAttribute("aria-labelledby");
      node.querySelectorAll("[id], [aria-labelledby]").forEach(function (child) {
        child.removeAttribute("id");
        child.removeAttribute("aria-labelledby");
      });
      return node;
    }

    // The panel shows a copy of the region's block from the list below the map.
    function fillPanel(code) {
      var content;
      if (code === communityCode) {
        var community = document.getElementById("region-" + code);
        var parentEntry = community && community.closest(".region-entry");
        content = document.createElement("section");
        content.className = "region-entry region-entry--panel";
        var title = document.createElement("h3");
        title.className = "region-entry__title";
        title.textContent = regionInfo(code).name;
        content.appendChild(title);
        if (parentEntry) {
          var children = parentEntry.querySelector(".region-entry__children");
          if (children) content.appendChild(stripIds(children.cloneNode(true)));
        }
        if (community) {
          var copy = stripIds(community.cloneNode(true));
          var heading = copy.querySelector(".region-entry__overlay-title");
          if (heading) heading.remove();
          content.appendChild(copy);
        }
      } else {
        var source = document.getElementById("region-" + code);
        if (!source) return;
        content = stripIds(source.cloneNode(true));
        content.classList.add("region-entry--panel");
        content.querySelectorAll(".region-entry__overlay").forEach(function (overlay) {
          overlay.classList.add("region-entry__overlay--panel");
        });
      }
      panel.replaceChildren(content);
      panel.dataset.region = code;
    }

    function select(code) {
      var previous = selected;
      selected = code;
      if (previous && layers[previous]) {
        restyle(previous, "base");
        layers[previous].getElement().setAttribute("aria-pressed", "false");
      }
      var layer = layers[code];
      if (!layer) return;
      restyle(code, "selected");
      layer.getElement().setAttribute("aria-pressed", "true");
      if (outline) map.removeLayer(outline);
      outline = L.geoJSON(layer.feature, {
        pane: "selected-outline",
        interactive: false,
        style: { color: INK, weight: 3, fill: false, dashArray: code === communityCode ? "5 4" : null }
      }).addTo(map);
      fillPanel(code);
      var info = regionInfo(code);
      if (status) {
        status.textContent = info.network
          ? format(data.labels.shown, { region: info.name, network: info.network })
          : info.name;
      }
    }

    function makeAccessible(code, layer) {
      var element = layer.getElement();
      if (!element) return;
      var info = regionInfo(code);
      var label = code === communityCode
        ? format(data.labels.community, { region: info.name })
        : format(data.labels.region, { region: info.name, network: info.network });
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "button");
      element.setAttribute("aria-label", label);
      element.setAttribute("aria-pressed", "false");
      element.setAttribute("data-region", code);
      element.addEventListener("focus", function () { restyle(code, "hover"); });
      element.addEventListener("blur", function () { restyle(code, "base"); });
      element.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          select(code);
        }
      });
    }

    function bind(feature, layer) {
      var code = feature.properties.code;
      layers[code] = layer;
      layer.bindTooltip(regionInfo(code).name, { sticky: true, direction: "auto", opacity: 0.95 });
      layer.on("mouseover", function () { restyle(code, "hover"); });
      layer.on("mouseout", function () { restyle(code, "base"); });
      layer.on("click", function () { select(code); });
    }

    function byName(a, b) {
      return regionInfo(a.properties.code).name.localeCompare(
        regionInfo(b.properties.code).name, document.documentElement.lang || undefined
      );
    }

    var requests = [loadJSON(data.regionsUrl)];
    if (communityCode) requests.push(loadJSON(data.communityUrl));
    Promise.all(requests).then(function (results) {
      var regions = results[0];
      // Keyboard order follows the shapes' order in the SVG: make it alphabetical, like the list.
      regions.features = regions.features
        .filter(function (feature) { return data.regions[feature.properties.code]; })
        .sort(byName);
      var regionLayer = L.geoJSON(regions, {
        style: function (feature) { return baseStyle(feature.properties.code); },
        onEachFeature: bind
      }).addTo(map);
      if (results[1]) {
        L.geoJSON(results[1], {
          style: function (feature) { return baseStyle(feature.properties.code); },
          onEachFeature: bind
        }).addTo(map);
      }
      Object.keys(layers).forEach(function (code) { makeAccessible(code, layers[code]); });
      var bounds = regionLayer.getBounds();
      map.fitBounds(bounds, { animate: false, maxZoom: 9 });
      map.setMaxBounds(bounds.pad(0.5));
      section.classList.add("is-ready");
      if (data.selected && layers[data.selected]) select(data.selected);
    }).catch(function () {
      var message = document.createElement("p");
      message.className = "notice";
      message.textContent = data.labels.loadError;
      panel.replaceChildren(message);
    });
  }

  // ---- The small map on a network's page: the regions it covers -------------------------

  function initMiniMap() {
    var container = document.getElementById("network-minimap");
    var data = readData("network-minimap-data");
    if (!container || !data || !window.L) return;
    container.hidden = false;
    var covered = {};
    data.covered.forEach(function (code) { covered[code] = true; });
    var map = L.map(container, {
      zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false,
      touchZoom: false, boxZoom: false, keyboard: false, attributionControl: false, zoomSnap: 0.25
    });
    addTiles(map, data);
    map.fitBounds(BELGIUM, { animate: false, maxZoom: 8 });
    var tiles = Boolean(data.tilesUrl);
    var requests = [loadJSON(data.regionsUrl)];
    if (covered.DG) requests.push(loadJSON(data.communityUrl));
    Promise.all(requests).then(function (results) {
      var regionLayer = L.geoJSON(results[0], {
        interactive: false,
        style: function (feature) {
          var on = covered[feature.properties.code];
          return {
            color: on ? INK : "#a59d92", weight: on ? 1.5 : 0.75,
            fillColor: on ? PRIMARY : "#efebe6", fillOpacity: on ? 0.7 : (tiles ? 0.3 : 1)
          };
        }
      }).addTo(map);
      if (results[1]) {
        L.geoJSON(results[1], {
          interactive: false,
          style: { color: INK, weight: 1.5, dashArray: "4 3", fillColor: PRIMARY, fillOpacity: 0.35 }
        }).addTo(map);
      }
      map.fitBounds(regionLayer.getBounds(), { animate: false, maxZoom: 8 });
    }).catch(function () {
      container.hidden = true;
    });
  }

  function init() {
    initNetworksMap();
    initMiniMap();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
