// Draws the day's routes with Leaflet over the installation's tile source. The data are the
// page's own: each route list (`ol[data-colour]`) names its crew, colour and depot, each of its
// items a stop's place and mark, in route order. The server-drawn SVG stays for pages without
// script; this script hides it once its map is drawn. Clicking a stop opens the same words as
// its line in the list, with the same number.
'use strict';
(function () {
  const box = document.getElementById('daymap');
  if (!box || !window.L) return;
  const svg = document.getElementById('daymap-svg');
  const point = (s) => s.split(',').slice(0, 2).map(Number);

  box.hidden = false;
  const map = L.map(box, { scrollWheelZoom: false });
  // Fitted first (layers added before the map has a view are not drawn until it has one): to
  // the day's routes, or without routes to the dots.
  const routePoints = Array.from(document.querySelectorAll('ol[data-colour]')).flatMap((ol) => [
    ...(ol.dataset.depot ? [point(ol.dataset.depot)] : []),
    ...Array.from(ol.querySelectorAll(':scope > li[data-lat]')).map((li) => [Number(li.dataset.lat), Number(li.dataset.lon)]),
  ]);
  const dotPoints = (box.dataset.dots || '').split(';').filter((d) => d.endsWith(',a')).map(point);
  const fit = routePoints.length ? routePoints : dotPoints;
  if (fit.length) map.fitBounds(fit, { padding: [24, 24], maxZoom: 16 });
  else map.setView([62, 15], 5);
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);

  // The remaining jobs, faint, behind a toggle; a crisis preview's dots, always.
  const faint = L.layerGroup();
  const affected = L.layerGroup().addTo(map);
  for (const d of (box.dataset.dots || '').split(';').filter(Boolean)) {
    const p = point(d);
    if (d.endsWith(',a')) {
      L.circleMarker(p, { radius: 5, color: '#a33b00', weight: 1, fillOpacity: 0.9, interactive: false }).addTo(affected);
    } else {
      L.circleMarker(p, { radius: 3, color: '#6b6b6b', weight: 0, fillOpacity: 0.45, interactive: false }).addTo(faint);
    }
  }
  const toggle = document.getElementById('alla');
  const showFaint = () => { if (!toggle || toggle.checked) faint.addTo(map); else faint.remove(); };
  if (toggle) toggle.addEventListener('change', showFaint);
  if (box.dataset.dotsOnly === 'true') faint.addTo(map);
  else showFaint();

  // Each crew's route: the depot, the stops in order, back to the depot.
  document.querySelectorAll('ol[data-colour]').forEach((ol) => {
    const colour = ol.dataset.colour;
    const line = [];
    const depot = ol.dataset.depot ? point(ol.dataset.depot) : null;
    if (depot) {
      line.push(depot);
      const icon = L.divIcon({ className: 'map-depot', iconSize: [14, 14] });
      const m = L.marker(depot, { icon, title: ol.dataset.depotLabel || '', keyboard: false }).addTo(map);
      m.getElement().style.setProperty('--crew', colour);
    }
    ol.querySelectorAll(':scope > li[data-lat]').forEach((li, i) => {
      const p = [Number(li.dataset.lat), Number(li.dataset.lon)];
      line.push(p);
      const n = li.dataset.n || String(i + 1);
      const text = Array.from(li.querySelectorAll('.stop-info'))
        .map((e) => e.textContent.replace(/\s+/g, ' ').trim()).join(' · ');
      const next = li.classList.contains('next');
      const icon = L.divIcon({
        className: `map-stop mark-${li.dataset.mark}${next ? ' next' : ''}`,
        html: `<span>${n}</span>`,
        iconSize: next ? [30, 30] : [24, 24],
      });
      const m = L.marker(p, { icon, title: `${n}. ${text}`, alt: `${n}. ${text}`, riseOnHover: true }).addTo(map);
      const el = m.getElement();
      el.dataset.n = n;
      el.dataset.crew = ol.dataset.label || '';
      el.style.setProperty('--crew', colour);
      m.bindPopup(() => {
        const d = document.createElement('div');
        d.className = 'map-popup';
        const h = document.createElement('strong');
        h.textContent = `${n}. `;
        d.append(h, document.createTextNode(text));
        const nav = li.querySelector('a[href^="geo:"]');
        if (nav) {
          const p2 = document.createElement('p');
          p2.append(nav.cloneNode(true));
          d.append(p2);
        }
        return d;
      });
    });
    if (depot) line.push(depot);
    if (line.length > 1) L.polyline(line, { color: colour, weight: 4, opacity: 0.8, interactive: false }).addTo(map);
  });

  if (svg) svg.hidden = true;
  box.dataset.ready = 'true';
})();
