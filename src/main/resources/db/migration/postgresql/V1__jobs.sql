-- provpt's job store in cluster mode (PostgreSQL). Applied by Flyway when a node starts.

-- The one cluster this database belongs to, and the token of its shared runs directory
-- (written to <runs-dir>/.provpt-cluster by the first node; every node checks it at start).
CREATE TABLE cluster_identity (
  singleton INT PRIMARY KEY CHECK (singleton = 1),
  cluster_id TEXT NOT NULL,
  runs_token TEXT NOT NULL,
  created TEXT NOT NULL
);

CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  config TEXT NOT NULL,
  run_dir TEXT,
  epoch INT NOT NULL DEFAULT 0,
  epochs INT NOT NULL DEFAULT 0,
  best_val DOUBLE PRECISION,
  error TEXT,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  -- the node holding the job (its cluster address and incarnation), its fencing token, and the
  -- end of its lease in the database's milliseconds since the epoch
  owner TEXT,
  fence BIGINT NOT NULL DEFAULT 0,
  lease_until BIGINT,
  cancel_requested INT NOT NULL DEFAULT 0,
  -- set by sweep submissions: the same key is never queued twice
  submit_key TEXT UNIQUE
);

CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs (owner) WHERE state = 'running';

CREATE TABLE job_events (
  seq BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES jobs (id),
  fence BIGINT NOT NULL,
  state TEXT NOT NULL,
  node TEXT,
  at TEXT NOT NULL
);

CREATE INDEX job_events_job ON job_events (job_id);
