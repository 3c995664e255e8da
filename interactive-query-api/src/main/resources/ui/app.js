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

  const VIEWS = ['overview-view', 'types-view', 'dlq-view', 'list-view', 'detail-view'];

  // Shows one view and marks its entry in the header's navigation as the current page.
  function only(id, nav) {
    for (const name of VIEWS) show($(name), name === id);
    for (const link of document.querySelectorAll('nav.views a')) {
      if (link.id === nav) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  function route() {
    const query = new URLSearchParams(location.search);
    if (query.has('saga') && !location.hash) {
      history.replaceState(null, '', location.pathname + sagaHref(query.get('saga')));
    }
    // Bookmarks of the list from before the overview became the landing page.
    if (location.hash.startsWith('#/?')) {
      history.replaceState(null, '', location.pathname + '#/sagas?' + location.hash.slice(3));
    }
    const hash = location.hash;
    const detail = /^#\/sagas\/([^/?]+)$/.exec(hash);
    const type = /^#\/types\/([^/?]+)$/.exec(hash);
    view = {};
    if (detail) {
      detailView(view, decodeURIComponent(detail[1]));
    } else if (hash === '#/sagas' || hash.startsWith('#/sagas?')) {
      listView(view, listState());
    } else if (type) {
      typesView(view, decodeURIComponent(type[1]));
    } else if (hash === '#/dead-letters' || hash.startsWith('#/dead-letters?')) {
      deadLettersView(view, dlqState());
    } else {
      overviewView(view);
    }
  }

  window.addEventListener('hashchange', route);

  // ---- list view ---------------------------------------------------------------------------

  function listState() {
    const hash = location.hash;
    const query = new URLSearchParams(hash.startsWith('#/sagas?') ? hash.slice(8) : '');
    return {
      status: STATUSES.includes(query.get('status')) ? query.get('status') : '',
      type: query.get('type') || '',
      step: query.get('step') || '',
      stepStatus: query.get('stepStatus') || '',
      stuck: /^[1-9][0-9]*$/.test(query.get('stuck') || '') ? query.get('stuck') : '',
      limit: ['25', '50', '100', '500'].includes(query.get('limit')) ? query.get('limit') : '50',
      cursor: query.get('cursor') || '',
    };
  }

  function listHash(state) {
    const query = new URLSearchParams();
    for (const key of ['status', 'type', 'step', 'stepStatus', 'stuck', 'limit', 'cursor']) {
      if (state[key]) query.set(key, state[key]);
    }
    const text = query.toString();
    return text ? '#/sagas?' + text : '#/sagas';
  }

  function searchPath(state) {
    const query = new URLSearchParams();
    if (state.status) query.set('status', state.status);
    if (state.type) query.set('type', state.type);
    if (state.step) query.set('step', state.step);
    if (state.step && state.stepStatus) query.set('stepStatus', state.stepStatus);
    if (state.stuck) query.set('stuckFor', `PT${state.stuck}M`);
    query.set('limit', state.limit);
    if (state.cursor) query.set('cursor', state.cursor);
    return '/sagas?' + query.toString();
  }

  function listView(current, state) {
    document.title = 'Sagas · Sagaflow';
    only('list-view', 'nav-sagas');
    $('f-status').value = state.status;
    $('f-type').value = state.type;
    $('f-step').value = state.step;
    $('f-step-status').value = state.stepStatus;
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
        step: $('f-step').value.trim(),
        stepStatus: $('f-step-status').value,
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
      location.hash = '#/sagas';
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
    only('detail-view', 'nav-sagas');
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

  // ---- overview ----------------------------------------------------------------------------

  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function listLink(filters, text) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
    return el('a', { href: '#/sagas?' + query.toString() }, text);
  }

  function typeHref(type) {
    return '#/types/' + encodeURIComponent(type);
  }

  function overviewView(current) {
    document.title = 'Overview · Sagaflow';
    only('overview-view', 'nav-overview');
    poller.start(async () => {
      let overview;
      try {
        overview = await api('/console/overview');
      } catch (e) {
        if (view !== current) return;
        showProblem($('overview-error'), `Could not read the overview: ${readFailure(e)}`);
        refreshFailed();
        return;
      }
      if (view !== current) return;
      showProblem($('overview-error'), '');
      renderCounts(overview.types || []);
      renderPlot($('plot-throughput'), $('legend-throughput'), overview.series, [
        ['started', 'Started'], ['completed', 'Completed'],
        ['compensated', 'Compensated'], ['failed', 'Failed']], 'sagas');
      renderPlot($('plot-latency'), $('legend-latency'), overview.series, [
        ['stepLatencyP50Ms', 'p50'], ['stepLatencyP99Ms', 'p99']], 'ms');
      renderOldest($('oldest-running'), overview.oldestRunning || [], 'No saga is running.');
      renderOldest($('oldest-stuck'), overview.oldestStuck || [], 'No saga is STUCK.');
      refreshed();
    });
  }

  function renderCounts(types) {
    $('counts-head').replaceChildren(
      el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col' }, 'Version'),
      ...STATUSES.map((s) => el('th', { scope: 'col' }, s)), el('th', { scope: 'col' }, 'Total'));
    $('counts-rows').replaceChildren(...types.map((t) =>
      el('tr', { 'data-type': t.sagaType, 'data-version': t.version },
        el('th', { scope: 'row' }, el('a', { href: typeHref(t.sagaType) }, t.sagaType)),
        el('td', null, String(t.version)),
        ...STATUSES.map((s) => {
          const n = (t.counts && t.counts[s]) || 0;
          return el('td', { 'data-status': s, class: 'num' },
            n ? listLink({ status: s, type: t.sagaType }, String(n)) : '0');
        }),
        el('td', { class: 'num', 'data-status': 'TOTAL' }, String(t.total)))));
    if (types.length === 0) {
      $('counts-rows').replaceChildren(el('tr', null,
        el('td', { colspan: STATUSES.length + 3 }, 'No saga has been stored yet.')));
    }
  }

  // A line per measure over the hour; each minute with a value is a point with its own tooltip,
  // and the numbers are in a table for readers who cannot see the drawing.
  function renderPlot(box, legend, series, measures, unit) {
    const width = 600;
    const height = 180;
    const pad = { left: 44, right: 8, top: 8, bottom: 22 };
    const minutes = (series && series.minutes) || [];
    let max = 1;
    for (const [key] of measures) {
      for (const v of (series && series[key]) || []) if (v !== null && v > max) max = v;
    }
    const x = (i) => pad.left + (i * (width - pad.left - pad.right)) / Math.max(1, minutes.length - 1);
    const y = (v) => height - pad.bottom - (v * (height - pad.top - pad.bottom)) / max;
    const chart = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart',
      'aria-label': `${measures.map((m) => m[1]).join(', ')} per minute over the last hour, up to ${max} ${unit}`,
    });
    chart.append(
      svg('line', { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), class: 'axis' }),
      svg('line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: y(0), class: 'axis' }),
      svg('text', { x: pad.left - 4, y: pad.top + 10, 'text-anchor': 'end', class: 'tick' }, String(max)),
      svg('text', { x: pad.left - 4, y: y(0), 'text-anchor': 'end', class: 'tick' }, '0'),
      svg('text', { x: pad.left, y: height - 4, class: 'tick' }, '60 min ago'),
      svg('text', { x: width - pad.right, y: height - 4, 'text-anchor': 'end', class: 'tick' }, 'now'));
    let points = 0;
    measures.forEach(([key, label], index) => {
      const values = (series && series[key]) || [];
      const coords = [];
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        coords.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      });
      const group = svg('g', { class: `series s${index}`, 'data-measure': key });
      if (coords.length > 1) group.append(svg('polyline', { points: coords.join(' ') }));
      values.forEach((v, i) => {
        if (v === null || v === undefined || (v === 0 && unit === 'sagas')) return;
        points += 1;
        group.append(svg('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3 },
          svg('title', null, `${label}: ${v} ${unit} at ${minutes[i]}`)));
      });
      chart.append(group);
    });
    box.dataset.points = String(points);
    box.replaceChildren(chart, plotTable(series, measures, minutes));
    legend.replaceChildren(...measures.map(([, label], index) =>
      el('span', { class: `legend-item s${index}` },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }, index % 2 ? '■' : '●'), ' ', label)));
  }

  function plotTable(series, measures, minutes) {
    const rows = [];
    minutes.forEach((m, i) => {
      const values = measures.map(([key]) => ((series && series[key]) || [])[i]);
      if (values.every((v) => !v)) return;
      rows.push(el('tr', null, el('th', { scope: 'row' }, time(m)),
        ...values.map((v) => el('td', { class: 'num' }, v === null || v === undefined ? '—' : String(v)))));
    });
    return el('details', null, el('summary', null, 'The numbers'),
      el('table', { class: 'counts' },
        el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Minute'),
          ...measures.map(([, label]) => el('th', { scope: 'col' }, label)))),
        el('tbody', null, rows)));
  }

  function renderOldest(list, items, none) {
    if (items.length === 0) {
      list.replaceChildren(el('li', { class: 'muted' }, none));
      return;
    }
    list.replaceChildren(...items.map((s) => el('li', { 'data-saga-id': s.sagaId },
      el('a', { href: sagaHref(s.sagaId) }, el('code', null, s.sagaId)), ' ', badge(s.status), ' ',
      s.sagaType, ' · since ', time(s.statusSince),
      s.status === 'STUCK'
        ? el('span', null, ' · ', el('a', { href: sagaHref(s.sagaId) + '', class: 'action-link' }, 'Redrive from a step'))
        : null)));
  }

  // ---- saga type diagram -------------------------------------------------------------------

  let sagaTypes = null;

  function typesView(current, type) {
    document.title = `${type} · Sagaflow`;
    only('types-view', 'nav-overview');
    $('diagram-type').textContent = type;
    $('diagrams').replaceChildren();
    poller.start(async () => {
      try {
        if (!sagaTypes) sagaTypes = (await api('/console/saga-types')).items || [];
        const overview = await api('/console/overview');
        if (view !== current) return;
        const versions = sagaTypes.filter((d) => d.sagaType === type);
        if (versions.length === 0) {
          showProblem($('types-error'), `No saga type '${type}' is registered here.`);
          return;
        }
        showProblem($('types-error'), '');
        const counts = {};
        for (const s of overview.steps || []) {
          if (s.sagaType === type) counts[`${s.version}|${s.step}`] = s;
        }
        // Versions side by side: during a rollout sagas run on more than one.
        $('diagrams').replaceChildren(...versions.map((d) => diagram(d, counts)));
        refreshed();
      } catch (e) {
        if (view !== current) return;
        showProblem($('types-error'), `Could not draw the saga type: ${readFailure(e)}`);
        refreshFailed();
      }
    });
  }

  function diagram(definition, counts) {
    return el('section', { class: 'diagram', 'data-version': definition.version,
      'aria-label': `${definition.sagaType} version ${definition.version}` },
    el('h3', null, `Version ${definition.version}`),
    el('ol', { class: 'stages' }, definition.stages.map((stage, i) =>
      el('li', { class: stage.length > 1 ? 'stage parallel' : 'stage', 'data-stage': i },
        stage.length > 1 ? el('p', { class: 'stage-label' }, 'In parallel') : null,
        el('div', { class: 'stage-steps' }, stage.map((step) =>
          stepNode(definition, step, counts[`${definition.version}|${step.name}`] || {})))))));
  }

  function stepNode(definition, step, c) {
    const list = (extra) => Object.assign({ type: definition.sagaType, step: step.name }, extra);
    const live = [['waiting', 'waiting'], ['retrying', 'retrying'], ['failed', 'failed'],
      ['compensating', 'compensating']];
    const box = el('div', { class: 'node', 'data-kind': 'action', 'data-step': step.name,
      'data-step-kind': step.kind },
    el('a', { class: 'node-title', href: '#/sagas?' + new URLSearchParams(list({})).toString() },
      step.pivot ? el('span', { class: 'pivot-mark', 'aria-hidden': 'true' }, '◆ ') : null,
      el('strong', null, step.name)),
    el('p', { class: 'node-kind' }, step.pivot ? 'Pivot: point of no return' : kindLabel(step.kind)),
    el('ul', { class: 'node-counts' },
      live.map(([key, label]) => el('li', { 'data-count': key },
        (c[key] || 0) > 0
          ? listLink(list({ stepStatus: stepStatusOf(key) }), `${c[key]} ${label}`)
          : `0 ${label}`)),
      el('li', { 'data-count': 'succeeded', class: 'muted' }, `${c.succeeded || 0} succeeded`)));
    if (!step.compensationTopic) return el('div', { class: 'step-pair' }, box);
    const comp = el('div', { class: 'node compensation', 'data-kind': 'compensation',
      'data-step': step.name },
    el('a', { class: 'node-title',
      href: '#/sagas?' + new URLSearchParams(list({ stepStatus: 'COMPENSATED' })).toString() },
    el('span', { class: 'marker', 'aria-hidden': 'true' }, '↺ '), el('strong', null, 'Compensation')),
    el('p', { class: 'node-kind' }, `undoes ${step.name} via ${step.compensationTopic}`),
    el('ul', { class: 'node-counts' },
      el('li', { 'data-count': 'compensated' }, `${c.compensated || 0} compensated`)));
    return el('div', { class: 'step-pair' }, box, comp);
  }

  function kindLabel(kind) {
    return kind === 'COMPENSATABLE' ? 'Compensatable' : kind === 'RETRIABLE' ? 'Retriable (after the pivot)' : kind;
  }

  function stepStatusOf(measure) {
    return { waiting: 'AWAITING_REPLY', retrying: 'RETRY_SCHEDULED', failed: 'FAILED',
      compensating: 'COMPENSATING' }[measure];
  }

  // ---- dead letters ------------------------------------------------------------------------

  const DLQ_FILTERS = ['reason', 'sourceTopic', 'type', 'failedAfter', 'failedBefore'];
  let dryRunFor = null;

  function dlqState() {
    const hash = location.hash;
    const query = new URLSearchParams(hash.startsWith('#/dead-letters?') ? hash.slice(15) : '');
    const state = { cursor: query.get('cursor') || '' };
    for (const key of DLQ_FILTERS) state[key] = query.get(key) || '';
    return state;
  }

  function dlqQuery(state, withCursor) {
    const query = new URLSearchParams();
    for (const key of DLQ_FILTERS) if (state[key]) query.set(key, state[key]);
    if (withCursor && state.cursor) query.set('cursor', state.cursor);
    return query;
  }

  function deadLettersView(current, state) {
    document.title = 'Dead letters · Sagaflow';
    only('dlq-view', 'nav-dead-letters');
    $('d-reason').value = state.reason;
    $('d-topic').value = state.sourceTopic;
    $('d-type').value = state.type;
    $('d-after').value = state.failedAfter;
    $('d-before').value = state.failedBefore;
    $('dlq-first').disabled = !state.cursor;
    $('dlq-next').disabled = true;
    current.dlq = state;
    // A dry run answers for the filters it ran with; other filters need their own.
    $('bulk-redrive').disabled = dryRunFor !== dlqQuery(state, false).toString();
    poller.start(async () => {
      let page;
      try {
        page = await api('/dead-letters?' + dlqQuery(state, true).toString());
      } catch (e) {
        if (view !== current) return;
        showProblem($('dlq-error'), `Could not search dead letters: ${readFailure(e)}`);
        refreshFailed();
        return;
      }
      if (view !== current) return;
      showProblem($('dlq-error'), '');
      renderLetters(page.items || []);
      $('dlq-next').disabled = !page.nextCursor;
      $('dlq-next').dataset.cursor = page.nextCursor || '';
      refreshed();
    });
  }

  function renderLetters(items) {
    $('dlq-rows').replaceChildren(...items.map((d) => el('tr', { 'data-letter-id': d.letterId, 'data-saga-id': d.sagaId },
      el('td', null, time(d.failedAt)),
      el('td', null, el('code', null, d.reason)),
      el('td', null, el('a', { href: sagaHref(d.sagaId) }, el('code', null, d.sagaId))),
      el('td', null, d.sagaType ? el('a', { href: typeHref(d.sagaType) }, d.sagaType) : el('span', { class: 'muted' }, 'no state')),
      el('td', null, `${d.sourceTopic}-${d.sourcePartition}@${d.sourceOffset}`),
      el('td', null, d.detail),
      el('td', null,
        el('button', { type: 'button', class: 'secondary', 'data-action': 'dry-run', 'data-letter': d.letterId,
          'aria-label': `Dry run of redriving letter ${d.letterId}` }, 'Dry run'), ' ',
        el('button', { type: 'button', 'data-action': 'redrive', 'data-letter': d.letterId,
          'aria-label': `Redrive letter ${d.letterId}` }, 'Redrive')))));
    show($('dlq-empty'), items.length === 0);
  }

  function redriveFields() {
    const operator = $('rd-operator').value.trim();
    const reason = $('rd-reason').value.trim();
    if (!operator || !reason) {
      throw new ApiError(400, 'Fill in Operator and Reason in the redrive form: every redrive is recorded with them.');
    }
    sessionStorage.setItem(OPERATOR_KEY, operator);
    return { operator, reason };
  }

  function redriveResult(state, lines) {
    const node = $('redrive-result');
    node.dataset.state = state;
    node.replaceChildren(...lines.map((line) => el('p', null, line)));
  }

  async function redriveOne(letterId, dryRun) {
    try {
      const body = Object.assign(redriveFields(), { dryRun });
      const answer = await entrypoint(`/dead-letters/${encodeURIComponent(letterId)}/redrive`, body);
      redriveResult('ok', [`Letter ${letterId}: ${answer.outcome}. ${answer.detail}`]);
    } catch (e) {
      redriveResult('error', [`Letter ${letterId}: ${e.message}`]);
    }
    poller.now();
  }

  async function redriveBulk(dryRun) {
    const state = view.dlq;
    const filters = dlqQuery(state, false);
    try {
      const query = {};
      for (const [k, v] of filters.entries()) query[k] = v;
      const body = Object.assign(redriveFields(), { dryRun, query });
      const answer = await entrypoint('/dead-letters/redrive', body);
      const tally = Object.entries(answer.outcomes || {}).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing';
      redriveResult('ok', [
        `${dryRun ? 'Dry run' : 'Redrive'} of ${answer.matched} matching letter(s): ${tally}.`
          + (answer.more ? ' More letters match: repeat to take the next ones.' : ''),
        ...(answer.items || []).slice(0, 20).map((o) => `${o.letterId}: ${o.outcome}. ${o.detail}`)]);
      dryRunFor = dryRun ? filters.toString() : null;
      $('bulk-redrive').disabled = !dryRun;
    } catch (e) {
      redriveResult('error', [e.message]);
    }
    poller.now();
  }

  function wireDeadLetters() {
    $('rd-operator').value = sessionStorage.getItem(OPERATOR_KEY) || '';
    $('dlq-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      const state = { cursor: '' };
      state.reason = $('d-reason').value;
      state.sourceTopic = $('d-topic').value;
      state.type = $('d-type').value.trim();
      state.failedAfter = $('d-after').value.trim();
      state.failedBefore = $('d-before').value.trim();
      const text = dlqQuery(state, false).toString();
      location.hash = text ? '#/dead-letters?' + text : '#/dead-letters';
    });
    $('d-clear').addEventListener('click', () => {
      location.hash = '#/dead-letters';
    });
    $('dlq-next').addEventListener('click', () => {
      const state = Object.assign(dlqState(), { cursor: $('dlq-next').dataset.cursor });
      location.hash = '#/dead-letters?' + dlqQuery(state, true).toString();
    });
    $('dlq-first').addEventListener('click', () => {
      const text = dlqQuery(dlqState(), false).toString();
      location.hash = text ? '#/dead-letters?' + text : '#/dead-letters';
    });
    $('dlq-rows').addEventListener('click', (event) => {
      const button = /** @type {Element} */ (event.target).closest('button[data-letter]');
      if (!(button instanceof HTMLElement)) return;
      redriveOne(button.dataset.letter, button.dataset.action === 'dry-run');
    });
    $('bulk-dry-run').addEventListener('click', () => redriveBulk(true));
    $('bulk-redrive').addEventListener('click', () => redriveBulk(false));
  }

  wireList();
  wireDetail();
  wireDeadLetters();
  route();
})();
