// Admin page of control-api: plain browser JavaScript, no build step. Talks only to the documented
// /api endpoints (OpenAPI at /docs) with the API key the admin types in; the key lives in
// sessionStorage for this tab only. Every change goes through the API, which publishes the tenant's
// settings on integration.settings.v1; the page re-reads the tenant after each change and every 5 s.
(() => {
  'use strict';
  const KEY_STORAGE = 'hubheap.apiKey';
  const $ = (selector) => document.querySelector(selector);
  const state = { tenantId: null, tenant: null, timer: null };

  const say = (text, isError = false) => {
    const el = $('#message');
    el.textContent = text;
    el.className = isError ? 'error' : '';
  };

  /** Calls the control-api; throws an Error carrying the API's message on a non-2xx answer. */
  const api = async (method, path, body) => {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE) ?? ''}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      // control-api answers errors as {error, issues?: ['field: message', ...]}.
      const issues = Array.isArray(data?.issues) ? data.issues : [];
      const detail = [data?.error ?? data?.message, ...issues].filter(Boolean).join('; ');
      throw new Error(`${res.status} ${detail || res.statusText}`);
    }
    return data;
  };

  const run = async (what, action) => {
    try {
      await action();
      if (what) say(what);
    } catch (error) {
      say(error.message, true);
    }
  };

  const badge = (status) => {
    const cls = {
      Connected: 'connected',
      'Waiting for data': 'waiting',
      Paused: 'paused',
      Disconnected: 'disconnected',
    }[status];
    const span = document.createElement('span');
    span.className = `badge ${cls ?? ''}`;
    span.textContent = status;
    return span;
  };

  const cell = (row, content) => {
    const td = document.createElement('td');
    if (content instanceof Node) td.append(content);
    else td.textContent = content ?? '';
    row.append(td);
    return td;
  };

  const renderTenants = (tenants) => {
    const body = $('#tenants tbody');
    body.replaceChildren();
    for (const t of tenants) {
      const row = document.createElement('tr');
      row.dataset.tenantId = t.id;
      cell(row, t.name || `Portal ${t.portalId}`);
      cell(row, String(t.portalId));
      cell(row, t.heapAppId);
      cell(row, badge(t.status.source));
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = 'Open';
      open.addEventListener('click', () => selectTenant(t.id));
      cell(row, open);
      body.append(row);
    }
  };

  const lastRunText = (run) => {
    if (!run) return 'never';
    const counts = run.counts
      ? Object.entries(run.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '';
    const when = run.finishedAt ?? run.startedAt ?? '';
    return [run.status, when, counts].filter(Boolean).join(' · ');
  };

  const renderTenant = (t) => {
    state.tenant = t;
    $('#tenant').hidden = false;
    $('#tenant-name').textContent = t.name || `Portal ${t.portalId}`;
    $('#tenant-ids').textContent = `portal ${t.portalId} ⇄ Heap app_id ${t.heapAppId}`;
    $('#source-status').textContent = t.status.source;
    $('#source-detail').textContent = t.status.firstEventAt
      ? `first event ${t.status.firstEventAt}, last ${t.status.lastEventAt}, ${t.status.eventsWritten} events written`
      : '';
    $('#tenant-state').textContent = t.state;
    $('#hubspot-auth').textContent = t.hubspot.authorized
      ? `Authorised (${t.hubspot.method}${t.hubspot.expiresAt ? `, token expires ${t.hubspot.expiresAt}` : ''})`
      : 'Not authorised';
    $('#heap-secrets').textContent =
      `API key ${t.heap.apiKeySet ? 'set' : 'not set'}; segments webhook secret ${
        t.heap.segmentsWebhookSecretSet ? 'set' : 'not set'
      }`;
    // emailProperty is "" until an admin chooses one (the source stays off until then).
    const chosen = t.settings.emailProperty !== '';
    const custom = chosen && t.settings.emailProperty !== 'identity';
    const form = $('#source-settings');
    if (document.activeElement?.form !== form) {
      form.emailMode.value = chosen ? (custom ? 'custom' : 'identity') : '';
      form.emailProperty.value = custom ? t.settings.emailProperty : '';
    }
    $('#source-toggle').checked = t.settings.sourceEnabled;
    $('#source-toggle').disabled = t.state !== 'active' || !chosen || !t.hubspot.authorized;
    const keys = $('#match-keys');
    if (document.activeElement?.form !== keys) {
      keys.heapMatchProperty.value = t.settings.heapMatchProperty;
      keys.hubspotMatchProperty.value = t.settings.hubspotMatchProperty;
    }
    const runs = new Map(t.destination.segments.map((s) => [s.segmentId, s.lastRun]));
    const body = $('#segments tbody');
    body.replaceChildren();
    for (const s of t.settings.segments) {
      const row = document.createElement('tr');
      row.dataset.segmentId = s.segmentId;
      cell(row, s.name ? `${s.name} (${s.segmentId})` : s.segmentId);
      const select = document.createElement('select');
      select.setAttribute('aria-label', `Sync mode of ${s.segmentId}`);
      for (const mode of ['off', 'one-time', 'recurring'])
        select.add(new Option(mode, mode, false, mode === s.mode));
      select.addEventListener('change', () =>
        run(`Segment ${s.segmentId}: ${select.value}`, async () => {
          renderTenant(
            await api('PUT', `/api/tenants/${t.id}/segments/${encodeURIComponent(s.segmentId)}`, {
              mode: select.value,
              name: s.name ?? undefined,
            }),
          );
        }),
      );
      cell(row, select);
      cell(row, lastRunText(runs.get(s.segmentId)));
      body.append(row);
    }
  };

  const refreshTenant = async () => {
    if (state.tenantId) renderTenant(await api('GET', `/api/tenants/${state.tenantId}`));
  };

  const refresh = async () => {
    renderTenants(await api('GET', '/api/tenants'));
    await refreshTenant();
  };

  const selectTenant = (id) =>
    run('', async () => {
      state.tenantId = id;
      history.replaceState(null, '', `#tenant=${id}`);
      await refreshTenant();
    });

  const signedIn = async () => {
    $('#app').hidden = false;
    $('#logout').hidden = false;
    await run('', refresh);
    clearInterval(state.timer);
    state.timer = setInterval(() => refresh().catch((e) => say(e.message, true)), 5000);
  };

  const formData = (form) => Object.fromEntries(new FormData(form).entries());

  $('#login').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('#api-key').value.trim());
    $('#api-key').value = '';
    signedIn();
  });
  $('#logout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });

  $('#create-tenant').addEventListener('submit', (e) => {
    e.preventDefault();
    const data = formData(e.target);
    run('Tenant created', async () => {
      const t = await api('POST', '/api/tenants', {
        portalId: Number(data.portalId),
        heapAppId: data.heapAppId.trim(),
        name: data.name.trim() || undefined,
      });
      e.target.reset();
      state.tenantId = t.id;
      await refresh();
    });
  });

  $('#oauth-start').addEventListener('click', () =>
    run('', async () => {
      const { authorizeUrl } = await api('POST', `/api/tenants/${state.tenantId}/hubspot/oauth/start`);
      location.assign(authorizeUrl);
    }),
  );

  $('#private-token').addEventListener('submit', (e) => {
    e.preventDefault();
    const { token } = formData(e.target);
    run('HubSpot token saved', async () => {
      await api('PUT', `/api/tenants/${state.tenantId}/hubspot/private-app-token`, { token: token.trim() });
      e.target.reset();
      await refreshTenant();
    });
  });

  $('#heap-settings').addEventListener('submit', (e) => {
    e.preventDefault();
    const data = formData(e.target);
    const body = {};
    if (data.apiKey) body.apiKey = data.apiKey.trim();
    if (data.segmentsWebhookSecret) body.segmentsWebhookSecret = data.segmentsWebhookSecret.trim();
    run('Heap secrets saved', async () => {
      await api('PUT', `/api/tenants/${state.tenantId}/heap`, body);
      e.target.reset();
      await refreshTenant();
    });
  });

  $('#source-settings').addEventListener('submit', (e) => {
    e.preventDefault();
    const data = formData(e.target);
    const emailProperty = data.emailMode === 'custom' ? data.emailProperty.trim() : 'identity';
    run('Email property saved', async () =>
      renderTenant(await api('PATCH', `/api/tenants/${state.tenantId}/settings`, { emailProperty })),
    );
  });

  $('#source-toggle').addEventListener('change', (e) =>
    run(e.target.checked ? 'Source on' : 'Source off', async () =>
      renderTenant(
        await api('PATCH', `/api/tenants/${state.tenantId}/settings`, { sourceEnabled: e.target.checked }),
      ),
    ),
  );

  $('#match-keys').addEventListener('submit', (e) => {
    e.preventDefault();
    const data = formData(e.target);
    run('Match keys saved', async () =>
      renderTenant(
        await api('PATCH', `/api/tenants/${state.tenantId}/settings`, {
          heapMatchProperty: data.heapMatchProperty.trim(),
          hubspotMatchProperty: data.hubspotMatchProperty.trim(),
        }),
      ),
    );
  });

  $('#add-segment').addEventListener('submit', (e) => {
    e.preventDefault();
    const data = formData(e.target);
    run(`Segment ${data.segmentId} added`, async () => {
      renderTenant(
        await api(
          'PUT',
          `/api/tenants/${state.tenantId}/segments/${encodeURIComponent(data.segmentId.trim())}`,
          {
            mode: data.mode,
            name: data.name.trim() || undefined,
          },
        ),
      );
      e.target.reset();
    });
  });

  $('#disconnect').addEventListener('click', () => {
    if (!confirm('Disconnect this tenant? Both directions stop and its tokens are deleted.')) return;
    run('Disconnected', async () => {
      const result = await api('POST', `/api/tenants/${state.tenantId}/disconnect`);
      $('#disconnect-result').textContent = `Deleted: ${result.deleted.join(', ') || 'nothing'}. Kept: ${
        result.kept.join(', ') || 'nothing'
      }.`;
      await refresh();
    });
  });

  const fromHash = /tenant=([^&]+)/.exec(location.hash);
  if (fromHash) state.tenantId = decodeURIComponent(fromHash[1]);
  if (sessionStorage.getItem(KEY_STORAGE)) signedIn();
})();
