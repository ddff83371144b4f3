const Gaara = (() => {
  const esc = (s) => s.replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
  function ansi(line) {
    let out = '', classes = [], open = false;
    const parts = line.split(/\u001b\[([0-9;]*)m/);
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 0) { out += esc(parts[i].replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')); continue; }
      for (const code of parts[i].split(';').map((x) => parseInt(x || '0', 10))) {
        if (code === 0) classes = [];
        else if (code === 1) classes.push('b'); else if (code === 3) classes.push('i'); else if (code === 4) classes.push('u');
        else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) classes = classes.filter((c) => c[0] !== 'f').concat('f' + code);
        else if (code === 39) classes = classes.filter((c) => c[0] !== 'f');
        else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) classes = classes.filter((c) => c[0] !== 'g').concat('g' + code);
        else if (code === 49) classes = classes.filter((c) => c[0] !== 'g');
      }
      if (open) out += '</span>';
      open = classes.length > 0;
      if (open) out += '<span class="' + classes.join(' ') + '">';
    }
    if (open) out += '</span>';
    return out;
  }
  // The markers of cut lines and logs (LogLimits) end with this; it links to the raw log.
  function rawLink(html, container) {
    const tail = '; download the raw log]';
    if (!container.dataset.raw || !html.endsWith(tail)) return html;
    return html.slice(0, -tail.length) + '; <a href="' + esc(container.dataset.raw) + '">download the raw log</a>]';
  }
  function appendLog(container, text) {
    let target = container.querySelector('details.group[data-open="1"]') || container;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('##[group]')) {
        const group = document.createElement('details');
        group.className = 'group'; group.dataset.open = '1';
        group.innerHTML = '<summary>' + ansi(line.slice(9)) + '</summary>';
        container.appendChild(group); target = group;
      } else if (line.startsWith('##[endgroup]')) {
        if (target !== container) { delete target.dataset.open; target = container; }
      } else {
        const div = document.createElement('div');
        const note = line.startsWith('##[gaara]');
        div.className = note ? 'line note' : 'line';
        div.innerHTML = rawLink(ansi(note ? line.slice(9) : line), container);
        target.appendChild(div);
      }
    }
    container.scrollTop = container.scrollHeight;
  }
  function badge(status, conclusion) {
    const label = conclusion || status;
    return '<span class="badge ' + esc(label) + '" data-status="' + esc(label) + '">' + esc(label) + '</span>';
  }
  function jobSection(job) {
    const folder = job.key.replace(/[^A-Za-z0-9_.-]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')) + '-' + job.matrix_index;
    let section = document.querySelector('section.job[data-job="' + CSS.escape(folder) + '"]');
    if (!section) {
      section = document.createElement('section');
      section.className = 'job'; section.dataset.job = folder; section.id = 'job-' + folder;
      section.innerHTML = '<h3></h3>';
      document.getElementById('jobs').appendChild(section);
    }
    section.querySelector('h3').innerHTML = badge(job.status, job.conclusion) + ' ' + esc(job.name);
    return section;
  }
  function stepBlock(section, number, name) {
    let block = section.querySelector('details.step[data-step="' + number + '"]');
    if (!block) {
      block = document.createElement('details');
      block.className = 'step'; block.dataset.step = String(number); block.open = true;
      block.innerHTML = '<summary></summary><div class="log"></div>';
      const later = Array.from(section.querySelectorAll('details.step')).find((b) => parseInt(b.dataset.step, 10) > number);
      section.insertBefore(block, later || null);
      block.querySelector('summary').innerHTML = esc(name);
    }
    return block;
  }
  function liveRun(id, live) {
    if (!live || !window.EventSource) return;
    const fresh = new Set();
    const source = new EventSource('/api/runs/' + id + '/events?logs=1');
    source.addEventListener('run', (event) => {
      const detail = JSON.parse(event.data);
      const heading = document.querySelector('h1 .badge');
      // A run whose only unfinished jobs wait for their environments says "waiting", as the server renders it.
      const unfinished = detail.jobs.filter((job) => job.status !== 'completed');
      const waiting = unfinished.length > 0 && unfinished.every((job) => job.status === 'waiting');
      const shown = detail.run.status === 'running' && waiting ? 'waiting' : detail.run.status;
      if (heading) heading.outerHTML = badge(shown, detail.run.conclusion);
      // A job started waiting for approval: the page reloads once to show its approval form.
      const key = 'gaara-approval-reload-' + id;
      if (detail.jobs.some((job) => job.status === 'waiting') && !document.querySelector('.approval')
          && Date.now() - Number(sessionStorage.getItem(key) || 0) > 5000) {
        sessionStorage.setItem(key, String(Date.now()));
        location.reload();
      }
      for (const job of detail.jobs) {
        const node = document.querySelector('.graph .node[data-node="' + CSS.escape(job.key) + '"]');
        if (node) node.className = 'node ' + (job.conclusion || job.status);
        const section = jobSection(job);
        for (const step of job.steps) {
          const block = stepBlock(section, step.number, step.name);
          const seconds = step.duration_seconds != null ? ' <small>' + step.duration_seconds.toFixed(1) + 's</small>' : '';
          const raw = '/api/runs/' + id + '/logs?job=' + job.id + '&step=' + step.number;
          block.querySelector('.log').dataset.raw = raw;
          const link = step.status !== 'queued' && step.conclusion !== 'skipped' ? ' <a class="raw" href="' + esc(raw) + '">raw</a>' : '';
          block.querySelector('summary').innerHTML = badge(step.status, step.conclusion) + ' ' + esc(step.name) + seconds + link;
        }
      }
      document.body.dataset.runStatus = detail.run.status;
    });
    source.addEventListener('log', (event) => {
      const chunk = JSON.parse(event.data);
      const section = document.querySelector('section.job[data-job="' + CSS.escape(chunk.job) + '"]') || jobSection({key: chunk.job, matrix_index: '', name: chunk.job, status: 'running'});
      const block = stepBlock(section, chunk.step, chunk.step === 0 ? 'Set up job' : 'Step ' + chunk.step);
      const container = block.querySelector('.log');
      if (chunk.job_id != null) container.dataset.raw = '/api/runs/' + id + '/logs?job=' + chunk.job_id + '&step=' + chunk.step;
      const key = chunk.job + '/' + chunk.step;
      if (!fresh.has(key)) { fresh.add(key); container.innerHTML = ''; }
      appendLog(container, chunk.text);
      document.body.dataset.liveLines = String(parseInt(document.body.dataset.liveLines || '0', 10) + chunk.text.split('\n').length - 1);
    });
    source.addEventListener('end', () => { source.close(); document.body.dataset.runStatus = 'completed'; setTimeout(() => location.reload(), 300); });
  }
  // The runs list follows the server's changes (a run queued, started, finished) without a
  // reload: each `runs` event fetches the page again (at most once a second) and swaps the list in
  // place, so the filters and the scroll position stay. Without EventSource it reloads while runs run.
  function liveList() {
    const list = document.querySelector('.run-list');
    if (!list) return;
    if (!window.EventSource) {
      if (list.querySelector('.badge.running, .badge.queued')) setTimeout(() => location.reload(), 3000);
      return;
    }
    let busy = false;
    let again = false;
    async function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      try {
        const response = await fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
        if (response.ok) {
          const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('.run-list');
          const now = document.querySelector('.run-list');
          if (next && now) {
            now.replaceWith(next);
            document.body.dataset.runsUpdated = String(parseInt(document.body.dataset.runsUpdated || '0', 10) + 1);
          }
        }
      } catch (error) {
        // The next event tries again.
      }
      setTimeout(() => { busy = false; if (again) { again = false; refresh(); } }, 1000);
    }
    const source = new EventSource('/api/events/runs');
    let first = true;
    source.addEventListener('runs', () => {
      // The first event only says the stream is open: the page is fresh already. The server ends
      // a stream now and then and EventSource connects again; what changed meanwhile comes then.
      if (first) { first = false; document.body.dataset.runsLive = '1'; return; }
      refresh();
    });
    source.addEventListener('open', () => { if (!first) refresh(); });
  }
  // A running rollout's page reloads to show its progress, but never under a person writing the
  // comment that goes with their decision.
  function refreshUnlessTyping(ms) {
    setTimeout(() => {
      const comment = document.querySelector('.steer input[name="comment"]');
      if (comment && (comment.value !== '' || document.activeElement === comment)) return refreshUnlessTyping(ms);
      location.reload();
    }, ms);
  }
  // The metrics page's charts, fetched again and swapped in place (no reload: the scroll position
  // stays); a failed fetch leaves the charts as they are until the next one.
  async function refreshCharts() {
    const response = await fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (!response.ok) return false;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const selector of ['.dora-list', '.charts']) {
      const now = document.querySelector(selector);
      const next = fresh.querySelector(selector);
      if (now && next) now.replaceWith(next);
    }
    document.body.dataset.chartsUpdated = String(parseInt(document.body.dataset.chartsUpdated || '0', 10) + 1);
    return true;
  }
  function liveCharts(ms) {
    setInterval(() => { refreshCharts().catch(() => {}); }, ms);
  }
  return { liveRun, liveList, refreshUnlessTyping, refreshCharts, liveCharts, ansi };
})();
