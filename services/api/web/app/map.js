/**
 * A map of sites drawn as inline SVG from their coordinates: no tile server, nothing fetched. An
 * equirectangular projection around the sites' mean latitude is exact enough at a city's scale;
 * a scale bar and north arrow give distance and direction, a legend the kinds of site.
 */
import { h, s } from './dom.js';
import { t } from './i18n.js';

export const KIND_COLORS = {
  wastewater_plant: '#1565c0',
  building: '#f2a900',
  facility: '#7b1fa2',
  charging_station: '#2e7d32',
  camera_spot: '#c62828',
};

const KM_PER_DEG_LAT = 111.32;

/** A rounded distance near `km` for the scale bar: 1, 2 or 5 times a power of ten. */
function niceKm(km) {
  const p = 10 ** Math.floor(Math.log10(km));
  const m = km / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

export function osmLink(lat, lon) {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/**
 * An SVG map of `sites` (`{ id, name, kind, location: { lat, lon } }`); `highlight` is a site id
 * drawn larger with a ring; `compact` leaves out the legend and caption (the inbox's small maps).
 */
export function siteMap(sites, { highlight, compact = false, width = 480, height = 320 } = {}) {
  const placed = sites.filter((x) => Number.isFinite(x.location?.lat) && Number.isFinite(x.location?.lon));
  if (placed.length === 0) return h('p', { class: 'muted' }, t('map.none'));
  const lats = placed.map((x) => x.location.lat);
  const lons = placed.map((x) => x.location.lon);
  // At least about 1 km around a single site.
  const latMin = Math.min(...lats) - 0.004;
  const latMax = Math.max(...lats) + 0.004;
  const lat0 = (latMin + latMax) / 2;
  const kx = Math.cos((lat0 * Math.PI) / 180);
  const lonMin = Math.min(...lons) - 0.004 / kx;
  const lonMax = Math.max(...lons) + 0.004 / kx;
  const pad = 28;
  const spanX = (lonMax - lonMin) * kx;
  const spanY = latMax - latMin;
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const ox = (width - spanX * scale) / 2;
  const oy = (height - spanY * scale) / 2;
  const x = (lon) => ox + (lon - lonMin) * kx * scale;
  const y = (lat) => oy + (latMax - lat) * scale;

  const caption = h('p', { class: 'map-caption muted' }, compact ? '' : t('map.hint'));
  const show = (site) => {
    caption.textContent = `${site.name} · ${t(`kind.${site.kind}`)} · ${site.location.lat.toFixed(4)}, ${site.location.lon.toFixed(4)}`;
  };

  // Scale bar: about a quarter of the width.
  const kmPerPx = KM_PER_DEG_LAT / scale;
  const barKm = niceKm((width / 4) * kmPerPx);
  const barPx = barKm / kmPerPx;
  const grid = [];
  for (let i = 1; i < 4; i++) {
    grid.push(s('line', { x1: (width * i) / 4, y1: 0, x2: (width * i) / 4, y2: height, class: 'map-grid' }));
    grid.push(s('line', { x1: 0, y1: (height * i) / 4, x2: width, y2: (height * i) / 4, class: 'map-grid' }));
  }
  const ordered = [...placed].sort((a, b) => Number(a.id === highlight) - Number(b.id === highlight));
  const markers = ordered.map((site) => {
    const hi = site.id === highlight;
    const cx = x(site.location.lon);
    const cy = y(site.location.lat);
    const g = s(
      'g',
      {
        class: `map-marker${hi ? ' map-marker-hi' : ''}`,
        tabindex: compact ? undefined : '0',
        role: compact ? undefined : 'button',
        'aria-label': `${site.name} (${t(`kind.${site.kind}`)})`,
        'data-site-id': site.id,
        onclick: () => show(site),
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') show(site);
        },
        onfocus: () => show(site),
      },
      s('title', {}, `${site.name} — ${t(`kind.${site.kind}`)}`),
      hi ? s('circle', { cx, cy, r: 16, class: 'map-ring' }) : null,
      s('circle', { cx, cy, r: hi ? 9 : 7, fill: KIND_COLORS[site.kind] ?? '#555', class: 'map-dot' }),
    );
    return g;
  });
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: compact ? 'map map-compact' : 'map',
      role: 'img',
      'aria-label': t('map.aria', { n: placed.length }),
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('rect', { x: 0, y: 0, width, height, class: 'map-bg' }),
    grid,
    markers,
    s(
      'g',
      { class: 'map-scale', transform: `translate(${pad - 12},${height - 16})` },
      s('line', { x1: 0, y1: 0, x2: barPx, y2: 0 }),
      s('line', { x1: 0, y1: -5, x2: 0, y2: 5 }),
      s('line', { x1: barPx, y1: -5, x2: barPx, y2: 5 }),
      s('text', { x: barPx / 2, y: -7, 'text-anchor': 'middle' }, `${barKm} km`),
    ),
    s(
      'g',
      { class: 'map-north', transform: `translate(${width - 22},${26})` },
      s('path', { d: 'M0,-14 L7,8 L0,3 L-7,8 Z' }),
      s('text', { x: 0, y: 22, 'text-anchor': 'middle' }, 'N'),
    ),
  );
  if (compact) return h('div', { class: 'map-wrap' }, svg);
  const kinds = [...new Set(placed.map((x) => x.kind))];
  const legend = h(
    'ul',
    { class: 'map-legend' },
    kinds.map((k) =>
      h(
        'li',
        {},
        h('span', { class: 'swatch', style: `background:${KIND_COLORS[k] ?? '#555'}` }),
        t(`kind.${k}`),
        ` (${placed.filter((x) => x.kind === k).length})`,
      ),
    ),
  );
  return h('div', { class: 'map-wrap' }, svg, legend, caption);
}
