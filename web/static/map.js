// Escale's map (/map): draws, with Leaflet, the places listed on the page. The list stays
// the page's content; the map only shows it another way, and is skipped by a link.
(function () {
  'use strict';
  var el = document.getElementById('carte');
  if (!el || !window.L) return;
  var places = document.querySelectorAll('.map-place[data-lat][data-lng]');
  if (!places.length) return;
  el.hidden = false;
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', 'Carte des lieux (la même liste suit la carte)');
  document.querySelector('.map-skip').hidden = false;

  var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  var credit = document.createElement('span');
  credit.textContent = el.dataset.attribution || '';
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: credit.innerHTML }).addTo(map);

  var icon = L.icon({ iconUrl: el.dataset.marker, iconSize: [34, 46], iconAnchor: [17, 45], popupAnchor: [0, -40] });
  var points = [];
  places.forEach(function (place) {
    var at = [parseFloat(place.dataset.lat), parseFloat(place.dataset.lng)];
    var name = place.dataset.name;
    // The popup repeats the place's entry of the list, without its heading.
    var popup = document.createElement('div');
    popup.className = 'map-popup';
    var title = document.createElement('p');
    var strong = document.createElement('strong');
    strong.appendChild(place.querySelector('h4 a').cloneNode(true));
    title.appendChild(strong);
    popup.appendChild(title);
    popup.appendChild(place.querySelector('.map-count').cloneNode(true));
    popup.appendChild(place.querySelector('.map-next').cloneNode(true));
    L.marker(at, { icon: icon, alt: name, title: name, riseOnHover: true }).bindPopup(popup).addTo(map);
    points.push(at);
  });
  map.fitBounds(points, { padding: [40, 40], maxZoom: 15 });
  // Leaflet names its close button in English.
  map.on('popupopen', function (e) {
    var close = e.popup.getElement().querySelector('.leaflet-popup-close-button');
    if (close) {
      close.setAttribute('aria-label', 'Fermer');
      close.title = 'Fermer';
    }
  });
}());
