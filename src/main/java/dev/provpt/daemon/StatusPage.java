package dev.provpt.daemon;

/**
 * The daemon's status page: the job table and, per job, a live chart of validation accuracy per
 * epoch (inline SVG drawn from GET /jobs/N/metrics), refreshed every two seconds; on a cluster,
 * the node that holds each job.
 */
final class StatusPage {
  private StatusPage() {}

  static final String HTML = """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>provpt</title>
      <style>
        body { font-family: sans-serif; margin: 2em; }
        table { border-collapse: collapse; }
        td, th { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: middle; }
        .failed { color: #b00; } .done { color: #070; } .running { color: #06c; }
        svg.chart { background: #fafafa; border: 1px solid #eee; }
      </style></head>
      <body>
      <h1>provpt jobs</h1>
      <table id="jobs"><thead><tr><th>id</th><th>name</th><th>state</th><th>epoch</th><th>best val acc</th>
      <th>val acc per epoch</th><th>error</th><th>plots</th><th>node</th></tr></thead><tbody></tbody></table>
      <script>
      // A polyline of val_acc over epochs; the y range is [0, 1].
      function chart(lines, epochs) {
        const w = 160, h = 40, n = Math.max(epochs, lines.length, 2);
        const points = lines.map(l => ((l.epoch - 1) / (n - 1) * (w - 4) + 2).toFixed(1) + ','
          + (h - 2 - l.val_acc * (h - 4)).toFixed(1)).join(' ');
        return '<svg class="chart" width="' + w + '" height="' + h + '" data-points="' + lines.length + '">'
          + '<polyline fill="none" stroke="#06c" stroke-width="1.5" points="' + points + '"/></svg>';
      }
      async function metrics(id) {
        const response = await fetch('/jobs/' + id + '/metrics');
        if (!response.ok) return [];
        return (await response.text()).split('\\n').filter(l => l.trim()).map(l => JSON.parse(l));
      }
      async function refresh() {
        const jobs = await (await fetch('/jobs')).json();
        const body = document.querySelector('#jobs tbody');
        const rows = [];
        for (const j of jobs) {
          const row = document.createElement('tr');
          row.id = 'job-' + j.id;
          const cells = [j.id, j.name, j.state, j.epoch + ' / ' + j.epochs,
            j.best_val_acc == null ? '' : j.best_val_acc.toFixed(4)];
          for (const c of cells) { const td = document.createElement('td'); td.textContent = c; row.appendChild(td); }
          row.children[2].className = j.state;
          const plot = document.createElement('td');
          plot.innerHTML = chart(await metrics(j.id), j.epochs);
          row.appendChild(plot);
          const error = document.createElement('td');
          error.textContent = j.error || '';
          row.appendChild(error);
          const links = document.createElement('td');
          if (j.state === 'done') {
            links.innerHTML = '<a href="/jobs/' + j.id + '/files/accuracy.png">accuracy</a> '
              + '<a href="/jobs/' + j.id + '/files/distribution.png">distribution</a>';
          }
          row.appendChild(links);
          const node = document.createElement('td');
          // on a cluster: host:port of the node that holds (or last held) the job
          node.textContent = j.node && j.node.includes('@') ? j.node.substring(j.node.indexOf('@') + 1).split('#')[0] : '';
          row.appendChild(node);
          rows.push(row);
        }
        body.replaceChildren(...rows);
      }
      refresh();
      setInterval(refresh, 2000);
      </script>
      </body></html>
      """;
}
