package dev.provpt.daemon;

/** The daemon's status page: the job table, refreshed every two seconds from GET /jobs. */
final class StatusPage {
  private StatusPage() {}

  static final String HTML = """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>provpt</title>
      <style>
        body { font-family: sans-serif; margin: 2em; }
        table { border-collapse: collapse; }
        td, th { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
        .failed { color: #b00; } .done { color: #070; } .running { color: #06c; }
      </style></head>
      <body>
      <h1>provpt jobs</h1>
      <table id="jobs"><thead><tr><th>id</th><th>name</th><th>state</th><th>epoch</th><th>best val acc</th>
      <th>error</th><th>plots</th></tr></thead><tbody></tbody></table>
      <script>
      async function refresh() {
        const jobs = await (await fetch('/jobs')).json();
        const body = document.querySelector('#jobs tbody');
        body.innerHTML = '';
        for (const j of jobs) {
          const row = document.createElement('tr');
          const cells = [j.id, j.name, j.state, j.epoch + ' / ' + j.epochs,
            j.best_val_acc == null ? '' : j.best_val_acc.toFixed(4), j.error || ''];
          for (const c of cells) { const td = document.createElement('td'); td.textContent = c; row.appendChild(td); }
          row.children[2].className = j.state;
          const plots = document.createElement('td');
          if (j.state === 'done') {
            plots.innerHTML = '<a href="/jobs/' + j.id + '/files/accuracy.png">accuracy</a> '
              + '<a href="/jobs/' + j.id + '/files/distribution.png">distribution</a>';
          }
          row.appendChild(plots);
          body.appendChild(row);
        }
      }
      refresh();
      setInterval(refresh, 2000);
      </script>
      </body></html>
      """;
}
