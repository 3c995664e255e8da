// The status UI: plain DOM code over the documented HTTP API (openapi.yaml), no framework, no build.
// Everything the server sends is rendered with textContent or attributes, never parsed as HTML.
'use strict';

(() => {
  const POLL_MS = 2000;
  const TOKEN_KEY = 'sagaflow.token';
  const OPERATOR_KEY = 'sagaflow.operator';
  const STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED', 'STUCK'];

  // Typed as an input: the page's controls are inputs, selects and buttons, which share value and
  // disabled; this keeps the type check on everything else.
  /** @type {(id: string) => HTMLInputElement} */
  const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

  // ---- DOM helpers -------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      // A string becomes a text node: append() never interprets markup.
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function time(iso) {
    if (!iso) return el('span', { class: 'muted' }, '—');
    const date = new Date(iso);
    const shown = Number.isNaN(date.getTime())
      ? iso
      : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    return el('time', { datetime: iso, title: iso }, shown);
  }

  function badge(status) {
    return el('span', { class: 'badge', 'data-status': status }, status);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function showProblem(node, message) {
    node.textContent = message || '';
    show(node, Boolean(message));
  }

  function sagaHref(sagaId) {
    return '#/sagas/' + encodeURIComponent(sagaId);
  }

  // Statuses of a step while it is being undone or after: COMPENSATING, COMPENSATION_*, COMPENSATED.
  function isCompensation(status) {
    return typeof status === 'string' && status.startsWith('COMPENSAT');
  }

  // ---- API ---------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  // Sent with every call, reads included: a deployment may require the token on reads too.
  function authorization() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: 'Bearer ' + token } : {};
  }

  async function api(path, options) {
    const init = options || {};
    let response;
    try {
      response = await fetch(path, {
        method: init.method || 'GET',
        headers: Object.assign({ Accept: 'application/json' }, authorization(), init.headers || {}),
        body: init.body,
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, `The server did not answer (${e.message}). Is sagaflow still running?`);
    }
    const text = await response.text();
    let body = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!response.ok) {
      // Every API error is a problem document whose detail says what to do.
      const detail = body && typeof body.detail === 'string'
        ? body.detail
        : `HTTP ${response.status} ${response.statusText} from ${path}`;
      throw new ApiError(response.status, detail);
    }
    return body;
  }

  function entrypoint(path, payload) {
    const headers = { 'Content-Type': 'application/json' };
    return api(path, { method: 'POST', headers, body: JSON.stringify(payload) });
  }

  // What a failed read says: a 401 means this deployment guards reads, so point at the token field
  // instead of only repeating the server's detail.
  function readFailure(e) {
    if (e.status !== 401) return e.message;
    return sessionStorage.getItem(TOKEN_KEY)
      ? 'The bearer token in the "Bearer token" field at the top of the page was refused: this'
        + ' deployment requires its API token to read sagas. Check the token and enter it again.'
      : 'This deployment requires its API token to read sagas. Enter it in the "Bearer token" field'
        + ' at the top of the page; the page reloads as soon as you leave the field.';
  }

  // ---- polling -----------------------------------------------------------------------------

  // One task at a time (the visible view's refresh), every POLL_MS, paused while the tab is hidden.
  const poller = {
    task: null,
    timer: null,
    running: false,

    start(task) {
      this.task = task;
      this.now();
    },

    async now() {
      clearTimeout(this.timer);
      this.timer = null;
      // The run in flight schedules the next one when it ends.
      if (this.running || !this.task) return;
      if (document.hidden) {
        indicator('paused', 'Paused while this tab is hidden');
        return;
      }
      const task = this.task;
      this.running = true;
      try {
        await task();
      } finally {
        this.running = false;
      }
      if (this.task && !document.hidden) {
        this.timer = setTimeout(() => this.now(), this.task === task ? POLL_MS : 0);
      }
    },
  };

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(poller.timer);
      indicator('paused', 'Paused while this tab is hidden');
    } else {
      poller.now();
    }
  });

  function indicator(state, text, at) {
    const node = $('refresh');
    node.dataset.state = state;
    node.replaceChildren(text, at ? ' ' : '', at ? time(at.toISOString()) : '');
  }

  function refreshed() {
    indicator('ok', 'Updated at', new Date());
  }

  function refreshFailed() {
    indicator('error', 'Last refresh failed at', new Date());
  }

  // ---- routing -----------------------------------------------------------------------------

  // The view lives in the fragment (#/ or #/sagas/{id}), so links and the back button work without
  // server routes; /ui?saga=ID is accepted as a shareable alias.
  let view = null;

  function route() {
    const query = new URLSearchParams(location.search);
    if (query.has('saga') && !location.hash) {
      history.replaceState(null, '', location.pathname + sagaHref(query.get('saga')));
    }
    const match = /^#\/sagas\/([^/?]+)$/.exec(location.hash);
    view = {};
    if (match) {
      detailView(view, decodeURIComponent(match[1]));
    } else {
      listView(view, listState());
    }
  }

  window.addEventListener('hashchange', route);

  // ---- list view ---------------------------------------------------------------------------

  function listState() {
    const hash = location.hash;
    const query = new URLSearchParams(hash.startsWith('#/?') ? hash.slice(3) : '');
    return {
      status: STATUSES.includes(query.get('status')) ? query.get('status') : '',
      type: query.get('type') || '',
      stuck: /^[1-9][0-9]*$/.test(query.get('stuck') || '') ? query.get('stuck') : '',
      limit: ['25', '50', '100', '500'].includes(query.get('limit')) ? query.get('limit') : '50',
      cursor: query.get('cursor') || '',
    };
  }

  function listHash(state) {
    const query = new URLSearchParams();
    for (const key of ['status', 'type', 'stuck', 'limit', 'cursor']) {
      if (state[key]) query.set(key, state[key]);
    }
    const text = query.toString();
    return text ? '#/?' + text : '#/';
  }

  function searchPath(state) {
    const query = new URLSearchParams();
    if (state.status) query.set('status', state.status);
    if (state.type) query.set('type', state.type);
    if (state.stuck) query.set('stuckFor', `PT${state.stuck}M`);
    query.set('limit', state.limit);
    if (state.cursor) query.set('cursor', state.cursor);
    return '/sagas?' + query.toString();
  }

  function listView(current, state) {
    document.title = 'Sagas · Sagaflow';
    show($('detail-view'), false);
    show($('list-view'), true);
    $('f-status').value = state.status;
    $('f-type').value = state.type;
    $('f-stuck').value = state.stuck;
    $('f-limit').value = state.limit;
    $('first-page').disabled = !state.cursor;
    $('next-page').disabled = true;
    $('list-caption').textContent = state.cursor ? 'Newest first, a later page' : 'Newest first';

    poller.start(async () => {
      let page;
      try {
        page = await api(searchPath(state));
      } catch (e) {
        if (view !== current) return;
        showProblem($('list-error'), `Could not list sagas: ${readFailure(e)}`);
        refreshFailed();
        return;
      }
      if (view !== current) return;
      showProblem($('list-error'), '');
      renderRows(page.items || []);
      $('next-page').disabled = !page.nextCursor;
      $('next-page').dataset.cursor = page.nextCursor || '';
      refreshed();
    });
  }

  function renderRows(items) {
    $('saga-rows').replaceChildren(
      ...items.map((saga) =>
        el('tr', { 'data-saga-id': saga.sagaId },
          el('td', null, el('a', { href: sagaHref(saga.sagaId) }, el('code', null, saga.sagaId))),
          el('td', null, saga.sagaType),
          el('td', null, badge(saga.status)),
          el('td', null, time(saga.createdAt)),
          el('td', null, time(saga.statusSince)))));
    show($('list-empty'), items.length === 0);
  }

  function wireList() {
    $('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      location.hash = listHash({
        status: $('f-status').value,
        type: $('f-type').value.trim(),
        stuck: $('f-stuck').value.trim(),
        limit: $('f-limit').value,
        cursor: '',
      });
    });
    // stuckFor implies status STUCK (the API refuses any other status with it), so say so at once.
    $('f-stuck').addEventListener('input', () => {
      if ($('f-stuck').value) $('f-status').value = 'STUCK';
    });
    $('f-clear').addEventListener('click', () => {
      location.hash = '#/';
    });
    $('next-page').addEventListener('click', () => {
      location.hash = listHash(Object.assign(listState(), { cursor: $('next-page').dataset.cursor }));
    });
    $('first-page').addEventListener('click', () => {
      location.hash = listHash(Object.assign(listState(), { cursor: '' }));
    });
    $('open-saga').addEventListener('submit', (event) => {
      event.preventDefault();
      location.hash = sagaHref($('open-id').value.trim());
    });
  }

  // ---- detail view -------------------------------------------------------------------------

  function detailView(current, sagaId) {
    document.title = `Saga ${sagaId} · Sagaflow`;
    show($('list-view'), false);
    show($('detail-view'), true);
    $('saga-id').textContent = sagaId;
    // Switching sagas within the page must not leave the previous saga's facts behind.
    const body = $('detail-body');
    show(body, false);
    delete body.dataset.sagaId;
    $('saga-status').textContent = '';
    delete $('saga-status').dataset.status;
    $('timeline').replaceChildren();
    $('history').replaceChildren();
    showProblem($('detail-error'), '');
    $('dead-letters').replaceChildren();
    $('op-result').textContent = '';
    $('cancel-result').textContent = '';
    current.sagaId = sagaId;

    const path = '/sagas/' + encodeURIComponent(sagaId);
    poller.start(async () => {
      const [status, deadLetters] = await Promise.allSettled([
        api(path),
        api(path + '/dead-letters'),
      ]);
      if (view !== current) return;
      if (status.status === 'fulfilled') {
        showProblem($('detail-error'), '');
        renderSaga(status.value);
        show($('detail-body'), true);
        refreshed();
      } else {
        const e = status.reason;
        // Right after a start the saga is not in the store yet: keep polling, it will appear.
        const hint = e.status === 404 ? ' Still looking: a saga appears shortly after its start.' : '';
        showProblem($('detail-error'), readFailure(e) + hint);
        refreshFailed();
      }
      renderDeadLetters(deadLetters);
    });
  }

  function renderSaga(saga) {
    $('detail-body').dataset.sagaId = saga.sagaId;
    const status = $('saga-status');
    status.textContent = saga.status;
    status.dataset.status = saga.status;
    $('saga-type').textContent = saga.sagaType;
    $('saga-version').textContent = String(saga.definitionVersion);
    $('saga-created').replaceChildren(time(saga.createdAt));
    $('saga-updated').replaceChildren(time(saga.updatedAt));
    $('saga-freshness').textContent = freshness(saga.freshness);
    $('saga-current').textContent = (saga.currentSteps || []).join(', ') || 'none';
    $('saga-trace').textContent = saga.traceparent || '—';
    $('saga-last-error').textContent = saga.lastError || 'none';
    $('timeline').replaceChildren(...(saga.steps || []).map(stepItem));
    $('history').replaceChildren(...(saga.history || []).map(historyItem));
    $('saga-data').textContent = JSON.stringify(saga.data, null, 2);
    renderActions(saga);
  }

  function freshness(f) {
    if (!f) return 'unknown';
    const lag = f.lag === null || f.lag === undefined ? 'lag unknown' : `${f.lag} records behind`;
    return `${f.servedBy} replica on ${f.instance} (${lag})`;
  }

  function stepItem(step) {
    const error = step.lastError;
    const compensation = isCompensation(step.status) || (error && error.kind === 'COMPENSATION');
    const kind = compensation ? 'compensation' : 'action';
    const facts = [`attempt ${step.attempt}`];
    if (step.compensationAttempt > 0) facts.push(`compensation attempt ${step.compensationAttempt}`);
    if (step.mayHaveApplied) facts.push('may have applied');
    return el('li', {
      class: 'step',
      'data-kind': kind,
      'data-step': step.name,
      'data-status': step.status,
    },
    el('span', { class: 'marker', 'aria-hidden': 'true' }, compensation ? '↺' : '●'),
    el('div', { class: 'step-body' },
      el('p', { class: 'step-head' },
        el('strong', null, step.name), ' ', badge(step.status), ' ',
        el('span', { class: 'kind-label' }, compensation ? 'Compensation' : 'Action')),
      el('p', { class: 'step-meta' },
        facts.join(' · '), ' · started ', time(step.startedAt), ' · finished ', time(step.finishedAt)),
      error ? errorLine(error) : null));
  }

  function errorLine(error) {
    const what = error.kind === 'COMPENSATION' ? 'Compensation error' : 'Action error';
    return el('p', { class: 'step-error' },
      `${what}${error.attempt ? ` (attempt ${error.attempt})` : ''}: `,
      el('code', null, error.code || 'no code'), ' ', error.message || '',
      error.at ? ' at ' : '', error.at ? time(error.at) : null);
  }

  function historyItem(transition) {
    const kind = isCompensation(transition.to) ? 'compensation' : 'transition';
    return el('li', { 'data-kind': kind, 'data-to': transition.to },
      time(transition.at), ' ',
      transition.from ? badge(transition.from) : el('span', { class: 'muted' }, 'start'),
      el('span', { 'aria-label': 'to' }, ' → '), badge(transition.to),
      kind === 'compensation' ? el('span', { class: 'kind-label' }, ' Compensation') : null,
      transition.cause ? el('span', { class: 'cause' }, ' ', transition.cause) : null);
  }

  function renderDeadLetters(result) {
    const box = $('dead-letters');
    if (result.status === 'rejected') {
      box.replaceChildren(
        el('p', { class: 'problem' }, `Dead letters could not be read: ${readFailure(result.reason)}`));
      return;
    }
    const items = (result.value && result.value.items) || [];
    if (items.length === 0) {
      box.replaceChildren(el('p', { class: 'muted' }, 'None: no record of this saga went to saga.dlq.'));
      return;
    }
    box.replaceChildren(el('table', { class: 'dead-letters' },
      el('thead', null, el('tr', null,
        ['Failed at', 'Reason', 'Detail', 'Source', 'In saga.dlq'].map(
          (h) => el('th', { scope: 'col' }, h)))),
      el('tbody', null, items.map((d) => el('tr', null,
        el('td', null, time(d.failedAt)),
        el('td', null, el('code', null, d.reason)),
        el('td', null, d.detail),
        el('td', null, `${d.sourceTopic}-${d.sourcePartition}@${d.sourceOffset}`),
        el('td', null, d.dlqPartition === undefined ? '—' : `${d.dlqPartition}@${d.dlqOffset}`))))));
  }

  function renderActions(saga) {
    const stuck = saga.status === 'STUCK';
    const running = saga.status === 'RUNNING';
    show($('operator-form'), stuck);
    show($('cancel-form'), running);
    if (stuck) fillSteps(saga);
  }

  // Rebuilt on every refresh, but the operator's choice survives while that step still exists.
  function fillSteps(saga) {
    const select = $('op-step');
    const chosen = select.value;
    const names = (saga.steps || []).map((s) => s.name);
    const suggested = (saga.currentSteps || [])[0]
      || ((saga.steps || []).find((s) => /FAILED$/.test(s.status)) || {}).name;
    select.replaceChildren(...names.map((name) => el('option', { value: name }, name)));
    select.value = names.includes(chosen) ? chosen : (suggested || names[0] || '');
    select.disabled = $('op-action').value === 'FORCE_COMPENSATION';
  }

  function accepted(node) {
    node.dataset.state = 'ok';
    node.replaceChildren('Accepted at ', time(new Date().toISOString()),
      ': the request is on its Kafka topic. The saga decides what it means; watch its status and'
      + ' history.');
  }

  function refused(node, e) {
    node.dataset.state = 'error';
    node.textContent = e.message;
  }

  function wireDetail() {
    $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
    $('token').addEventListener('input', () => {
      const token = $('token').value.trim();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    });
    // Once per edit, not per keystroke: a read that was refused is retried with the new token.
    $('token').addEventListener('change', () => poller.now());
    $('op-operator').value = sessionStorage.getItem(OPERATOR_KEY) || '';
    $('op-action').addEventListener('change', () => {
      $('op-step').disabled = $('op-action').value === 'FORCE_COMPENSATION';
    });

    $('operator-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const sagaId = view.sagaId;
      const action = $('op-action').value;
      const operator = $('op-operator').value.trim();
      sessionStorage.setItem(OPERATOR_KEY, operator);
      const result = $('op-result');
      try {
        await entrypoint(`/sagas/${encodeURIComponent(sagaId)}/operator`, {
          action,
          step: action === 'FORCE_COMPENSATION' ? null : $('op-step').value,
          operator,
          reason: $('op-reason').value.trim(),
        });
        accepted(result);
      } catch (e) {
        refused(result, e);
      }
      poller.now();
    });

    $('cancel-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const result = $('cancel-result');
      try {
        await entrypoint(`/sagas/${encodeURIComponent(view.sagaId)}/cancel`, {
          reason: $('cancel-reason').value.trim(),
        });
        accepted(result);
      } catch (e) {
        refused(result, e);
      }
      poller.now();
    });
  }

  wireList();
  wireDetail();
  route();
})();
