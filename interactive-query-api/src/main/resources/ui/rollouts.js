// The rollouts section of the status page: every saga type's rollout from GET /rollouts, refreshed
// every 5 s. A file of its own so the saga views can change without touching it; it shares only
// the token the page keeps for this tab.
'use strict';

(() => {
  const TOKEN_KEY = 'sagaflow.token';
  const REFRESH_MS = 5000;

  /** @param {string} tag @param {string} text @returns {HTMLElement} */
  function cell(tag, text) {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  /** @param {{started:number, completed:number, failed:number, invariantViolations:number, steps:number, slowSteps:number}} f */
  function figures(f) {
    return `${f.started} started, ${f.completed} completed, ${f.failed} failed, `
      + `${f.invariantViolations} violations, ${f.slowSteps}/${f.steps} slow steps`;
  }

  /** @param {Array<any>} rollouts */
  function render(rollouts) {
    const body = document.getElementById('rollouts-body');
    const empty = document.getElementById('rollouts-empty');
    if (!body || !empty) return;
    body.replaceChildren();
    empty.hidden = rollouts.length > 0;
    for (const r of rollouts) {
      const row = document.createElement('tr');
      row.dataset.phase = r.phase;
      row.append(
        cell('td', r.sagaType),
        cell('td', r.phase),
        cell('td', `v${r.stableVersion} \u2192 v${r.candidateVersion}`),
        cell('td', `${r.weight / 100}%`),
        cell('td', figures(r.candidate)),
        cell('td', figures(r.stable)),
        // The end reason names the guard itself ("INVARIANT_VIOLATIONS failed: ...").
        cell('td', r.guard ? r.endReason || r.guard : '\u2014'),
      );
      body.append(row);
    }
  }

  async function refresh() {
    const status = document.getElementById('rollouts-status');
    const token = sessionStorage.getItem(TOKEN_KEY);
    try {
      const answer = await fetch('/rollouts', {
        headers: token ? { Authorization: 'Bearer ' + token } : {},
      });
      if (!answer.ok) {
        if (status) status.textContent = `Rollouts could not be read (HTTP ${answer.status}).`;
        return;
      }
      const json = await answer.json();
      render(json.rollouts || []);
      if (status) status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      if (status) status.textContent = `Rollouts could not be read: ${e}`;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    refresh();
    setInterval(refresh, REFRESH_MS);
  });
})();
