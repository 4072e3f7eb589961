/**
 * Exports of a locality: download a month's or a year's report (XLSX, CSV or JSON, Vietnamese or
 * English: GET /api/v1/exports/:locality/:period.:format?lang=) and the files already produced
 * (GET /api/v1/exports?localityId=). Downloads are plain links: the session cookie goes with them.
 */
import { api } from './api.js';
import { clear, h } from './dom.js';
import { fmtBytes, fmtDateTime, getLang, localMonth, t } from './i18n.js';

const FORMATS = ['xlsx', 'csv', 'json'];

export function exportUrl(localityId, period, format, lang) {
  return `/api/v1/exports/${encodeURIComponent(localityId)}/${period}.${format}${lang === 'vi' ? '' : `?lang=${lang}`}`;
}

export function mount(el, ctx) {
  const lastMonth = localMonth(Date.now(), 1);
  const thisYear = localMonth().slice(0, 4);
  const kind = h(
    'select',
    { id: 'export-kind', onchange: () => update() },
    h('option', { value: 'month' }, t('exports.month')),
    h('option', { value: 'year' }, t('exports.year')),
  );
  const month = h('input', {
    type: 'month',
    id: 'export-month',
    value: lastMonth,
    max: localMonth(),
    onchange: () => update(),
  });
  const year = h('input', {
    type: 'number',
    id: 'export-year',
    value: thisYear,
    min: '2020',
    max: thisYear,
    step: '1',
    inputmode: 'numeric',
    hidden: true,
    oninput: () => update(),
  });
  const format = h(
    'select',
    { id: 'export-format', onchange: () => update() },
    FORMATS.map((f) => h('option', { value: f }, f.toUpperCase())),
  );
  const lang = h(
    'select',
    { id: 'export-lang', onchange: () => update() },
    h('option', { value: 'vi', selected: getLang() === 'vi' }, t('langname.vi')),
    h('option', { value: 'en', selected: getLang() === 'en' }, t('langname.en')),
  );
  const link = h('a', { class: 'btn btn-primary', id: 'export-download', download: '' }, t('exports.download'));
  const running = h('p', { class: 'muted small', hidden: true }, t('exports.running'));
  const list = h('div', { class: 'exports-list' }, h('p', { class: 'muted' }, t('loading')));

  function period() {
    return kind.value === 'month' ? month.value || lastMonth : year.value || thisYear;
  }
  function update() {
    month.hidden = kind.value !== 'month';
    year.hidden = kind.value !== 'year';
    const p = period();
    link.href = exportUrl(ctx.localityId, p, format.value, lang.value);
    running.hidden = !(p === localMonth() || p === thisYear);
  }
  update();
  link.addEventListener('click', () => {
    // A closed period made on demand is kept: list it once it has been made.
    setTimeout(() => void loadList(), 1_500);
  });

  clear(el).append(
    h('div', { class: 'view-head' }, h('h2', {}, `${t('exports.title')} — ${ctx.localityName(ctx.localityId)}`)),
    h('p', { class: 'muted' }, t('exports.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-export-make' },
      h('h3', { id: 'h-export-make' }, t('exports.make')),
      h(
        'div',
        { class: 'form-row' },
        h('label', {}, h('span', {}, t('exports.period')), kind, month, year),
        h('label', {}, h('span', {}, t('exports.format')), format),
        h('label', {}, h('span', {}, t('exports.lang')), lang),
        h('div', { class: 'form-action' }, link),
      ),
      running,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-export-list' },
      h('h3', { id: 'h-export-list' }, t('exports.list')),
      list,
    ),
  );

  let stopped = false;
  async function loadList() {
    if (stopped) return;
    try {
      const res = await api(`/api/v1/exports?${new URLSearchParams({ localityId: ctx.localityId })}`);
      if (stopped) return;
      if (res.exports.length === 0) {
        clear(list).append(h('p', { class: 'muted' }, t('exports.none')));
        return;
      }
      const files = [...res.exports].sort(
        (a, b) => b.period.localeCompare(a.period) || a.format.localeCompare(b.format) || a.lang.localeCompare(b.lang),
      );
      clear(list).append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, t('col.period')),
                h('th', {}, t('col.kind')),
                h('th', {}, t('col.format')),
                h('th', {}, t('col.lang')),
                h('th', {}, t('col.size')),
                h('th', {}, t('col.created')),
                h('th', {}, ''),
              ),
            ),
            h(
              'tbody',
              {},
              files.map((f) =>
                h(
                  'tr',
                  { 'data-period': f.period, 'data-format': f.format },
                  h('td', {}, f.period),
                  h('td', {}, t(`ekind.${f.kind}`)),
                  h('td', {}, f.format.toUpperCase()),
                  h('td', {}, t(`langname.${f.lang}`)),
                  h('td', { class: 'nowrap' }, fmtBytes(f.size)),
                  h('td', { class: 'nowrap' }, fmtDateTime(Date.parse(f.createdAt))),
                  h('td', {}, h('a', { href: f.url, download: '', class: 'btn btn-small' }, t('exports.download'))),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      if (stopped) return;
      clear(list).append(
        h(
          'p',
          { class: err.status === 404 ? 'muted' : 'error' },
          err.status === 404 ? t('exports.unavailable') : t('error.load', { message: err.message }),
        ),
      );
    }
  }
  void loadList();
  return {
    stop() {
      stopped = true;
    },
  };
}
