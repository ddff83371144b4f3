/// The dashboard's stylesheet and script (served from memory).
enum DashboardAssets {
    static let css = """
        :root{--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--ok:#1a7f37;--bad:#cf222e;--run:#bf8700;--off:#6e7781}
        *{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
        header{display:flex;gap:24px;align-items:center;padding:10px 24px;background:#24292f}header a{color:#fff;text-decoration:none;margin-right:16px}
        .brand{font-weight:700;font-size:18px}main{padding:16px 24px;max-width:1400px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;color:#fff;background:var(--off)}
        .badge.success,.badge.pass,.badge.passed{background:var(--ok)}.badge.failure,.badge.fail,.badge.failed,.badge.interrupted{background:var(--bad)}
        .badge.running,.badge.queued,.badge.pending{background:var(--run)}.badge.cancelled,.badge.skipped,.badge.warn{background:var(--off)}
        .filters{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:12px}.pages{margin-top:12px;display:flex;gap:16px}
        .meta,.hint,small{color:var(--muted)}.empty{color:var(--muted);font-style:italic}
        .graph{display:grid;grid-template-columns:repeat(var(--columns),minmax(160px,1fr));gap:24px;margin:12px 0}
        .column{display:flex;flex-direction:column;gap:8px}.node{border:2px solid var(--off);border-radius:6px;padding:6px 10px;color:var(--fg);text-decoration:none}
        .node.success{border-color:var(--ok)}.node.failure{border-color:var(--bad)}.node.running{border-color:var(--run)}.node.skipped,.node.cancelled{opacity:.6}
        .job{border:1px solid var(--line);border-radius:6px;margin:12px 0;padding:4px 12px}.step summary{cursor:pointer;padding:3px 0}
        .log{background:#0d1117;color:#e6edf3;font:12px/1.45 ui-monospace,monospace;padding:8px 12px;border-radius:4px;overflow-x:auto;max-height:70vh;overflow-y:auto}
        .line{white-space:pre-wrap;word-break:break-all}.line.note{color:#8b949e}.line.jobhead{color:#79c0ff}.group summary{color:#d2a8ff}
        .raw{font-size:12px;margin-left:8px}.log a{color:#58a6ff}
        .b{font-weight:700}.i{font-style:italic}.u{text-decoration:underline}
        .f30,.f90{color:#8b949e}.f31,.f91{color:#ff7b72}.f32,.f92{color:#3fb950}.f33,.f93{color:#d29922}.f34,.f94{color:#58a6ff}.f35,.f95{color:#bc8cff}
        .f36,.f96{color:#39c5cf}.f37,.f97{color:#f0f6fc}.g41{background:#490202}.g42{background:#04260f}.g43{background:#4b2900}
        .annotations li.error{color:var(--bad)}.annotations li.warning{color:var(--run)}.error{color:var(--bad)}
        .dispatch{display:flex;gap:10px;flex-wrap:wrap;align-items:end;margin:8px 0 16px}.login{display:flex;gap:10px;align-items:end}
        """

    static let javascript = """
        const Gaara = (() => {
          const esc = (s) => s.replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
          function ansi(line) {
            let out = '', classes = [], open = false;
            const parts = line.split(/\\u001b\\[([0-9;]*)m/);
            for (let i = 0; i < parts.length; i++) {
              if (i % 2 === 0) { out += esc(parts[i].replace(/\\u001b\\[[0-9;?]*[A-Za-z]/g, '')); continue; }
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
            for (const line of text.split('\\n')) {
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
              if (heading) heading.outerHTML = badge(detail.run.status, detail.run.conclusion);
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
              document.body.dataset.liveLines = String(parseInt(document.body.dataset.liveLines || '0', 10) + chunk.text.split('\\n').length - 1);
            });
            source.addEventListener('end', () => { source.close(); document.body.dataset.runStatus = 'completed'; setTimeout(() => location.reload(), 300); });
          }
          function liveList() {
            if (document.querySelector('.runs .badge.running, .runs .badge.queued')) setTimeout(() => location.reload(), 3000);
          }
          return { liveRun, liveList, ansi };
        })();
        """
}
