/**
 * The web app's shell: sign-in, the signed-in user's pages by role, the locality picker, the
 * language switch. What a role may do comes from the server (/app/policy.json, @hpg/auth's
 * table), so the UI offers only that; the server enforces it either way.
 *
 * Pages are client-side views under one URL: #/overview, #/inbox, #/exports.
 */
import { ApiError, api, onUnauthenticated, setCsrf } from './api.js';
import { append, clear, h } from './dom.js';
import * as exportsView from './exports.js';
import { applyI18n, getLang, onLangChange, setLang, t } from './i18n.js';
import * as inboxView from './inbox.js';
import * as overviewView from './overview.js';

const VIEWS = [
  { id: 'overview', label: 'nav.overview', permission: 'indicators:read', module: overviewView },
  { id: 'inbox', label: 'nav.inbox', permission: 'alerts:read', module: inboxView },
  { id: 'exports', label: 'nav.exports', permission: 'exports:read', module: exportsView },
];

const $ = (id) => document.getElementById(id);

const state = {
  user: null,
  policy: null,
  localities: [],
  sites: [],
  localityId: null,
  view: null,
  controller: null,
};

/** What the views use: the user, the registry in their scope, permissions, names. */
const ctx = {
  get user() {
    return state.user;
  },
  get localityId() {
    return state.localityId;
  },
  get sites() {
    return state.sites;
  },
  can(permission) {
    return state.policy?.permissions?.[state.user?.role]?.includes(permission) === true;
  },
  localityName(id) {
    const l = state.localities.find((x) => x.id === id);
    if (l === undefined) return id;
    return getLang() === 'en' ? (l.nameEn ?? l.name) : l.name;
  },
  /** A locality and every locality under it. */
  scopeOf(id) {
    const out = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const l of state.localities) {
        if (l.parentId !== null && out.has(l.parentId) && !out.has(l.id)) {
          out.add(l.id);
          grew = true;
        }
      }
    }
    return out;
  },
  sitesIn(id) {
    const scope = ctx.scopeOf(id);
    return state.sites.filter((x) => scope.has(x.localityId));
  },
  toast(message) {
    const box = $('toast');
    box.textContent = message;
    box.hidden = false;
    clearTimeout(ctx.toastTimer);
    ctx.toastTimer = setTimeout(() => {
      box.hidden = true;
    }, 4_000);
  },
};

function allowedViews() {
  return VIEWS.filter((v) => ctx.can(v.permission));
}

/** Police land on their inbox; everyone else on the overview. */
function defaultView() {
  const views = allowedViews();
  if (state.user?.role === 'police' && views.some((v) => v.id === 'inbox')) return 'inbox';
  return views[0]?.id;
}

function stopView() {
  state.controller?.stop();
  state.controller = null;
}

function showView() {
  stopView();
  const views = allowedViews();
  const wanted = location.hash.replace(/^#\/?/, '');
  const view = views.find((v) => v.id === wanted) ?? views.find((v) => v.id === defaultView());
  for (const v of VIEWS) $(`view-${v.id}`).hidden = v !== view;
  for (const a of document.querySelectorAll('#tabs a')) {
    if (a.dataset.view === view?.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  state.view = view?.id ?? null;
  if (view === undefined) {
    clear($('view-overview')).append(h('p', { class: 'error' }, t('login.nothing')));
    $('view-overview').hidden = false;
    return;
  }
  state.controller = view.module.mount($(`view-${view.id}`), ctx);
}

function renderChrome() {
  const u = state.user;
  $('who').textContent = u === null ? '' : `${u.name} · ${t(`role.${u.role}`)}`;
  $('logout').hidden = u === null;
  const tabs = $('tabs');
  clear(tabs);
  tabs.hidden = u === null;
  if (u !== null) {
    for (const v of allowedViews()) {
      tabs.append(h('a', { href: `#/${v.id}`, 'data-view': v.id }, t(v.label)));
    }
  }
  const picker = $('locality');
  const localities = u === null ? [] : state.localities.filter((l) => u.scope.includes(l.id));
  append(
    clear(picker),
    localities.map((l) => h('option', { value: l.id, selected: l.id === state.localityId }, ctx.localityName(l.id))),
  );
  $('locality-box').hidden = localities.length < 2;
}

function showLogin(messageKey) {
  stopView();
  state.user = null;
  setCsrf(null);
  renderChrome();
  for (const v of VIEWS) $(`view-${v.id}`).hidden = true;
  $('view-login').hidden = false;
  const msg = $('login-message');
  msg.textContent = messageKey ? t(messageKey) : '';
  msg.hidden = !messageKey;
  $('login-username').focus();
}

async function signedIn(session) {
  state.user = session.user;
  setCsrf(session.csrfToken);
  const [policy, localities, sites] = await Promise.all([
    fetch('/app/policy.json', { cache: 'no-cache' }).then((r) => r.json()),
    api('/api/v1/localities'),
    api('/api/v1/sites'),
  ]);
  state.policy = policy;
  state.localities = localities.localities;
  state.sites = sites.sites;
  const scope = state.user.scope ?? [state.user.localityId];
  state.user = { ...state.user, scope };
  // Sign-in off (development): the whole city, from its root.
  const root = state.localities.find((l) => l.parentId === null && scope.includes(l.id))?.id;
  state.localityId = scope.includes(state.user.localityId) ? state.user.localityId : (root ?? scope[0]);
  $('view-login').hidden = true;
  renderChrome();
  showView();
}

async function start() {
  applyI18n(document);
  try {
    const session = await api('/api/v1/auth/session');
    await signedIn(session);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin();
    else showLogin(err instanceof ApiError && err.status === 0 ? 'error.network' : undefined);
  }
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('login-submit');
  const msg = $('login-message');
  button.disabled = true;
  msg.hidden = true;
  try {
    await api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: $('login-username').value.trim(), password: $('login-password').value },
    });
    $('login-password').value = '';
    // The session route adds the user's scope (their locality and what is under it).
    await signedIn(await api('/api/v1/auth/session'));
  } catch (err) {
    const key =
      err instanceof ApiError && err.status === 401
        ? 'login.bad'
        : err instanceof ApiError && err.status === 429
          ? 'login.rate'
          : err instanceof ApiError && err.status === 0
            ? 'error.network'
            : null;
    msg.textContent = key ? t(key) : t('error.load', { message: err.message });
    msg.hidden = false;
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await api('/api/v1/auth/logout', { method: 'POST', body: {} });
  } catch {
    // Signed out either way: the cookie is cleared by the answer, or the session had ended.
  }
  location.hash = '';
  showLogin();
});

$('lang').addEventListener('click', () => setLang(getLang() === 'vi' ? 'en' : 'vi'));
onLangChange(() => {
  if (state.user === null) return;
  renderChrome();
  showView();
});

$('locality').addEventListener('change', (e) => {
  state.localityId = e.target.value;
  showView();
});

window.addEventListener('hashchange', () => {
  if (state.user !== null) showView();
});

onUnauthenticated(() => {
  if (state.user !== null) showLogin('login.expired');
});

void start();
